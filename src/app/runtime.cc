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

// The parts of a running server, in dependency order: the API uses the hub, the server calls
// the API, so they are destroyed server first.
struct RunningServer::Parts {
  Parts(Runtime& runtime, const http::ServerOptions& options)
      : hub(runtime.transactor(), runtime.clock()),
        api(http::ApiOptions{runtime.config().web_dir, runtime.config().node_modules_dir,
                             runtime.config().cookie_secure, ECOTOWN_VERSION},
            http::ApiDeps{runtime.transactor(), runtime.accounts(), runtime.clock(),
                          [&runtime] { return runtime.db().Ping(); },
                          [this] { return server ? server->open_connections() : size_t{0}; }, &hub}) {
    server = std::make_unique<http::Server>(
        options, [this](http::Request& request) { return api.Handle(request); },
        [this](const http::Request& request, const http::Response& response, std::chrono::microseconds latency) {
          api.Observe(request, response, latency);
        });
  }

  events::EventHub hub;
  http::Api api;
  std::unique_ptr<http::Server> server;
};

RunningServer::RunningServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {
  thread_ = std::thread([server = parts_->server.get()] { server->Run(); });
}

RunningServer::~RunningServer() {
  Stop();
  Wait();
}

uint16_t RunningServer::port() const { return parts_->server->port(); }

void RunningServer::Stop() { parts_->server->Stop(); }

void RunningServer::Wait() {
  if (thread_.joinable()) thread_.join();
  parts_->hub.Stop();
}

Result<std::unique_ptr<RunningServer>> Runtime::StartServer(const std::string& listen) {
  ASSIGN_OR_RETURN(const auto endpoint, ParseListen(listen));
  http::ServerOptions options;
  options.host = endpoint.first;
  options.port = endpoint.second;
  options.body_limit = config_.body_limit_bytes;
  options.worker_threads = config_.worker_threads;
  options.io_threads = config_.io_threads;
  options.trust_proxy = config_.trust_proxy;

  auto parts = std::make_unique<RunningServer::Parts>(*this, options);
  RETURN_IF_ERROR(parts->server->Listen());
  RETURN_IF_ERROR(parts->hub.Start());
  return std::unique_ptr<RunningServer>(new RunningServer(std::move(parts)));
}

Status Runtime::Serve(const std::string& listen, const std::function<void(uint16_t)>& on_ready) {
  // Block the stop signals in every thread (the server's and the hub's threads, started below,
  // inherit this mask); one thread waits for them and stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ASSIGN_OR_RETURN(auto running, StartServer(listen));
  spdlog::info("ecotown {} serving {} on http://{}", ECOTOWN_VERSION, db_->Describe(),
               listen.substr(0, listen.rfind(':')) + ":" + std::to_string(running->port()));
  if (on_ready) on_ready(running->port());

  std::thread waiter([&running, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("received signal {}, finishing in-flight requests", signal);
    running->Stop();
  });
  running->Wait();
  // Wake the waiter if the server stopped for another reason.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace ecotown::app
