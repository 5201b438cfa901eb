#include "core/calibration_fit.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <string>

namespace ecotown::core {
namespace {

// Columns whose relative spread is below this are constant: no coefficient can be told for them.
constexpr double kConstantTolerance = 1e-12;
// Pivots of the standardised design below this fraction of the largest one mark collinear columns.
constexpr double kRankTolerance = 1e-9;

struct Moments {
  double mean = 0;
  double sd = 0;  // population standard deviation
};

template <typename Get>
Moments MomentsOf(const std::vector<CalibrationPair>& pairs, Get get) {
  Moments m;
  for (const auto& p : pairs) m.mean += get(p);
  m.mean /= static_cast<double>(pairs.size());
  double ss = 0;
  for (const auto& p : pairs) ss += (get(p) - m.mean) * (get(p) - m.mean);
  m.sd = std::sqrt(ss / static_cast<double>(pairs.size()));
  return m;
}

bool IsConstant(const Moments& m) { return m.sd <= kConstantTolerance * std::max(1.0, std::abs(m.mean)); }

Status CheckFinite(const std::vector<CalibrationPair>& pairs, bool need_rh) {
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& p = pairs[i];
    const std::string at = " (pair " + std::to_string(i + 1) + ")";
    if (!std::isfinite(p.raw)) return Status::Invalid("raw value is not a finite number" + at, "raw");
    if (!std::isfinite(p.reference)) return Status::Invalid("reference value is not a finite number" + at, "reference");
    if (need_rh) {
      if (!p.rh) return Status::Invalid("relative humidity is missing" + at, "rh");
      if (!std::isfinite(*p.rh)) return Status::Invalid("relative humidity is not a finite number" + at, "rh");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<FitStatistics> EvaluateCalibration(const std::vector<CalibrationPair>& pairs, double slope, double intercept,
                                          std::optional<double> rh_coef) {
  if (pairs.empty()) return Status::Invalid("no paired values to evaluate", "pairs");
  RETURN_IF_ERROR(CheckFinite(pairs, rh_coef.has_value()));
  const Moments ref = MomentsOf(pairs, [](const CalibrationPair& p) { return p.reference; });
  if (IsConstant(ref)) return Status::Invalid("the reference values are constant, so R² is undefined", "reference");
  const double n = static_cast<double>(pairs.size());
  double ss_res = 0, ss_tot = 0, error_sum = 0, raw_error_sum = 0;
  for (const auto& p : pairs) {
    double fitted = slope * p.raw + intercept;
    if (rh_coef) fitted += *rh_coef * *p.rh;
    const double error = fitted - p.reference;
    ss_res += error * error;
    ss_tot += (p.reference - ref.mean) * (p.reference - ref.mean);
    error_sum += error;
    raw_error_sum += p.raw - p.reference;
  }
  FitStatistics stats;
  stats.n = static_cast<int64_t>(pairs.size());
  stats.r2 = 1.0 - ss_res / ss_tot;
  stats.rmse = std::sqrt(ss_res / n);
  stats.bias = error_sum / n;
  stats.raw_bias = raw_error_sum / n;
  return stats;
}

Result<LinearCalibration> FitLinearCalibration(const std::vector<CalibrationPair>& pairs, bool with_humidity) {
  const int64_t needed = with_humidity ? kMinPairsWithHumidity : kMinPairs;
  if (static_cast<int64_t>(pairs.size()) < needed) {
    return Status::Invalid("only " + std::to_string(pairs.size()) + " paired hours; a fit" +
                               (with_humidity ? " with humidity" : "") + " needs at least " + std::to_string(needed),
                           "pairs");
  }
  RETURN_IF_ERROR(CheckFinite(pairs, with_humidity));
  const Moments raw = MomentsOf(pairs, [](const CalibrationPair& p) { return p.raw; });
  if (IsConstant(raw)) return Status::Invalid("the raw values are constant, so no slope can be fitted", "raw");
  Moments rh;
  if (with_humidity) {
    rh = MomentsOf(pairs, [](const CalibrationPair& p) { return *p.rh; });
    if (IsConstant(rh))
      return Status::Invalid("relative humidity is constant, so no humidity term can be fitted", "rh");
  }
  const Moments ref = MomentsOf(pairs, [](const CalibrationPair& p) { return p.reference; });
  if (IsConstant(ref)) return Status::Invalid("the reference values are constant, so R² is undefined", "reference");

  // Centred, standardised columns: the intercept drops out and the rank test is scale-free.
  const Eigen::Index rows = static_cast<Eigen::Index>(pairs.size());
  const Eigen::Index cols = with_humidity ? 2 : 1;
  Eigen::MatrixXd x(rows, cols);
  Eigen::VectorXd y(rows);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const auto& p = pairs[static_cast<size_t>(i)];
    x(i, 0) = (p.raw - raw.mean) / raw.sd;
    if (with_humidity) x(i, 1) = (*p.rh - rh.mean) / rh.sd;
    y(i) = p.reference - ref.mean;
  }
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  qr.setThreshold(kRankTolerance);
  if (qr.rank() < cols) {
    return Status::Invalid("raw PM2.5 and relative humidity are collinear, so their effects cannot be separated", "rh");
  }
  const Eigen::VectorXd b = qr.solve(y);

  LinearCalibration fit;
  fit.slope = b(0) / raw.sd;
  fit.intercept = ref.mean - fit.slope * raw.mean;
  if (with_humidity) {
    fit.rh_coef = b(1) / rh.sd;
    fit.intercept -= *fit.rh_coef * rh.mean;
  }
  ASSIGN_OR_RETURN(fit.stats, EvaluateCalibration(pairs, fit.slope, fit.intercept, fit.rh_coef));
  return fit;
}

}  // namespace ecotown::core
