// The API: the router with every area's routes, health and metrics endpoints, and the static
// web UI. Api::Handle is the server's request handler.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/clock.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/router.h"
#include "http/static_files.h"
#include "core/qa.h"
#include "modules/accounts/account_service.h"
#include "modules/readings/reading_service.h"

namespace ecotown::events {
class EventHub;
}
namespace ecotown::http {

class PublicAnswerCache;

struct ApiOptions {
  std::string web_dir;           // web/ (index.html, app code, locales)
  std::string node_modules_dir;  // vendored npm assets (fonts, map and chart libraries)
  bool cookie_secure = false;    // always mark the session cookie Secure (set when behind TLS)
  std::string version;
  core::QaConfig qa;             // QA thresholds of every ingest path
  // Per client address, on the public complaint and Open311 endpoints (docs/complaints-api.md).
  RateLimit complaint_posts{10, 30};     // filing: 10 at once, then 30 an hour
  RateLimit public_reads{120, 3600};     // tracking, transparency, Open311 reads: 120 at once, 1/s
  // Rendered Open311 request lists kept until their LAO's complaints change, and dashboard answers
  // until its readings change (public_answer_cache.h; one cache each); 0 turns them off. An entry
  // holds one answer (up to ~1 MB for 1,000 requests).
  size_t public_cache_entries = 256;
};

struct ApiDeps {
  Transactor& transactor;
  accounts::AccountService& accounts;
  const core::Clock& clock;
  std::function<Status()> ready_check;           // /readyz: is the database reachable?
  std::function<size_t()> open_connections;      // /metrics gauge
  std::function<std::map<std::string, double>()> extra_metrics;  // /metrics: device transports' counters
  events::EventHub* events = nullptr;            // live updates; /api/v1/events is absent without it
  // Wakes the LINE inbox worker after the webhook stored events; /line/webhook is absent without it.
  std::function<void()> line_events_stored;
  // The cache of the rendered Open311 lists; null: the Api makes its own of
  // ApiOptions::public_cache_entries (tests pass one to watch it).
  std::shared_ptr<PublicAnswerCache> public_answers;
};

class Api {
 public:
  Api(ApiOptions options, ApiDeps deps);

  Response Handle(Request& request);
  // Access log line and metrics for one answered request.
  void Observe(const Request& request, const Response& response, std::chrono::microseconds latency);

 private:
  Response Route(Request& request);

  ApiOptions options_;
  ApiDeps deps_;
  readings::ReadingService readings_;
  Router router_;
  StaticFiles static_files_;
  Metrics metrics_;
};

// Route registration, one function per area (routes_<area>.cc).
void RegisterAccountRoutes(Router& router, const ApiOptions& options, accounts::AccountService& accounts);
void RegisterOrgRoutes(Router& router);
void RegisterAqiRoutes(Router& router);
void RegisterEventRoutes(Router& router, events::EventHub& hub);
void RegisterSensorRoutes(Router& router);
void RegisterAlertRoutes(Router& router);
void RegisterIngestRoutes(Router& router, const readings::ReadingService& service);
// `answers` keeps the dashboard answer (GET /api/v1/readings/latest) per LAO and end.
void RegisterReadingRoutes(Router& router, std::shared_ptr<PublicAnswerCache> answers);
void RegisterCalibrationRoutes(Router& router);
void RegisterOpenAqRoutes(Router& router);
void RegisterExportRoutes(Router& router);
void RegisterPublicRoutes(Router& router);
void RegisterFactoryRoutes(Router& router);
void RegisterTrainingRoutes(Router& router);
void RegisterClinicRoutes(Router& router);
void RegisterInspectionRoutes(Router& router);
void RegisterNetworkRoutes(Router& router);
struct PublicLimiters;
class PublicAnswerCache;
void RegisterComplaintRoutes(Router& router, std::shared_ptr<PublicLimiters> limits);
void RegisterLineRoutes(Router& router, std::function<void()> events_stored);
void RegisterOpen311Routes(Router& router, accounts::AccountService& accounts, std::shared_ptr<PublicLimiters> limits,
                           std::shared_ptr<PublicAnswerCache> answers);

}  // namespace ecotown::http
