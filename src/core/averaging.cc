#include "core/averaging.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace ecotown::core {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t num, int64_t den) {
  int64_t q = num / den;
  if ((num % den != 0) && (num < 0)) --q;
  return q;
}

Status CheckPercent(int percent) {
  if (percent < 1 || percent > 100) return Status::Invalid("completeness percent must be 1..100", "percent");
  return Status::Ok();
}

Status CheckValues(std::span<const Sample> samples) {
  for (const auto& sample : samples) {
    if (sample.valid && !std::isfinite(sample.value)) {
      return Status::Invalid("valid sample at " + std::to_string(sample.unix_seconds) + " is not a finite number",
                             "value");
    }
  }
  return Status::Ok();
}

// Hourly series: values finite, stamps on hour boundaries, no hour twice.
Status CheckHourly(std::span<const Sample> hourly) {
  RETURN_IF_ERROR(CheckValues(hourly));
  std::vector<int64_t> stamps;
  stamps.reserve(hourly.size());
  for (const auto& sample : hourly) {
    if (sample.unix_seconds % kSecondsPerHour != 0) {
      return Status::Invalid("hourly sample at " + std::to_string(sample.unix_seconds) +
                                 " is not on an hour boundary (hour-ending stamp expected)",
                             "unix_seconds");
    }
    stamps.push_back(sample.unix_seconds);
  }
  std::sort(stamps.begin(), stamps.end());
  if (const auto dup = std::adjacent_find(stamps.begin(), stamps.end()); dup != stamps.end()) {
    return Status::Invalid("hour " + std::to_string(*dup) + " appears twice in the hourly series", "unix_seconds");
  }
  return Status::Ok();
}

Mean MakeMean(double sum, int valid_count, int expected_count, int percent) {
  Mean mean;
  mean.valid_count = valid_count;
  mean.expected_count = expected_count;
  mean.coverage = expected_count > 0 ? std::min(1.0, static_cast<double>(valid_count) / expected_count) : 0.0;
  if (valid_count > 0 && MeetsCompleteness(valid_count, expected_count, percent)) mean.value = sum / valid_count;
  return mean;
}

// Bangkok day number (days since 1970-01-01 local) of the hour ending at hour_end_unix.
int64_t BangkokDayNumberOfHourEnding(int64_t hour_end_unix) {
  return FloorDiv(hour_end_unix - 1 + kBangkokUtcOffsetSeconds, kSecondsPerDay);
}

struct Accumulator {
  double sum = 0.0;
  int valid = 0;
};

// Valid hourly values summed per Bangkok day, in day order (samples in time order within a day).
std::map<int64_t, Accumulator> SumByDay(std::span<const Sample> hourly) {
  std::vector<const Sample*> ordered;
  ordered.reserve(hourly.size());
  for (const auto& sample : hourly) ordered.push_back(&sample);
  std::sort(ordered.begin(), ordered.end(),
            [](const Sample* a, const Sample* b) { return a->unix_seconds < b->unix_seconds; });
  std::map<int64_t, Accumulator> days;
  for (const Sample* sample : ordered) {
    auto& day = days[BangkokDayNumberOfHourEnding(sample->unix_seconds)];
    if (sample->valid) {
      day.sum += sample->value;
      ++day.valid;
    }
  }
  return days;
}

// Mean of the valid daily means of Bangkok days [first_day, last_day].
Result<Mean> PeriodMean(std::span<const Sample> hourly, int64_t first_day, int64_t last_day, int daily_percent,
                        int period_percent) {
  RETURN_IF_ERROR(CheckPercent(daily_percent));
  RETURN_IF_ERROR(CheckPercent(period_percent));
  RETURN_IF_ERROR(CheckHourly(hourly));
  const auto days = SumByDay(hourly);
  double sum = 0.0;
  int valid_days = 0;
  for (auto it = days.lower_bound(first_day); it != days.end() && it->first <= last_day; ++it) {
    const Mean daily = MakeMean(it->second.sum, it->second.valid, 24, daily_percent);
    if (daily.value) {
      sum += *daily.value;
      ++valid_days;
    }
  }
  return MakeMean(sum, valid_days, static_cast<int>(last_day - first_day + 1), period_percent);
}

}  // namespace

