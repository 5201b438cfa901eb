// The evidence at hand for one complaint (issue 5 item 4): around the complaint's point and
// observed time, the nearest sensors of the LAO with their hourly means and the Thai AQI, and
// the registry factories within a chosen radius. Read from the readings aggregates and the
// factory registry as stored; nothing is recomputed from raw readings. docs/complaints-api.md.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/aqi.h"
#include "modules/complaints/complaint.h"
#include "modules/factories/factory.h"
#include "modules/sensors/sensor.h"
#include "modules/unit_of_work.h"

namespace ecotown::complaints {

inline constexpr double kDefaultEvidenceRadiusM = 3000;
inline constexpr double kMinEvidenceRadiusM = 100;
inline constexpr double kMaxEvidenceRadiusM = 20000;
inline constexpr int kDefaultEvidenceWindowH = 3;
inline constexpr int kMaxEvidenceWindowH = 24;
inline constexpr size_t kEvidenceSensors = 5;      // the nearest sensors shown
inline constexpr size_t kEvidenceFactories = 100;  // the nearest factories shown

struct EvidenceRequest {
  double radius_m = kDefaultEvidenceRadiusM;  // factories within this distance, 100..20000 m
  int window_h = kDefaultEvidenceWindowH;     // hours either side of the observed time, 1..24
};

// Invalid naming "radius_m" or "window_h".
Status ValidateEvidenceRequest(const EvidenceRequest& request);

// Initial great-circle bearing from the first point to the second, degrees clockwise from north
// in [0, 360).
double BearingDegrees(double lat1, double lon1, double lat2, double lon2);
// "N", "NE", "E", "SE", "S", "SW", "W", "NW".
const char* CompassPoint(double bearing_deg);

struct EvidenceHour {
  int64_t hour_end = 0;
  std::optional<double> pm25;  // complete clean hourly means (75 % rule), else empty
  std::optional<double> pm10;
  double coverage = 0;         // clean PM2.5 samples / expected, at most 1
  int64_t samples = 0;
};

struct SensorEvidence {
  sensors::Sensor sensor;
  double distance_m = 0;
  double bearing_deg = 0;            // from the complaint to the sensor
  std::vector<EvidenceHour> hours;   // the window, in time order; hours without data are absent
  // The Thai AQI (PCD, 24-h mean of PM2.5) at the hour of the window nearest the observed time
  // that has a 24-h mean; empty when none has.
  std::optional<int64_t> aqi_hour_end;
  std::optional<double> pm25_24h;
  std::optional<core::Aqi> thai_aqi;
};

struct FactoryEvidence {
  factories::Factory factory;
  double distance_m = 0;
  double bearing_deg = 0;
  int open_actions = 0;  // corrective actions still open
};

struct Evidence {
  Complaint complaint;
  bool has_location = false;  // false: no point, so no sensors or factories
  EvidenceRequest request;
  int64_t from_end = 0;  // hours with from_end <= hour_end <= to_end
  int64_t to_end = 0;
  std::vector<SensorEvidence> sensors;  // nearest first
  std::vector<FactoryEvidence> factories;  // nearest first
  bool factories_truncated = false;      // more than kEvidenceFactories were within the radius
};

// Staff of the complaint's LAO only (NotFound otherwise, as for another LAO's complaint).
// Sensors and factories are those of the complaint's LAO, never another's.
Result<Evidence> GatherEvidence(UnitOfWork& work, int64_t complaint_id, const EvidenceRequest& request);

}  // namespace ecotown::complaints
