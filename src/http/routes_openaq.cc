// The OpenAQ v3-compatible read API (docs/openaq-api.md), so that existing OpenAQ clients can read
// an LAO's open data: /v3/locations, /v3/locations/{id}, /v3/locations/{id}/latest,
// /v3/sensors/{id}, /v3/sensors/{id}/measurements, /hours and /days (with the aliases
// /measurements/hourly and /measurements/daily), in OpenAQ's shapes: the meta/results envelope,
// limit/page paging, period and coverage objects, and FastAPI's {"detail": ...} errors (404 with
// a text, 422 with a list naming each bad query or path value).
//
// Mapping. An OpenAQ location is one of our sensors: location id = our sensor id. An OpenAQ
// sensor is one quantity of it: sensor id = our sensor id * 1000 + OpenAQ parameter id (sensor 12
// measuring PM2.5 is OpenAQ sensor 12002). Values are the store's clean values: raw measurements
// without QA-flagged ones, hourly and daily means with the completeness rules (open_data.h).
//
// Access. Open data: public and anonymous (an X-API-Key header, which OpenAQ clients send, is
// accepted and ignored). The routes read with the system scope because open data crosses
// tenants; IsPublicSensor below is the one rule of what may be shown.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/thai_calendar.h"
#include "http/api.h"
#include "http/open_data.h"
#include "ingest/parse_util.h"
#include "modules/readings/aggregate.h"

namespace ecotown::http {
namespace {

using nlohmann::json;
using readings::HourAggregate;
using readings::Reading;

constexpr int64_t kSensorIdFactor = 1000;  // OpenAQ sensor id = location id * 1000 + parameter id
constexpr int64_t kDefaultLimit = 100;     // OpenAQ's Paging: limit 1..1000, default 100; page >= 1
constexpr int64_t kMaxLimit = 1000;
constexpr int64_t kMaxPage = 1'000'000;
constexpr int64_t kMaxRadiusMetres = 25'000;  // OpenAQ's RadiusQuery
constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();
constexpr const char* kTimezone = "Asia/Bangkok";
// The open-data licence of every LAO's data: Creative Commons Attribution 4.0, with the LAO as the
// attribution. 41 is OpenAQ's id of that licence (/v3/licenses/41).
constexpr int kLicenseId = 41;
constexpr const char* kLicenseName = "CC BY 4.0";

// ---------------------------------------------------------------------------------------------
// What is public. This is the one place that decides what the open API may show.
//
// A sensor is published while it is active: inactive and retired sensors, and everything they
// ever measured, are not. Of a published sensor the API shows only what the JSON builders of this
// file write: its name, instrument model, reference status, position and measurements, and its
// LAO's id and names as owner and attribution. Never device keys or secrets, codes, siting notes,
// maintenance state, calibration, users, tokens or ingest events.
bool IsPublicSensor(const sensors::Sensor& sensor) { return sensor.status == sensors::SensorStatus::kActive; }

// The sensor behind a location id, or NotFound when it is absent or not public.
Result<sensors::Sensor> PublicSensor(UnitOfWork& work, int64_t id) {
  auto sensor = work.sensors().Get(id);
  if (!sensor.ok()) {
    if (sensor.status().code() == StatusCode::kNotFound) return Status::NotFound("Location not found");
    return sensor.status();
  }
  if (!IsPublicSensor(*sensor)) return Status::NotFound("Location not found");
  return *sensor;
}

// Open data crosses tenants, so it is read as the system; PublicSensor filters what is shown.
Status ReadOpenData(Call& call, const WorkFn& fn) {
  return call.transactor.Read(tenancy::Scope::System("open-data"), call.info, fn);
}
// ---------------------------------------------------------------------------------------------

// Query and path values checked as OpenAQ's FastAPI models check them. Every problem is collected
// so that one 422 names them all, as FastAPI does.
class OpenAqRequest {
 public:
  explicit OpenAqRequest(const Call& call) : call_(call) {}

  // A path id: an integer >= 1.
  int64_t PathId(const std::string& name) {
    const std::string& text = call_.Param(name);
    const auto value = ingest::ParseInteger(text);
    if (!value) {
      Problem("int_parsing", "path", name, "Input should be a valid integer, unable to parse string as an integer",
              text);
      return 0;
    }
    if (*value < 1) Problem("greater_than_equal", "path", name, "Input should be greater than or equal to 1", text);
    return *value;
  }

  // An integer query value in [min, max]; `fallback` when absent.
  int64_t Int(const char* name, int64_t fallback, int64_t min, int64_t max) {
    const auto text = call_.request.Query(name);
    if (!text) return fallback;
    const auto value = ingest::ParseInteger(*text);
    if (!value) {
      Problem("int_parsing", "query", name, "Input should be a valid integer, unable to parse string as an integer",
              *text);
      return fallback;
    }
    if (*value < min) {
      Problem("greater_than_equal", "query", name, "Input should be greater than or equal to " + std::to_string(min),
              *text);
    } else if (*value > max) {
      Problem("less_than_equal", "query", name, "Input should be less than or equal to " + std::to_string(max), *text);
    }
    return *value;
  }

