// CalibrationService: the calibration history of a sensor, new models (EPA presets or a linear
// model entered by hand), least-squares fits against a co-located reference monitor, and the
// sensor's site photo. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/calibration_fit.h"
#include "modules/calibration/calibration.h"
#include "modules/readings/reading_store.h"
#include "modules/unit_of_work.h"

namespace ecotown::calibration {

struct NewCalibration {
  ModelKind kind = ModelKind::kLinear;
  // Linear only (required there); the EPA kinds take their published coefficients.
  std::optional<double> slope;
  std::optional<double> intercept;
  std::optional<double> rh_coef;
  int64_t valid_from = 0;
  std::optional<int64_t> valid_to;
  std::string notes;
  std::optional<FitSummary> fit;  // set by Fit, never by a client
};

struct FitRequest {
  int64_t sensor_id = 0;
  int64_t reference_sensor_id = 0;
  int64_t from = 0;  // Unix s: the hours ending in (from, to] are paired
  int64_t to = 0;
  bool with_humidity = false;
  bool save = false;
  std::optional<int64_t> valid_from;  // of the saved model; default: from
  std::string notes;
};

struct FitOutcome {
  CalibrationModel model;  // id and version set only when saved
  bool saved = false;
  // The EPA 2021 preset evaluated on the same pairs, for comparison (empty without humidity).
  std::optional<core::FitStatistics> epa_2021;
};

// At most this long a fit period: a year of hours plus a little.
inline constexpr int64_t kMaxFitPeriodSeconds = 400 * 86400;

// Paired hours: the sensor's and the reference's complete PM2.5 means of the same hour and, with
// humidity, the sensor's humidity mean (hours without one are skipped).
std::vector<core::CalibrationPair> PairHours(const std::vector<readings::HourAggregate>& sensor,
                                             const std::vector<readings::HourAggregate>& reference, bool with_humidity);

class CalibrationService {
 public:
  // Newest version first. NotFound for a sensor outside the scope.
  Result<std::vector<CalibrationModel>> History(UnitOfWork& work, int64_t sensor_id) const;

  // Needs kWrite and write access to the sensor. Invalid naming the field for bad coefficients,
  // notes or periods, or a kind that does not suit the sensor; Conflict("valid_from") when
  // valid_from is not after the previous model's, or falls inside its closed period. Closes an
  // open-ended previous model at valid_from. Audited.
  Result<CalibrationModel> Create(UnitOfWork& work, int64_t sensor_id, const NewCalibration& request) const;

  // Reads both sensors' hourly aggregates over the period, pairs them and fits the linear model
  // (with the humidity term when asked). Needs kRead, and kWrite when request.save. Invalid naming
  // "reference_sensor_id" when the reference is not a reference monitor of the same organisation,
  // "to" for a bad period, or the fit's reason ("pairs", "raw", "rh", "reference"); NotFound for
  // sensors outside the scope. Saved through Create when request.save.
  Result<FitOutcome> Fit(UnitOfWork& work, const FitRequest& request) const;

  // Needs kWrite. Refuses anything but JPEG/PNG/WebP (Invalid "photo") and more than
  // kMaxPhotoBytes (TooLarge). Replaces an earlier photo. Audited (without the bytes).
  Result<SensorPhoto> PutPhoto(UnitOfWork& work, int64_t sensor_id, std::string bytes) const;
  // NotFound when the sensor is outside the scope or has no photo.
  Result<SensorPhoto> GetPhoto(UnitOfWork& work, int64_t sensor_id) const;
};

}  // namespace ecotown::calibration
