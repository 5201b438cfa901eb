#include "modules/readings/aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/averaging.h"
#include "core/nowcast.h"

namespace ecotown::readings {

int ExpectedSamplesPerHour(int64_t sample_interval_seconds) {
  if (sample_interval_seconds <= 0) return 1;
  return static_cast<int>(std::max<int64_t>(1, kHour / sample_interval_seconds));
}

int64_t HourEndOf(int64_t ts) { return core::HourEndingOf(ts); }

core::CivilDate DayOfHourEnd(int64_t hour_end) { return core::BangkokDateOf(hour_end - 1); }

int64_t DayEnd(const core::CivilDate& day) { return core::BangkokDayEndUnix(day); }

std::vector<HoursOfDay> SplitByDay(std::span<const HourAggregate> hours) {
  std::vector<HoursOfDay> days;
  size_t first = 0;
  for (size_t i = 0; i < hours.size(); ++i) {
    const core::CivilDate date = DayOfHourEnd(hours[i].hour_end);
    const int64_t day_end = DayEnd(date);
    if (days.empty() || days.back().day_end != day_end) {
      if (!days.empty()) days.back().hours = hours.subspan(first, i - first);
      days.push_back({date, day_end, {}});
      first = i;
    }
  }
  if (!days.empty()) days.back().hours = hours.subspan(first);
  return days;
}

namespace {

// Writes value as `width` decimal digits (zero-padded; years 0..9999, months and days 1..31).
char* Digits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

}  // namespace

// Formatted by hand: reports format one key per sensor-day (snprintf was a fifth of a report).
std::string DayKey(const core::CivilDate& day) {
  if (day.year < 0 || day.year > 9999) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", day.year, day.month, day.day);
    return text;
  }
  char buf[10];
  char* p = Digits(buf, day.year, 4);
  *p++ = '-';
  p = Digits(p, day.month, 2);
  *p++ = '-';
  Digits(p, day.day, 2);
  return std::string(buf, sizeof buf);
}

std::string MonthKey(int year, int month) {
  if (year < 0 || year > 9999) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d", year, month);
    return text;
  }
  char buf[7];
  char* p = Digits(buf, year, 4);
  *p++ = '-';
  Digits(p, month, 2);
  return std::string(buf, sizeof buf);
}

int DaysInMonth(int year, int month) {
  const core::CivilDate first{year, month, 1};
  const core::CivilDate next = month == 12 ? core::CivilDate{year + 1, 1, 1} : core::CivilDate{year, month + 1, 1};
  return static_cast<int>(core::DaysFromCivil(next) - core::DaysFromCivil(first));
}

int64_t MonthEnd(int year, int month) { return DayEnd({year, month, DaysInMonth(year, month)}); }

std::optional<double> Pm25Value(const Reading& reading) {
  if (reading.pm2_5 && reading.pm2_5_b) return (*reading.pm2_5 + *reading.pm2_5_b) / 2;
  return reading.pm2_5;
}

std::optional<double> Pm10Value(const Reading& reading) {
  if (reading.pm10 && reading.pm10_b) return (*reading.pm10 + *reading.pm10_b) / 2;
  return reading.pm10;
}

std::optional<double> Pm25Cf1Value(const Reading& reading) {
  if (reading.pm2_5_cf1 && reading.pm2_5_cf1_b) return (*reading.pm2_5_cf1 + *reading.pm2_5_cf1_b) / 2;
  return reading.pm2_5_cf1;
}

bool IsClean(const Reading& reading) { return reading.flags == 0; }

bool Pm25InRange(const Reading& reading) {
  const auto v = Pm25Value(reading);
  return v && std::isfinite(*v) && *v >= 0 && *v <= 1000;
}

