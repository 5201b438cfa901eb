#include "modules/readings/reading_queries.h"

#include <algorithm>
#include <map>
#include <span>

#include "core/nowcast.h"
#include "modules/readings/aggregate.h"
#include "modules/sensors/sensor_service.h"

namespace ecotown::readings {
namespace {

constexpr int64_t kDay = 24 * kHour;

// Periods [start, end) from stored time-ending ones (start, end] of one sensor, in time order:
// each loses its sample stamped at end and gains the one stamped at its start (held by the period
// before it, when that one is stored). next_label names the period after a stored one that is not
// itself stored (it may hold only that sample).
template <typename NextLabel>
std::vector<RawPeriod> StartLabelled(std::span<const InRangePeriod> rows, NextLabel next_label) {
  std::vector<RawPeriod> out;
  out.reserve(rows.size() + 1);
  for (size_t i = 0; i < rows.size(); ++i) {
    const InRangePeriod& r = rows[i];
    const bool prev_adjacent = i > 0 && rows[i - 1].end == r.start;
    const Sum sum = RawHalfOpen(r.pm25, r.at_end, prev_adjacent ? rows[i - 1].at_end : std::nullopt);
    if (sum.count > 0) out.push_back({r.start, r.label, sum});
    const bool next_adjacent = i + 1 < rows.size() && rows[i + 1].start == r.end;
    if (r.at_end && !next_adjacent) out.push_back({r.end, next_label(r.label), Sum{1, *r.at_end}});
  }
  return out;
}

std::string NextDate(const std::string& date) {
  const core::CivilDate d{std::stoi(date.substr(0, 4)), std::stoi(date.substr(5, 2)), std::stoi(date.substr(8, 2))};
  return DayKey(core::CivilFromDays(core::DaysFromCivil(d) + 1));
}

std::string PreviousDate(const std::string& date) {
  const core::CivilDate d{std::stoi(date.substr(0, 4)), std::stoi(date.substr(5, 2)), std::stoi(date.substr(8, 2))};
  return DayKey(core::CivilFromDays(core::DaysFromCivil(d) - 1));
}

std::string NextMonth(const std::string& month) {
  int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2));
  if (++m > 12) {
    m = 1;
    ++y;
  }
  return MonthKey(y, m);
}

std::string PreviousMonth(const std::string& month) {
  int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2));
  if (--m < 1) {
    m = 12;
    --y;
  }
  return MonthKey(y, m);
}

// Start-labelled periods of each sensor of `rows` (ordered by sensor then time) whose label lies in
// [from, to].
template <typename NextLabel>
std::vector<std::pair<int64_t, std::vector<RawPeriod>>> GroupBySensor(const std::vector<InRangePeriod>& rows,
                                                                      NextLabel next_label, const std::string& from,
                                                                      const std::string& to) {
  std::vector<std::pair<int64_t, std::vector<RawPeriod>>> out;
  size_t i = 0;
  while (i < rows.size()) {
    const size_t first = i;
    while (i < rows.size() && rows[i].sensor_id == rows[first].sensor_id) ++i;
    std::vector<RawPeriod> labelled;
    labelled.reserve(i - first);
    for (auto& p : StartLabelled(std::span(rows).subspan(first, i - first), next_label)) {
      if (p.label >= from && p.label <= to) labelled.push_back(std::move(p));
    }
    if (!labelled.empty()) out.emplace_back(rows[first].sensor_id, std::move(labelled));
  }
  return out;
}

}  // namespace

std::vector<YearMean> AnnualMeans(std::span<const MonthAggregate> months) {
  std::map<int, std::pair<YearMean, std::pair<Sum, Sum>>> years;
  for (const auto& m : months) {
    const int year = std::stoi(m.month.substr(0, 4));
    auto& [mean, sums] = years[year];
    mean.year = year;
    mean.samples += m.samples;
    sums.first = {sums.first.count + m.pm25_days.count, sums.first.sum + m.pm25_days.sum};
    sums.second = {sums.second.count + m.pm10_days.count, sums.second.sum + m.pm10_days.sum};
  }
  std::vector<YearMean> out;
  for (auto& [year, entry] : years) {
    auto& [mean, sums] = entry;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    mean.days_in_year = leap ? 366 : 365;
    const int64_t needed = (mean.days_in_year * 75 + 99) / 100;
    mean.valid_days = sums.first.count;
    mean.coverage = static_cast<double>(sums.first.count) / mean.days_in_year;
    if (sums.first.count >= needed) mean.pm25 = sums.first.mean();
    if (sums.second.count >= needed) mean.pm10 = sums.second.mean();
    out.push_back(mean);
  }
  return out;
}