  std::optional<bool> Bool(const char* name) {
    const auto text = call_.request.Query(name);
    if (!text) return std::nullopt;
    if (*text == "true" || *text == "1") return true;
    if (*text == "false" || *text == "0") return false;
    Problem("bool_parsing", "query", name, "Input should be a valid boolean, unable to interpret input", *text);
    return std::nullopt;
  }

  // datetime_from / datetime_to / date_from / date_to: ISO 8601 date or date-time (naive values
  // are Asia/Bangkok, the locations' timezone).
  std::optional<int64_t> Time(const char* name) {
    const auto text = call_.request.Query(name);
    if (!text || text->empty()) return std::nullopt;
    const auto value = ParseQueryTime(*text);
    if (!value) {
      Problem("datetime_from_date_parsing", "query", name,
              "Input should be a valid datetime or date (ISO 8601, e.g. 2025-06-01T07:00:00+07:00 or 2025-06-01)",
              *text);
    }
    return value;
  }

  // Comma-separated integers ("1,2,3").
  std::optional<std::vector<int64_t>> IntList(const char* name) {
    const auto text = call_.request.Query(name);
    if (!text) return std::nullopt;
    std::vector<int64_t> out;
    size_t pos = 0;
    while (pos <= text->size()) {
      size_t comma = text->find(',', pos);
      if (comma == std::string::npos) comma = text->size();
      std::string item = text->substr(pos, comma - pos);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      const auto value = ingest::ParseInteger(item);
      if (!value) {
        Problem("int_parsing", "query", name, "Input should be a list of integers separated by commas", *text);
        return std::nullopt;
      }
      out.push_back(*value);
      pos = comma + 1;
    }
    return out;
  }

  // Comma-separated decimal numbers, exactly `count` of them.
  std::optional<std::vector<double>> Numbers(const char* name, size_t count, const std::string& shape) {
    const auto text = call_.request.Query(name);
    if (!text) return std::nullopt;
    std::vector<double> out;
    size_t pos = 0;
    while (pos <= text->size()) {
      size_t comma = text->find(',', pos);
      if (comma == std::string::npos) comma = text->size();
      const auto value = ingest::ParseDecimal(std::string_view(*text).substr(pos, comma - pos));
      if (!value) break;
      out.push_back(*value);
      pos = comma + 1;
    }
    if (out.size() != count || pos <= text->size()) {
      Problem("value_error", "query", name, "Value error, " + std::string(name) + " must be " + shape, *text);
      return std::nullopt;
    }
    return out;
  }

  void Problem(std::string type, const char* where, const std::string& name, std::string msg,
               const std::string& input) {
    problems_.push_back(
        {{"type", std::move(type)}, {"loc", json::array({where, name})}, {"msg", std::move(msg)}, {"input", input}});
  }

  bool ok() const { return problems_.empty(); }

  // 422 {"detail":[{"type","loc","msg","input"}, ...]}.
  Response Error() const { return WithCors(Response::Json(422, json({{"detail", problems_}}).dump())); }

  static Response WithCors(Response response) {
    response.AddHeader("Access-Control-Allow-Origin", "*");
    return response;
  }

 private:
  const Call& call_;
  json problems_ = json::array();
};

struct Paging {
  int64_t limit = kDefaultLimit;
  int64_t page = 1;
  int64_t offset() const { return (page - 1) * limit; }
};

Paging ReadPaging(OpenAqRequest& q) {
  Paging paging;
  paging.limit = q.Int("limit", kDefaultLimit, 1, kMaxLimit);
  paging.page = q.Int("page", 1, 1, kMaxPage);
  return paging;
}

// The time window of a measurement request: (from, to], both optional.
struct Window {
  int64_t from = 0;
  int64_t to = ingest::kMaxTimestamp;
};

Window ReadWindow(OpenAqRequest& q, bool with_dates) {
  Window window;
  const auto from = q.Time("datetime_from");
  const auto to = q.Time("datetime_to");
  if (from) window.from = *from;
  if (to) window.to = *to;
  if (with_dates) {
    // /days also takes OpenAQ's date_from / date_to: whole Bangkok days, both inclusive.
    if (const auto date_from = q.Time("date_from")) window.from = std::max(window.from, BangkokDayStart(*date_from));
    if (const auto date_to = q.Time("date_to")) {
      window.to = std::min(window.to, BangkokDayStart(*date_to) + 24 * readings::kHour);
    }
  }
  if (q.ok() && window.to <= window.from) {
    q.Problem("value_error", "query", from || to ? "datetime_to" : "date_to",
              "Value error, the date/time from must be older than the date/time to", "");
  }
  return window;
}

// ---------------------------------------------------------------------------------------------
// JSON shapes (openaq-api-v2 openaq_api/v3/models/responses.py)

json Envelope(json results, const Paging& paging, int64_t found) {
  return {
      {"meta",
       {{"name", "openaq-api"}, {"website", "/"}, {"page", paging.page}, {"limit", paging.limit}, {"found", found}}},
      {"results", std::move(results)}};
}

Response Reply(json results, const Paging& paging, int64_t found) {
  return OpenAqRequest::WithCors(Response::Json(200, Envelope(std::move(results), paging, found).dump()));
}

// Store errors: NotFound is OpenAQ's 404 {"detail": "..."}; anything else is a server error.
Result<Response> Failure(const Status& status) {
  if (status.code() == StatusCode::kNotFound) {
    return OpenAqRequest::WithCors(Response::Json(404, json({{"detail", status.message()}}).dump()));
  }
  return status;
}

json Datetime(int64_t ts) { return {{"utc", IsoUtc(ts)}, {"local", IsoBangkok(ts)}}; }
json DatetimeOrNull(const std::optional<int64_t>& ts) { return ts ? Datetime(*ts) : json(nullptr); }

// A duration as PostgreSQL prints an interval of seconds: "01:00:00", "00:10:00", "24:00:00".
std::string Interval(int64_t seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds % 3600 / 60), static_cast<long long>(seconds % 60));
  return buf;
}

