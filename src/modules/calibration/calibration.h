// Calibration: the per-sensor models that turn raw PM2.5 into corrected values, their validity
// periods and versions, the sensor's site photo, and the store port they need.
//
// Raw values are always kept; a corrected value is derived from the model valid at the reading's
// time (docs/air-quality-method.md §"Calibration"). The models of one sensor are numbered 1, 2, 3..
// and their validity periods [valid_from, valid_to) do not overlap: a new model starts after the
// previous one, and an open-ended previous model is closed where the new one starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/calibration/sensor_photo.h"
#include "modules/sensors/sensor.h"

namespace ecotown::calibration {

enum class ModelKind {
  kEpaBarkjohn2021,  // core::CorrectEpaBarkjohn2021 (PurpleAir/Plantower CF=1, needs RH)
  kEpaExtended2023,  // core::CorrectEpaExtended2023 (the high-concentration form, needs RH)
  kLinear,           // slope·raw + intercept [+ rh_coef·RH], fitted locally or entered by hand
};
// "epa_barkjohn_2021", "epa_extended_2023", "linear" (the first two are core::CorrectionModelId).
const char* ModelKindName(ModelKind kind);
// Invalid(field "kind") for unknown names.
Result<ModelKind> ParseModelKind(std::string_view name);

// How a linear model was fitted: against which reference monitor, over which hours, how well.
struct FitSummary {
  int64_t reference_sensor_id = 0;
  int64_t period_from = 0;  // Unix s; the hours ending in (period_from, period_to]
  int64_t period_to = 0;
  int64_t n = 0;
  double r2 = 0;
  double rmse = 0;      // µg/m³
  double bias = 0;      // mean(fitted − reference), µg/m³
  double raw_bias = 0;  // mean(raw − reference), µg/m³
};

struct CalibrationModel {
  int64_t id = 0;
  int64_t sensor_id = 0;
  int version = 0;  // 1, 2, 3.. per sensor, in order of valid_from
  ModelKind kind = ModelKind::kLinear;
  // For the EPA kinds these are the published coefficients of the low-concentration segment,
  // shown to people; Correct uses the full formula.
  double slope = 0;
  double intercept = 0;
  std::optional<double> rh_coef;
  int64_t valid_from = 0;           // Unix s, inclusive
  std::optional<int64_t> valid_to;  // Unix s, exclusive; empty: open-ended
  std::optional<FitSummary> fit;    // set for models fitted against a reference
  std::string notes;                // up to 2000 characters
  int64_t created_at = 0;
  std::string created_by;  // the principal's name, as in the audit log
};

// Published coefficients of the EPA kinds (Barkjohn et al. 2021), used for display.
inline constexpr double kEpaSlope = 0.524, kEpaIntercept = 5.75, kEpaRhCoef = -0.0862;

// Limits of a linear model (fields "slope", "intercept", "rh_coef"): a slope in (0, 10], an
// intercept within ±200 µg/m³, an RH coefficient within ±10 µg/m³ per %RH. Beyond these the
// model is not a calibration of a working sensor.
inline constexpr double kMaxSlope = 10, kMaxAbsIntercept = 200, kMaxAbsRhCoef = 10;
Status ValidateLinearCoefficients(double slope, double intercept, std::optional<double> rh_coef);
Status ValidateNotes(std::string_view notes);  // "notes": up to 2000 characters, valid UTF-8
// "valid_to" must be after valid_from.
Status ValidateValidity(int64_t valid_from, std::optional<int64_t> valid_to);

// True when the model kind suits the sensor: EPA kinds only for Plantower-based sensors
// (plantower-pms, purpleair, airgradient); linear for any sensor that is not a reference monitor.
Status CheckKindFitsSensor(ModelKind kind, const sensors::Sensor& sensor);

// True when ts lies in [valid_from, valid_to).
bool Covers(const CalibrationModel& model, int64_t ts);
// The model valid at ts: the highest version whose period covers it; empty when none does.
std::optional<CalibrationModel> ModelAt(const std::vector<CalibrationModel>& models, int64_t ts);

// The corrected PM2.5 (µg/m³) of a raw value under the model, clamped at 0. Empty when raw is not
// a finite non-negative number, when the model needs RH (EPA kinds, linear with rh_coef) and
// rh is absent or outside 0..100 %.
std::optional<double> Correct(const CalibrationModel& model, double pm25_raw, std::optional<double> rh);

// The start of a Bangkok calendar day "YYYY-MM-DD" in Unix seconds. Invalid naming field unless
// the text is such a date.
Result<int64_t> BangkokDayStart(std::string_view date, std::string_view field);

// Persistence port. Reads are scoped (another organisation's sensor has no models and no photo:
// NotFound / empty); writes check write access to the sensor's organisation.
class CalibrationStore {
 public:
  virtual ~CalibrationStore() = default;

  // Conflict when the sensor already has this version (a concurrent writer).
  virtual Result<int64_t> Insert(const CalibrationModel& model) = 0;
  // The sensor's models, highest version first.
  virtual Result<std::vector<CalibrationModel>> List(int64_t sensor_id) = 0;
  // Sets (or clears) the end of a model's validity period.
  virtual Status SetValidTo(int64_t sensor_id, int64_t id, std::optional<int64_t> valid_to) = 0;

  // Replaces the sensor's photo.
  virtual Status PutPhoto(const SensorPhoto& photo) = 0;
  // NotFound when the sensor has none (or is outside the scope).
  virtual Result<SensorPhoto> GetPhoto(int64_t sensor_id) = 0;
};

}  // namespace ecotown::calibration
