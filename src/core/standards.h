// Particulate limit values: Thai national ambient standards (current and superseded) and the
// WHO 2021 air quality guideline levels with interim targets, as one table, and exceedance of
// a mean against them.
//
// Comparison is decimal-exact at the resolution of the AQI tables (PM2.5 0.1 µg/m³, PM10 1 µg/m³,
// concentration truncated), so a 24-h PM2.5 mean exceeds the Thai standard exactly when its
// Thai AQI is above 100 (AQI 100 = the standard, air-quality.md §1.1).
// Pure functions over an immutable table; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/aqi.h"
#include "core/result.h"
#include "core/thai_calendar.h"

namespace ecotown::core {

enum class AveragingPeriod { k24Hour, kAnnual };

// Stable code: "24h", "annual".
std::string_view AveragingPeriodCode(AveragingPeriod period);

enum class LimitKind {
  kThaiStandard,  // legally binding national ambient standard (PCD / National Environment Board)
  kWhoGuideline,  // WHO 2021 AQG level
  kWhoInterim,    // WHO 2021 interim target (IT-1 .. IT-4)
};

struct PmLimit {
  std::string_view id;  // stable, e.g. "th_pm25_24h", "who2021_pm25_24h_it4"
  LimitKind kind;
  Pollutant pollutant;
  AveragingPeriod period;
  std::string_view label;  // "Thai standard", "WHO AQG", "WHO IT-1" ..
  double limit_ugm3;
  std::optional<CivilDate> valid_from;   // first day in force; empty = long-standing
  std::optional<CivilDate> valid_until;  // last day in force; empty = in force
  std::string_view note;                 // statistical form, e.g. WHO 99th percentile for 24-h
  std::string_view source;
};

// All limits: Thai first, then WHO from IT-1 (loosest) to the AQG level.
std::span<const PmLimit> PmLimits();

// Limits for one pollutant and period that are in force on `on` (Thai rows by their dates; WHO
// rows always). Without a date: only the rows without valid_until.
std::vector<PmLimit> PmLimitsFor(Pollutant pollutant, AveragingPeriod period, std::optional<CivilDate> on = {});

struct Exceedance {
  PmLimit limit;
  bool exceeded = false;  // mean at table resolution > limit
  double ratio = 0.0;     // mean / limit (unrounded mean)
};

// Compares a mean of the given period with every applicable limit (PmLimitsFor). Invalid for a
// NaN, infinite, negative or absurd mean.
Result<std::vector<Exceedance>> EvaluatePmLimits(Pollutant pollutant, AveragingPeriod period, double mean_ugm3,
                                                 std::optional<CivilDate> on = {});

}  // namespace ecotown::core
