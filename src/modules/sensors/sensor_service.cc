#include "modules/sensors/sensor_service.h"

#include <nlohmann/json.hpp>

#include "modules/accounts/secrets.h"
#include "modules/audit/recorder.h"

namespace ecotown::sensors {
namespace {

using tenancy::Permission;

// The audited shape of a sensor; never the secret hash.
std::string SensorJson(const Sensor& sensor) {
  nlohmann::json j = {{"id", sensor.id},
                      {"org_id", sensor.org_id},
                      {"code", sensor.code},
                      {"name", sensor.name},
                      {"model", ModelName(sensor.model)},
                      {"is_reference", sensor.is_reference},
                      {"device_key", sensor.device_key ? nlohmann::json(*sensor.device_key) : nlohmann::json()},
                      {"lat", sensor.lat},
                      {"lon", sensor.lon},
                      {"siting_notes", sensor.siting_notes},
                      {"install_date", sensor.install_date ? nlohmann::json(*sensor.install_date) : nlohmann::json()},
                      {"maintenance", sensor.maintenance},
                      {"sample_interval_seconds", sensor.sample_interval_seconds},
                      {"status", SensorStatusName(sensor.status)}};
  return j.dump();
}

// A duplicate reported by the database, named after the column it collided on.
Status DuplicateOf(const Status& status, const Sensor& sensor) {
  if (status.code() != StatusCode::kConflict) return status;
  if (status.message().find("device_key") != std::string::npos) {
    return Status::Conflict("device_key " + sensor.device_key.value_or("") + " belongs to another sensor",
                            "device_key");
  }
  return Status::Conflict("code " + sensor.code + " is taken in this organisation", "code");
}

// The device_key must be free in every organisation, including ones the caller cannot see.
Status RequireFreeDeviceKey(UnitOfWork& work, const Sensor& sensor) {
  if (!sensor.device_key) return Status::Ok();
  auto found = work.sensors().FindByDeviceKey(*sensor.device_key);
  if (found.ok()) {
    if (found->sensor.id == sensor.id) return Status::Ok();
    return Status::Conflict("device_key " + *sensor.device_key + " belongs to another sensor", "device_key");
  }
  return found.status().code() == StatusCode::kNotFound ? Status::Ok() : found.status();
}

}  // namespace

Result<Sensor> SensorService::Create(UnitOfWork& work, const NewSensor& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  Sensor sensor;
  sensor.code = request.code;
  sensor.name = request.name;
  sensor.model = request.model;
  sensor.is_reference = IsReferenceModel(request.model);
  sensor.device_key = request.device_key;
  sensor.lat = request.lat;
  sensor.lon = request.lon;
  sensor.siting_notes = request.siting_notes;
  sensor.install_date = request.install_date;
  sensor.maintenance = request.maintenance;
  sensor.status = request.status;
  sensor.sample_interval_seconds = request.sample_interval_seconds.value_or(DefaultSampleInterval(request.model));
  sensor.created_at = sensor.updated_at = work.info().now;
  RETURN_IF_ERROR(ValidateSensor(sensor, work.info().now));

  if (request.org_code && *request.org_code != scope.principal().org_code) {
    auto org = work.orgs().FindByCode(*request.org_code);
    if (!org.ok()) return Status::Invalid("unknown organisation " + *request.org_code, "org");
    sensor.org_id = org->id;
  } else {
    sensor.org_id = scope.principal().org_id;
  }
  RETURN_IF_ERROR(scope.RequireWrite(sensor.org_id, "organisation"));
  RETURN_IF_ERROR(RequireFreeDeviceKey(work, sensor));

  auto id = work.sensors().Insert(sensor);
  if (!id.ok()) return DuplicateOf(id.status(), sensor);
  sensor.id = *id;
  RETURN_IF_ERROR(audit::Record(work, "create", "sensor", std::to_string(sensor.id), sensor.org_id, std::nullopt,
                                SensorJson(sensor)));
  return sensor;
}

Result<Sensor> SensorService::Get(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.sensors().Get(id);
}

Result<std::vector<Sensor>> SensorService::List(UnitOfWork& work, std::optional<SensorStatus> status) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.sensors().List(status);
}

