// CSV export of readings: GET /api/v1/readings/export.csv?sensor=ID|org=CODE&from=&to=&level=
// raw|hour|day (docs/ingest-formats.md, "CSV export"). Authenticated and scoped: a sensor or an
// organisation outside the caller's scope is 404. The raw level is our import format
// (sensor_id,ts,pm1,pm2_5,pm10,temperature,humidity,pressure,co2) plus qa_flags, so that it
// round-trips through `ecotown import readings`; the hour and day levels carry the clean means
// with the completeness rules of open_data.h, the same figures as the OpenAQ API and the store.
// Raw and hour rows also carry the corrected PM2.5 of the calibration model valid at their time
// and that model's version (calibration::CorrectReading, CorrectHour); day rows the mean of their
// hours' corrected values and the versions of the models that made them (CorrectDays).
//
// The body is streamed (Response::stream): the handler checks the request, the scope and the row
// count (exports stop with 413 beyond max_rows, default and ceiling 5,000,000 rows, before any
// byte is sent), then ExportStream reads the store a page at a time (up to 100,000 readings, or
// a month of hours, or a year of days, of one sensor), each page in its own read transaction.
#include <algorithm>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/thai_calendar.h"
#include "http/api.h"
#include "http/open_data.h"
#include "modules/calibration/corrected_value.h"
#include "modules/readings/aggregate.h"

namespace ecotown::http {
namespace {

using readings::HourAggregate;
using readings::Reading;

constexpr int64_t kMaxExportRows = 5'000'000;
constexpr int64_t kReadBatchSamples = 100'000;  // readings decoded per store read
constexpr int64_t kRawWindow = 7 * 86400;        // hours looked at to plan one raw page
constexpr int64_t kHourWindow = 31 * 86400;      // hours of one hour-level page
constexpr int64_t kDayWindow = 366 * 86400;      // days of one day-level page (whole Bangkok days)
constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();
constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

enum class Level { kRaw, kHour, kDay };

struct ExportRequest {
  std::optional<int64_t> sensor_id;
  std::optional<std::string> org_code;
  int64_t from = 0;  // rows with from < time <= to (raw: ts; hour: hour end; day: 24:00 of the day)
  int64_t to = 0;
  Level level = Level::kRaw;
  int64_t max_rows = kMaxExportRows;
  bool bom = false;
};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kRaw:
      return "raw";
    case Level::kHour:
      return "hour";
    case Level::kDay:
      return "day";
  }
  return "raw";
}

Result<ExportRequest> ParseExportRequest(const Request& request) {
  ExportRequest out;
  const auto sensor = request.Query("sensor");
  const auto org = request.Query("org");
  if (sensor && org) return Status::Invalid("give sensor or org, not both", "org");
  if (!sensor && !org)
    return Status::Invalid("sensor (a sensor id) or org (an organisation code) is required", "sensor");
  if (sensor) {
    if (sensor->empty() || sensor->size() > 18 || sensor->find_first_not_of("0123456789") != std::string::npos) {
      return Status::Invalid("sensor must be a sensor id", "sensor");
    }
    out.sensor_id = std::stoll(*sensor);
  } else {
    if (org->empty()) return Status::Invalid("org must be an organisation code", "org");
    out.org_code = *org;
  }
  for (auto [name, target] : {std::pair{"from", &out.from}, std::pair{"to", &out.to}}) {
    const auto text = request.Query(name);
    if (!text || text->empty()) {
      return Status::Invalid(std::string(name) + " is required (Unix seconds, ISO 8601 or YYYY-MM-DD)", name);
    }
    const auto value = ParseQueryTime(*text);
    if (!value) return Status::Invalid(std::string(name) + " must be Unix seconds, ISO 8601 or YYYY-MM-DD", name);
    *target = *value;
  }
  if (out.to <= out.from) return Status::Invalid("to must be later than from", "to");
  const std::string level = request.Query("level").value_or("raw");
  if (level == "raw")
    out.level = Level::kRaw;
  else if (level == "hour")
    out.level = Level::kHour;
  else if (level == "day")
    out.level = Level::kDay;
  else
    return Status::Invalid("level must be raw, hour or day", "level");
  if (const auto max_rows = request.Query("max_rows")) {
    const bool digits =
        !max_rows->empty() && max_rows->size() <= 7 && max_rows->find_first_not_of("0123456789") == std::string::npos;
    out.max_rows = digits ? std::stoll(*max_rows) : 0;
    if (out.max_rows < 1 || out.max_rows > kMaxExportRows) {
      return Status::Invalid("max_rows must be 1..5000000", "max_rows");
    }
  }
  const std::string bom = request.Query("bom").value_or("0");
  if (bom == "1" || bom == "true")
    out.bom = true;
  else if (bom != "0" && bom != "false")
    return Status::Invalid("bom must be 0 or 1", "bom");
  return out;
}

