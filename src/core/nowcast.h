// EPA NowCast for PM2.5 and PM10: the real-time concentration behind the US AQI.
//
// Algorithm (EPA fact sheet https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P100X0J6.txt; AirNow
// https://forum.airnowtech.org/t/the-nowcast-for-pm2-5-and-pm10/172; air-quality.md §2.4):
//   c1..c12 = the last 12 hourly means, c1 the most recent hour;
//   w* = cmin / cmax over the valid hours; w = max(w*, 0.5) for PM;
//   NowCast = Σ w^(i-1)·c_i / Σ w^(i-1) over the valid hours (the exponent stays "hours ago");
//   valid only when at least 2 of the 3 most recent hours are valid;
//   the result is truncated to 0.1 µg/m³ (PM2.5) or 1 µg/m³ (PM10) before the AQI equation.
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <span>

#include "core/aqi.h"
#include "core/result.h"

namespace ecotown::core {

inline constexpr int kNowCastHours = 12;
inline constexpr double kNowCastMinWeight = 0.5;  // PM: "approximates a 3-hour average"

struct NowCast {
  // Empty when fewer than 2 of the 3 most recent hours are valid.
  std::optional<double> value;      // µg/m³, unrounded
  std::optional<double> truncated;  // value truncated to 0.1 (PM2.5) / 1 (PM10) µg/m³: the AQI input
  double weight = 0.0;              // w after the 0.5 floor (0 when no hour is valid)
  int valid_hours = 0;              // valid hours among the last 12
};

// hourly_oldest_first: consecutive hourly means, the last element being the most recent hour;
// std::nullopt marks a missing or invalid hour. Only the last 12 hours are used; a shorter series
// counts the hours before it as missing. Invalid when a present value is NaN, infinite or negative.
Result<NowCast> ComputeNowCast(Pollutant pollutant, std::span<const std::optional<double>> hourly_oldest_first);

// The US AQI of a NowCast (truncation and equation of ComputeUsAqi). Empty when the NowCast is.
Result<std::optional<Aqi>> ComputeNowCastAqi(const NowCast& nowcast, Pollutant pollutant,
                                             const UsAqiOptions& options = {});

}  // namespace ecotown::core
