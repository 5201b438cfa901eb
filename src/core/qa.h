// QA/QC checks for PM sensor data. Every check returns flag bits; nothing is deleted or
// changed (air-quality.md §3.4 "flags, not deletions"). Callers OR the flags of the checks they
// run into the stored reading; averaging then treats flagged values as the caller decides.
//
// Thresholds live in QaConfig with sourced defaults (see the field comments and
// docs/air-quality-method.md). The current time is an argument: core never reads the clock.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ecotown::core {

using QaFlags = uint32_t;

// Flag bits. The numeric values are stored: never renumber, only append.
inline constexpr QaFlags kQaNotFinite = 1u << 0;            // NaN or infinity
inline constexpr QaFlags kQaNegative = 1u << 1;             // below zero (also −999-style sentinels)
inline constexpr QaFlags kQaAboveRange = 1u << 2;           // above the plausible maximum
inline constexpr QaFlags kQaStuck = 1u << 3;                // same value repeated (persistent value)
inline constexpr QaFlags kQaSpike = 1u << 4;                // isolated jump up and back
inline constexpr QaFlags kQaPm25AbovePm10 = 1u << 5;        // PM2.5 > PM10 (physically impossible)
inline constexpr QaFlags kQaHighHumidity = 1u << 6;         // RH at or above the optical-artefact threshold
inline constexpr QaFlags kQaHumidityInvalid = 1u << 7;      // RH outside 0..100 % or not finite
inline constexpr QaFlags kQaChannelDisagreement = 1u << 8;  // PurpleAir A/B channels disagree
inline constexpr QaFlags kQaChannelMissing = 1u << 9;       // one channel of a dual sensor missing
inline constexpr QaFlags kQaFutureTimestamp = 1u << 10;     // stamped after it was received
inline constexpr QaFlags kQaClockSkew = 1u << 11;           // device clock differs from server clock

struct QaConfig {
  // Plausible PM maximum, µg/m³. Default 1000: the Plantower range (airgradienthq/arduino
  // src/Main/utils.cpp VALID_PMS_MAX). A field study used 500 (oliviasablan/PurpleAir_data_wrangling);
  // lower catches more faults but risks flagging real smoke peaks.
  double pm_max_ugm3 = 1000.0;
  // Relative humidity at or above which optical sensors over-read and RH sensors stick, %.
  // Default 95 (air-quality.md §3.3, for a Thai climate). Crilley et al. see the artefact above 85.
  double high_humidity_percent = 95.0;
  // A value repeated this many consecutive times or more is flagged stuck. Default 3
  // (USEPA/sensortoolkit qc/_persistent_values.py, tolerance=3 for hourly data). For sub-hourly
  // data at 0.1 µg/m³ resolution use more (e.g. 30 two-minute samples = 1 h).
  int stuck_run_length = 3;
  // Stuck detection ignores runs at or below this value, µg/m³. Default -1 (none ignored); set
  // e.g. 1.0 for sensors that legitimately sit at 0 in clean air.
  double stuck_ignore_at_or_below_ugm3 = -1.0;
  // Spike: a value that exceeds both neighbours by more than spike_min_rise_ugm3 AND is at least
  // spike_ratio times the larger neighbour. Defaults 50 µg/m³ and 3 are our design choice (no
  // network rule was found); both conditions keep smoke episodes, which rise over hours, unflagged.
  double spike_min_rise_ugm3 = 50.0;
  double spike_ratio = 3.0;
  // PM2.5 may exceed PM10 by this much before it is flagged, µg/m³. Default 1: PM10 is often
  // reported in whole µg/m³ (Air4Thai), PM2.5 in tenths. Design choice.
  double pm25_over_pm10_tolerance_ugm3 = 1.0;
  // PurpleAir A/B rule: invalid if |A−B| > ab_abs_ugm3 AND |2(A−B)/(A+B)| > ab_relative.
  // Defaults 5 µg/m³ and 0.70 (USEPA/sensortoolkit qc/_purpleair_abcleaning.py, Barkjohn 2021).
  double ab_abs_ugm3 = 5.0;
  double ab_relative = 0.70;
  // A sample stamped more than this after its receipt time is in the future, s. Default 300:
  // covers devices whose NTP sync lags; design choice.
  int64_t future_tolerance_seconds = 300;
  // A device clock that differs from the server clock by more than this is skewed, s. Default 600.
  int64_t clock_skew_tolerance_seconds = 600;
};

// Invalid when a threshold is not finite, negative where it must not be, or a count below 2.
Status ValidateQaConfig(const QaConfig& config);

// Range checks of one PM value: kQaNotFinite, kQaNegative, kQaAboveRange.
QaFlags CheckPmValue(double ugm3, const QaConfig& config = {});

// Humidity: kQaHumidityInvalid, or kQaHighHumidity at or above the threshold.
QaFlags CheckHumidity(double rh_percent, const QaConfig& config = {});

// PM2.5 against PM10 of the same instant: kQaPm25AbovePm10. Non-finite inputs give no flag here
// (CheckPmValue reports them).
QaFlags CheckPm25NotAbovePm10(double pm25_ugm3, double pm10_ugm3, const QaConfig& config = {});

// PurpleAir-style dual channel.
struct DualChannelCheck {
  QaFlags flags = 0;             // kQaChannelMissing or kQaChannelDisagreement
  std::optional<double> mean;    // (A+B)/2 when the pair is valid
  std::optional<double> single;  // the one present channel when the other is missing (use with the flag)
};
DualChannelCheck CheckDualChannel(std::optional<double> channel_a, std::optional<double> channel_b,
                                  const QaConfig& config = {});

// Timestamps: kQaFutureTimestamp when sample_unix > received_unix + tolerance; kQaClockSkew when
// the device reported its clock and it differs from received_unix by more than the tolerance.
QaFlags CheckTimestamp(int64_t sample_unix, int64_t received_unix, std::optional<int64_t> device_clock_unix,
                       const QaConfig& config = {});

// Series checks over consecutive values in time order (a gap in the series should be passed as
// NaN, which breaks runs and has no neighbours). Result has one entry per input value.
// Every member of a run of >= stuck_run_length equal finite values gets kQaStuck.
std::vector<QaFlags> FlagStuckValues(std::span<const double> series, const QaConfig& config = {});
// kQaSpike on each value that rises above both finite neighbours per the spike rule.
std::vector<QaFlags> FlagSpikes(std::span<const double> series, const QaConfig& config = {});

// Stable names of the set bits, in bit order ("not_finite", "negative", ...), for APIs and logs.
std::vector<std::string_view> QaFlagNames(QaFlags flags);

}  // namespace ecotown::core
