// Calibration of a sensor: its model history, new models (EPA presets or a manual linear model),
// least-squares fits against a co-located reference monitor, and the sensor's site photo.
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/json_body.h"
#include "http/json_mapping.h"
#include "modules/calibration/calibration_service.h"

namespace ecotown::http {
namespace {

using calibration::CalibrationModel;
using nlohmann::json;

json StatsJson(const core::FitStatistics& stats) {
  return {{"n", stats.n}, {"r2", stats.r2}, {"rmse", stats.rmse}, {"bias", stats.bias}, {"raw_bias", stats.raw_bias}};
}

// valid_from/valid_to are Unix seconds; valid_to is exclusive and null while open-ended.
json ModelJson(const CalibrationModel& model) {
  json out = {{"id", model.id},
              {"sensor_id", model.sensor_id},
              {"version", model.version},
              {"kind", calibration::ModelKindName(model.kind)},
              {"slope", model.slope},
              {"intercept", model.intercept},
              {"rh_coef", JsonOrNull(model.rh_coef)},
              {"valid_from", model.valid_from},
              {"valid_to", model.valid_to ? json(*model.valid_to) : json()},
              {"fit", json()},
              {"notes", model.notes},
              {"created_at", model.created_at},
              {"created_by", model.created_by}};
  if (model.fit) {
    out["fit"] = {{"reference_sensor_id", model.fit->reference_sensor_id},
                  {"from", model.fit->period_from},
                  {"to", model.fit->period_to},
                  {"n", model.fit->n},
                  {"r2", model.fit->r2},
                  {"rmse", model.fit->rmse},
                  {"bias", model.fit->bias},
                  {"raw_bias", model.fit->raw_bias}};
  }
  return out;
}

json PhotoJson(const calibration::SensorPhoto& photo) {
  return {{"sensor_id", photo.sensor_id}, {"content_type", photo.content_type}, {"size", photo.size},
          {"sha256", photo.sha256},       {"uploaded_at", photo.uploaded_at},   {"uploaded_by", photo.uploaded_by}};
}

// A date field "YYYY-MM-DD" as the start of that Bangkok day; absent when the field is.
Result<std::optional<int64_t>> OptDay(JsonBody& body, std::string_view field) {
  ASSIGN_OR_RETURN(const auto text, body.OptString(field, 10));
  if (!text) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(const int64_t start, calibration::BangkokDayStart(*text, field));
  return std::optional<int64_t>(start);
}

Result<int64_t> Day(JsonBody& body, std::string_view field) {
  ASSIGN_OR_RETURN(const auto day, OptDay(body, field));
  if (!day) return Status::Invalid(std::string(field) + " is required", std::string(field));
  return *day;
}

// The body of POST /api/v1/sensors/{id}/calibrations. Dates are Bangkok days; valid_to is the
// first day the model no longer applies.
Result<calibration::NewCalibration> ParseNewCalibration(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  calibration::NewCalibration request;
  ASSIGN_OR_RETURN(const std::string kind, body.String("kind", 32));
  ASSIGN_OR_RETURN(request.kind, calibration::ParseModelKind(kind));
  ASSIGN_OR_RETURN(request.slope, body.OptNumber("slope"));
  ASSIGN_OR_RETURN(request.intercept, body.OptNumber("intercept"));
  ASSIGN_OR_RETURN(request.rh_coef, body.OptNumber("rh_coef"));
  ASSIGN_OR_RETURN(request.valid_from, Day(body, "valid_from"));
  ASSIGN_OR_RETURN(request.valid_to, OptDay(body, "valid_to"));
  ASSIGN_OR_RETURN(auto notes, body.OptString("notes", 2000));
  request.notes = notes.value_or("");
  RETURN_IF_ERROR(body.Finish());
  return request;
}

// The body of POST /api/v1/sensors/{id}/calibrations/fit: from and to are inclusive Bangkok days.
Result<calibration::FitRequest> ParseFitRequest(std::string_view text, int64_t sensor_id) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  calibration::FitRequest request;
  request.sensor_id = sensor_id;
  ASSIGN_OR_RETURN(request.reference_sensor_id, body.Int("reference_sensor_id"));
  ASSIGN_OR_RETURN(request.from, Day(body, "from"));
  ASSIGN_OR_RETURN(const int64_t last_day, Day(body, "to"));
  request.to = last_day + 86400;
  ASSIGN_OR_RETURN(auto humidity, body.OptBool("humidity"));
  request.with_humidity = humidity.value_or(false);
  ASSIGN_OR_RETURN(auto save, body.OptBool("save"));
  request.save = save.value_or(false);
  ASSIGN_OR_RETURN(request.valid_from, OptDay(body, "valid_from"));
  ASSIGN_OR_RETURN(auto notes, body.OptString("notes", 2000));
  request.notes = notes.value_or("");
  RETURN_IF_ERROR(body.Finish());
  if (last_day < request.from) return Status::Invalid("to must not be before from", "to");
  return request;
}

// 415 with the usual error body: the upload is not an image type the registry keeps.
Response UnsupportedMediaType(const std::string& message) {
  return Response::Json(
      415, json({{"error", {{"code", "unsupported_media_type"}, {"message", message}, {"field", "photo"}}}}).dump());
}

}  // namespace

