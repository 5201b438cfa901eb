#include "app/runtime.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <thread>

#include "http/api.h"
#include "http/server.h"
#include "modules/accounts/secrets.h"
#include "modules/events/event_hub.h"
#include "store/geography_loader.h"
#include "store/migrations/migrations.h"

#ifndef ECOTOWN_VERSION
#define ECOTOWN_VERSION "dev"
#endif

namespace ecotown::app {
namespace {

accounts::AuthSettings AuthSettingsOf(const Config& config) {
  accounts::AuthSettings settings;
  settings.session_ttl_seconds = static_cast<int64_t>(config.session_ttl_minutes) * 60;
  settings.max_failures_per_username = config.max_login_failures;
  settings.max_failures_per_ip = config.max_login_failures_per_ip;
  settings.throttle_window_seconds = static_cast<int64_t>(config.login_throttle_minutes) * 60;
  return settings;
}

}  // namespace

Runtime::Runtime(Config config, std::unique_ptr<store::Database> db)
    : config_(std::move(config)), db_(std::move(db)), transactor_(*db_), accounts_(AuthSettingsOf(config_)) {}

Result<std::unique_ptr<Runtime>> Runtime::Open(const Config& config) {
  RETURN_IF_ERROR(accounts::InitSecrets());
  ASSIGN_OR_RETURN(auto db, store::Database::Open(config.db_url, config.db_pool_size));
  core::SystemClock clock;
  ASSIGN_OR_RETURN(const int applied, store::Migrate(*db, clock.NowUnix()));
  if (applied > 0) spdlog::info("applied {} migration(s) to {}", applied, db->Describe());
  ASSIGN_OR_RETURN(const int64_t loaded, store::LoadGeographyIfEmpty(*db, config.data_dir));
  if (loaded > 0) spdlog::info("loaded {} subdistricts of the Thai administrative divisions", loaded);
  return std::unique_ptr<Runtime>(new Runtime(config, std::move(db)));
}

Status Runtime::Serve(const std::string& listen, const std::function<void(uint16_t)>& on_ready) {
  ASSIGN_OR_RETURN(const auto endpoint, ParseListen(listen));
  http::ServerOptions options;
  options.host = endpoint.first;
  options.port = endpoint.second;
  options.body_limit = config_.body_limit_bytes;
  options.worker_threads = config_.worker_threads;
  options.io_threads = config_.io_threads;
  options.trust_proxy = config_.trust_proxy;

  // Block the stop signals in every thread; one thread waits for them and stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  events::EventHub hub(transactor_, clock_);
  RETURN_IF_ERROR(hub.Start());
  std::unique_ptr<http::Server> server;
  http::Api api(http::ApiOptions{config_.web_dir, config_.node_modules_dir, config_.cookie_secure, ECOTOWN_VERSION},
                http::ApiDeps{transactor_, accounts_, clock_, [this] { return db_->Ping(); },
                              [&server] { return server ? server->open_connections() : size_t{0}; }, &hub});
  server = std::make_unique<http::Server>(
      options, [&api](http::Request& request) { return api.Handle(request); },
      [&api](const http::Request& request, const http::Response& response, std::chrono::microseconds latency) {
        api.Observe(request, response, latency);
      });
  RETURN_IF_ERROR(server->Listen());
  spdlog::info("ecotown {} serving {} on http://{}:{}", ECOTOWN_VERSION, db_->Describe(), options.host, server->port());
  if (on_ready) on_ready(server->port());

  std::thread waiter([&server, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("received signal {}, finishing in-flight requests", signal);
    server->Stop();
  });
  server->Run();
  // Wake the waiter if the server stopped for another reason.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  hub.Stop();
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace ecotown::app
