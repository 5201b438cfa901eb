#include "core/qa.h"

#include <array>
#include <cmath>

namespace ecotown::core {
namespace {

constexpr std::array<std::string_view, 12> kFlagNames = {
    "not_finite",
    "negative",
    "above_range",
    "stuck",
    "spike",
    "pm25_above_pm10",
    "high_humidity",
    "humidity_invalid",
    "channel_disagreement",
    "channel_missing",
    "future_timestamp",
    "clock_skew",
};

bool IsNonNegativeFinite(double value) { return std::isfinite(value) && value >= 0.0; }

}  // namespace

Status ValidateQaConfig(const QaConfig& config) {
  if (!IsNonNegativeFinite(config.pm_max_ugm3) || config.pm_max_ugm3 == 0.0) {
    return Status::Invalid("pm_max_ugm3 must be a positive number", "pm_max_ugm3");
  }
  if (!IsNonNegativeFinite(config.high_humidity_percent) || config.high_humidity_percent > 100.0) {
    return Status::Invalid("high_humidity_percent must be 0..100", "high_humidity_percent");
  }
  if (config.stuck_run_length < 2) return Status::Invalid("stuck_run_length must be at least 2", "stuck_run_length");
  if (!std::isfinite(config.stuck_ignore_at_or_below_ugm3)) {
    return Status::Invalid("stuck_ignore_at_or_below_ugm3 must be a finite number", "stuck_ignore_at_or_below_ugm3");
  }
  if (!IsNonNegativeFinite(config.spike_min_rise_ugm3)) {
    return Status::Invalid("spike_min_rise_ugm3 must be a non-negative number", "spike_min_rise_ugm3");
  }
  if (!std::isfinite(config.spike_ratio) || config.spike_ratio < 1.0) {
    return Status::Invalid("spike_ratio must be at least 1", "spike_ratio");
  }
  if (!IsNonNegativeFinite(config.pm25_over_pm10_tolerance_ugm3)) {
    return Status::Invalid("pm25_over_pm10_tolerance_ugm3 must be a non-negative number",
                           "pm25_over_pm10_tolerance_ugm3");
  }
  if (!IsNonNegativeFinite(config.ab_abs_ugm3)) {
    return Status::Invalid("ab_abs_ugm3 must be a non-negative number", "ab_abs_ugm3");
  }
  if (!IsNonNegativeFinite(config.ab_relative)) {
    return Status::Invalid("ab_relative must be a non-negative number", "ab_relative");
  }
  if (config.future_tolerance_seconds < 0) {
    return Status::Invalid("future_tolerance_seconds must not be negative", "future_tolerance_seconds");
  }
  if (config.clock_skew_tolerance_seconds < 0) {
    return Status::Invalid("clock_skew_tolerance_seconds must not be negative", "clock_skew_tolerance_seconds");
  }
  return Status::Ok();
}

QaFlags CheckPmValue(double ugm3, const QaConfig& config) {
  if (!std::isfinite(ugm3)) return kQaNotFinite;
  if (ugm3 < 0.0) return kQaNegative;
  if (ugm3 > config.pm_max_ugm3) return kQaAboveRange;
  return 0;
}

QaFlags CheckHumidity(double rh_percent, const QaConfig& config) {
  if (!std::isfinite(rh_percent) || rh_percent < 0.0 || rh_percent > 100.0) return kQaHumidityInvalid;
  if (rh_percent >= config.high_humidity_percent) return kQaHighHumidity;
  return 0;
}

QaFlags CheckPm25NotAbovePm10(double pm25_ugm3, double pm10_ugm3, const QaConfig& config) {
  if (!std::isfinite(pm25_ugm3) || !std::isfinite(pm10_ugm3)) return 0;
  return pm25_ugm3 > pm10_ugm3 + config.pm25_over_pm10_tolerance_ugm3 ? kQaPm25AbovePm10 : 0;
}

DualChannelCheck CheckDualChannel(std::optional<double> channel_a, std::optional<double> channel_b,
                                  const QaConfig& config) {
  DualChannelCheck check;
  const bool has_a = channel_a && std::isfinite(*channel_a);
  const bool has_b = channel_b && std::isfinite(*channel_b);
  if (!has_a || !has_b) {
    check.flags = kQaChannelMissing;
    if (has_a) check.single = *channel_a;
    if (has_b) check.single = *channel_b;
    return check;
  }
  const double a = *channel_a;
  const double b = *channel_b;
  const double abs_diff = std::fabs(a - b);
  if (abs_diff > config.ab_abs_ugm3) {
    // With |A−B| > 0 and A+B <= 0 (negative channels) the relative difference is unbounded.
    const double sum = a + b;
    const bool relative_exceeded = sum <= 0.0 || 2.0 * abs_diff / sum > config.ab_relative;
    if (relative_exceeded) {
      check.flags = kQaChannelDisagreement;
      return check;
    }
  }
  check.mean = (a + b) / 2.0;
  return check;
}

QaFlags CheckTimestamp(int64_t sample_unix, int64_t received_unix, std::optional<int64_t> device_clock_unix,
                       const QaConfig& config) {
  QaFlags flags = 0;
  if (sample_unix > received_unix && sample_unix - received_unix > config.future_tolerance_seconds) {
    flags |= kQaFutureTimestamp;
  }
  if (device_clock_unix) {
    const int64_t skew = *device_clock_unix - received_unix;
    if (skew > config.clock_skew_tolerance_seconds || -skew > config.clock_skew_tolerance_seconds) {
      flags |= kQaClockSkew;
    }
  }
  return flags;
}

std::vector<QaFlags> FlagStuckValues(std::span<const double> series, const QaConfig& config) {
  std::vector<QaFlags> flags(series.size(), 0);
  const size_t min_run = config.stuck_run_length < 2 ? 2 : static_cast<size_t>(config.stuck_run_length);
  size_t run_start = 0;
  for (size_t i = 1; i <= series.size(); ++i) {
    const bool continues = i < series.size() && std::isfinite(series[i]) && series[i] == series[run_start];
    if (continues) continue;
    const size_t length = i - run_start;
    if (std::isfinite(series[run_start]) && length >= min_run &&
        series[run_start] > config.stuck_ignore_at_or_below_ugm3) {
      for (size_t j = run_start; j < i; ++j) flags[j] |= kQaStuck;
    }
    run_start = i;
  }
  return flags;
}

std::vector<QaFlags> FlagSpikes(std::span<const double> series, const QaConfig& config) {
  std::vector<QaFlags> flags(series.size(), 0);
  for (size_t i = 1; i + 1 < series.size(); ++i) {
    const double prev = series[i - 1];
    const double value = series[i];
    const double next = series[i + 1];
    if (!std::isfinite(prev) || !std::isfinite(value) || !std::isfinite(next)) continue;
    const double neighbour = prev > next ? prev : next;
    if (value - neighbour > config.spike_min_rise_ugm3 && value >= config.spike_ratio * neighbour) {
      flags[i] |= kQaSpike;
    }
  }
  return flags;
}

std::vector<std::string_view> QaFlagNames(QaFlags flags) {
  std::vector<std::string_view> names;
  for (size_t bit = 0; bit < kFlagNames.size(); ++bit) {
    if (flags & (1u << bit)) names.push_back(kFlagNames[bit]);
  }
  return names;
}

}  // namespace ecotown::core