json ParameterJson(const OpenAqParameter& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"units", p.units},
          {"displayName", p.display_name ? json(p.display_name) : json(nullptr)}};
}

int64_t OpenAqSensorId(int64_t location_id, const OpenAqParameter& p) { return location_id * kSensorIdFactor + p.id; }

json SensorBaseJson(int64_t location_id, const OpenAqParameter& p) {
  return {{"id", OpenAqSensorId(location_id, p)},
          {"name", std::string(p.name) + " " + p.units},
          {"parameter", ParameterJson(p)}};
}

// Ecotown's instrument ids and names, one per sensor model.
json InstrumentJson(sensors::Model model) {
  switch (model) {
    case sensors::Model::kSds011:
      return {{"id", 1}, {"name", "Nova Fitness SDS011"}};
    case sensors::Model::kPlantowerPms:
      return {{"id", 2}, {"name", "Plantower PMS"}};
    case sensors::Model::kSps30:
      return {{"id", 3}, {"name", "Sensirion SPS30"}};
    case sensors::Model::kAirGradient:
      return {{"id", 4}, {"name", "AirGradient"}};
    case sensors::Model::kPurpleAir:
      return {{"id", 5}, {"name", "PurpleAir"}};
    case sensors::Model::kReferenceBam:
      return {{"id", 6}, {"name", "Beta attenuation monitor (BAM)"}};
    case sensors::Model::kReferenceTeom:
      return {{"id", 7}, {"name", "TEOM"}};
    case sensors::Model::kOther:
      break;
  }
  return {{"id", 8}, {"name", "Other"}};
}

std::string OrgName(const orgs::Org& org) { return org.name_en.empty() ? org.name_th : org.name_en; }

// The five-number summary OpenAQ adds to aggregates: quantiles as PostgreSQL's
// PERCENTILE_CONT (linear between ranks), sd as STDDEV (n - 1; null for one value).
json SummaryJson(std::vector<double> values) {
  if (values.empty()) return nullptr;
  std::sort(values.begin(), values.end());
  const auto quantile = [&](double p) {
    const double rank = p * static_cast<double>(values.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(rank));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (rank - static_cast<double>(lo)) * (values[hi] - values[lo]);
  };
  double sum = 0;
  for (double v : values) sum += v;
  const double avg = sum / static_cast<double>(values.size());
  json sd = nullptr;
  if (values.size() > 1) {
    double squares = 0;
    for (double v : values) squares += (v - avg) * (v - avg);
    sd = std::sqrt(squares / static_cast<double>(values.size() - 1));
  }
  return {{"min", values.front()},
          {"q02", quantile(0.02)},
          {"q25", quantile(0.25)},
          {"median", quantile(0.5)},
          {"q75", quantile(0.75)},
          {"q98", quantile(0.98)},
          {"max", values.back()},
          {"avg", avg},
          {"sd", sd}};
}

// OpenAQ's calculate_coverage: counts, the intervals they stand for, and whole percentages.
json CoverageJson(int64_t expected, int64_t expected_seconds, int64_t observed, int64_t observed_seconds,
                  int64_t period_seconds, const std::optional<int64_t>& first, const std::optional<int64_t>& last) {
  const double complete =
      expected > 0 ? std::round(100.0 * static_cast<double>(observed) / static_cast<double>(expected)) : 0;
  const double covered =
      std::round(100.0 * static_cast<double>(observed_seconds) / static_cast<double>(period_seconds));
  return {{"expectedCount", expected},
          {"expectedInterval", Interval(expected_seconds)},
          {"observedCount", observed},
          {"observedInterval", Interval(observed_seconds)},
          {"percentComplete", complete},
          {"percentCoverage", covered},
          {"datetimeFrom", DatetimeOrNull(first)},
          {"datetimeTo", DatetimeOrNull(last)}};
}

