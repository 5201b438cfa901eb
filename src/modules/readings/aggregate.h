// Aggregates of stored readings: an hour from its readings, a day from its hours, a month from
// its days (conventions in reading_store.h). The readings service recomputes the aggregates of
// every period whose readings changed, from the stored rows of the level below, so late and
// backfilled data update them exactly. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/qa.h"
#include "core/thai_calendar.h"
#include "modules/readings/reading_store.h"

namespace ecotown::readings {

inline constexpr int64_t kHour = 3600;
inline constexpr int64_t kBangkokOffset = 7 * kHour;
inline constexpr int kHoursPerDayForMean = 18;  // 75 % of 24

// Samples a complete hour holds at this sample interval (at least 1).
int ExpectedSamplesPerHour(int64_t sample_interval_seconds);

// The time-ending hour that holds ts: (h − 1 h, h] → h.
int64_t HourEndOf(int64_t ts);
// The Bangkok day of a time-ending hour (the hour ending 24:00 belongs to the day it ends).
core::CivilDate DayOfHourEnd(int64_t hour_end);
int64_t DayEnd(const core::CivilDate& day);  // Unix time of 24:00 local
std::string DayKey(const core::CivilDate& day);   // "YYYY-MM-DD"
std::string MonthKey(int year, int month);        // "YYYY-MM"
int DaysInMonth(int year, int month);
int64_t MonthEnd(int year, int month);            // 24:00 local of the last day

// Hours of one sensor (in time order) split into their Bangkok days: every day that has a stored
// hour, in date order, with its hours. The daily means of the open data and exports and the
// corrected daily means (calibration::CorrectDays) both split this way, so they list the same days.
struct HoursOfDay {
  core::CivilDate date;
  int64_t day_end = 0;  // DayEnd(date)
  std::span<const HourAggregate> hours;
};
std::vector<HoursOfDay> SplitByDay(std::span<const HourAggregate> hours);

// The value aggregates use for PM2.5 / PM10: the mean of channels A and B when the reading has
// both (PurpleAir, dual AirGradient), else channel A.
std::optional<double> Pm25Value(const Reading& reading);
std::optional<double> Pm10Value(const Reading& reading);
// The CF=1 PM2.5 the same way (PurpleAir pm2_5_cf_1, AirGradient pm02Standard), empty when the
// device sends none: the input of the EPA corrections.
std::optional<double> Pm25Cf1Value(const Reading& reading);

// A reading counts in the clean sums when it carries no QA flag.
bool IsClean(const Reading& reading);
// Benchmark validity of PM2.5: present, finite, 0..1000.
bool Pm25InRange(const Reading& reading);

// `readings`: every stored reading of the hour, in time order.
HourAggregate AggregateHour(int64_t sensor_id, int64_t hour_end, std::span<const Reading> readings,
                            int expected_samples);
// Sets pm25_24h, pm25_24h_hours, pm25_nowcast, pm25_in_range_24h and pm25_in_range_24h_before
// of `hour` from the hours
// before it (`history`: any hours of the same sensor, keyed by hour_end; hour itself may be among
// them).
void SetRollingMeans(HourAggregate& hour, const std::map<int64_t, HourAggregate>& history);

// `hours`: the stored hours of the day (any order; hours outside the day are ignored).
DayAggregate AggregateDay(int64_t sensor_id, const core::CivilDate& day, std::span<const HourAggregate> hours);
// `days`: the stored days of the month.
MonthAggregate AggregateMonth(int64_t sensor_id, int year, int month, std::span<const DayAggregate> days);

}  // namespace ecotown::readings
