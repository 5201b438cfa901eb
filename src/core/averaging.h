// Averaging of PM time series with data-completeness rules: hourly means from sensor samples,
// the 24-h moving mean behind the Thai AQI, and daily, monthly and annual means with the
// coverage they were computed from.
//
// Conventions (air-quality.md §3.4; docs/air-quality-method.md):
// - Hours are labelled time-ending: the hour ending 10:00 holds samples stamped in
//   (09:00:00, 10:00:00]. An hourly series carries the hour END as its timestamp.
// - A mean needs at least 75 % of the expected values: 23 of 30 two-minute samples, 18 of 24 hours,
//   6 of 8 hours. Below that the mean is empty, but counts and coverage are still reported.
// - Days are Asia/Bangkok calendar days (UTC+7, no DST): hours ending 01:00 .. 24:00 local.
//   Monthly and annual means are means of the valid daily means; coverage = valid days / days.
// Pure functions over (unix_seconds, value, valid) samples; no clock; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/result.h"
#include "core/thai_calendar.h"

namespace ecotown::core {

inline constexpr int64_t kSecondsPerHour = 3600;
inline constexpr int kDefaultCompletenessPercent = 75;

// One observation. Invalid samples count as missing; a valid sample must hold a finite value.
struct Sample {
  int64_t unix_seconds = 0;
  double value = 0.0;
  bool valid = false;
};

// True when valid_count >= percent % of expected_count, in integers (18 of 24 passes, 17 fails).
bool MeetsCompleteness(int valid_count, int expected_count, int percent = kDefaultCompletenessPercent);

struct Mean {
  std::optional<double> value;  // empty when completeness is not met
  int valid_count = 0;
  int expected_count = 0;
  double coverage = 0.0;  // valid_count / expected_count, at most 1
};

// --- Hour labels.

// The end of the hour that contains unix_seconds: 09:00:01 .. 10:00:00 -> 10:00:00.
int64_t HourEndingOf(int64_t unix_seconds);

// A time-ending hour in Bangkok: the hour ending at 00:00 local is hour 24 of the previous day.
struct HourEndingLabel {
  CivilDate date;
  int hour = 24;  // 1..24
  friend bool operator==(const HourEndingLabel&, const HourEndingLabel&) = default;
};
HourEndingLabel BangkokHourEndingLabel(int64_t hour_end_unix);

// Unix time of the end of the last hour of a Bangkok day (24:00 local = next day's 00:00).
int64_t BangkokDayEndUnix(const CivilDate& day);

// --- Means. Every function returns Invalid when a valid sample is NaN or infinite; functions on
// hourly series also when a timestamp is not on an hour boundary or an hour appears twice.

// Mean of the samples in the hour ending hour_end_unix; expected_samples is the count a complete
// hour holds (30 for a 2-minute logger). Invalid when expected_samples < 1 or percent not in 1..100.
Result<Mean> ComputeHourlyMean(std::span<const Sample> samples, int64_t hour_end_unix, int expected_samples,
                               int percent = kDefaultCompletenessPercent);

struct HourlyMean {
  int64_t hour_end_unix = 0;
  Mean mean;
};
// Hourly means for every hour that has at least one sample, in time order.
Result<std::vector<HourlyMean>> ComputeHourlyMeans(std::span<const Sample> samples, int expected_samples_per_hour,
                                                   int percent = kDefaultCompletenessPercent);

// Moving mean of the window_hours hours ending at end_hour_unix (24: the Thai AQI input; 8: ozone).
Result<Mean> ComputeMovingMean(std::span<const Sample> hourly, int64_t end_hour_unix, int window_hours = 24,
                               int percent = kDefaultCompletenessPercent);
// The moving mean ending at every hour from the first to the last hour of the series.
Result<std::vector<HourlyMean>> ComputeMovingMeans(std::span<const Sample> hourly, int window_hours = 24,
                                                   int percent = kDefaultCompletenessPercent);

struct DailyMean {
  CivilDate date;
  Mean mean;
};
// Mean of the 24 hours of a Bangkok day.
Result<Mean> ComputeDailyMean(std::span<const Sample> hourly, const CivilDate& day,
                              int percent = kDefaultCompletenessPercent);
// Daily means of every Bangkok day that has at least one hour, in date order.
Result<std::vector<DailyMean>> ComputeDailyMeans(std::span<const Sample> hourly,
                                                 int percent = kDefaultCompletenessPercent);

// Mean of the valid daily means of a calendar month / year (Bangkok days). A day is valid with
// daily_percent of its hours; the period needs period_percent of its days. Invalid for a month
// outside 1..12.
Result<Mean> ComputeMonthlyMean(std::span<const Sample> hourly, int year, int month,
                                int daily_percent = kDefaultCompletenessPercent,
                                int period_percent = kDefaultCompletenessPercent);
Result<Mean> ComputeAnnualMean(std::span<const Sample> hourly, int year,
                               int daily_percent = kDefaultCompletenessPercent,
                               int period_percent = kDefaultCompletenessPercent);

}  // namespace ecotown::core
