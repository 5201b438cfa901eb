#include "http/open_data.h"

#include <array>
#include <cmath>

#include "core/averaging.h"
#include "core/thai_calendar.h"
#include "ingest/parse_util.h"
#include "modules/readings/aggregate.h"

namespace ecotown::http {
namespace {

// Ids, names and units as OpenAQ publishes them (measurands: 1 pm10, 2 pm25, 98
// relativehumidity %, 100 temperature c); OpenAQ has no display name for the last two.
constexpr std::array<OpenAqParameter, 4> kParameters = {{
    {Quantity::kPm10, 1, "pm10", "µg/m³", "PM10"},
    {Quantity::kPm25, 2, "pm25", "µg/m³", "PM2.5"},
    {Quantity::kRelativeHumidity, 98, "relativehumidity", "%", nullptr},
    {Quantity::kTemperature, 100, "temperature", "c", nullptr},
}};

// 75 % of n, rounded up (5 of 6, 23 of 30): the hourly completeness rule of aggregate.cc.
int64_t Needed(int64_t expected) { return (expected * core::kDefaultCompletenessPercent + 99) / 100; }

const readings::Sum& SumOf(const readings::HourAggregate& hour, Quantity q) {
  switch (q) {
    case Quantity::kPm10:
      return hour.pm10;
    case Quantity::kPm25:
      return hour.pm25;
    case Quantity::kRelativeHumidity:
      return hour.humidity;
    case Quantity::kTemperature:
      return hour.temperature;
  }
  return hour.pm25;
}

std::optional<double> Finite(const std::optional<double>& v) { return v && std::isfinite(*v) ? v : std::nullopt; }

std::optional<double> InRange(const std::optional<double>& v, double lo, double hi) {
  return v && std::isfinite(*v) && *v >= lo && *v <= hi ? v : std::nullopt;
}

}  // namespace

std::span<const OpenAqParameter> OpenAqParameters() { return kParameters; }

const OpenAqParameter* OpenAqParameterById(int64_t id) {
  for (const auto& p : kParameters) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

bool Reports(const readings::Reading& reading, Quantity q) {
  switch (q) {
    case Quantity::kPm10:
      return reading.pm10.has_value();
    case Quantity::kPm25:
      return reading.pm2_5.has_value();
    case Quantity::kRelativeHumidity:
      return reading.humidity_pct.has_value();
    case Quantity::kTemperature:
      return reading.temperature_c.has_value();
  }
  return false;
}

// The rules of readings::AggregateHour, one quantity at a time.
std::optional<double> CleanValue(const readings::Reading& reading, Quantity q) {
  switch (q) {
    case Quantity::kPm10:
      return readings::IsClean(reading) ? Finite(readings::Pm10Value(reading)) : std::nullopt;
    case Quantity::kPm25:
      return readings::IsClean(reading) ? Finite(readings::Pm25Value(reading)) : std::nullopt;
    case Quantity::kRelativeHumidity:
      if (reading.flags & core::kQaHumidityInvalid) return std::nullopt;
      return InRange(reading.humidity_pct, 0, 100);
    case Quantity::kTemperature:
      return InRange(reading.temperature_c, -40, 70);
  }
  return std::nullopt;
}

int64_t CleanCount(const readings::HourAggregate& hour, Quantity q) { return SumOf(hour, q).count; }

std::optional<double> HourlyMean(const readings::HourAggregate& hour, Quantity q) {
  switch (q) {
    case Quantity::kPm10:
      return hour.pm10_mean();
    case Quantity::kPm25:
      return hour.pm25_mean();
    case Quantity::kRelativeHumidity:
    case Quantity::kTemperature: {
      const readings::Sum& sum = SumOf(hour, q);
      if (sum.count == 0 || sum.count < Needed(hour.expected_samples)) return std::nullopt;
      return sum.mean();
    }
  }
  return std::nullopt;
}

std::vector<DailyMean> DailyMeans(std::span<const readings::HourAggregate> hours, Quantity q) {
  std::vector<DailyMean> days;
  for (const auto& of_day : readings::SplitByDay(hours)) {
    DailyMean& day =
        days.emplace_back(DailyMean{readings::DayKey(of_day.date), of_day.day_end, {}, 0, 0, std::nullopt});
    for (const auto& hour : of_day.hours) {
      day.samples += hour.samples;
      day.flagged += hour.flagged;
      if (const auto mean = HourlyMean(hour, q)) day.hourly.emplace_back(hour.hour_end, *mean);
    }
    if (static_cast<int>(day.hourly.size()) < readings::kHoursPerDayForMean) continue;
    double sum = 0;
    for (const auto& [end, mean] : day.hourly) sum += mean;
    day.mean = sum / static_cast<double>(day.hourly.size());
  }
  return days;
}

int64_t BangkokDayStart(int64_t unix_seconds) {
  return readings::DayEnd(core::BangkokDateOf(unix_seconds)) - 24 * readings::kHour;
}

std::string IsoUtc(int64_t unix_seconds) { return core::FormatIsoUtc(unix_seconds); }

std::string IsoBangkok(int64_t unix_seconds) {
  std::string text = core::FormatIsoUtc(unix_seconds + core::kBangkokUtcOffsetSeconds);
  text.pop_back();  // the 'Z'
  return text + "+07:00";
}

std::optional<int64_t> ParseQueryTime(std::string_view text) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    int year = 0, month = 0, day = 0;
    for (size_t i = 0; i < 10; ++i) {
      if (i == 4 || i == 7) continue;
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
    }
    year = std::stoi(std::string(text.substr(0, 4)));
    month = std::stoi(std::string(text.substr(5, 2)));
    day = std::stoi(std::string(text.substr(8, 2)));
    if (!core::IsValidDate(year, month, day)) return std::nullopt;
    return readings::DayEnd({year, month, day}) - 24 * readings::kHour;
  }
  // An unencoded '+' of a zone ("…T00:00:00+07:00") arrives as a space after query decoding.
  std::string fixed(text);
  if (const size_t space = fixed.rfind(' '); space != std::string::npos && space > 10) fixed[space] = '+';
  return ingest::ParseTimestamp(fixed, core::kBangkokUtcOffsetSeconds);
}

}  // namespace ecotown::http
