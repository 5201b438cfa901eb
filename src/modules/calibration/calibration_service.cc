#include "modules/calibration/calibration_service.h"

#include <map>
#include <nlohmann/json.hpp>

#include "modules/accounts/secrets.h"
#include "modules/audit/recorder.h"

namespace ecotown::calibration {
namespace {

using tenancy::Permission;

nlohmann::json OptJson(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// The audited shape of a model.
std::string ModelJson(const CalibrationModel& model) {
  nlohmann::json j = {{"id", model.id},
                      {"sensor_id", model.sensor_id},
                      {"version", model.version},
                      {"kind", ModelKindName(model.kind)},
                      {"slope", model.slope},
                      {"intercept", model.intercept},
                      {"rh_coef", OptJson(model.rh_coef)},
                      {"valid_from", model.valid_from},
                      {"valid_to", model.valid_to ? nlohmann::json(*model.valid_to) : nlohmann::json()},
                      {"notes", model.notes}};
  if (model.fit) {
    j["fit"] = {{"reference_sensor_id", model.fit->reference_sensor_id},
                {"from", model.fit->period_from},
                {"to", model.fit->period_to},
                {"n", model.fit->n},
                {"r2", model.fit->r2},
                {"rmse", model.fit->rmse},
                {"bias", model.fit->bias},
                {"raw_bias", model.fit->raw_bias}};
  }
  return j.dump();
}

}  // namespace

std::vector<core::CalibrationPair> PairHours(const std::vector<readings::HourAggregate>& sensor,
                                             const std::vector<readings::HourAggregate>& reference,
                                             bool with_humidity) {
  std::map<int64_t, double> reference_means;
  for (const auto& hour : reference) {
    if (const auto mean = hour.pm25_mean()) reference_means[hour.hour_end] = *mean;
  }
  std::vector<core::CalibrationPair> pairs;
  for (const auto& hour : sensor) {
    const auto raw = hour.pm25_mean();
    const auto ref = reference_means.find(hour.hour_end);
    if (!raw || ref == reference_means.end()) continue;
    core::CalibrationPair pair{*raw, ref->second, hour.humidity.mean()};
    if (with_humidity && !pair.rh) continue;
    if (!with_humidity) pair.rh.reset();
    pairs.push_back(pair);
  }
  return pairs;
}

Result<std::vector<CalibrationModel>> CalibrationService::History(UnitOfWork& work, int64_t sensor_id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  RETURN_IF_ERROR(work.sensors().Get(sensor_id).status());
  return work.calibrations().List(sensor_id);
}

Result<CalibrationModel> CalibrationService::Create(UnitOfWork& work, int64_t sensor_id,
                                                    const NewCalibration& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const sensors::Sensor sensor, work.sensors().Get(sensor_id));
  RETURN_IF_ERROR(scope.RequireWrite(sensor.org_id, "sensor"));
  RETURN_IF_ERROR(CheckKindFitsSensor(request.kind, sensor));

  CalibrationModel model;
  model.sensor_id = sensor.id;
  model.kind = request.kind;
  if (request.kind == ModelKind::kLinear) {
    if (!request.slope) return Status::Invalid("a linear model needs a slope", "slope");
    if (!request.intercept) return Status::Invalid("a linear model needs an intercept", "intercept");
    model.slope = *request.slope;
    model.intercept = *request.intercept;
    model.rh_coef = request.rh_coef;
    RETURN_IF_ERROR(ValidateLinearCoefficients(model.slope, model.intercept, model.rh_coef));
  } else {
    // The EPA formulas are fixed; coefficients sent with them would be silently ignored.
    if (request.slope) return Status::Invalid("the EPA presets take no slope", "slope");
    if (request.intercept) return Status::Invalid("the EPA presets take no intercept", "intercept");
    if (request.rh_coef) return Status::Invalid("the EPA presets take no rh_coef", "rh_coef");
    model.slope = kEpaSlope;
    model.intercept = kEpaIntercept;
    model.rh_coef = kEpaRhCoef;
  }
  model.valid_from = request.valid_from;
  model.valid_to = request.valid_to;
  model.fit = request.fit;
  model.notes = request.notes;
  model.created_at = work.info().now;
  model.created_by = scope.principal().name;
  RETURN_IF_ERROR(ValidateNotes(model.notes));
  RETURN_IF_ERROR(ValidateValidity(model.valid_from, model.valid_to));

  ASSIGN_OR_RETURN(auto history, work.calibrations().List(sensor.id));
  model.version = 1;
  if (!history.empty()) {
    // Versions follow valid_from, so the highest version is the latest period.
    CalibrationModel previous = history.front();
    model.version = previous.version + 1;
    if (model.valid_from <= previous.valid_from) {
      return Status::Conflict("valid_from must be after the start of version " + std::to_string(previous.version),
                              "valid_from");
    }
    if (previous.valid_to && model.valid_from < *previous.valid_to) {
      return Status::Conflict("valid_from falls inside the period of version " + std::to_string(previous.version),
                              "valid_from");
    }
    if (!previous.valid_to) {
      const std::string before = ModelJson(previous);
      previous.valid_to = model.valid_from;
      RETURN_IF_ERROR(work.calibrations().SetValidTo(sensor.id, previous.id, previous.valid_to));
      RETURN_IF_ERROR(audit::Record(work, "update", "calibration", std::to_string(previous.id), sensor.org_id, before,
                                    ModelJson(previous)));
    }
  }
  auto id = work.calibrations().Insert(model);
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kConflict) {
      return Status::Conflict("another calibration of this sensor was saved at the same time; try again", "version");
    }
    return id.status();
  }
  model.id = *id;
  RETURN_IF_ERROR(audit::Record(work, "create", "calibration", std::to_string(model.id), sensor.org_id, std::nullopt,
                                ModelJson(model)));
  return model;
}

