// The sensor registry: list, read, register and change an LAO's sensors, and issue device secrets.
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/json_body.h"
#include "http/json_mapping.h"
#include "modules/sensors/sensor_service.h"

namespace ecotown::http {
namespace {

using nlohmann::json;

// The body of POST /api/v1/sensors.
Result<sensors::NewSensor> ParseNewSensor(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  sensors::NewSensor request;
  ASSIGN_OR_RETURN(request.org_code, body.OptString("org", 32));
  ASSIGN_OR_RETURN(request.code, body.String("code", 32));
  ASSIGN_OR_RETURN(request.name, body.String("name", 200));
  ASSIGN_OR_RETURN(const std::string model, body.String("model", 32));
  ASSIGN_OR_RETURN(request.model, sensors::ParseModel(model));
  ASSIGN_OR_RETURN(request.device_key, body.OptString("device_key", 64));
  ASSIGN_OR_RETURN(request.lat, body.Number("lat"));
  ASSIGN_OR_RETURN(request.lon, body.Number("lon"));
  ASSIGN_OR_RETURN(auto notes, body.OptString("siting_notes", 2000));
  request.siting_notes = notes.value_or("");
  ASSIGN_OR_RETURN(request.install_date, body.OptString("install_date", 10));
  ASSIGN_OR_RETURN(auto maintenance, body.OptBool("maintenance"));
  request.maintenance = maintenance.value_or(false);
  ASSIGN_OR_RETURN(request.sample_interval_seconds, body.OptInt("sample_interval_seconds"));
  ASSIGN_OR_RETURN(auto status, body.OptString("status", 16));
  if (status) {
    ASSIGN_OR_RETURN(request.status, sensors::ParseSensorStatus(*status));
  }
  RETURN_IF_ERROR(body.Finish());
  return request;
}

// The body of PATCH /api/v1/sensors/{id}; "device_key": null removes the key.
Result<sensors::SensorChanges> ParseSensorChanges(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  sensors::SensorChanges changes;
  ASSIGN_OR_RETURN(changes.name, body.OptString("name", 200));
  ASSIGN_OR_RETURN(changes.siting_notes, body.OptString("siting_notes", 2000));
  ASSIGN_OR_RETURN(changes.maintenance, body.OptBool("maintenance"));
  ASSIGN_OR_RETURN(changes.sample_interval_seconds, body.OptInt("sample_interval_seconds"));
  ASSIGN_OR_RETURN(auto status, body.OptString("status", 16));
  if (status) {
    ASSIGN_OR_RETURN(changes.status, sensors::ParseSensorStatus(*status));
  }
  ASSIGN_OR_RETURN(changes.lat, body.OptNumber("lat"));
  ASSIGN_OR_RETURN(changes.lon, body.OptNumber("lon"));
  ASSIGN_OR_RETURN(auto device_key, body.OptString("device_key", 64));
  if (device_key) {
    changes.device_key = device_key;
  } else {
    // JsonBody treats null as absent; here an explicit null means "remove".
    const json raw = json::parse(text, nullptr, false);
    if (raw.is_object() && raw.contains("device_key")) changes.device_key = std::optional<std::string>();
  }
  RETURN_IF_ERROR(body.Finish());
  return changes;
}

}  // namespace

void RegisterSensorRoutes(Router& router) {
  router.Add("GET", "/api/v1/sensors", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    std::optional<sensors::SensorStatus> status;
    if (auto text = call.request.Query("status")) {
      ASSIGN_OR_RETURN(status, sensors::ParseSensorStatus(*text));
    }
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto sensors, sensors::SensorService().List(work, status));
      for (const auto& sensor : sensors) items.push_back(ToJson(sensor));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/sensors/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto sensor, sensors::SensorService().Get(work, id));
      out = ToJson(sensor);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/sensors", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const auto request, ParseNewSensor(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto sensor, sensors::SensorService().Create(work, request));
      out = ToJson(sensor);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("PATCH", "/api/v1/sensors/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    ASSIGN_OR_RETURN(const auto changes, ParseSensorChanges(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto sensor, sensors::SensorService().Update(work, id, changes));
      out = ToJson(sensor);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  // The device secret is shown in this answer only; later reads never include it.
  router.Add("POST", "/api/v1/sensors/{id}/secret", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto rotated, sensors::SensorService().RotateDeviceSecret(work, id));
      out = {{"sensor_id", rotated.sensor.id}, {"device_key", ToJson(rotated.sensor)["device_key"]},
             {"secret", rotated.secret}};
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
}

}  // namespace ecotown::http