// The CSV text of one page, one row at a time.
class CsvOut {
 public:
  explicit CsvOut(std::string& text) : text_(text) {}

  void Header(std::initializer_list<const char*> names) {
    for (const char* name : names) Text(name);
    End();
  }
  void End() {
    text_ += '\n';
    first_field_ = true;
  }

  void Text(std::string_view value) {
    Separator();
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
      text_ += value;
      return;
    }
    text_ += '"';
    for (char c : value) {
      if (c == '"') text_ += '"';
      text_ += c;
    }
    text_ += '"';
  }
  void Int(int64_t value) {
    Separator();
    text_ += std::to_string(value);
  }
  // The shortest text that reads back as the same double; "NaN" for a value that is not finite
  // (the importer keeps it as present and QA flags it again); empty when absent.
  void Number(const std::optional<double>& value) {
    Separator();
    if (!value) return;
    if (!std::isfinite(*value)) {
      text_ += "NaN";
      return;
    }
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, *value);
    text_.append(buf, result.ptr);
  }
  // The corrected value and its model's version; both empty without a model.
  void Corrected(const calibration::CorrectedValue& corrected) {
    Number(corrected.value);
    Separator();
    if (corrected.model != nullptr) text_ += std::to_string(corrected.model->version);
  }

 private:
  void Separator() {
    if (!first_field_) text_ += ',';
    first_field_ = false;
  }

  std::string& text_;
  bool first_field_ = true;
};

std::string FlagText(core::QaFlags flags) {
  std::string out;
  for (auto name : core::QaFlagNames(flags)) {
    if (!out.empty()) out += '|';
    out += name;
  }
  return out;
}

// One sensor to export and its calibration models.
struct ExportSensor {
  sensors::Sensor sensor;
  std::vector<calibration::CalibrationModel> models;
};

// The number of rows the export of one sensor gives, for the cap before anything is sent. Raw:
// the hours' sample counts, with the readings of the hours cut by from or to counted one by one.
Result<int64_t> CountRows(UnitOfWork& work, const ExportRequest& request, int64_t sensor_id) {
  constexpr int64_t kHour = readings::kHour;
  switch (request.level) {
    case Level::kRaw: {
      ASSIGN_OR_RETURN(auto hours, work.readings().Hours(sensor_id, readings::HourEndOf(request.from + 1) - kHour,
                                                         readings::HourEndOf(request.to)));
      int64_t rows = 0;
      for (const HourAggregate& h : hours) {
        if (h.hour_end - kHour >= request.from && h.hour_end <= request.to) {
          rows += h.samples;
          continue;
        }
        ASSIGN_OR_RETURN(auto cut, work.readings().Raw(sensor_id, std::max(request.from, h.hour_end - kHour),
                                                       std::min(request.to, h.hour_end), kNoLimit));
        rows += static_cast<int64_t>(cut.size());
      }
      return rows;
    }
    case Level::kHour: {
      ASSIGN_OR_RETURN(auto hours, work.readings().Hours(sensor_id, request.from, request.to));
      return static_cast<int64_t>(hours.size());
    }
    case Level::kDay: {
      ASSIGN_OR_RETURN(auto hours, work.readings().Hours(sensor_id, BangkokDayStart(request.from), request.to));
      int64_t rows = 0;
      for (const auto& day : DailyMeans(hours, Quantity::kPm25)) {
        if (day.day_end > request.from && day.day_end <= request.to) ++rows;
      }
      return rows;
    }
  }
  return 0;
}

// The export of one request, a page at a time (BodyStream). Each page is read in its own read
// transaction under the caller's scope, so a long export holds no transaction between pages
// (rows written meanwhile may or may not appear, as with paging through the API).
class ExportStream : public BodyStream {
 public:
  ExportStream(Transactor& transactor, tenancy::Scope scope, RequestInfo info, ExportRequest request,
               std::vector<ExportSensor> sensors)
      : transactor_(transactor),
        scope_(std::move(scope)),
        info_(std::move(info)),
        request_(std::move(request)),
        sensors_(std::move(sensors)) {
    StartSensor();
  }

  bool Next(std::string& out) override {
    if (!header_written_) {
      header_written_ = true;
      if (request_.bom) out += kUtf8Bom;
      WriteHeader(out);
      return true;
    }
    if (failed_ || current_ >= sensors_.size()) return false;
    const Status status = transactor_.Read(scope_, info_, [&](UnitOfWork& work) { return Page(work, out); });
    if (!status.ok()) {
      failed_ = true;
      return false;
    }
    return true;
  }
  bool Failed() const override { return failed_; }

