#include "http/api.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "http/complaint_http.h"
#include "http/errors.h"
#include "http/public_answer_cache.h"

namespace ecotown::http {
namespace {

// Everything is served from this origin; nothing inline, nothing from elsewhere.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

}  // namespace

Api::Api(ApiOptions options, ApiDeps deps)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      readings_(options_.qa),
      router_(RouterDeps{deps_.transactor, deps_.accounts, deps_.clock}),
      static_files_({{"/vendor/sarabun/", options_.node_modules_dir + "/@fontsource/sarabun"},
                     {"/vendor/leaflet/", options_.node_modules_dir + "/leaflet/dist"},
                     {"/", options_.web_dir}}) {
  router_.Add("GET", "/healthz", Access::kPublic, [](Call&) -> Result<Response> {
    return Response::Json(200, R"({"status":"ok"})");
  });
  router_.Add("GET", "/readyz", Access::kPublic, [this](Call&) -> Result<Response> {
    Status ready = deps_.ready_check ? deps_.ready_check() : Status::Ok();
    if (!ready.ok()) {
      spdlog::warn("readiness check failed: {}", ready.ToString());
      return Response::Json(503, R"({"status":"unavailable","database":"unreachable"})");
    }
    return Response::Json(200, R"({"status":"ready","database":"ok"})");
  });
  router_.Add("GET", "/metrics", Access::kPublic, [this](Call&) -> Result<Response> {
    std::map<std::string, double> gauges;
    if (deps_.extra_metrics) gauges = deps_.extra_metrics();
    if (deps_.open_connections) gauges["ecotown_http_open_connections"] = static_cast<double>(deps_.open_connections());
    return Response::Text(200, metrics_.Render(gauges), "text/plain; version=0.0.4; charset=utf-8");
  });
  router_.Add("GET", "/api/v1/version", Access::kPublic, [this](Call&) -> Result<Response> {
    return Response::Json(200, nlohmann::json({{"name", "ecotown"}, {"version", options_.version}}).dump());
  });
  RegisterAccountRoutes(router_, options_, deps_.accounts);
  RegisterOrgRoutes(router_);
  RegisterAqiRoutes(router_);
  RegisterSensorRoutes(router_);
  RegisterAlertRoutes(router_);
  RegisterIngestRoutes(router_, readings_);
  RegisterReadingRoutes(router_, std::make_shared<PublicAnswerCache>(options_.public_cache_entries));
  RegisterCalibrationRoutes(router_);
  RegisterOpenAqRoutes(router_);
  RegisterExportRoutes(router_);
  RegisterPublicRoutes(router_);
  RegisterFactoryRoutes(router_);
  RegisterTrainingRoutes(router_);
  RegisterClinicRoutes(router_);
  RegisterInspectionRoutes(router_);
  RegisterNetworkRoutes(router_);
  {
    auto limits = std::make_shared<PublicLimiters>(options_.complaint_posts, options_.public_reads);
    RegisterComplaintRoutes(router_, limits);
    auto answers = deps_.public_answers ? deps_.public_answers
                                        : std::make_shared<PublicAnswerCache>(options_.public_cache_entries);
    RegisterOpen311Routes(router_, deps_.accounts, limits, std::move(answers));
  }
  if (deps_.events) RegisterEventRoutes(router_, *deps_.events);
  if (deps_.line_events_stored) RegisterLineRoutes(router_, deps_.line_events_stored);
}

Response Api::Route(Request& request) {
  const bool api_path = request.path.rfind("/api/", 0) == 0 || request.path == "/api";
  if (!api_path && !router_.Matches(request.path)) {
    if (auto file = static_files_.Serve(request)) return std::move(*file);
    return ErrorResponse(Status::NotFound("no such page: " + request.path));
  }
  return router_.Dispatch(request);
}

Response Api::Handle(Request& request) {
  Response response;
  try {
    response = Route(request);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} failed: {}", request.method, request.path, e.what());
    response = ErrorResponse(Status::Internal(e.what()));
  }
  if (response.status >= 500) {
    spdlog::error("request {} answered {}: {}", request.request_id, response.status, response.Body());
  }
  response.AddHeader("Content-Security-Policy", kContentSecurityPolicy);
  response.AddHeader("Referrer-Policy", "same-origin");
  response.AddHeader("X-Frame-Options", "DENY");
  if (request.path.rfind("/api/", 0) == 0) response.AddHeader("Cache-Control", "no-store");
  return response;
}

void Api::Observe(const Request& request, const Response& response, std::chrono::microseconds latency) {
  metrics_.Observe(request.route, request.method, response.status, latency);
  spdlog::info("{} {} {} {} {}B {:.1f}ms id={}", request.remote_ip, request.method, request.target, response.status,
               response.Body().size(), static_cast<double>(latency.count()) / 1000.0, request.request_id);
}

}  // namespace ecotown::http
