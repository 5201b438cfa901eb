#include "modules/alerts/snapshot.h"

#include <map>
#include <vector>

#include "core/averaging.h"
#include "core/nowcast.h"

namespace ecotown::alerts {
namespace {

// At most this many raw readings are read for the last hour: a 10-second logger sends 360.
constexpr int64_t kMaxRawPerHour = 5000;

}  // namespace

SnapshotNeeds NeedsOf(const AlertRule& rule) {
  SnapshotNeeds needs;
  switch (rule.kind) {
    case RuleKind::kPm25Daily:
    case RuleKind::kPm25NowCast:
    case RuleKind::kAqiLevel:
      needs.pm25 = true;
      break;
    case RuleKind::kOffline:
      needs.last_seen = true;
      break;
    case RuleKind::kDataQuality:
      needs.quality = true;
      break;
  }
  return needs;
}

SnapshotNeeds operator|(SnapshotNeeds a, SnapshotNeeds b) {
  return {a.pm25 || b.pm25, a.last_seen || b.last_seen, a.quality || b.quality};
}

int64_t LastCompleteHourEnd(int64_t now) {
  const int64_t rem = ((now % core::kSecondsPerHour) + core::kSecondsPerHour) % core::kSecondsPerHour;
  return now - rem;
}

Result<SensorSnapshot> BuildSnapshot(readings::ReadingStore& readings, const sensors::Sensor& sensor, int64_t now,
                                     SnapshotNeeds needs) {
  SensorSnapshot snapshot;
  snapshot.sensor_id = sensor.id;
  snapshot.org_id = sensor.org_id;
  snapshot.code = sensor.code;
  snapshot.name = sensor.name;
  snapshot.maintenance = sensor.maintenance;
  snapshot.at = now;

  if (needs.pm25) {
    const int64_t last_hour = LastCompleteHourEnd(now);
    ASSIGN_OR_RETURN(const auto hours, readings.Hours(sensor.id, last_hour - 24 * core::kSecondsPerHour, last_hour));
    std::vector<core::Sample> hourly;
    std::map<int64_t, double> complete;  // hour end -> complete hourly mean
    hourly.reserve(hours.size());
    for (const auto& hour : hours) {
      const auto mean = hour.pm25_mean();
      hourly.push_back({hour.hour_end, mean.value_or(0.0), mean.has_value()});
      if (mean) complete[hour.hour_end] = *mean;
    }
    ASSIGN_OR_RETURN(const core::Mean daily, core::ComputeMovingMean(hourly, last_hour, 24));
    snapshot.pm25_24h = daily.value;
    snapshot.pm25_24h_coverage = daily.coverage;
    if (daily.value) {
      ASSIGN_OR_RETURN(const core::Aqi thai, core::ComputeThaiAqi(core::Pollutant::kPm25, *daily.value));
      snapshot.thai_aqi = thai;
    }

    std::vector<std::optional<double>> last12;  // oldest first
    last12.reserve(core::kNowCastHours);
    for (int back = core::kNowCastHours - 1; back >= 0; --back) {
      const auto found = complete.find(last_hour - back * core::kSecondsPerHour);
      last12.push_back(found == complete.end() ? std::nullopt : std::optional<double>(found->second));
    }
    ASSIGN_OR_RETURN(const core::NowCast nowcast, core::ComputeNowCast(core::Pollutant::kPm25, last12));
    snapshot.nowcast = nowcast.truncated;
    ASSIGN_OR_RETURN(const auto us, core::ComputeNowCastAqi(nowcast, core::Pollutant::kPm25));
    snapshot.us_aqi = us;
  }

  if (needs.last_seen) {
    auto latest = readings.LatestOf(sensor.id);
    if (latest.ok()) {
      if (latest->received_at > 0) {
        snapshot.last_seen = latest->received_at;
      } else if (latest->latest) {
        snapshot.last_seen = latest->latest->ts;
      }
    } else if (latest.status().code() != StatusCode::kNotFound) {
      return latest.status();
    }
  }

  if (needs.quality) {
    ASSIGN_OR_RETURN(const auto raw, readings.Raw(sensor.id, now - core::kSecondsPerHour, now, kMaxRawPerHour));
    const core::QaFlags implausible = ImplausibleFlags();
    snapshot.readings_last_hour = static_cast<int64_t>(raw.size());
    for (const auto& reading : raw) {
      if ((reading.flags & implausible) != 0) {
        ++snapshot.implausible_last_hour;
        snapshot.flags_last_hour |= reading.flags & implausible;
      }
    }
  }
  return snapshot;
}

}  // namespace ecotown::alerts