 private:
  void WriteHeader(std::string& text) const {
    CsvOut out(text);
    switch (request_.level) {
      case Level::kRaw:
        out.Header({"sensor_id", "ts", "pm1", "pm2_5", "pm10", "temperature", "humidity", "pressure", "co2", "qa_flags",
                    "pm2_5_corrected", "calibration_version"});
        break;
      case Level::kHour:
        out.Header({"sensor_id", "sensor_name", "hour_start", "hour_end", "pm2_5", "pm10", "temperature", "humidity",
                    "samples", "expected_samples", "flagged", "qa_flags", "pm2_5_corrected", "calibration_version"});
        break;
      case Level::kDay:
        out.Header({"sensor_id", "sensor_name", "date", "pm2_5", "pm10", "temperature", "humidity", "pm2_5_hours",
                    "samples", "flagged", "pm2_5_corrected", "calibration_version"});
        break;
    }
  }

  // Where the pages of the current sensor start: the day level reads whole Bangkok days.
  void StartSensor() { cursor_ = request_.level == Level::kDay ? BangkokDayStart(request_.from) : request_.from; }

  // The next page of the current sensor; moves to the next sensor at the end of the period.
  Status Page(UnitOfWork& work, std::string& text) {
    const ExportSensor& current = sensors_[current_];
    CsvOut out(text);
    switch (request_.level) {
      case Level::kRaw:
        RETURN_IF_ERROR(RawPage(work, current, out));
        break;
      case Level::kHour:
        RETURN_IF_ERROR(HourPage(work, current, out));
        break;
      case Level::kDay:
        RETURN_IF_ERROR(DayPage(work, current, out));
        break;
    }
    if (cursor_ >= request_.to) {
      ++current_;
      StartSensor();
    }
    return Status::Ok();
  }

  // Stored readings with cursor < ts <= page end, flagged ones included: the hours of the next
  // week whose samples add up to at most kReadBatchSamples (at least one hour).
  Status RawPage(UnitOfWork& work, const ExportSensor& current, CsvOut& out) {
    constexpr int64_t kHour = readings::kHour;
    const int64_t window_end = std::min(request_.to, cursor_ + kRawWindow);
    ASSIGN_OR_RETURN(auto hours, work.readings().Hours(current.sensor.id, readings::HourEndOf(cursor_ + 1) - kHour,
                                                       readings::HourEndOf(window_end)));
    int64_t page_end = window_end;
    int64_t samples = 0;
    for (size_t i = 0; i < hours.size(); ++i) {
      if (i > 0 && samples + hours[i].samples > kReadBatchSamples) {
        page_end = std::min(window_end, hours[i - 1].hour_end);
        break;
      }
      samples += hours[i].samples;
    }
    if (!hours.empty()) {
      ASSIGN_OR_RETURN(auto rows, work.readings().Raw(current.sensor.id, cursor_, page_end, kNoLimit));
      for (const Reading& r : rows) {
        out.Text(current.sensor.code);
        out.Text(IsoBangkok(r.ts));
        out.Number(r.pm1);
        out.Number(r.pm2_5);
        out.Number(r.pm10);
        out.Number(r.temperature_c);
        out.Number(r.humidity_pct);
        out.Number(r.pressure_hpa);
        out.Number(r.co2_ppm);
        out.Text(FlagText(r.flags));
        out.Corrected(calibration::CorrectReading(current.models, r));
        out.End();
      }
    }
    cursor_ = page_end;
    return Status::Ok();
  }

  // Stored hours with cursor < hour end <= page end, with the means of their complete quantities.
  Status HourPage(UnitOfWork& work, const ExportSensor& current, CsvOut& out) {
    const int64_t page_end = std::min(request_.to, cursor_ + kHourWindow);
    ASSIGN_OR_RETURN(auto hours, work.readings().Hours(current.sensor.id, cursor_, page_end));
    for (const HourAggregate& h : hours) {
      out.Text(current.sensor.code);
      out.Text(current.sensor.name);
      out.Text(IsoBangkok(h.hour_end - readings::kHour));
      out.Text(IsoBangkok(h.hour_end));
      out.Number(HourlyMean(h, Quantity::kPm25));
      out.Number(HourlyMean(h, Quantity::kPm10));
      out.Number(HourlyMean(h, Quantity::kTemperature));
      out.Number(HourlyMean(h, Quantity::kRelativeHumidity));
      out.Int(h.samples);
      out.Int(h.expected_samples);
      out.Int(h.flagged);
      out.Text(FlagText(h.flags));
      out.Corrected(calibration::CorrectHour(current.models, h));
      out.End();
    }
    cursor_ = page_end;
    return Status::Ok();
  }

