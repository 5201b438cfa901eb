#include "core/nowcast.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace ecotown::core {

Result<NowCast> ComputeNowCast(Pollutant pollutant, std::span<const std::optional<double>> hourly_oldest_first) {
  const size_t n = hourly_oldest_first.size();
  const size_t used = std::min<size_t>(n, kNowCastHours);
  // hours_ago[i] is c_(i+1): index 0 = most recent hour.
  std::array<std::optional<double>, kNowCastHours> hours_ago;
  for (size_t i = 0; i < used; ++i) {
    const std::optional<double>& value = hourly_oldest_first[n - 1 - i];
    if (value.has_value()) {
      if (!std::isfinite(*value) || *value < 0.0) {
        return Status::Invalid(
            "hourly concentration " + std::to_string(i) + " hours ago is negative or not a finite number", "hourly");
      }
    }
    hours_ago[i] = value;
  }

  NowCast result;
  double cmin = 0.0;
  double cmax = 0.0;
  for (const auto& value : hours_ago) {
    if (!value) continue;
    if (result.valid_hours == 0) {
      cmin = cmax = *value;
    } else {
      cmin = std::min(cmin, *value);
      cmax = std::max(cmax, *value);
    }
    ++result.valid_hours;
  }
  if (result.valid_hours == 0) return result;
  // A series of zeros has no range: weight 1 (w* = 1 - range/cmax with range 0).
  const double raw_weight = cmax > 0.0 ? cmin / cmax : 1.0;
  result.weight = std::max(raw_weight, kNowCastMinWeight);

  const int recent_valid = (hours_ago[0] ? 1 : 0) + (hours_ago[1] ? 1 : 0) + (hours_ago[2] ? 1 : 0);
  if (recent_valid < 2) return result;

  double numerator = 0.0;
  double denominator = 0.0;
  double factor = 1.0;  // w^(hours ago)
  for (const auto& value : hours_ago) {
    if (value) {
      numerator += factor * *value;
      denominator += factor;
    }
    factor *= result.weight;
  }
  result.value = numerator / denominator;

  ASSIGN_OR_RETURN(const int64_t micro, ToMicroUgm3(*result.value));
  const int64_t units_per_ugm3 = pollutant == Pollutant::kPm25 ? 10 : 1;
  const int64_t units = ToTableUnits(micro, units_per_ugm3, ConcentrationRounding::kTruncate);
  result.truncated = static_cast<double>(units) / static_cast<double>(units_per_ugm3);
  return result;
}

Result<std::optional<Aqi>> ComputeNowCastAqi(const NowCast& nowcast, Pollutant pollutant, const UsAqiOptions& options) {
  if (!nowcast.value) return std::optional<Aqi>();
  ASSIGN_OR_RETURN(const Aqi aqi, ComputeUsAqi(pollutant, *nowcast.value, options));
  return std::optional<Aqi>(aqi);
}

}  // namespace ecotown::core
