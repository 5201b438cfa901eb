// What the open-data outputs publish of stored readings: the OpenAQ v3 API (routes_openaq.cc)
// and the CSV export (routes_export.cc) share these rules so that both give the same figures as
// the readings store.
//
// - The four published quantities and their OpenAQ parameter ids.
// - The value one reading contributes to a quantity's clean statistics: the rules of
//   readings::AggregateHour, repeated per quantity so that raw values, hourly and daily means
//   agree with each other and with the store's aggregates.
// - Hourly and daily means with the completeness rules of docs/air-quality-method.md (75 % of the
//   expected samples for an hour; 18 of 24 complete hours for a Bangkok day).
// - ISO 8601 times in UTC and Asia/Bangkok, and the time values clients send in query strings.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "modules/readings/reading_store.h"

namespace ecotown::http {

enum class Quantity { kPm10, kPm25, kRelativeHumidity, kTemperature };

struct OpenAqParameter {
  Quantity quantity;
  int id;                    // OpenAQ's parameter id (openaq/openaq-db lookups/measurands.sql)
  const char* name;          // "pm25"
  const char* units;         // "µg/m³"
  const char* display_name;  // "PM2.5"; nullptr where OpenAQ has none
};

// In OpenAQ id order: pm10 (1), pm25 (2), relativehumidity (98, %), temperature (100, c).
std::span<const OpenAqParameter> OpenAqParameters();
// nullptr for an id that is not published.
const OpenAqParameter* OpenAqParameterById(int64_t id);

// True when the reading carries a value of q at all (finite or not, flagged or not).
bool Reports(const readings::Reading& reading, Quantity q);

// The value `reading` contributes to the clean statistics of q, or nullopt: PM2.5 and PM10 (the
// mean of channels A and B on dual sensors) of readings that carry no QA flag; relative humidity
// in 0..100 % unless flagged invalid; temperature in -40..70 °C. Non-finite values never count.
std::optional<double> CleanValue(const readings::Reading& reading, Quantity q);

// The clean values of q counted in the hour.
int64_t CleanCount(const readings::HourAggregate& hour, Quantity q);
// The hour's mean of q when the hour is complete (at least 75 % of its expected samples are clean
// values of q), else nullopt. For PM2.5 and PM10 this is HourAggregate::pm25_mean / pm10_mean.
std::optional<double> HourlyMean(const readings::HourAggregate& hour, Quantity q);

// One Bangkok calendar day of q, from its stored hours (the hours ending 01:00 .. 24:00).
struct DailyMean {
  std::string date;                                // "YYYY-MM-DD"
  int64_t day_end = 0;                             // Unix time of 24:00 local
  std::vector<std::pair<int64_t, double>> hourly;  // (hour_end, complete hourly mean), in time order
  int64_t samples = 0;                             // readings stored in the day, flagged or not
  int64_t flagged = 0;                             // readings with any QA flag
  // The mean of the complete hourly means when at least 18 hours are complete, else nullopt.
  // For PM2.5 and PM10 this equals DayAggregate::pm25_mean / pm10_mean.
  std::optional<double> mean;
};
// `hours` in time order (as ReadingStore::Hours returns them); one entry per day that has a stored
// hour, in date order.
std::vector<DailyMean> DailyMeans(std::span<const readings::HourAggregate> hours, Quantity q);

// Unix time of 00:00 Asia/Bangkok of the day that contains `unix_seconds`.
int64_t BangkokDayStart(int64_t unix_seconds);

// "2025-05-31T17:00:00Z" and "2025-06-01T00:00:00+07:00".
std::string IsoUtc(int64_t unix_seconds);
std::string IsoBangkok(int64_t unix_seconds);

// A time as clients write it in a query string: Unix seconds ("1748710800"), ISO 8601 with a zone
// ("2025-06-01T00:00:00Z", "…+07:00"), ISO 8601 without one (Asia/Bangkok), or a date
// "2025-06-01" (00:00 Asia/Bangkok). nullopt for anything else.
std::optional<int64_t> ParseQueryTime(std::string_view text);

}  // namespace ecotown::http