bool MeetsCompleteness(int valid_count, int expected_count, int percent) {
  if (expected_count <= 0) return false;
  return static_cast<int64_t>(valid_count) * 100 >= static_cast<int64_t>(expected_count) * percent;
}

int64_t HourEndingOf(int64_t unix_seconds) { return -FloorDiv(-unix_seconds, kSecondsPerHour) * kSecondsPerHour; }

HourEndingLabel BangkokHourEndingLabel(int64_t hour_end_unix) {
  const int64_t end = HourEndingOf(hour_end_unix);
  const int64_t local = end - 1 + kBangkokUtcOffsetSeconds;
  HourEndingLabel label;
  label.date = CivilFromDays(FloorDiv(local, kSecondsPerDay));
  label.hour = static_cast<int>((local - FloorDiv(local, kSecondsPerDay) * kSecondsPerDay) / kSecondsPerHour) + 1;
  return label;
}

int64_t BangkokDayEndUnix(const CivilDate& day) {
  return (DaysFromCivil(day) + 1) * kSecondsPerDay - kBangkokUtcOffsetSeconds;
}

Result<Mean> ComputeHourlyMean(std::span<const Sample> samples, int64_t hour_end_unix, int expected_samples,
                               int percent) {
  RETURN_IF_ERROR(CheckPercent(percent));
  if (expected_samples < 1) return Status::Invalid("expected samples per hour must be at least 1", "expected_samples");
  RETURN_IF_ERROR(CheckValues(samples));
  double sum = 0.0;
  int valid = 0;
  for (const auto& sample : samples) {
    if (sample.valid && sample.unix_seconds > hour_end_unix - kSecondsPerHour && sample.unix_seconds <= hour_end_unix) {
      sum += sample.value;
      ++valid;
    }
  }
  return MakeMean(sum, valid, expected_samples, percent);
}

Result<std::vector<HourlyMean>> ComputeHourlyMeans(std::span<const Sample> samples, int expected_samples_per_hour,
                                                   int percent) {
  RETURN_IF_ERROR(CheckPercent(percent));
  if (expected_samples_per_hour < 1) {
    return Status::Invalid("expected samples per hour must be at least 1", "expected_samples");
  }
  RETURN_IF_ERROR(CheckValues(samples));
  std::vector<const Sample*> ordered;
  ordered.reserve(samples.size());
  for (const auto& sample : samples) ordered.push_back(&sample);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Sample* a, const Sample* b) { return a->unix_seconds < b->unix_seconds; });
  std::map<int64_t, Accumulator> hours;
  for (const Sample* sample : ordered) {
    auto& hour = hours[HourEndingOf(sample->unix_seconds)];
    if (sample->valid) {
      hour.sum += sample->value;
      ++hour.valid;
    }
  }
  std::vector<HourlyMean> out;
  out.reserve(hours.size());
  for (const auto& [end, acc] : hours) {
    out.push_back({end, MakeMean(acc.sum, acc.valid, expected_samples_per_hour, percent)});
  }
  return out;
}