int64_t StaleAfterSeconds(const sensors::Sensor& sensor) {
  return std::max(kMinStaleSeconds, kStaleIntervals * sensor.sample_interval_seconds);
}

Sum RawHalfOpen(const Sum& time_ending, const std::optional<double>& at_end, const std::optional<double>& at_start) {
  Sum out = time_ending;
  if (at_end) {
    --out.count;
    out.sum -= *at_end;
  }
  if (at_start) {
    ++out.count;
    out.sum += *at_start;
  }
  return out;
}

SensorNow StatusFromHours(const sensors::Sensor& sensor, const LatestReading& latest,
                          std::span<const HourAggregate> hours, int64_t hour_end, int64_t now) {
  SensorNow status;
  status.sensor = sensor;
  status.latest = latest;
  status.hour_end = hour_end;
  status.stale = !latest.latest || now - latest.latest->ts > StaleAfterSeconds(sensor);
  std::map<int64_t, const HourAggregate*> by_end;
  for (const auto& h : hours) by_end[h.hour_end] = &h;

  std::vector<std::optional<double>> last12;
  for (int64_t e = hour_end - (core::kNowCastHours - 1) * kHour; e <= hour_end; e += kHour) {
    auto it = by_end.find(e);
    last12.push_back(it == by_end.end() ? std::nullopt : it->second->pm25_mean());
  }
  if (auto it = by_end.find(hour_end); it != by_end.end()) status.pm25_hour = it->second->pm25_mean();
  if (auto nowcast = core::ComputeNowCast(core::Pollutant::kPm25, last12); nowcast.ok()) {
    status.pm25_nowcast = nowcast->value;
    if (auto aqi = core::ComputeNowCastAqi(*nowcast, core::Pollutant::kPm25); aqi.ok() && *aqi) status.us_aqi = **aqi;
  }
  Sum pm25, pm10;
  for (int64_t e = hour_end - 23 * kHour; e <= hour_end; e += kHour) {
    auto it = by_end.find(e);
    if (it == by_end.end()) continue;
    if (auto m = it->second->pm25_mean()) pm25 = {pm25.count + 1, pm25.sum + *m};
    if (auto m = it->second->pm10_mean()) pm10 = {pm10.count + 1, pm10.sum + *m};
  }
  status.pm25_24h_coverage = static_cast<double>(pm25.count) / 24.0;
  if (pm25.count >= kHoursPerDayForMean) status.pm25_24h = *pm25.mean();
  if (pm10.count >= kHoursPerDayForMean) status.pm10_24h = *pm10.mean();
  std::vector<core::SubIndex> sub;
  if (status.pm25_24h) {
    if (auto aqi = core::ComputeThaiAqi(core::Pollutant::kPm25, *status.pm25_24h); aqi.ok()) {
      sub.push_back({core::Pollutant::kPm25, *aqi});
    }
  }
  if (status.pm10_24h) {
    if (auto aqi = core::ComputeThaiAqi(core::Pollutant::kPm10, *status.pm10_24h); aqi.ok()) {
      sub.push_back({core::Pollutant::kPm10, *aqi});
    }
  }
  if (auto highest = core::HighestSubIndex(sub)) status.thai_aqi = highest->aqi;
  return status;
}

Result<SensorNow> SensorStatusNow(UnitOfWork& work, const sensors::Sensor& sensor, int64_t now) {
  LatestReading latest;
  latest.sensor_id = sensor.id;
  auto stored = work.readings().LatestOf(sensor.id);
  if (stored.ok()) latest = *stored;
  else if (stored.status().code() != StatusCode::kNotFound) return stored.status();
  const int64_t hour_end = latest.latest ? HourEndOf(std::min(latest.latest->ts, now)) : HourEndOf(now);
  ASSIGN_OR_RETURN(auto hours, work.readings().Hours(sensor.id, hour_end - kDay, hour_end));
  return StatusFromHours(sensor, latest, hours, hour_end, now);
}