json PeriodJson(const char* label, int64_t interval_seconds, int64_t from, int64_t to) {
  return {{"label", label},
          {"interval", Interval(interval_seconds)},
          {"datetimeFrom", Datetime(from)},
          {"datetimeTo", Datetime(to)}};
}

json MeasurementJson(double value, bool has_flags, const OpenAqParameter& p, json period, json summary, json coverage) {
  return {{"value", value},
          {"flagInfo", {{"hasFlags", has_flags}}},
          {"parameter", ParameterJson(p)},
          {"period", std::move(period)},
          {"coordinates", nullptr},
          {"summary", std::move(summary)},
          {"coverage", std::move(coverage)}};
}

// ---------------------------------------------------------------------------------------------
// What a location is made of, read from the store.

struct LocationFacts {
  sensors::Sensor sensor;
  orgs::Org org;
  std::optional<Reading> latest;                   // the newest stored reading
  std::optional<int64_t> first_ts;                 // the time of the oldest stored reading
  std::vector<HourAggregate> recent;               // stored hours of the 24 h ending with the newest reading
  std::vector<const OpenAqParameter*> parameters;  // what it measures, in OpenAQ id order
};

int64_t MonthStart(const std::string& month_key) {
  const int year = std::stoi(month_key.substr(0, 4));
  const int month = std::stoi(month_key.substr(5, 2));
  return readings::DayEnd({year, month, 1}) - 24 * readings::kHour;
}

// A location's times and quantities without scanning its history: the newest reading and the
// hours of its last 24 h; the oldest month, its hours and the first hour's readings. A quantity is
// listed when the newest reading carries it or an hour of the first month or of the last 24 h
// has a clean value of it.
Result<LocationFacts> GatherFacts(UnitOfWork& work, const sensors::Sensor& sensor, orgs::Org org) {
  LocationFacts facts{sensor, std::move(org), std::nullopt, std::nullopt, {}, {}};
  auto latest = work.readings().LatestOf(sensor.id);
  if (!latest.ok() && latest.status().code() != StatusCode::kNotFound) return latest.status();
  if (latest.ok()) facts.latest = latest->latest;
  if (!facts.latest) return facts;  // nothing stored yet: no sensors, no times

  const int64_t newest_hour = readings::HourEndOf(facts.latest->ts);
  ASSIGN_OR_RETURN(facts.recent, work.readings().Hours(sensor.id, newest_hour - 24 * readings::kHour, newest_hour));
  std::vector<HourAggregate> first_hours;
  ASSIGN_OR_RETURN(auto months, work.readings().Months(sensor.id, "0000-01", "9999-12"));
  if (!months.empty()) {
    ASSIGN_OR_RETURN(first_hours,
                     work.readings().Hours(sensor.id, MonthStart(months.front().month), months.front().month_end));
  }
  if (!first_hours.empty()) {
    const int64_t first_hour = first_hours.front().hour_end;
    ASSIGN_OR_RETURN(auto first, work.readings().Raw(sensor.id, first_hour - readings::kHour, first_hour, 1));
    if (!first.empty()) facts.first_ts = first.front().ts;
  }
  for (const auto& p : OpenAqParameters()) {
    bool measured = Reports(*facts.latest, p.quantity);
    for (const auto* hours : {&facts.recent, &first_hours}) {
      for (const auto& h : *hours) measured = measured || CleanCount(h, p.quantity) > 0;
    }
    if (measured) facts.parameters.push_back(&p);
  }
  return facts;
}

Result<LocationFacts> PublicLocation(UnitOfWork& work, int64_t id) {
  ASSIGN_OR_RETURN(auto sensor, PublicSensor(work, id));
  ASSIGN_OR_RETURN(auto org, work.orgs().Get(sensor.org_id));
  return GatherFacts(work, sensor, std::move(org));
}

// An OpenAQ sensor id: a public location and one of the quantities it measures.
struct SensorRef {
  LocationFacts location;
  const OpenAqParameter* parameter = nullptr;
};

Result<SensorRef> PublicOpenAqSensor(UnitOfWork& work, int64_t openaq_id) {
  const OpenAqParameter* parameter = OpenAqParameterById(openaq_id % kSensorIdFactor);
  if (!parameter) return Status::NotFound("Sensor not found");
  auto location = PublicLocation(work, openaq_id / kSensorIdFactor);
  if (!location.ok()) {
    if (location.status().code() == StatusCode::kNotFound) return Status::NotFound("Sensor not found");
    return location.status();
  }
  if (std::find(location->parameters.begin(), location->parameters.end(), parameter) == location->parameters.end()) {
    return Status::NotFound("Sensor not found");
  }
  return SensorRef{std::move(*location), parameter};
}