namespace {

void Add(Sum& sum, const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return;
  ++sum.count;
  sum.sum += *value;
}

void Add(Sum& sum, const std::optional<double>& value, double lo, double hi) {
  if (value && std::isfinite(*value) && *value >= lo && *value <= hi) Add(sum, value);
}

std::optional<double> MeanIfComplete(const Sum& sum, int64_t needed) {
  if (sum.count == 0 || sum.count < needed) return std::nullopt;
  return sum.sum / static_cast<double>(sum.count);
}

// 75 % of n, rounded up, in integers (18 of 24, 23 of 30).
int64_t Needed(int64_t expected) { return (expected * core::kDefaultCompletenessPercent + 99) / 100; }

}  // namespace

std::optional<double> HourAggregate::pm25_mean() const { return MeanIfComplete(pm25, Needed(expected_samples)); }
std::optional<double> HourAggregate::pm10_mean() const { return MeanIfComplete(pm10, Needed(expected_samples)); }
std::optional<double> HourAggregate::pm25_cf1_mean() const {
  return MeanIfComplete(pm25_cf1, Needed(expected_samples));
}
double HourAggregate::coverage() const {
  if (expected_samples <= 0) return 0;
  return std::min(1.0, static_cast<double>(pm25.count) / expected_samples);
}

std::optional<double> DayAggregate::pm25_mean() const { return MeanIfComplete(pm25_hours, kHoursPerDayForMean); }
std::optional<double> DayAggregate::pm10_mean() const { return MeanIfComplete(pm10_hours, kHoursPerDayForMean); }
double DayAggregate::coverage() const { return std::min(1.0, static_cast<double>(pm25_hours.count) / 24.0); }

std::optional<double> MonthAggregate::pm25_mean() const {
  return MeanIfComplete(pm25_days, Needed(days_in_month));
}
std::optional<double> MonthAggregate::pm10_mean() const {
  return MeanIfComplete(pm10_days, Needed(days_in_month));
}
double MonthAggregate::coverage() const {
  if (days_in_month <= 0) return 0;
  return std::min(1.0, static_cast<double>(pm25_days.count) / days_in_month);
}

HourAggregate AggregateHour(int64_t sensor_id, int64_t hour_end, std::span<const Reading> readings,
                            int expected_samples) {
  HourAggregate hour;
  hour.sensor_id = sensor_id;
  hour.hour_end = hour_end;
  hour.expected_samples = expected_samples;
  for (const Reading& r : readings) {
    ++hour.samples;
    if (r.flags != 0) {
      ++hour.flagged;
      hour.flags |= r.flags;
    }
    const auto pm25 = Pm25Value(r);
    if (Pm25InRange(r)) {
      hour.pm25_in_range.count++;
      hour.pm25_in_range.sum += *pm25;
      if (r.ts == hour_end) hour.pm25_in_range_at_end = *pm25;
    }
    if (IsClean(r)) {
      Add(hour.pm25, pm25);
      Add(hour.pm10, Pm10Value(r));
      if (r.pm2_5_cf1) Add(hour.pm25_cf1, Pm25Cf1Value(r));
    }
    if (!(r.flags & core::kQaHumidityInvalid)) Add(hour.humidity, r.humidity_pct, 0, 100);
    Add(hour.temperature, r.temperature_c, -40, 70);
  }
  return hour;
}

void SetRollingMeans(HourAggregate& hour, const std::map<int64_t, HourAggregate>& history) {
  auto hour_at = [&](int64_t end) -> const HourAggregate* {
    if (end == hour.hour_end) return &hour;
    auto it = history.find(end);
    return it == history.end() ? nullptr : &it->second;
  };
  Sum day, in_range;
  std::vector<std::optional<double>> last12;
  last12.reserve(core::kNowCastHours);
  for (int64_t e = hour.hour_end - 23 * kHour; e <= hour.hour_end; e += kHour) {
    const HourAggregate* h = hour_at(e);
    const std::optional<double> m = h ? h->pm25_mean() : std::nullopt;
    if (m) day = {day.count + 1, day.sum + *m};
    if (h) in_range = {in_range.count + h->pm25_in_range.count, in_range.sum + h->pm25_in_range.sum};
    if (e > hour.hour_end - core::kNowCastHours * kHour) last12.push_back(m);
  }
  hour.pm25_24h_hours = static_cast<int>(day.count);
  hour.pm25_24h = day.count >= kHoursPerDayForMean ? day.mean() : std::nullopt;
  hour.pm25_in_range_24h = in_range;
  const HourAggregate* day_before = hour_at(hour.hour_end - 24 * kHour);
  hour.pm25_in_range_24h_before = day_before ? day_before->pm25_in_range_at_end : std::nullopt;
  auto nowcast = core::ComputeNowCast(core::Pollutant::kPm25, last12);
  hour.pm25_nowcast = nowcast.ok() ? nowcast->value : std::nullopt;
}

