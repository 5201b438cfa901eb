#include "core/correction.h"

#include <algorithm>
#include <cmath>

namespace ecotown::core {
namespace {

Status CheckRaw(double raw_ugm3) {
  if (!std::isfinite(raw_ugm3) || raw_ugm3 < 0.0) {
    return Status::Invalid("raw concentration must be a finite, non-negative number", "raw");
  }
  return Status::Ok();
}

Result<double> CheckHumidity(double rh_percent, bool clamp) {
  if (!std::isfinite(rh_percent)) return Status::Invalid("relative humidity is not a finite number", "rh");
  if (rh_percent < 0.0 || rh_percent > 100.0) {
    if (!clamp) return Status::Invalid("relative humidity must be 0..100 %", "rh");
    return std::clamp(rh_percent, 0.0, 100.0);
  }
  return rh_percent;
}

double Finish(double corrected, const EpaCorrectionOptions& options) {
  if (options.clamp_negative_to_zero && corrected < 0.0) return 0.0;
  return corrected;
}

}  // namespace

std::string_view CorrectionModelId(CorrectionModel model) {
  switch (model) {
    case CorrectionModel::kEpaBarkjohn2021:
      return "epa_barkjohn_2021";
    case CorrectionModel::kEpaExtended2023:
      return "epa_extended_2023";
    case CorrectionModel::kKappaKoehler:
      return "kappa_koehler_crilley_2018";
    case CorrectionModel::kHackAir:
      return "hackair_sds011";
  }
  return "unknown";
}

Result<double> CorrectEpaBarkjohn2021(double raw_ugm3, double rh_percent, const EpaCorrectionOptions& options) {
  RETURN_IF_ERROR(CheckRaw(raw_ugm3));
  ASSIGN_OR_RETURN(const double rh, CheckHumidity(rh_percent, options.clamp_humidity));
  if (options.zero_when_raw_is_zero && raw_ugm3 == 0.0) return 0.0;
  return Finish(0.524 * raw_ugm3 - 0.0862 * rh + 5.75, options);
}

Result<double> CorrectEpaExtended2023(double raw_ugm3, double rh_percent, const EpaCorrectionOptions& options) {
  RETURN_IF_ERROR(CheckRaw(raw_ugm3));
  ASSIGN_OR_RETURN(const double rh, CheckHumidity(rh_percent, options.clamp_humidity));
  if (options.zero_when_raw_is_zero && raw_ugm3 == 0.0) return 0.0;
  const double x = raw_ugm3;
  double corrected = 0.0;
  if (x < 30.0) {
    corrected = 0.524 * x - 0.0862 * rh + 5.75;
  } else if (x < 50.0) {
    const double t = x / 20.0 - 3.0 / 2.0;  // 0 at 30, 1 at 50
    corrected = (0.786 * t + 0.524 * (1.0 - t)) * x - 0.0862 * rh + 5.75;
  } else if (x < 210.0) {
    corrected = 0.786 * x - 0.0862 * rh + 5.75;
  } else if (x < 260.0) {
    const double t = x / 50.0 - 21.0 / 5.0;  // 0 at 210, 1 at 260
    corrected = (0.69 * t + 0.786 * (1.0 - t)) * x - 0.0862 * rh * (1.0 - t) + 2.966 * t + 5.75 * (1.0 - t) +
                8.84e-4 * x * x * t;
  } else {
    corrected = 2.966 + 0.69 * x + 8.84e-4 * x * x;
  }
  return Finish(corrected, options);
}

Result<double> CorrectKappaKoehler(double raw_ugm3, double rh_percent, double kappa) {
  RETURN_IF_ERROR(CheckRaw(raw_ugm3));
  if (!std::isfinite(rh_percent) || rh_percent < 0.0 || rh_percent >= 100.0) {
    return Status::Invalid("relative humidity must be 0 <= RH < 100 % (growth diverges at saturation)", "rh");
  }
  if (!std::isfinite(kappa) || kappa < 0.0 || kappa > 2.0) {
    return Status::Invalid("kappa must be 0..2 (typical 0.2-0.6)", "kappa");
  }
  if (rh_percent == 0.0) return raw_ugm3;
  const double water_activity = rh_percent / 100.0;
  const double growth = 1.0 + (kappa / 1.65) / (-1.0 + 1.0 / water_activity);
  return raw_ugm3 / growth;
}

Result<double> CorrectHackAir(Pollutant pollutant, double raw_ugm3, double rh_percent) {
  RETURN_IF_ERROR(CheckRaw(raw_ugm3));
  ASSIGN_OR_RETURN(const double rh, CheckHumidity(rh_percent, false));
  const double h = rh / 100.0;
  if (pollutant == Pollutant::kPm10) return raw_ugm3 / (1.0 + 0.81559 * std::pow(h, 5.83411));
  return raw_ugm3 / (1.0 + 0.48756 * std::pow(h, 8.60068));
}

}  // namespace ecotown::core