// The newest clean value of q: the newest reading's, else the newest in the last 24 h.
Result<std::optional<std::pair<int64_t, double>>> LatestValue(UnitOfWork& work, const LocationFacts& facts,
                                                              Quantity q) {
  using Found = std::optional<std::pair<int64_t, double>>;
  if (!facts.latest) return Found();
  if (const auto v = CleanValue(*facts.latest, q)) return Found(std::make_pair(facts.latest->ts, *v));
  for (auto h = facts.recent.rbegin(); h != facts.recent.rend(); ++h) {
    if (CleanCount(*h, q) == 0) continue;
    ASSIGN_OR_RETURN(auto rows,
                     work.readings().Raw(facts.sensor.id, h->hour_end - readings::kHour, h->hour_end, kNoLimit));
    for (auto r = rows.rbegin(); r != rows.rend(); ++r) {
      if (const auto v = CleanValue(*r, q)) return Found(std::make_pair(r->ts, *v));
    }
  }
  return Found();
}

json CoordinatesJson(const sensors::Sensor& sensor) { return {{"latitude", sensor.lat}, {"longitude", sensor.lon}}; }

json LocationJson(const LocationFacts& f, const std::optional<double>& distance) {
  const std::string owner = OrgName(f.org);
  json sensors = json::array();
  for (const auto* p : f.parameters) sensors.push_back(SensorBaseJson(f.sensor.id, *p));
  std::optional<std::string> licensed_from = f.sensor.install_date;
  if (!licensed_from && f.first_ts) licensed_from = readings::DayKey(core::BangkokDateOf(*f.first_ts));
  const json license = {{"id", kLicenseId},
                        {"name", kLicenseName},
                        {"attribution", {{"name", owner}, {"url", nullptr}}},
                        {"dateFrom", licensed_from ? json(*licensed_from) : json(nullptr)},
                        {"dateTo", nullptr}};
  return {{"id", f.sensor.id},
          {"name", f.sensor.name},
          {"locality", owner},
          {"timezone", kTimezone},
          {"country", {{"id", nullptr}, {"code", "TH"}, {"name", "Thailand"}}},
          {"owner", {{"id", f.org.id}, {"name", owner}}},
          {"provider", {{"id", f.org.id}, {"name", owner}}},
          {"isMobile", false},
          {"isMonitor", f.sensor.is_reference},
          {"instruments", json::array({InstrumentJson(f.sensor.model)})},
          {"sensors", std::move(sensors)},
          {"coordinates", CoordinatesJson(f.sensor)},
          {"licenses", json::array({license})},
          {"bounds", json::array({f.sensor.lon, f.sensor.lat, f.sensor.lon, f.sensor.lat})},
          {"distance", distance ? json(*distance) : json(nullptr)},
          {"datetimeFirst", DatetimeOrNull(f.first_ts)},
          {"datetimeLast", DatetimeOrNull(f.latest ? std::optional<int64_t>(f.latest->ts) : std::nullopt)}};
}

