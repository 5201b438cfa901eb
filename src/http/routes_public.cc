// The public air page of an LAO, for residents without an account: GET
// /api/v1/public/orgs/{code}/air answers the organisation's name, each active sensor's public
// status now and its last 24 hourly PM2.5 means, and the LAO-wide level (the worst current Thai
// AQI among sensors that report and are not in maintenance) with its advice key.
//
// Public means: no receipt times, no device keys, no flags or raw device payloads, no siting
// notes, nothing about accounts. Only figures a resident could read off a display on the street.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/aqi.h"
#include "http/api.h"
#include "modules/orgs/org.h"
#include "modules/readings/aggregate.h"
#include "modules/readings/reading_queries.h"

namespace ecotown::http {
namespace {

using nlohmann::json;

constexpr int64_t kPublicHours = 24;

json Opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json ThaiAqiJson(const core::Aqi& aqi) {
  json out = {{"aqi", aqi.value}, {"level", aqi.level}, {"above_table", aqi.above_table}};
  if (auto category = core::AqiCategoryOf(core::AqiScale::kThai, aqi.level); category.ok()) {
    out["category"] = std::string(category->name_en);
    out["category_th"] = std::string(category->name_th);
    out["color"] = std::string(category->colour_hex);
    out["level_key"] = std::string(category->key);
    out["advice_key"] = std::string(category->advice_key);
  }
  return out;
}

// A sensor counts towards the LAO-wide level when its figures are current and trusted.
bool CountsTowardsLevel(const readings::SensorNow& s) { return s.thai_aqi && !s.stale && !s.sensor.maintenance; }

// A read-only scope that sees exactly one organisation. Why not Scope::System: the public route
// must not be able to read another organisation's rows even if this handler had a bug, so the
// stores' own filters (OrgFilterSql, RequireRead) do the limiting, exactly as for a signed-in
// executive of that LAO. The executive role holds only the read permission, so nothing can be
// written through it either.
tenancy::Scope PublicScopeOf(const orgs::Org& org) {
  tenancy::Principal principal;
  principal.org_id = org.id;
  principal.org_code = org.code;
  principal.role = tenancy::Role::kExecutive;
  principal.name = "public";
  return tenancy::Scope(std::move(principal), {org.id}, false);
}

}  // namespace

void RegisterPublicRoutes(Router& router) {
  router.Add("GET", "/api/v1/public/orgs/{code}/air", Access::kPublic, [](Call& call) -> Result<Response> {
    const std::string& code = call.Param("code");
    std::optional<orgs::Org> org;
    // Organisations are public records (SqlOrgStore is not scoped): the caller's own scope finds it.
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto found, work.orgs().FindByCode(code));
      org = std::move(found);
      return Status::Ok();
    }));

    const int64_t now = call.info.now;
    const int64_t window_end = readings::HourEndOf(now);
    std::vector<readings::SensorNow> status;
    std::map<int64_t, std::vector<readings::HourAggregate>> hours_by_sensor;
    RETURN_IF_ERROR(call.transactor.Read(PublicScopeOf(*org), call.info, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(status, readings::CurrentStatus(work, org->id, now));
      ASSIGN_OR_RETURN(auto hours,
                       work.readings().HoursOfOrg(org->id, window_end - kPublicHours * readings::kHour, window_end));
      for (auto& h : hours) hours_by_sensor[h.sensor_id].push_back(std::move(h));
      return Status::Ok();
    }));

    json sensors_out = json::array();
    const readings::SensorNow* worst = nullptr;
    for (const auto& s : status) {
      if (s.sensor.status != sensors::SensorStatus::kActive) continue;
      json series = json::array();
      for (const auto& h : hours_by_sensor[s.sensor.id]) {
        series.push_back({{"hour_end", h.hour_end}, {"pm25", Opt(h.pm25_mean())}});
      }
      json item = {{"sensor_id", s.sensor.id},
                   {"code", s.sensor.code},
                   {"name", s.sensor.name},
                   {"is_reference", s.sensor.is_reference},
                   {"lat", s.sensor.lat},
                   {"lon", s.sensor.lon},
                   {"maintenance", s.sensor.maintenance},
                   {"stale", s.stale},
                   {"last_reading_at", s.latest.latest ? json(s.latest.latest->ts) : json(nullptr)},
                   {"hour_end", s.hour_end},
                   {"pm25_hour", Opt(s.pm25_hour)},
                   {"pm25_24h", Opt(s.pm25_24h)},
                   {"pm25_24h_coverage", s.pm25_24h_coverage},
                   {"thai_aqi", s.thai_aqi ? ThaiAqiJson(*s.thai_aqi) : json(nullptr)},
                   {"hours", std::move(series)}};
      sensors_out.push_back(std::move(item));
      if (CountsTowardsLevel(s) && (!worst || s.thai_aqi->value > worst->thai_aqi->value)) worst = &s;
    }

    json level = nullptr;
    if (worst) {
      level = ThaiAqiJson(*worst->thai_aqi);
      level["sensor_id"] = worst->sensor.id;
      level["sensor_code"] = worst->sensor.code;
      level["sensor_name"] = worst->sensor.name;
      level["pm25_24h"] = Opt(worst->pm25_24h);
      level["hour_end"] = worst->hour_end;
    }
    json out = {{"org", {{"code", org->code}, {"name_th", org->name_th}, {"name_en", org->name_en}}},
                {"now", now},
                {"hours", kPublicHours},
                {"level", std::move(level)},
                {"sensors", std::move(sensors_out)}};
    return Response::Json(200, out.dump());
  });
}

}  // namespace ecotown::http
