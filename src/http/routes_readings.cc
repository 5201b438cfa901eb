// The readings read API: each sensor's status now (map, network health), hourly, daily, monthly
// and annual series of a sensor, raw readings, organisation reports and ingest events (CSV export
// is in routes_export.cc, the public page's API in routes_public.cc). Times in and out are Unix seconds (UTC); dates and months are Bangkok calendar
// periods. "raw" statistics are the in-range PM2.5 samples over [start, end) with no QA
// exclusion and no completeness rule (open data, the shared benchmark); the default statistics
// are QA-clean means with the 75 % completeness rule and their coverage.
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/aqi.h"
#include "core/qa.h"
#include "http/api.h"
#include "http/json_writer.h"
#include "http/public_answer_cache.h"
#include "modules/calibration/corrected_value.h"
#include "modules/orgs/org.h"
#include "modules/readings/aggregate.h"
#include "modules/readings/reading_queries.h"
#include "modules/sensors/sensor_service.h"

namespace ecotown::http {
namespace {

using nlohmann::json;
using readings::Reading;

constexpr int64_t kMaxRawRows = 100'000;
constexpr int64_t kMaxSeriesSeconds = 400LL * 86400;

json Opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json FlagNames(core::QaFlags flags) {
  json names = json::array();
  for (auto name : core::QaFlagNames(flags)) names.push_back(std::string(name));
  return names;
}

// The fields of a reading's JSON, in order: put(name, optional value) for each measured value.
template <typename Put>
void ReadingValues(const Reading& r, Put&& put) {
  put("pm1", r.pm1);
  put("pm2_5", r.pm2_5);
  put("pm10", r.pm10);
  put("pm2_5_b", r.pm2_5_b);
  put("pm10_b", r.pm10_b);
  put("pm2_5_cf1", r.pm2_5_cf1);
  put("temperature", r.temperature_c);
  put("humidity", r.humidity_pct);
  put("pressure", r.pressure_hpa);
  put("co2", r.co2_ppm);
}

json ReadingJson(const Reading& r) {
  json out = {{"ts", r.ts}, {"source", readings::SourceName(r.source)}, {"flags", FlagNames(r.flags)}};
  ReadingValues(r, [&](const char* name, const std::optional<double>& v) {
    if (v) out[name] = std::isfinite(*v) ? json(*v) : json(nullptr);
  });
  if (r.pm2_5 && !std::isfinite(*r.pm2_5)) out["pm2_5_not_finite"] = true;
  return out;
}

// The same object as ReadingJson, streamed (members in nlohmann's sorted key order are not
// promised to clients; the field set and values are the same).
void WriteReading(JsonWriter& w, const Reading& r) {
  w.BeginObject().Key("ts").Int(r.ts).Key("source").String(readings::SourceName(r.source)).Key("flags").BeginArray();
  for (auto name : core::QaFlagNames(r.flags)) w.String(name);
  w.EndArray();
  ReadingValues(r, [&](const char* name, const std::optional<double>& v) {
    if (v) w.Key(name).Number(*v);  // null when not finite
  });
  if (r.pm2_5 && !std::isfinite(*r.pm2_5)) w.Key("pm2_5_not_finite").Bool(true);
  w.EndObject();
}

json AqiJson(const std::optional<core::Aqi>& aqi, core::AqiScale scale) {
  if (!aqi) return nullptr;
  json out = {{"aqi", aqi->value}, {"level", aqi->level}, {"above_table", aqi->above_table}};
  if (auto category = core::AqiCategoryOf(scale, aqi->level); category.ok()) {
    out["category"] = std::string(category->name_en);
    out["category_th"] = std::string(category->name_th);
    out["color"] = std::string(category->colour_hex);
  }
  return out;
}

json SensorNowJson(const readings::SensorNow& s, bool with_private) {
  json out = {{"sensor_id", s.sensor.id},
              {"code", s.sensor.code},
              {"name", s.sensor.name},
              {"model", sensors::ModelName(s.sensor.model)},
              {"is_reference", s.sensor.is_reference},
              {"lat", s.sensor.lat},
              {"lon", s.sensor.lon},
              {"maintenance", s.sensor.maintenance},
              {"stale", s.stale},
              {"hour_end", s.hour_end},
              {"pm25_hour", Opt(s.pm25_hour)},
              {"pm25_nowcast", Opt(s.pm25_nowcast)},
              {"pm25_24h", Opt(s.pm25_24h)},
              {"pm10_24h", Opt(s.pm10_24h)},
              {"pm25_24h_coverage", s.pm25_24h_coverage},
              {"thai_aqi", AqiJson(s.thai_aqi, core::AqiScale::kThai)},
              {"us_aqi", AqiJson(s.us_aqi, core::AqiScale::kUs)},
              {"latest", s.latest.latest ? ReadingJson(*s.latest.latest) : json(nullptr)},
              {"latest_valid", s.latest.latest_valid ? ReadingJson(*s.latest.latest_valid) : json(nullptr)}};
  if (with_private) out["received_at"] = s.latest.received_at;
  return out;
}

// The calibration model that made a corrected value, as the sensor page and exports name it.
json ModelJson(const calibration::CorrectedValue& corrected) {
  if (corrected.model == nullptr) return nullptr;
  return {{"id", corrected.model->id},
          {"version", corrected.model->version},
          {"kind", calibration::ModelKindName(corrected.model->kind)},
          {"input", corrected.input}};
}

json HourJson(const readings::HourAggregate& h, const std::vector<calibration::CalibrationModel>& models) {
  const auto corrected = calibration::CorrectHour(models, h);
  return {{"hour_end", h.hour_end},
          {"samples", h.samples},
          {"expected", h.expected_samples},
          {"flagged", h.flagged},
          {"flags", FlagNames(h.flags)},
          {"coverage", h.coverage()},
          {"pm25", Opt(h.pm25_mean())},
          {"pm10", Opt(h.pm10_mean())},
          {"pm25_raw", Opt(h.pm25_in_range.mean())},
          {"pm25_cf1", Opt(h.pm25_cf1_mean())},
          {"pm25_24h", Opt(h.pm25_24h)},
          {"pm25_nowcast", Opt(h.pm25_nowcast)},
          {"humidity", Opt(h.humidity.mean())},
          {"temperature", Opt(h.temperature.mean())},
          {"pm25_corrected", Opt(corrected.value)},
          {"calibration", ModelJson(corrected)}};
}

json DayJson(const readings::DayAggregate& d) {
  return {{"date", d.date},         {"samples", d.samples},      {"flagged", d.flagged},
          {"coverage", d.coverage()}, {"pm25", Opt(d.pm25_mean())}, {"pm10", Opt(d.pm10_mean())},
          {"complete_hours", d.pm25_hours.count}};
}

// A sensor's day with its corrected PM2.5 (`corrected` null: no model covers any of its hours).
json DayJson(const readings::DayAggregate& d, const calibration::CorrectedDay* corrected) {
  json out = DayJson(d);
  out["pm25_corrected"] = corrected ? Opt(corrected->mean) : json(nullptr);
  out["corrected_hours"] = corrected ? corrected->hours : 0;
  out["calibration_versions"] = corrected ? json(corrected->versions) : json::array();
  return out;
}

json MonthJson(const readings::MonthAggregate& m) {
  return {{"month", m.month},          {"samples", m.samples},      {"flagged", m.flagged},
          {"coverage", m.coverage()},  {"pm25", Opt(m.pm25_mean())}, {"pm10", Opt(m.pm10_mean())},
          {"valid_days", m.pm25_days.count}, {"days_in_month", m.days_in_month}};
}

Result<int64_t> TimeQuery(const Call& call, const char* name, std::optional<int64_t> fallback = std::nullopt) {
  auto text = call.request.Query(name);
  if (!text || text->empty()) {
    if (fallback) return *fallback;
    return Status::Invalid(std::string(name) + " is required (Unix seconds)", name);
  }
  char* end = nullptr;
  const long long v = std::strtoll(text->c_str(), &end, 10);
  if (end == text->c_str() || *end != '\0' || v < 0) {
    return Status::Invalid(std::string(name) + " must be Unix seconds", name);
  }
  return static_cast<int64_t>(v);
}

// "YYYY-MM-DD" (length 10) or "YYYY-MM" (length 7), checked for shape.
Result<std::string> PeriodQuery(const Call& call, const char* name, size_t length, const std::string& fallback) {
  auto text = call.request.Query(name);
  if (!text || text->empty()) return fallback;
  bool ok = text->size() == length;
  for (size_t i = 0; ok && i < length; ++i) {
    ok = (i == 4 || i == 7) ? (*text)[i] == '-' : std::isdigit(static_cast<unsigned char>((*text)[i])) != 0;
  }
  if (!ok) return Status::Invalid(std::string(name) + (length == 10 ? " must be YYYY-MM-DD" : " must be YYYY-MM"), name);
  return *text;
}

// The organisation a request names with ?org=CODE, else the caller's own.
Result<int64_t> OrgOf(Call& call, UnitOfWork& work) {
  auto code = call.request.Query("org");
  if (!code || code->empty()) {
    if (!call.auth) return Status::Invalid("org is required", "org");
    return call.Scope().principal().org_id;
  }
  // The caller's own organisation needs no lookup: its code came with the token or session.
  if (call.auth && *code == call.Scope().principal().org_code) return call.Scope().principal().org_id;
  auto org = work.orgs().FindByCode(*code);
  if (!org.ok()) return Status::NotFound("organisation not found");
  RETURN_IF_ERROR(work.scope().RequireRead(org->id, "organisation"));
  return org->id;
}

bool RawStatistic(const Call& call) { return call.request.Query("statistic").value_or("") == "raw"; }

}  // namespace

void RegisterReadingRoutes(Router& router, std::shared_ptr<PublicAnswerCache> answers) {
  // Each sensor's status now: the live map and network health page.
  router.Add("GET", "/api/v1/readings/now", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const int64_t org, OrgOf(call, work));
      ASSIGN_OR_RETURN(auto status, readings::CurrentStatus(work, org, call.info.now));
      for (const auto& s : status) items.push_back(SensorNowJson(s, true));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"now", call.info.now}, {"items", items}}).dump());
  });

  // The latest valid reading of every sensor and its raw mean over the 24 h before `end`. The live
  // map asks it all the time, so the answer is kept under the LAO's readings change counter
  // (ReadingStore::ChangeVersion, read before the data: public_answer_cache.h) until the LAO's
  // readings change; an answer older than the counter is never served here.
  router.Add("GET", "/api/v1/readings/latest", Access::kAuthenticated, [answers](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t end, TimeQuery(call, "end", readings::HourEndOf(call.info.now)));
    std::optional<Response> answer;
    RETURN_IF_ERROR(call.ReadEach([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const int64_t org, OrgOf(call, work));
      const std::string key = "readings/latest\n" + std::to_string(org) + '\n' + std::to_string(end);
      int64_t version = 0;
      if (answers->enabled()) {
        ASSIGN_OR_RETURN(version, work.readings().ChangeVersion(org));
        auto found = answers->Find(key, version, call.info.now);
        if (found.answer && !found.stale) {
          answer = std::move(found.answer);
          return Status::Ok();
        }
      }
      ASSIGN_OR_RETURN(auto windows, readings::RawDayWindow(work, org, end));
      JsonWriter w;
      w.Reserve(windows.size() * 240 + 64);
      w.BeginObject().Key("end").Int(end).Key("items").BeginArray();
      for (const auto& window : windows) {
        w.BeginObject().Key("sensor_id").Int(window.sensor_id).Key("code").String(window.code);
        w.Key("pm25_24h_raw").Number(window.pm25.mean()).Key("samples_24h").Int(window.pm25.count);
        w.Key("latest_valid");
        if (window.latest_valid) WriteReading(w, *window.latest_valid);
        else w.Null();
        w.EndObject();
      }
      answer = answers->Put(key, version, std::numeric_limits<int64_t>::max(),
                            Response::Json(200, w.EndArray().EndObject().Take()));
      return Status::Ok();
    }));
    return std::move(*answer);
  });

  router.Add("GET", "/api/v1/sensors/{id}/now", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto sensor, sensors::SensorService().Get(work, id));
      ASSIGN_OR_RETURN(auto status, readings::SensorStatusNow(work, sensor, call.info.now));
      out = SensorNowJson(status, true);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  // Hourly series. ?statistic=raw answers in-range means of hours [start, start + 1 h), labelled
  // by their start; otherwise time-ending hours with clean means, coverage and flags.
  router.Add("GET", "/api/v1/sensors/{id}/hours", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    ASSIGN_OR_RETURN(const int64_t to, TimeQuery(call, "to", readings::HourEndOf(call.info.now)));
    ASSIGN_OR_RETURN(const int64_t from, TimeQuery(call, "from", to - 86400));
    if (to < from || to - from > kMaxSeriesSeconds) return Status::Invalid("from..to must span at most 400 days", "to");
    std::string out;
    RETURN_IF_ERROR(call.ReadEach([&](UnitOfWork& work) -> Status {
      JsonWriter w;
      w.BeginObject().Key("sensor_id").Int(id).Key("from").Int(from).Key("to").Int(to).Key("items").BeginArray();
      if (RawStatistic(call)) {
        ASSIGN_OR_RETURN(auto hours, readings::RawHoursByStart(work, id, from, to));
        w.Reserve(hours.size() * 64 + 100);
        for (const auto& h : hours) {
          w.BeginObject().Key("hour_start").Int(h.start).Key("pm25_raw").Number(*h.pm25.mean());
          w.Key("samples").Int(h.pm25.count).EndObject();
        }
      } else {
        ASSIGN_OR_RETURN(auto hours, work.readings().Hours(id, from, to));
        std::vector<calibration::CalibrationModel> models;
        if (!hours.empty()) {
          ASSIGN_OR_RETURN(models, work.calibrations().List(id));
        }
        for (const auto& h : hours) w.Raw(HourJson(h, models).dump());
      }
      out = w.EndArray().EndObject().Take();
      return Status::Ok();
    }));
    return Response::Json(200, std::move(out));
  });

  router.Add("GET", "/api/v1/sensors/{id}/days", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    ASSIGN_OR_RETURN(const std::string from, PeriodQuery(call, "from", 10, "0000-01-01"));
    ASSIGN_OR_RETURN(const std::string to, PeriodQuery(call, "to", 10, "9999-12-31"));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto days, work.readings().Days(id, from, to));
      // Corrected daily means from the days' hours, when the sensor has a calibration model.
      std::map<std::string, calibration::CorrectedDay> corrected;
      if (!days.empty()) {
        ASSIGN_OR_RETURN(auto models, work.calibrations().List(id));
        if (!models.empty()) {
          ASSIGN_OR_RETURN(auto hours, work.readings().Hours(id, days.front().day_end - 24 * readings::kHour,
                                                             days.back().day_end));
          for (auto& day : calibration::CorrectDays(models, hours)) corrected.emplace(day.date, std::move(day));
        }
      }
      for (const auto& d : days) {
        const auto it = corrected.find(d.date);
        items.push_back(DayJson(d, it == corrected.end() ? nullptr : &it->second));
      }
      return Status::Ok();
    }));
    return Response::Json(200, json({{"sensor_id", id}, {"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/sensors/{id}/months", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    ASSIGN_OR_RETURN(const std::string from, PeriodQuery(call, "from", 7, "0000-01"));
    ASSIGN_OR_RETURN(const std::string to, PeriodQuery(call, "to", 7, "9999-12"));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto months, work.readings().Months(id, from, to));
      for (const auto& m : months) items.push_back(MonthJson(m));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"sensor_id", id}, {"items", items}}).dump());
  });

  // Annual means (from the stored monthly aggregates), e.g. against the Thai annual PM2.5 standard.
  router.Add("GET", "/api/v1/sensors/{id}/years", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto months, work.readings().Months(id, "0000-01", "9999-12"));
      for (const auto& y : readings::AnnualMeans(months)) {
        items.push_back({{"year", y.year}, {"pm25", Opt(y.pm25)}, {"pm10", Opt(y.pm10)}, {"valid_days", y.valid_days},
                         {"days_in_year", y.days_in_year}, {"coverage", y.coverage}, {"samples", y.samples}});
      }
      return Status::Ok();
    }));
    return Response::Json(200, json({{"sensor_id", id}, {"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/sensors/{id}/readings", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    ASSIGN_OR_RETURN(const int64_t to, TimeQuery(call, "to", call.info.now));
    ASSIGN_OR_RETURN(const int64_t from, TimeQuery(call, "from", to - 86400));
    ASSIGN_OR_RETURN(const int64_t limit, TimeQuery(call, "limit", 10'000));
    if (limit < 1 || limit > kMaxRawRows) return Status::Invalid("limit must be 1..100000", "limit");
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto rows, work.readings().Raw(id, from, to, limit));
      for (const auto& r : rows) items.push_back(ReadingJson(r));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"sensor_id", id}, {"items", items}}).dump());
  });

  // Daily report of every sensor of an organisation: daily means and days above the Thai 24-h
  // PM2.5 standard (37.5 µg/m³). ?statistic=raw: in-range means of whole calendar days.
  router.Add("GET", "/api/v1/reports/daily", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const std::string from, PeriodQuery(call, "from", 10, "0000-01-01"));
    ASSIGN_OR_RETURN(const std::string to, PeriodQuery(call, "to", 10, "9999-12-31"));
    constexpr double kThaiPm25Daily = 37.5;
    std::string out;
    RETURN_IF_ERROR(call.ReadEach([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const int64_t org, OrgOf(call, work));
      JsonWriter w;
      w.BeginObject().Key("from").String(from).Key("to").String(to).Key("sensors").BeginArray();
      // One sensor's days: the mean of each day and the days above the standard.
      auto write_sensor = [&](int64_t sensor_id, auto&& write_days) {
        w.BeginObject().Key("sensor_id").Int(sensor_id).Key("days").BeginArray();
        const int exceed = write_days();
        w.EndArray().Key("days_above_37_5").Int(exceed).EndObject();
      };
      if (RawStatistic(call)) {
        ASSIGN_OR_RETURN(auto by_sensor, readings::RawDaysOfOrg(work, org, from, to));
        w.Reserve(by_sensor.size() * 2000);
        for (const auto& [sensor_id, days] : by_sensor) {
          write_sensor(sensor_id, [&] {
            int exceed = 0;
            for (const auto& d : days) {
              const double mean = *d.pm25.mean();
              exceed += mean > kThaiPm25Daily;
              w.BeginObject().Key("date").String(d.label).Key("pm25_raw").Number(mean);
              w.Key("samples").Int(d.pm25.count).EndObject();
            }
            return exceed;
          });
        }
      } else {
        ASSIGN_OR_RETURN(auto days, work.readings().DaysOfOrg(org, from, to));
        size_t i = 0;
        while (i < days.size()) {
          write_sensor(days[i].sensor_id, [&] {
            const int64_t sensor_id = days[i].sensor_id;
            int exceed = 0;
            for (; i < days.size() && days[i].sensor_id == sensor_id; ++i) {
              const auto mean = days[i].pm25_mean();
              exceed += mean && *mean > kThaiPm25Daily;
              w.Raw(DayJson(days[i]).dump());
            }
            return exceed;
          });
        }
      }
      out = w.EndArray().EndObject().Take();
      return Status::Ok();
    }));
    return Response::Json(200, std::move(out));
  });

  router.Add("GET", "/api/v1/reports/monthly", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const std::string from, PeriodQuery(call, "from", 7, "0000-01"));
    ASSIGN_OR_RETURN(const std::string to, PeriodQuery(call, "to", 7, "9999-12"));
    std::string out;
    RETURN_IF_ERROR(call.ReadEach([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const int64_t org, OrgOf(call, work));
      JsonWriter w;
      w.BeginObject().Key("from").String(from).Key("to").String(to).Key("sensors").BeginArray();
      if (RawStatistic(call)) {
        ASSIGN_OR_RETURN(auto by_sensor, readings::RawMonthsOfOrg(work, org, from, to));
        for (const auto& [sensor_id, months] : by_sensor) {
          w.BeginObject().Key("sensor_id").Int(sensor_id).Key("months").BeginArray();
          for (const auto& m : months) {
            w.BeginObject().Key("month").String(m.label).Key("pm25_raw").Number(*m.pm25.mean());
            w.Key("samples").Int(m.pm25.count).EndObject();
          }
          w.EndArray().EndObject();
        }
      } else {
        ASSIGN_OR_RETURN(auto months, work.readings().MonthsOfOrg(org, from, to));
        size_t i = 0;
        while (i < months.size()) {
          const int64_t sensor_id = months[i].sensor_id;
          w.BeginObject().Key("sensor_id").Int(sensor_id).Key("months").BeginArray();
          for (; i < months.size() && months[i].sensor_id == sensor_id; ++i) w.Raw(MonthJson(months[i]).dump());
          w.EndArray().EndObject();
        }
      }
      out = w.EndArray().EndObject().Take();
      return Status::Ok();
    }));
    return Response::Json(200, std::move(out));
  });

  // What the ingest endpoints refused or flagged (network health page).
  router.Add("GET", "/api/v1/ingest-events", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t since, TimeQuery(call, "since", call.info.now - 7 * 86400));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto events, work.readings().IngestEvents(since, 500));
      for (const auto& e : events) {
        items.push_back({{"id", e.id},
                         {"at", e.at},
                         {"sensor_id", e.sensor_id ? json(*e.sensor_id) : json(nullptr)},
                         {"source", e.source},
                         {"device_key", e.device_key},
                         {"kind", e.kind},
                         {"message", e.message},
                         {"count", e.count}});
      }
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });
}

}  // namespace ecotown::http