void RegisterCalibrationRoutes(Router& router) {
  router.Add("GET", "/api/v1/sensors/{id}/calibrations", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto models, calibration::CalibrationService().History(work, id));
      for (const auto& model : models) items.push_back(ModelJson(model));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("POST", "/api/v1/sensors/{id}/calibrations", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    ASSIGN_OR_RETURN(const auto request, ParseNewCalibration(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto model, calibration::CalibrationService().Create(work, id, request));
      out = ModelJson(model);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  // Without "save" the fit is a proposal (read-only); with it the model is stored as the next version.
  router.Add("POST", "/api/v1/sensors/{id}/calibrations/fit", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
               ASSIGN_OR_RETURN(const auto request, ParseFitRequest(call.request.body, id));
               json out;
               const auto fit = [&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto outcome, calibration::CalibrationService().Fit(work, request));
                 out = {{"model", ModelJson(outcome.model)},
                        {"saved", outcome.saved},
                        {"epa_2021", outcome.epa_2021 ? StatsJson(*outcome.epa_2021) : json()}};
                 return Status::Ok();
               };
               RETURN_IF_ERROR(request.save ? call.Write(fit) : call.Read(fit));
               return Response::Json(request.save ? 201 : 200, out.dump());
             });

  // The body is the image itself; its type is read from its first bytes, not from Content-Type.
  router.Add("PUT", "/api/v1/sensors/{id}/photo", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    const std::string& bytes = call.request.body;
    if (bytes.size() > calibration::kMaxPhotoBytes) {
      return Status::TooLarge("the photo is " + std::to_string(bytes.size()) + " bytes; at most 5 MiB are accepted");
    }
    if (bytes.empty()) return UnsupportedMediaType("the body is empty; send the image bytes");
    if (calibration::DetectImageType(bytes).empty()) {
      return UnsupportedMediaType("the photo must be a JPEG, PNG or WebP image");
    }
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto photo, calibration::CalibrationService().PutPhoto(work, id, bytes));
      out = PhotoJson(photo);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("GET", "/api/v1/sensors/{id}/photo", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "sensor"));
    std::optional<calibration::SensorPhoto> photo;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(photo, calibration::CalibrationService().GetPhoto(work, id));
      return Status::Ok();
    }));
    Response response;
    response.status = 200;
    response.content_type = photo->content_type;
    response.body = std::move(photo->bytes);
    response.AddHeader("ETag", "\"" + photo->sha256 + "\"");
    response.AddHeader("X-Content-Type-Options", "nosniff");
    response.AddHeader("Content-Disposition", "inline");
    return response;
  });
}

}  // namespace ecotown::http
