// The wired application: configuration, an open and migrated database, the services, and the
// HTTP server built from them. main.cc turns command lines into calls on this.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "app/config.h"
#include "core/clock.h"
#include "modules/accounts/account_service.h"
#include "store/database.h"
#include "store/sql_stores.h"

namespace ecotown::app {

class Runtime;

// The HTTP service of a Runtime while it runs: the live-update hub, the API and the listening
// server, served by a background thread. Made by Runtime::StartServer; `ecotown serve` adds
// signal handling around it and tests drive it directly. Destroying it stops it gracefully.
// Stop() may be called from any thread; Wait() and the destructor from one thread only.
class RunningServer {
 public:
  ~RunningServer();
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  // The port the server listens on (the actual one when 0 was asked for).
  uint16_t port() const;
  // Graceful stop (see http::Server::Stop); returns at once.
  void Stop();
  // Blocks until the server has stopped: in-flight requests answered, Server::Run returned and
  // the hub stopped. Returns at once when that has already happened.
  void Wait();

 private:
  friend class Runtime;
  struct Parts;  // hub, API and server, in runtime.cc
  explicit RunningServer(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
  std::thread thread_;  // runs Server::Run
};

class Runtime {
 public:
  // Opens the database, applies migrations and loads the shipped geography when absent.
  static Result<std::unique_ptr<Runtime>> Open(const Config& config);

  const Config& config() const { return config_; }
  store::Database& db() { return *db_; }
  Transactor& transactor() { return transactor_; }
  accounts::AccountService& accounts() { return accounts_; }
  const core::Clock& clock() const { return clock_; }
  RequestInfo CliInfo() const { return RequestInfo{"cli", "local", clock_.NowUnix()}; }

  // Starts serving HTTP on listen ("host:port"; port 0 picks a free one) on background threads,
  // with the limits and options of config(). Unavailable when the address cannot be bound.
  Result<std::unique_ptr<RunningServer>> StartServer(const std::string& listen);

  // Serves HTTP on host:port until SIGINT or SIGTERM, then stops gracefully. on_ready is called
  // once the socket listens (with the actual port).
  Status Serve(const std::string& listen, const std::function<void(uint16_t)>& on_ready = {});

 private:
  Runtime(Config config, std::unique_ptr<store::Database> db);

  Config config_;
  std::unique_ptr<store::Database> db_;
  store::SqlTransactor transactor_;
  accounts::AccountService accounts_;
  core::SystemClock clock_;
};

// Creates (idempotently) the four pilot LAOs, their provincial offices and one user per role,
// and prints the credentials.
Status SeedDemo(Runtime& runtime, std::ostream& out);

}  // namespace ecotown::app