DayAggregate AggregateDay(int64_t sensor_id, const core::CivilDate& day, std::span<const HourAggregate> hours) {
  DayAggregate out;
  out.sensor_id = sensor_id;
  out.date = DayKey(day);
  out.day_end = DayEnd(day);
  const int64_t day_start = out.day_end - 24 * kHour;
  for (const HourAggregate& h : hours) {
    if (h.hour_end <= day_start || h.hour_end > out.day_end) continue;
    out.samples += h.samples;
    out.flagged += h.flagged;
    out.pm25_in_range.count += h.pm25_in_range.count;
    out.pm25_in_range.sum += h.pm25_in_range.sum;
    if (h.hour_end == out.day_end) out.pm25_in_range_at_end = h.pm25_in_range_at_end;
    if (const auto m = h.pm25_mean()) {
      ++out.pm25_hours.count;
      out.pm25_hours.sum += *m;
    }
    if (const auto m = h.pm10_mean()) {
      ++out.pm10_hours.count;
      out.pm10_hours.sum += *m;
    }
    if (h.pm25_in_range.count > 0 || h.pm25_in_range_at_end) {
      const int slot = static_cast<int>((h.hour_end - day_start) / kHour) - 1;
      out.pm25_in_range_hours.push_back({slot, h.pm25_in_range, h.pm25_in_range_at_end});
    }
  }
  std::sort(out.pm25_in_range_hours.begin(), out.pm25_in_range_hours.end(),
            [](const SubPeriodSum& a, const SubPeriodSum& b) { return a.slot < b.slot; });
  return out;
}

MonthAggregate AggregateMonth(int64_t sensor_id, int year, int month, std::span<const DayAggregate> days) {
  MonthAggregate out;
  out.sensor_id = sensor_id;
  out.month = MonthKey(year, month);
  out.month_end = MonthEnd(year, month);
  out.days_in_month = DaysInMonth(year, month);
  const std::string prefix = out.month + "-";
  for (const DayAggregate& d : days) {
    if (d.date.compare(0, prefix.size(), prefix) != 0) continue;
    out.samples += d.samples;
    out.flagged += d.flagged;
    out.pm25_in_range.count += d.pm25_in_range.count;
    out.pm25_in_range.sum += d.pm25_in_range.sum;
    if (d.day_end == out.month_end) out.pm25_in_range_at_end = d.pm25_in_range_at_end;
    if (const auto m = d.pm25_mean()) {
      ++out.pm25_days.count;
      out.pm25_days.sum += *m;
    }
    if (const auto m = d.pm10_mean()) {
      ++out.pm10_days.count;
      out.pm10_days.sum += *m;
    }
    if (d.pm25_in_range.count > 0 || d.pm25_in_range_at_end) {
      const int slot = std::stoi(d.date.substr(prefix.size())) - 1;  // "YYYY-MM-DD": the day
      out.pm25_in_range_days.push_back({slot, d.pm25_in_range, d.pm25_in_range_at_end});
    }
  }
  std::sort(out.pm25_in_range_days.begin(), out.pm25_in_range_days.end(),
            [](const SubPeriodSum& a, const SubPeriodSum& b) { return a.slot < b.slot; });
  return out;
}

}  // namespace ecotown::readings