Result<std::vector<SensorNow>> CurrentStatus(UnitOfWork& work, std::optional<int64_t> org_id, int64_t now) {
  const int64_t org = org_id.value_or(work.scope().principal().org_id);
  RETURN_IF_ERROR(work.scope().RequireRead(org, "organisation"));
  ASSIGN_OR_RETURN(auto sensors, work.sensors().List(std::nullopt));
  ASSIGN_OR_RETURN(auto latest, work.readings().Latest(org));
  std::map<int64_t, LatestReading> latest_by_sensor;
  for (auto& l : latest) latest_by_sensor[l.sensor_id] = std::move(l);
  // One read of the last day and a half of hours for the whole organisation.
  const int64_t window_end = HourEndOf(now);
  ASSIGN_OR_RETURN(auto hours, work.readings().HoursOfOrg(org, window_end - kDay - 12 * kHour, window_end));
  std::map<int64_t, std::vector<HourAggregate>> hours_by_sensor;
  for (auto& h : hours) hours_by_sensor[h.sensor_id].push_back(h);

  std::vector<SensorNow> out;
  for (const auto& sensor : sensors) {
    if (sensor.org_id != org || sensor.status == sensors::SensorStatus::kRetired) continue;
    LatestReading l;
    l.sensor_id = sensor.id;
    if (auto it = latest_by_sensor.find(sensor.id); it != latest_by_sensor.end()) l = it->second;
    const auto& sensor_hours = hours_by_sensor[sensor.id];
    const int64_t hour_end = sensor_hours.empty() ? window_end : sensor_hours.back().hour_end;
    out.push_back(StatusFromHours(sensor, l, sensor_hours, hour_end, now));
  }
  return out;
}

Result<std::vector<RawWindow>> RawDayWindow(UnitOfWork& work, int64_t org_id, int64_t end) {
  if (end % kHour != 0) return Status::Invalid("the window must end on a whole hour", "end");
  // Hours ending in (end - 24 h, end], minus the sample stamped at end, plus the one stamped at
  // end - 24 h (held by the hour ending there); with each sensor's newest valid reading.
  ASSIGN_OR_RETURN(auto sums, work.readings().InRangeSumsOfOrg(org_id, end - kDay, end));
  std::vector<RawWindow> out;
  out.reserve(sums.size());
  for (auto& s : sums) {
    out.push_back({s.sensor_id, std::move(s.code), std::move(s.latest_valid), RawHalfOpen(s.hours, s.at_to, s.at_from)});
  }
  return out;
}

Result<std::vector<RawPeriod>> RawHoursByStart(UnitOfWork& work, int64_t sensor_id, int64_t from, int64_t to) {
  // Start-labelled hours [h, h+1) for from <= h < to come from the time-ending hours ending in
  // [from, to] (the one ending at `from` holds the sample stamped at from).
  ASSIGN_OR_RETURN(auto hours, work.readings().InRangeHours(sensor_id, from - 1, to));
  std::vector<RawPeriod> out;
  for (auto& p : StartLabelled(hours, [](const std::string&) { return std::string(); })) {
    if (p.start >= from && p.start < to) out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<std::pair<int64_t, std::vector<RawPeriod>>>> RawDaysOfOrg(UnitOfWork& work, int64_t org_id,
                                                                            const std::string& from_date,
                                                                            const std::string& to_date) {
  ASSIGN_OR_RETURN(auto days, work.readings().InRangeDaysOfOrg(org_id, PreviousDate(from_date), to_date));
  return GroupBySensor(days, NextDate, from_date, to_date);
}

Result<std::vector<std::pair<int64_t, std::vector<RawPeriod>>>> RawMonthsOfOrg(UnitOfWork& work, int64_t org_id,
                                                                              const std::string& from_month,
                                                                              const std::string& to_month) {
  ASSIGN_OR_RETURN(auto months, work.readings().InRangeMonthsOfOrg(org_id, PreviousMonth(from_month), to_month));
  return GroupBySensor(months, NextMonth, from_month, to_month);
}

}  // namespace ecotown::readings
