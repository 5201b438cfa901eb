// Least-squares calibration of a low-cost PM2.5 sensor against a co-located reference monitor.
//
// The model is reference = slope·raw + intercept [+ rh_coef·RH], fitted by ordinary least squares
// over paired hourly means (docs/air-quality-method.md §"Calibration"). The fit statistics
// describe the fitted values against the reference over the same pairs:
//   n         number of pairs
//   r2        1 − Σ(fitted − ref)² / Σ(ref − mean(ref)²)
//   rmse      √(Σ(fitted − ref)² / n)   (µg/m³; divided by n, not n − p)
//   bias      mean(fitted − ref)        (≈ 0 in-sample for OLS with an intercept)
//   raw_bias  mean(raw − ref)           (how far off the sensor was before calibration)
// EvaluateCalibration computes the same statistics for given coefficients, e.g. to judge an EPA
// preset or an older model on a new co-location period. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/result.h"

namespace ecotown::core {

// One paired hour: the sensor's raw mean, the reference mean, and the sensor's RH mean (%).
struct CalibrationPair {
  double raw = 0;
  double reference = 0;
  std::optional<double> rh;
};

struct FitStatistics {
  int64_t n = 0;
  double r2 = 0;
  double rmse = 0;
  double bias = 0;
  double raw_bias = 0;
};

struct LinearCalibration {
  double slope = 0;
  double intercept = 0;
  std::optional<double> rh_coef;  // present when fitted with humidity
  FitStatistics stats;
};

// Minimum pairs: one more than the number of coefficients, so that the fit is over-determined.
inline constexpr int64_t kMinPairs = 3;
inline constexpr int64_t kMinPairsWithHumidity = 4;

// Fits the model. Invalid, naming the reason and a field, when:
//   "pairs"     fewer than kMinPairs (kMinPairsWithHumidity with humidity) pairs;
//   "raw", "reference", "rh"  a value that is not finite, or an RH missing when with_humidity;
//   "raw"       raw is constant (no slope can be told);
//   "rh"        RH is constant, or collinear with raw;
//   "reference" the reference is constant (R² is undefined).
Result<LinearCalibration> FitLinearCalibration(const std::vector<CalibrationPair>& pairs, bool with_humidity);

// Statistics of fitted = slope·raw + intercept [+ rh_coef·RH] against the reference. Invalid for
// no pairs, non-finite values, a missing RH when rh_coef is set, or a constant reference.
Result<FitStatistics> EvaluateCalibration(const std::vector<CalibrationPair>& pairs, double slope, double intercept,
                                          std::optional<double> rh_coef);

}  // namespace ecotown::core