// Great-circle distance, metres (haversine on a sphere of 6371 km).
double DistanceMetres(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadius = 6'371'000.0;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

// ---------------------------------------------------------------------------------------------
// Measurements, hours and days of one OpenAQ sensor.

// Raw readings of the sensor's quantity with from < ts <= to, QA-flagged values left out, oldest
// first. The hourly aggregates give each hour's count, so only the readings of the page are read.
Result<Response> Measurements(UnitOfWork& work, const SensorRef& ref, const Window& w, const Paging& paging) {
  const sensors::Sensor& sensor = ref.location.sensor;
  const Quantity q = ref.parameter->quantity;
  constexpr int64_t kHour = readings::kHour;
  ASSIGN_OR_RETURN(
      auto hours, work.readings().Hours(sensor.id, readings::HourEndOf(w.from + 1) - kHour, readings::HourEndOf(w.to)));
  struct Slot {
    int64_t start, end;  // the part of the hour inside the window: (start, end]
    int64_t count;
  };
  std::vector<Slot> slots;
  for (const auto& h : hours) {
    Slot slot{std::max(w.from, h.hour_end - kHour), std::min(w.to, h.hour_end), CleanCount(h, q)};
    if (slot.count > 0 && (slot.start != h.hour_end - kHour || slot.end != h.hour_end)) {
      // An hour cut by the window: count its values inside.
      ASSIGN_OR_RETURN(auto rows, work.readings().Raw(sensor.id, slot.start, slot.end, kNoLimit));
      slot.count = 0;
      for (const auto& r : rows) slot.count += CleanValue(r, q).has_value();
    }
    if (slot.count > 0) slots.push_back(slot);
  }
  int64_t found = 0;
  for (const auto& s : slots) found += s.count;

  // The slots that hold values offset .. offset + limit - 1, read in one go.
  json results = json::array();
  const int64_t begin = paging.offset(), end = begin + paging.limit;
  int64_t position = 0;  // of the slot's first value
  std::optional<int64_t> read_from, read_to, first_position;
  for (const auto& s : slots) {
    if (position + s.count > begin && position < end) {
      if (!read_from) {
        read_from = s.start;
        first_position = position;
      }
      read_to = s.end;
    }
    position += s.count;
  }
  if (read_from) {
    ASSIGN_OR_RETURN(auto rows, work.readings().Raw(sensor.id, *read_from, *read_to, kNoLimit));
    const int64_t interval = sensor.sample_interval_seconds;
    int64_t i = *first_position;
    for (const auto& r : rows) {
      const auto value = CleanValue(r, q);
      if (!value) continue;
      if (i >= begin && i < end) {
        results.push_back(MeasurementJson(*value, false, *ref.parameter,
                                          PeriodJson("raw", interval, r.ts - interval, r.ts), nullptr,
                                          CoverageJson(1, interval, 1, interval, interval, r.ts - interval, r.ts)));
      }
      ++i;
    }
  }
  return Reply(std::move(results), paging, found);
}

// Clean values of q in the readings, grouped by their time-ending hour.
std::map<int64_t, std::vector<std::pair<int64_t, double>>> ValuesByHour(const std::vector<Reading>& rows, Quantity q) {
  std::map<int64_t, std::vector<std::pair<int64_t, double>>> out;
  for (const auto& r : rows) {
    if (const auto v = CleanValue(r, q)) out[readings::HourEndOf(r.ts)].emplace_back(r.ts, *v);
  }
  return out;
}

// Complete hours of the quantity with from < hour end <= to: the stored hourly mean, the summary
// of the hour's clean values and OpenAQ's coverage of the hour.
Result<Response> Hours(UnitOfWork& work, const SensorRef& ref, const Window& w, const Paging& paging) {
  const sensors::Sensor& sensor = ref.location.sensor;
  const Quantity q = ref.parameter->quantity;
  constexpr int64_t kHour = readings::kHour;
  ASSIGN_OR_RETURN(auto hours, work.readings().Hours(sensor.id, w.from, w.to));
  std::vector<std::pair<const HourAggregate*, double>> complete;
  for (const auto& h : hours) {
    if (const auto mean = HourlyMean(h, q)) complete.emplace_back(&h, *mean);
  }
  const int64_t found = static_cast<int64_t>(complete.size());
  json results = json::array();
  const int64_t begin = std::min(paging.offset(), found), end = std::min(begin + paging.limit, found);
  if (begin < end) {
    ASSIGN_OR_RETURN(auto rows, work.readings().Raw(sensor.id, complete[begin].first->hour_end - kHour,
                                                    complete[end - 1].first->hour_end, kNoLimit));
    const auto values = ValuesByHour(rows, q);
    for (int64_t i = begin; i < end; ++i) {
      const HourAggregate& h = *complete[i].first;
      std::vector<double> samples;
      std::optional<int64_t> first, last;
      if (auto it = values.find(h.hour_end); it != values.end()) {
        for (const auto& [ts, v] : it->second) samples.push_back(v);
        first = it->second.front().first;
        last = it->second.back().first;
      }
      const int64_t observed = CleanCount(h, q);
      results.push_back(MeasurementJson(complete[i].second, h.flagged > 0, *ref.parameter,
                                        PeriodJson("1hour", kHour, h.hour_end - kHour, h.hour_end),
                                        SummaryJson(std::move(samples)),
                                        CoverageJson(h.expected_samples, kHour, observed,
                                                     observed * sensor.sample_interval_seconds, kHour, first, last)));
    }
  }
  return Reply(std::move(results), paging, found);
}

// Bangkok days whose end (24:00) lies in (from, to] and that have 18 complete hours: the mean of
// the complete hourly means, their summary and OpenAQ's coverage of the day.
Result<Response> Days(UnitOfWork& work, const SensorRef& ref, const Window& w, const Paging& paging) {
  const sensors::Sensor& sensor = ref.location.sensor;
  constexpr int64_t kHour = readings::kHour;
  ASSIGN_OR_RETURN(auto hours, work.readings().Hours(sensor.id, BangkokDayStart(w.from), w.to));
  std::vector<DailyMean> days;
  for (auto& day : DailyMeans(hours, ref.parameter->quantity)) {
    if (day.mean && day.day_end > w.from && day.day_end <= w.to) days.push_back(std::move(day));
  }
  const int64_t found = static_cast<int64_t>(days.size());
  json results = json::array();
  for (int64_t i = std::min(paging.offset(), found); i < std::min(paging.offset() + paging.limit, found); ++i) {
    const DailyMean& day = days[i];
    std::vector<double> means;
    for (const auto& [end, mean] : day.hourly) means.push_back(mean);
    const int64_t observed = static_cast<int64_t>(day.hourly.size());
    results.push_back(MeasurementJson(*day.mean, day.flagged > 0, *ref.parameter,
                                      PeriodJson("1day", 24 * kHour, day.day_end - 24 * kHour, day.day_end),
                                      SummaryJson(std::move(means)),
                                      CoverageJson(24, 24 * kHour, observed, observed * kHour, 24 * kHour,
                                                   day.hourly.front().first - kHour, day.hourly.back().first)));
  }
  return Reply(std::move(results), paging, found);
}

using SeriesFn = std::function<Result<Response>(UnitOfWork&, const SensorRef&, const Window&, const Paging&)>;

RouteHandler SeriesRoute(SeriesFn series, bool with_dates) {
  return [fn = std::move(series), with_dates](Call& call) -> Result<Response> {
    OpenAqRequest q(call);
    const int64_t id = q.PathId("sensors_id");
    const Paging paging = ReadPaging(q);
    const Window window = ReadWindow(q, with_dates);
    if (!q.ok()) return q.Error();
    Response response;
    const Status status = ReadOpenData(call, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const auto ref, PublicOpenAqSensor(work, id));
      ASSIGN_OR_RETURN(response, fn(work, ref, window, paging));
      return Status::Ok();
    });
    if (!status.ok()) return Failure(status);
    return response;
  };
}

}  // namespace

