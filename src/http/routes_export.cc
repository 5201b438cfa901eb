// CSV export of readings: GET /api/v1/readings/export.csv?sensor=ID|org=CODE&from=&to=&level=
// raw|hour|day (docs/ingest-formats.md, "CSV export"). Authenticated and scoped: a sensor or an
// organisation outside the caller's scope is 404. The raw level is our import format
// (sensor_id,ts,pm1,pm2_5,pm10,temperature,humidity,pressure,co2) plus qa_flags, so that it
// round-trips through `ecotown import readings`; the hour and day levels carry the clean means
// with the completeness rules of open_data.h, the same figures as the OpenAQ API and the store.
//
// The text is built row by row into one buffer, reading the store in batches of hours, so that a
// streaming response needs only a different sink. Exports stop with 413 beyond max_rows (default
// and ceiling 5,000,000 rows).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/thai_calendar.h"
#include "http/api.h"
#include "http/open_data.h"
#include "modules/readings/aggregate.h"

namespace ecotown::http {
namespace {

using readings::HourAggregate;
using readings::Reading;

constexpr int64_t kMaxExportRows = 5'000'000;
constexpr int64_t kReadBatchSamples = 100'000;  // readings decoded per store read
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

// The CSV text, one row at a time, with the row cap.
class CsvOut {
 public:
  CsvOut(int64_t max_rows, bool bom) : max_rows_(max_rows) {
    if (bom) text_ = kUtf8Bom;
  }

  void Header(std::initializer_list<const char*> names) {
    bool first = true;
    for (const char* name : names) {
      if (!first) text_ += ',';
      text_ += name;
      first = false;
    }
    text_ += '\n';
  }

  // Starts a data row; TooLarge beyond the cap.
  Status Row() {
    if (++rows_ > max_rows_) {
      return Status::TooLarge("the export would have more than " + std::to_string(max_rows_) +
                              " rows; choose a shorter period (from, to), one sensor or the hour or day level");
    }
    first_field_ = true;
    return Status::Ok();
  }
  void End() { text_ += '\n'; }

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

  int64_t rows() const { return rows_; }
  std::string Take() { return std::move(text_); }

 private:
  void Separator() {
    if (!first_field_) text_ += ',';
    first_field_ = false;
  }

