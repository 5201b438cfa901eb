// Reads over stored aggregates that the screens, alerts and APIs share: each sensor's status now
// (latest values, NowCast, 24-h mean, Thai and US AQI), and the raw ("in range", no QA) statistics
// over half-open periods [start, end) that open-data clients and the benchmark ask for.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/aqi.h"
#include "modules/readings/reading_store.h"
#include "modules/sensors/sensor.h"
#include "modules/unit_of_work.h"

namespace ecotown::readings {

// A sensor is stale when its newest reading is older than this many sample intervals (at least
// 30 minutes).
inline constexpr int64_t kStaleIntervals = 3;
inline constexpr int64_t kMinStaleSeconds = 30 * 60;
int64_t StaleAfterSeconds(const sensors::Sensor& sensor);

struct SensorNow {
  sensors::Sensor sensor;
  LatestReading latest;     // empty readings when nothing was ever stored
  int64_t hour_end = 0;     // the hour the figures below end with (the newest stored hour)
  std::optional<double> pm25_hour;     // complete clean mean of that hour
  std::optional<double> pm25_nowcast;  // EPA NowCast over the last 12 clean hourly means
  std::optional<double> pm25_24h;      // mean of the complete hourly means of 24 h (18 needed)
  std::optional<double> pm10_24h;
  double pm25_24h_coverage = 0;        // complete hours / 24
  std::optional<core::Aqi> thai_aqi;   // PCD method: from the 24-h mean
  std::optional<core::Aqi> us_aqi;     // from the NowCast
  bool stale = true;
};

// Every sensor of the organisation (or of the scope when org_id is empty), at time `now`.
Result<std::vector<SensorNow>> CurrentStatus(UnitOfWork& work, std::optional<int64_t> org_id, int64_t now);
// One sensor's status from its stored hours ending at its newest hour.
Result<SensorNow> SensorStatusNow(UnitOfWork& work, const sensors::Sensor& sensor, int64_t now);
// The same from hours already read (oldest first, the last 24 h ending at hour_end).
SensorNow StatusFromHours(const sensors::Sensor& sensor, const LatestReading& latest,
                          std::span<const HourAggregate> hours, int64_t hour_end, int64_t now);

// A calendar year's mean from its stored months: the mean of the valid daily means (75 % of the
// year's days needed, as for months), with coverage = valid days / days in the year.
struct YearMean {
  int year = 0;
  std::optional<double> pm25, pm10;
  int64_t valid_days = 0;
  int days_in_year = 0;
  double coverage = 0;
  int64_t samples = 0;
};
std::vector<YearMean> AnnualMeans(std::span<const MonthAggregate> months);

// Raw statistics over [start, end): in-range PM2.5 samples with start <= ts < end.
// From time-ending aggregates: the period (start, end] minus the sample stamped at end plus the
// one stamped at start (`at_start` = the in-range value at start, held by the period ending there).
Sum RawHalfOpen(const Sum& time_ending, const std::optional<double>& at_end, const std::optional<double>& at_start);

// Raw 24-h window of each sensor of an organisation: the mean of in-range PM2.5 with
// end - 86400 <= ts < end (end must be on an hour boundary), with each sensor's newest valid reading.
struct RawWindow {
  int64_t sensor_id = 0;
  std::string code;
  std::optional<Reading> latest_valid;
  Sum pm25;
};
Result<std::vector<RawWindow>> RawDayWindow(UnitOfWork& work, int64_t org_id, int64_t end);

// Raw hourly series of one sensor labelled by hour START: hours h with from <= h < to.
struct RawPeriod {
  int64_t start = 0;
  std::string label;  // the date or month of days and months; empty for hours
  Sum pm25;
};
Result<std::vector<RawPeriod>> RawHoursByStart(UnitOfWork& work, int64_t sensor_id, int64_t from, int64_t to);
// Raw daily / monthly means of every sensor of an organisation, calendar periods in Bangkok,
// [00:00, 24:00): map sensor id -> periods in order.
Result<std::vector<std::pair<int64_t, std::vector<RawPeriod>>>> RawDaysOfOrg(UnitOfWork& work, int64_t org_id,
                                                                            const std::string& from_date,
                                                                            const std::string& to_date);
Result<std::vector<std::pair<int64_t, std::vector<RawPeriod>>>> RawMonthsOfOrg(UnitOfWork& work, int64_t org_id,
                                                                              const std::string& from_month,
                                                                              const std::string& to_month);

}  // namespace ecotown::readings