Result<FitOutcome> CalibrationService::Fit(UnitOfWork& work, const FitRequest& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(request.save ? Permission::kWrite : Permission::kRead));
  if (request.to <= request.from) return Status::Invalid("the period must end after it starts", "to");
  if (request.to - request.from > kMaxFitPeriodSeconds) {
    return Status::Invalid("the period may be at most 400 days", "to");
  }
  ASSIGN_OR_RETURN(const sensors::Sensor sensor, work.sensors().Get(request.sensor_id));
  RETURN_IF_ERROR(CheckKindFitsSensor(ModelKind::kLinear, sensor));
  auto reference = work.sensors().Get(request.reference_sensor_id);
  if (!reference.ok()) {
    if (reference.status().code() != StatusCode::kNotFound) return reference.status();
    return Status::Invalid("reference sensor " + std::to_string(request.reference_sensor_id) + " not found",
                           "reference_sensor_id");
  }
  if (!sensors::IsReferenceModel(reference->model)) {
    return Status::Invalid(reference->code + " is not a reference monitor (reference-bam or reference-teom)",
                           "reference_sensor_id");
  }
  if (reference->org_id != sensor.org_id) {
    return Status::Invalid("the reference monitor must belong to the sensor's organisation", "reference_sensor_id");
  }

  ASSIGN_OR_RETURN(const auto sensor_hours, work.readings().Hours(sensor.id, request.from, request.to));
  ASSIGN_OR_RETURN(const auto reference_hours, work.readings().Hours(reference->id, request.from, request.to));
  const auto pairs = PairHours(sensor_hours, reference_hours, request.with_humidity);
  ASSIGN_OR_RETURN(const core::LinearCalibration fit, core::FitLinearCalibration(pairs, request.with_humidity));

  FitOutcome outcome;
  if (request.with_humidity) {
    auto epa = core::EvaluateCalibration(pairs, kEpaSlope, kEpaIntercept, kEpaRhCoef);
    if (epa.ok()) outcome.epa_2021 = *epa;
  }
  NewCalibration proposal;
  proposal.kind = ModelKind::kLinear;
  proposal.slope = fit.slope;
  proposal.intercept = fit.intercept;
  proposal.rh_coef = fit.rh_coef;
  proposal.valid_from = request.valid_from.value_or(request.from);
  proposal.notes = request.notes;
  proposal.fit = FitSummary{reference->id, request.from,   request.to,     fit.stats.n,
                            fit.stats.r2,  fit.stats.rmse, fit.stats.bias, fit.stats.raw_bias};
  if (request.save) {
    ASSIGN_OR_RETURN(outcome.model, Create(work, sensor.id, proposal));
    outcome.saved = true;
    return outcome;
  }
  CalibrationModel& model = outcome.model;
  model.sensor_id = sensor.id;
  model.kind = ModelKind::kLinear;
  model.slope = fit.slope;
  model.intercept = fit.intercept;
  model.rh_coef = fit.rh_coef;
  model.valid_from = proposal.valid_from;
  model.fit = proposal.fit;
  model.notes = proposal.notes;
  model.created_at = work.info().now;
  model.created_by = scope.principal().name;
  return outcome;
}

Result<SensorPhoto> CalibrationService::PutPhoto(UnitOfWork& work, int64_t sensor_id, std::string bytes) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const sensors::Sensor sensor, work.sensors().Get(sensor_id));
  RETURN_IF_ERROR(scope.RequireWrite(sensor.org_id, "sensor"));
  if (bytes.size() > kMaxPhotoBytes) {
    return Status::TooLarge("the photo is " + std::to_string(bytes.size()) + " bytes; at most 5 MiB (" +
                            std::to_string(kMaxPhotoBytes) + " bytes) are accepted");
  }
  const std::string_view type = DetectImageType(bytes);
  if (type.empty()) return Status::Invalid("the photo must be a JPEG, PNG or WebP image", "photo");
  SensorPhoto photo;
  photo.sensor_id = sensor.id;
  photo.content_type = std::string(type);
  photo.sha256 = accounts::HashSecret(bytes);
  photo.size = static_cast<int64_t>(bytes.size());
  photo.bytes = std::move(bytes);
  photo.uploaded_at = work.info().now;
  photo.uploaded_by = scope.principal().name;
  RETURN_IF_ERROR(work.calibrations().PutPhoto(photo));
  RETURN_IF_ERROR(audit::Record(work, "update", "sensor_photo", std::to_string(sensor.id), sensor.org_id, std::nullopt,
                                nlohmann::json({{"sensor_id", sensor.id},
                                                {"content_type", photo.content_type},
                                                {"size", photo.size},
                                                {"sha256", photo.sha256}})
                                    .dump()));
  return photo;
}

Result<SensorPhoto> CalibrationService::GetPhoto(UnitOfWork& work, int64_t sensor_id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  RETURN_IF_ERROR(work.sensors().Get(sensor_id).status());
  return work.calibrations().GetPhoto(sensor_id);
}

}  // namespace ecotown::calibration