  int64_t max_rows_;
  int64_t rows_ = 0;
  bool first_field_ = true;
  std::string text_;
};

std::string FlagText(core::QaFlags flags) {
  std::string out;
  for (auto name : core::QaFlagNames(flags)) {
    if (!out.empty()) out += '|';
    out += name;
  }
  return out;
}

// Every stored reading with from < ts <= to, flagged ones included, read a batch of hours at a time.
Status ExportRaw(UnitOfWork& work, const sensors::Sensor& sensor, int64_t from, int64_t to, CsvOut& out) {
  constexpr int64_t kHour = readings::kHour;
  ASSIGN_OR_RETURN(auto hours,
                   work.readings().Hours(sensor.id, readings::HourEndOf(from + 1) - kHour, readings::HourEndOf(to)));
  size_t i = 0;
  while (i < hours.size()) {
    size_t j = i;
    int64_t samples = 0;
    while (j < hours.size() && (j == i || samples + hours[j].samples <= kReadBatchSamples))
      samples += hours[j++].samples;
    ASSIGN_OR_RETURN(auto rows, work.readings().Raw(sensor.id, std::max(from, hours[i].hour_end - kHour),
                                                    std::min(to, hours[j - 1].hour_end), kNoLimit));
    for (const Reading& r : rows) {
      RETURN_IF_ERROR(out.Row());
      out.Text(sensor.code);
      out.Text(IsoBangkok(r.ts));
      out.Number(r.pm1);
      out.Number(r.pm2_5);
      out.Number(r.pm10);
      out.Number(r.temperature_c);
      out.Number(r.humidity_pct);
      out.Number(r.pressure_hpa);
      out.Number(r.co2_ppm);
      out.Text(FlagText(r.flags));
      out.End();
    }
    i = j;
  }
  return Status::Ok();
}

// Every stored hour with from < hour end <= to, with the means of its complete quantities.
Status ExportHours(UnitOfWork& work, const sensors::Sensor& sensor, int64_t from, int64_t to, CsvOut& out) {
  ASSIGN_OR_RETURN(auto hours, work.readings().Hours(sensor.id, from, to));
  for (const HourAggregate& h : hours) {
    RETURN_IF_ERROR(out.Row());
    out.Text(sensor.code);
    out.Text(sensor.name);
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
    out.End();
  }
  return Status::Ok();
}

// Every Bangkok day with a stored hour whose end (24:00) lies in (from, to], with the daily means.
Status ExportDays(UnitOfWork& work, const sensors::Sensor& sensor, int64_t from, int64_t to, CsvOut& out) {
  ASSIGN_OR_RETURN(auto hours, work.readings().Hours(sensor.id, BangkokDayStart(from), to));
  const auto pm25 = DailyMeans(hours, Quantity::kPm25);
  const auto pm10 = DailyMeans(hours, Quantity::kPm10);
  const auto temperature = DailyMeans(hours, Quantity::kTemperature);
  const auto humidity = DailyMeans(hours, Quantity::kRelativeHumidity);
  for (size_t i = 0; i < pm25.size(); ++i) {  // the same days, in the same order, for every quantity
    if (pm25[i].day_end <= from || pm25[i].day_end > to) continue;
    RETURN_IF_ERROR(out.Row());
    out.Text(sensor.code);
    out.Text(sensor.name);
    out.Text(pm25[i].date);
    out.Number(pm25[i].mean);
    out.Number(pm10[i].mean);
    out.Number(temperature[i].mean);
    out.Number(humidity[i].mean);
    out.Int(static_cast<int64_t>(pm25[i].hourly.size()));
    out.Int(pm25[i].samples);
    out.Int(pm25[i].flagged);
    out.End();
  }
  return Status::Ok();
}

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
    CsvOut out(request.max_rows, request.bom);
    switch (request.level) {
      case Level::kRaw:
        out.Header(
            {"sensor_id", "ts", "pm1", "pm2_5", "pm10", "temperature", "humidity", "pressure", "co2", "qa_flags"});
        break;
      case Level::kHour:
        out.Header({"sensor_id", "sensor_name", "hour_start", "hour_end", "pm2_5", "pm10", "temperature", "humidity",
                    "samples", "expected_samples", "flagged", "qa_flags"});
        break;
      case Level::kDay:
        out.Header({"sensor_id", "sensor_name", "date", "pm2_5", "pm10", "temperature", "humidity", "pm2_5_hours",
                    "samples", "flagged"});
        break;
    }
    std::string subject;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      std::vector<sensors::Sensor> chosen;
      if (request.sensor_id) {
        ASSIGN_OR_RETURN(auto sensor, work.sensors().Get(*request.sensor_id));
        subject = sensor.code;
        chosen.push_back(std::move(sensor));
      } else {
        auto org = work.orgs().FindByCode(*request.org_code);
        if (!org.ok()) return Status::NotFound("organisation not found");
        RETURN_IF_ERROR(work.scope().RequireRead(org->id, "organisation"));
        subject = org->code;
        ASSIGN_OR_RETURN(auto all, work.sensors().List(std::nullopt));  // ordered by code
        for (auto& sensor : all) {
          if (sensor.org_id == org->id) chosen.push_back(std::move(sensor));
        }
      }
      for (const auto& sensor : chosen) {
        switch (request.level) {
          case Level::kRaw:
            RETURN_IF_ERROR(ExportRaw(work, sensor, request.from, request.to, out));
            break;
          case Level::kHour:
            RETURN_IF_ERROR(ExportHours(work, sensor, request.from, request.to, out));
            break;
          case Level::kDay:
            RETURN_IF_ERROR(ExportDays(work, sensor, request.from, request.to, out));
            break;
        }
      }
      return Status::Ok();
    }));
    const std::string file = "ecotown-" + FileNamePart(subject) + "-" + LevelName(request.level) + "-" +
                             readings::DayKey(core::BangkokDateOf(request.from)) + "-" +
                             readings::DayKey(core::BangkokDateOf(request.to - 1)) + ".csv";
    Response response = Response::Text(200, out.Take(), "text/csv; charset=utf-8");
    response.AddHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
    return response;
  });
}

}  // namespace ecotown::http
