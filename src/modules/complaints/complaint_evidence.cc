#include "modules/complaints/complaint_evidence.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/factory_registration.h"
#include "modules/inspections/inspection.h"
#include "modules/readings/aggregate.h"
#include "modules/readings/reading_store.h"

namespace ecotown::complaints {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMetresPerDegree = 111'195.0;  // along a meridian, mean Earth radius

double Radians(double degrees) { return degrees * kPi / 180.0; }

}  // namespace

Status ValidateEvidenceRequest(const EvidenceRequest& r) {
  if (!std::isfinite(r.radius_m) || r.radius_m < kMinEvidenceRadiusM || r.radius_m > kMaxEvidenceRadiusM) {
    return Status::Invalid("radius_m must be 100 to 20000 metres", "radius_m");
  }
  if (r.window_h < 1 || r.window_h > kMaxEvidenceWindowH) {
    return Status::Invalid("window_h must be 1 to 24 hours", "window_h");
  }
  return Status::Ok();
}

double BearingDegrees(double lat1, double lon1, double lat2, double lon2) {
  const double p1 = Radians(lat1), p2 = Radians(lat2), dl = Radians(lon2 - lon1);
  const double y = std::sin(dl) * std::cos(p2);
  const double x = std::cos(p1) * std::sin(p2) - std::sin(p1) * std::cos(p2) * std::cos(dl);
  const double deg = std::atan2(y, x) * 180.0 / kPi;
  return std::fmod(deg + 360.0, 360.0);
}

const char* CompassPoint(double bearing_deg) {
  static const char* kPoints[] = {"N", "NE", "E", "SE", "S", "SW", "W", "NW"};
  const int i = static_cast<int>(std::floor(std::fmod(bearing_deg + 22.5, 360.0) / 45.0));
  return kPoints[std::clamp(i, 0, 7)];
}

Result<Evidence> GatherEvidence(UnitOfWork& work, int64_t complaint_id, const EvidenceRequest& request) {
  RETURN_IF_ERROR(work.scope().Require(tenancy::Permission::kRead));
  RETURN_IF_ERROR(ValidateEvidenceRequest(request));
  Evidence out;
  ASSIGN_OR_RETURN(out.complaint, work.complaints().Get(complaint_id));
  RETURN_IF_ERROR(work.scope().RequireStaffOf(out.complaint.org_id, "complaint"));
  out.request = request;
  const int64_t observed = out.complaint.observed_at;
  out.from_end = readings::HourEndOf(observed - int64_t{request.window_h} * 3600);
  out.to_end = readings::HourEndOf(observed + int64_t{request.window_h} * 3600);
  out.has_location = out.complaint.lat && out.complaint.lon;
  if (!out.has_location) return out;
  const double lat = *out.complaint.lat, lon = *out.complaint.lon;
  const int64_t org_id = out.complaint.org_id;

  // Sensors: the nearest of the LAO's own.
  ASSIGN_OR_RETURN(auto all_sensors, work.sensors().List(std::nullopt));
  for (auto& s : all_sensors) {
    if (s.org_id != org_id) continue;
    SensorEvidence e;
    e.distance_m = core::HaversineMetres(lat, lon, s.lat, s.lon);
    e.bearing_deg = BearingDegrees(lat, lon, s.lat, s.lon);
    e.sensor = std::move(s);
    out.sensors.push_back(std::move(e));
  }
  std::sort(out.sensors.begin(), out.sensors.end(), [](const SensorEvidence& a, const SensorEvidence& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.sensor.id < b.sensor.id;
  });
  if (out.sensors.size() > kEvidenceSensors) out.sensors.resize(kEvidenceSensors);
  if (!out.sensors.empty()) {
    // One query for the whole window of the LAO's sensors (Hours is exclusive at from_end).
    ASSIGN_OR_RETURN(auto hours, work.readings().HoursOfOrg(org_id, out.from_end - 3600, out.to_end));
    std::map<int64_t, SensorEvidence*> by_id;
    for (auto& e : out.sensors) by_id[e.sensor.id] = &e;
    const int64_t observed_hour = readings::HourEndOf(observed);
    for (const auto& h : hours) {
      auto it = by_id.find(h.sensor_id);
      if (it == by_id.end()) continue;
      SensorEvidence& e = *it->second;
      e.hours.push_back({h.hour_end, h.pm25_mean(), h.pm10_mean(), h.coverage(), h.samples});
      if (!h.pm25_24h) continue;
      const bool nearer = !e.aqi_hour_end || std::llabs(h.hour_end - observed_hour) <
                                                 std::llabs(*e.aqi_hour_end - observed_hour);
      if (!nearer) continue;
      auto aqi = core::ComputeThaiAqi(core::Pollutant::kPm25, *h.pm25_24h);
      if (!aqi.ok()) continue;
      e.aqi_hour_end = h.hour_end;
      e.pm25_24h = h.pm25_24h;
      e.thai_aqi = *aqi;
    }
    for (auto& e : out.sensors) {
      std::sort(e.hours.begin(), e.hours.end(),
                [](const EvidenceHour& a, const EvidenceHour& b) { return a.hour_end < b.hour_end; });
    }
  }

  // Factories: a box that contains the circle, then the exact distance.
  const double dlat = request.radius_m / kMetresPerDegree;
  const double dlon = request.radius_m / (kMetresPerDegree * std::max(0.1, std::cos(Radians(lat))));
  ASSIGN_OR_RETURN(auto candidates,
                   work.factories().FactoriesInBox(org_id, lat - dlat, lat + dlat, lon - dlon, lon + dlon, 20000));
  for (auto& f : candidates) {
    if (!f.lat || !f.lon) continue;
    const double d = core::HaversineMetres(lat, lon, *f.lat, *f.lon);
    if (d > request.radius_m) continue;
    FactoryEvidence e;
    e.distance_m = d;
    e.bearing_deg = BearingDegrees(lat, lon, *f.lat, *f.lon);
    e.factory = std::move(f);
    out.factories.push_back(std::move(e));
  }
  std::sort(out.factories.begin(), out.factories.end(), [](const FactoryEvidence& a, const FactoryEvidence& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.factory.id < b.factory.id;
  });
  if (out.factories.size() > kEvidenceFactories) {
    out.factories.resize(kEvidenceFactories);
    out.factories_truncated = true;
  }
  std::vector<int64_t> factory_ids;
  factory_ids.reserve(out.factories.size());
  for (const auto& e : out.factories) factory_ids.push_back(e.factory.id);
  ASSIGN_OR_RETURN(const auto open_actions, work.inspections().CountOpenActionsByFactory(factory_ids));
  for (auto& e : out.factories) {
    const auto it = open_actions.find(e.factory.id);
    e.open_actions = it == open_actions.end() ? 0 : static_cast<int>(it->second);
  }
  return out;
}

}  // namespace ecotown::complaints