  // Bangkok days whose 24:00 lies in (from, to] and in this page's whole days, with the daily means.
  Status DayPage(UnitOfWork& work, const ExportSensor& current, CsvOut& out) {
    const int64_t page_end = std::min(request_.to, cursor_ + kDayWindow);
    ASSIGN_OR_RETURN(auto hours, work.readings().Hours(current.sensor.id, cursor_, page_end));
    const auto pm25 = DailyMeans(hours, Quantity::kPm25);
    const auto pm10 = DailyMeans(hours, Quantity::kPm10);
    const auto temperature = DailyMeans(hours, Quantity::kTemperature);
    const auto humidity = DailyMeans(hours, Quantity::kRelativeHumidity);
    const auto corrected = calibration::CorrectDays(current.models, hours);
    for (size_t i = 0; i < pm25.size(); ++i) {  // the same days in the same order (readings::SplitByDay)
      if (pm25[i].day_end <= request_.from || pm25[i].day_end > request_.to) continue;
      out.Text(current.sensor.code);
      out.Text(current.sensor.name);
      out.Text(pm25[i].date);
      out.Number(pm25[i].mean);
      out.Number(pm10[i].mean);
      out.Number(temperature[i].mean);
      out.Number(humidity[i].mean);
      out.Int(static_cast<int64_t>(pm25[i].hourly.size()));
      out.Int(pm25[i].samples);
      out.Int(pm25[i].flagged);
      out.Number(corrected[i].mean);
      std::string versions;  // the models of the day's corrected hours: "1", or "1|2" across a change
      for (int v : corrected[i].versions) versions += (versions.empty() ? "" : "|") + std::to_string(v);
      out.Text(versions);
      out.End();
    }
    cursor_ = page_end;
    return Status::Ok();
  }

  Transactor& transactor_;
  const tenancy::Scope scope_;
  const RequestInfo info_;
  const ExportRequest request_;
  const std::vector<ExportSensor> sensors_;
  size_t current_ = 0;  // index into sensors_
  int64_t cursor_ = 0;  // the current sensor is exported up to here (Unix s)
  bool header_written_ = false;
  bool failed_ = false;
};

// Letters, digits, '-' and '_' of a code; anything else becomes '_'.
std::string FileNamePart(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool safe =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    out += safe ? c : '_';
  }
  return out;
}

}  // namespace

void RegisterExportRoutes(Router& router) {
  router.Add("GET", "/api/v1/readings/export.csv", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const ExportRequest request, ParseExportRequest(call.request));
    std::string subject;
    std::vector<ExportSensor> chosen;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      if (request.sensor_id) {
        ASSIGN_OR_RETURN(auto sensor, work.sensors().Get(*request.sensor_id));
        subject = sensor.code;
        chosen.push_back({std::move(sensor), {}});
      } else {
        auto org = work.orgs().FindByCode(*request.org_code);
        if (!org.ok()) return Status::NotFound("organisation not found");
        RETURN_IF_ERROR(work.scope().RequireRead(org->id, "organisation"));
        subject = org->code;
        ASSIGN_OR_RETURN(auto all, work.sensors().List(std::nullopt));  // ordered by code
        for (auto& sensor : all) {
          if (sensor.org_id == org->id) chosen.push_back({std::move(sensor), {}});
        }
      }
      int64_t rows = 0;
      for (auto& [sensor, models] : chosen) {
        ASSIGN_OR_RETURN(const int64_t sensor_rows, CountRows(work, request, sensor.id));
        rows += sensor_rows;
        if (rows > request.max_rows) {
          return Status::TooLarge("the export would have more than " + std::to_string(request.max_rows) +
                                  " rows; choose a shorter period (from, to), one sensor or the hour or day level");
        }
        ASSIGN_OR_RETURN(models, work.calibrations().List(sensor.id));
      }
      return Status::Ok();
    }));
    const std::string file = "ecotown-" + FileNamePart(subject) + "-" + LevelName(request.level) + "-" +
                             readings::DayKey(core::BangkokDateOf(request.from)) + "-" +
                             readings::DayKey(core::BangkokDateOf(request.to - 1)) + ".csv";
    Response response = Response::Text(200, "", "text/csv; charset=utf-8");
    response.stream =
        std::make_shared<ExportStream>(call.transactor, call.Scope(), call.info, request, std::move(chosen));
    response.AddHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
    return response;
  });
}

}  // namespace ecotown::http