void RegisterOpenAqRoutes(Router& router) {
  router.Add("GET", "/v3/locations", Access::kPublic, [](Call& call) -> Result<Response> {
    OpenAqRequest q(call);
    const Paging paging = ReadPaging(q);
    const auto monitor = q.Bool("monitor");
    const auto mobile = q.Bool("mobile");
    const auto providers = q.IntList("providers_id");
    const auto owners = q.IntList("owner_contacts_id");
    const auto iso = call.request.Query("iso");
    const auto bbox = q.Numbers("bbox", 4, "min longitude, min latitude, max longitude, max latitude");
    const auto coordinates = q.Numbers("coordinates", 2, "latitude,longitude");
    const int64_t radius = q.Int("radius", 0, 1, kMaxRadiusMetres);
    if (coordinates && !call.request.Query("radius")) {
      q.Problem("value_error", "query", "radius", "Value error, Coordinates must be passed with a radius", "");
    }
    if (call.request.Query("radius") && !call.request.Query("coordinates")) {
      q.Problem("value_error", "query", "coordinates", "Value error, Radius must be passed with a coordinate pair", "");
    }
    if (bbox && coordinates) {
      q.Problem("value_error", "query", "bbox",
                "Value error, Cannot pass both bounding box and coordinate/radius query in the same URL", "");
    }
    if (!q.ok()) return q.Error();

    json results = json::array();
    int64_t found = 0;
    const Status status = ReadOpenData(call, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto all_orgs, work.orgs().List());
      std::map<int64_t, orgs::Org> org_by_id;
      for (auto& org : all_orgs) org_by_id.emplace(org.id, std::move(org));
      ASSIGN_OR_RETURN(auto all, work.sensors().List(std::nullopt));
      std::vector<std::pair<sensors::Sensor, std::optional<double>>> chosen;
      for (auto& sensor : all) {
        if (!IsPublicSensor(sensor)) continue;
        if (monitor && sensor.is_reference != *monitor) continue;
        if (mobile && *mobile) continue;  // every location is fixed
        if (iso && *iso != "TH" && *iso != "th") continue;
        const auto in = [&](const std::optional<std::vector<int64_t>>& ids) {
          return !ids || std::find(ids->begin(), ids->end(), sensor.org_id) != ids->end();
        };
        if (!in(providers) || !in(owners)) continue;
        if (bbox && !(sensor.lon >= (*bbox)[0] && sensor.lat >= (*bbox)[1] && sensor.lon <= (*bbox)[2] &&
                      sensor.lat <= (*bbox)[3])) {
          continue;
        }
        std::optional<double> distance;
        if (coordinates) {
          distance = DistanceMetres((*coordinates)[0], (*coordinates)[1], sensor.lat, sensor.lon);
          if (*distance > static_cast<double>(radius)) continue;
        }
        chosen.emplace_back(std::move(sensor), distance);
      }
      std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.first.id < b.first.id; });
      found = static_cast<int64_t>(chosen.size());
      for (int64_t i = std::min(paging.offset(), found); i < std::min(paging.offset() + paging.limit, found); ++i) {
        const auto& [sensor, distance] = chosen[i];
        ASSIGN_OR_RETURN(auto facts, GatherFacts(work, sensor, org_by_id.at(sensor.org_id)));
        results.push_back(LocationJson(facts, distance));
      }
      return Status::Ok();
    });
    if (!status.ok()) return Failure(status);
    return Reply(std::move(results), paging, found);
  });

  router.Add("GET", "/v3/locations/{locations_id}", Access::kPublic, [](Call& call) -> Result<Response> {
    OpenAqRequest q(call);
    const int64_t id = q.PathId("locations_id");
    if (!q.ok()) return q.Error();
    json results = json::array();
    const Status status = ReadOpenData(call, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const auto facts, PublicLocation(work, id));
      results.push_back(LocationJson(facts, std::nullopt));
      return Status::Ok();
    });
    if (!status.ok()) return Failure(status);
    return Reply(std::move(results), Paging{}, 1);
  });

  // The newest clean value of each quantity of the location.
  router.Add("GET", "/v3/locations/{locations_id}/latest", Access::kPublic, [](Call& call) -> Result<Response> {
    OpenAqRequest q(call);
    const int64_t id = q.PathId("locations_id");
    const Paging paging = ReadPaging(q);
    if (!q.ok()) return q.Error();
    json all = json::array();
    const Status status = ReadOpenData(call, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const auto facts, PublicLocation(work, id));
      for (const auto* p : facts.parameters) {
        ASSIGN_OR_RETURN(const auto latest, LatestValue(work, facts, p->quantity));
        if (!latest) continue;
        all.push_back({{"datetime", Datetime(latest->first)},
                       {"value", latest->second},
                       {"coordinates", CoordinatesJson(facts.sensor)},
                       {"sensorsId", OpenAqSensorId(id, *p)},
                       {"locationsId", id}});
      }
      return Status::Ok();
    });
    if (!status.ok()) return Failure(status);
    const int64_t found = static_cast<int64_t>(all.size());
    json results = json::array();
    for (int64_t i = std::min(paging.offset(), found); i < std::min(paging.offset() + paging.limit, found); ++i) {
      results.push_back(all[static_cast<size_t>(i)]);
    }
    return Reply(std::move(results), paging, found);
  });

  router.Add("GET", "/v3/sensors/{sensors_id}", Access::kPublic, [](Call& call) -> Result<Response> {
    OpenAqRequest q(call);
    const int64_t id = q.PathId("sensors_id");
    if (!q.ok()) return q.Error();
    json results = json::array();
    const Status status = ReadOpenData(call, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const auto ref, PublicOpenAqSensor(work, id));
      const LocationFacts& f = ref.location;
      ASSIGN_OR_RETURN(const auto latest, LatestValue(work, f, ref.parameter->quantity));
      json out = SensorBaseJson(f.sensor.id, *ref.parameter);
      out["datetimeFirst"] = DatetimeOrNull(f.first_ts);
      out["datetimeLast"] = DatetimeOrNull(f.latest ? std::optional<int64_t>(f.latest->ts) : std::nullopt);
      out["coverage"] = nullptr;
      out["latest"] = latest ? json({{"datetime", Datetime(latest->first)},
                                     {"value", latest->second},
                                     {"coordinates", CoordinatesJson(f.sensor)}})
                             : json(nullptr);
      out["summary"] = nullptr;
      results.push_back(std::move(out));
      return Status::Ok();
    });
    if (!status.ok()) return Failure(status);
    return Reply(std::move(results), Paging{}, 1);
  });

  router.Add("GET", "/v3/sensors/{sensors_id}/measurements", Access::kPublic, SeriesRoute(Measurements, false));
  router.Add("GET", "/v3/sensors/{sensors_id}/hours", Access::kPublic, SeriesRoute(Hours, false));
  router.Add("GET", "/v3/sensors/{sensors_id}/days", Access::kPublic, SeriesRoute(Days, true));
  // OpenAQ's other names of the same aggregates.
  router.Add("GET", "/v3/sensors/{sensors_id}/measurements/hourly", Access::kPublic, SeriesRoute(Hours, false));
  router.Add("GET", "/v3/sensors/{sensors_id}/measurements/daily", Access::kPublic, SeriesRoute(Days, true));

  // CORS preflight: browser clients on other origins send X-API-Key, which needs one.
  for (const char* pattern :
       {"/v3/locations", "/v3/locations/{locations_id}", "/v3/locations/{locations_id}/latest",
        "/v3/sensors/{sensors_id}", "/v3/sensors/{sensors_id}/measurements", "/v3/sensors/{sensors_id}/hours",
        "/v3/sensors/{sensors_id}/days", "/v3/sensors/{sensors_id}/measurements/hourly",
        "/v3/sensors/{sensors_id}/measurements/daily"}) {
    router.Add("OPTIONS", pattern, Access::kPublic, [](Call&) -> Result<Response> {
      Response response = OpenAqRequest::WithCors(Response::Text(204, ""));
      response.AddHeader("Access-Control-Allow-Methods", "GET, OPTIONS");
      response.AddHeader("Access-Control-Allow-Headers", "X-API-Key, Accept, Content-Type");
      response.AddHeader("Access-Control-Max-Age", "86400");
      return response;
    });
  }
}

}  // namespace ecotown::http
