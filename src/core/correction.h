// Corrections of low-cost optical PM2.5 sensors (Plantower PMS in PurpleAir and AirGradient,
// Nova SDS011) towards reference-equivalent values. Each model has a stable id that is stored
// with every corrected value, next to the raw value (air-quality.md §3, §5 items 2-3).
//
// Formulas and their standing (details in docs/air-quality-method.md):
// - kEpaBarkjohn2021: 0.524·PA_cf1 − 0.0862·RH + 5.75 (Barkjohn, Gantt, Clements, AMT 14,
//   4617-4637, 2021), input = mean of channels A and B, CF=1; RH in %, from the sensor.
// - kEpaExtended2023: the piecewise form for smoke up to ~600 µg/m³ (Barkjohn et al., Sensors
//   22(24) 9669, 2022, as in airgradienthq/arduino src/PMS/PMS.cpp PMSBase::compensate), continuous
//   by blending at 30-50 and 210-260 µg/m³.
// - kKappaKoehler: PM/C, C = 1 + (κ/1.65)/(−1 + 1/a_w), a_w = RH/100, κ fitted locally (Crilley
//   et al., AMT 11, 709-720, 2018). The form is quoted from memory in the reference (§7 item 6):
//   verify against the paper before relying on it.
// - kHackAir: PM10/(1 + 0.81559·(RH/100)^5.83411), PM2.5/(1 + 0.48756·(RH/100)^8.60068) for
//   SDS011 (opendata-stuttgart/sensors-software PR 678, rejected upstream: "doesn't work well").
//   For comparison with third-party data only.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "core/aqi.h"
#include "core/result.h"

namespace ecotown::core {

enum class CorrectionModel { kEpaBarkjohn2021, kEpaExtended2023, kKappaKoehler, kHackAir };

// Stable id stored with corrected values: "epa_barkjohn_2021", "epa_extended_2023",
// "kappa_koehler_crilley_2018", "hackair_sds011".
std::string_view CorrectionModelId(CorrectionModel model);

struct EpaCorrectionOptions {
  // Default true: a negative result is set to 0 (firmware-one-openair issue 182).
  bool clamp_negative_to_zero = true;
  // Default false. AirGradient returns 0 for a raw 0 (PMS.cpp); EPA's formula gives 5.75 − 0.0862·RH.
  bool zero_when_raw_is_zero = false;
  // Default false: RH outside 0..100 % is Invalid. True clamps it into range, as AirGradient does.
  bool clamp_humidity = false;
};

// Barkjohn 2021 (US-wide). raw_ugm3: PurpleAir CF=1 PM2.5, A/B mean. Invalid for non-finite or
// negative raw values and for RH that is non-finite or (unless clamped) outside 0..100 %.
Result<double> CorrectEpaBarkjohn2021(double raw_ugm3, double rh_percent, const EpaCorrectionOptions& options = {});

// EPA extended piecewise correction, valid into smoke concentrations. Errors as above.
Result<double> CorrectEpaExtended2023(double raw_ugm3, double rh_percent, const EpaCorrectionOptions& options = {});

// κ-Köhler hygroscopic-growth correction. Invalid unless 0 <= RH < 100 and 0 <= κ <= 2.
Result<double> CorrectKappaKoehler(double raw_ugm3, double rh_percent, double kappa);

// hackAIR empirical SDS011 correction. Invalid unless 0 <= RH <= 100.
Result<double> CorrectHackAir(Pollutant pollutant, double raw_ugm3, double rh_percent);

}  // namespace ecotown::core
