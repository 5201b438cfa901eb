// Builds the SensorSnapshot the evaluator reads, from the readings store: the 24-hour moving
// mean and its Thai AQI, the NowCast and its US AQI (core/averaging.h, core/nowcast.h,
// core/aqi.h), when data last arrived, and the implausible readings of the last hour.
//
// Windows end at the last complete hour: at 10:20 the 24-hour mean covers the hours ending
// 11:00 yesterday .. 10:00 today, and the NowCast the twelve hours ending 10:00. Hourly means
// count only when complete (HourAggregate::pm25_mean, 75 % of the expected samples).
#pragma once

#include <cstdint>

#include "core/result.h"
#include "modules/alerts/evaluator.h"
#include "modules/readings/reading_store.h"
#include "modules/sensors/sensor.h"

namespace ecotown::alerts {

// Which parts of a snapshot to read: the parts no rule asks for cost no query.
struct SnapshotNeeds {
  bool pm25 = false;       // 24-hour mean, NowCast, AQI (pm25_*, aqi_level)
  bool last_seen = false;  // offline
  bool quality = false;    // data_quality
};
SnapshotNeeds NeedsOf(const AlertRule& rule);
SnapshotNeeds operator|(SnapshotNeeds a, SnapshotNeeds b);

// The end of the last complete time-ending hour at now (now itself when on the hour).
int64_t LastCompleteHourEnd(int64_t now);

// Reads what `needs` asks for; errors of the store are passed on. A sensor without data gives a
// snapshot whose values are empty.
Result<SensorSnapshot> BuildSnapshot(readings::ReadingStore& readings, const sensors::Sensor& sensor, int64_t now,
                                     SnapshotNeeds needs);

}  // namespace ecotown::alerts