Result<Sensor> SensorService::Update(UnitOfWork& work, int64_t id, const SensorChanges& changes) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Sensor sensor, work.sensors().Get(id));
  RETURN_IF_ERROR(scope.RequireWrite(sensor.org_id, "sensor"));
  const std::string before = SensorJson(sensor);
  if (changes.name) sensor.name = *changes.name;
  if (changes.siting_notes) sensor.siting_notes = *changes.siting_notes;
  if (changes.maintenance) sensor.maintenance = *changes.maintenance;
  if (changes.status) sensor.status = *changes.status;
  if (changes.sample_interval_seconds) sensor.sample_interval_seconds = *changes.sample_interval_seconds;
  if (changes.lat) sensor.lat = *changes.lat;
  if (changes.lon) sensor.lon = *changes.lon;
  if (changes.device_key) sensor.device_key = *changes.device_key;
  // install_date is not changeable here, so only what changed is checked against the clock.
  RETURN_IF_ERROR(ValidateName(sensor.name));
  RETURN_IF_ERROR(ValidateSitingNotes(sensor.siting_notes));
  RETURN_IF_ERROR(ValidateSampleInterval(sensor.sample_interval_seconds));
  RETURN_IF_ERROR(ValidatePosition(sensor.lat, sensor.lon));
  if (sensor.device_key) RETURN_IF_ERROR(ValidateDeviceKey(*sensor.device_key));
  RETURN_IF_ERROR(RequireFreeDeviceKey(work, sensor));
  sensor.updated_at = work.info().now;
  Status updated = work.sensors().Update(sensor);
  if (!updated.ok()) return DuplicateOf(updated, sensor);
  RETURN_IF_ERROR(audit::Record(work, "update", "sensor", std::to_string(sensor.id), sensor.org_id, before,
                                SensorJson(sensor)));
  return sensor;
}

Result<RotatedSecret> SensorService::RotateDeviceSecret(UnitOfWork& work, int64_t id) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Sensor sensor, work.sensors().Get(id));
  RETURN_IF_ERROR(scope.RequireWrite(sensor.org_id, "sensor"));
  RotatedSecret rotated;
  rotated.secret = accounts::NewSecret("ds_");
  RETURN_IF_ERROR(work.sensors().SetDeviceSecretHash(sensor.id, accounts::HashSecret(rotated.secret),
                                                     work.info().now));
  sensor.updated_at = work.info().now;
  rotated.sensor = sensor;
  // The secret itself is never logged; the audit entry records only that it changed.
  RETURN_IF_ERROR(audit::Record(work, "rotate_secret", "sensor", std::to_string(sensor.id), sensor.org_id,
                                std::nullopt, nlohmann::json({{"code", sensor.code}}).dump()));
  return rotated;
}

Result<Sensor> SensorService::AuthenticateDevice(UnitOfWork& work, std::string_view device_key,
                                                const std::optional<std::string>& secret) const {
  auto found = work.sensors().FindByDeviceKey(device_key);
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("sensor: no sensor is registered with device key '" + std::string(device_key) + "'");
    }
    return found.status();
  }
  if (found->device_secret_hash) {
    if (!secret) return Status::Unauthenticated("this sensor needs its device secret (HTTP Basic password)");
    if (!accounts::SecretsEqual(accounts::HashSecret(*secret), *found->device_secret_hash)) {
      return Status::Forbidden("wrong device secret");
    }
  }
  if (found->sensor.status == SensorStatus::kRetired) return Status::Forbidden("sensor is retired");
  return found->sensor;
}

}  // namespace ecotown::sensors