Result<Mean> ComputeMovingMean(std::span<const Sample> hourly, int64_t end_hour_unix, int window_hours, int percent) {
  RETURN_IF_ERROR(CheckPercent(percent));
  if (window_hours < 1) return Status::Invalid("window must be at least 1 hour", "window_hours");
  if (end_hour_unix % kSecondsPerHour != 0) {
    return Status::Invalid("window end is not on an hour boundary", "end_hour_unix");
  }
  RETURN_IF_ERROR(CheckHourly(hourly));
  const int64_t start = end_hour_unix - window_hours * kSecondsPerHour;
  std::vector<const Sample*> in_window;
  for (const auto& sample : hourly) {
    if (sample.valid && sample.unix_seconds > start && sample.unix_seconds <= end_hour_unix) {
      in_window.push_back(&sample);
    }
  }
  // Sum in time order so that the result does not depend on the input order.
  std::sort(in_window.begin(), in_window.end(),
            [](const Sample* a, const Sample* b) { return a->unix_seconds < b->unix_seconds; });
  double sum = 0.0;
  for (const Sample* sample : in_window) sum += sample->value;
  return MakeMean(sum, static_cast<int>(in_window.size()), window_hours, percent);
}

Result<std::vector<HourlyMean>> ComputeMovingMeans(std::span<const Sample> hourly, int window_hours, int percent) {
  RETURN_IF_ERROR(CheckPercent(percent));
  if (window_hours < 1) return Status::Invalid("window must be at least 1 hour", "window_hours");
  RETURN_IF_ERROR(CheckHourly(hourly));
  std::vector<HourlyMean> out;
  if (hourly.empty()) return out;
  std::map<int64_t, double> valid;
  int64_t first = hourly.front().unix_seconds;
  int64_t last = first;
  for (const auto& sample : hourly) {
    first = std::min(first, sample.unix_seconds);
    last = std::max(last, sample.unix_seconds);
    if (sample.valid) valid[sample.unix_seconds] = sample.value;
  }
  out.reserve(static_cast<size_t>((last - first) / kSecondsPerHour + 1));
  for (int64_t end = first; end <= last; end += kSecondsPerHour) {
    // Re-summing each window (at most window_hours terms) keeps every mean independent of the
    // ones before it: no drift from a running sum.
    double sum = 0.0;
    int count = 0;
    for (auto it = valid.upper_bound(end - window_hours * kSecondsPerHour); it != valid.end() && it->first <= end;
         ++it) {
      sum += it->second;
      ++count;
    }
    out.push_back({end, MakeMean(sum, count, window_hours, percent)});
  }
  return out;
}

Result<Mean> ComputeDailyMean(std::span<const Sample> hourly, const CivilDate& day, int percent) {
  if (!IsValidDate(day.year, day.month, day.day)) return Status::Invalid("not a calendar date", "day");
  const int64_t end = BangkokDayEndUnix(day);
  return ComputeMovingMean(hourly, end, 24, percent);
}

Result<std::vector<DailyMean>> ComputeDailyMeans(std::span<const Sample> hourly, int percent) {
  RETURN_IF_ERROR(CheckPercent(percent));
  RETURN_IF_ERROR(CheckHourly(hourly));
  std::vector<DailyMean> out;
  for (const auto& [day, acc] : SumByDay(hourly)) {
    out.push_back({CivilFromDays(day), MakeMean(acc.sum, acc.valid, 24, percent)});
  }
  return out;
}

Result<Mean> ComputeMonthlyMean(std::span<const Sample> hourly, int year, int month, int daily_percent,
                                int period_percent) {
  if (month < 1 || month > 12 || year < 1 || year > 9999) return Status::Invalid("not a calendar month", "month");
  const int64_t first = DaysFromCivil({year, month, 1});
  const int64_t next = month == 12 ? DaysFromCivil({year + 1, 1, 1}) : DaysFromCivil({year, month + 1, 1});
  return PeriodMean(hourly, first, next - 1, daily_percent, period_percent);
}

Result<Mean> ComputeAnnualMean(std::span<const Sample> hourly, int year, int daily_percent, int period_percent) {
  if (year < 1 || year > 9999) return Status::Invalid("not a calendar year", "year");
  const int64_t first = DaysFromCivil({year, 1, 1});
  const int64_t next = DaysFromCivil({year + 1, 1, 1});
  return PeriodMean(hourly, first, next - 1, daily_percent, period_percent);
}

}  // namespace ecotown::core
