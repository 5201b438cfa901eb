// The wired application: configuration, an open and migrated database, the services, and the
// HTTP server built from them. main.cc turns command lines into calls on this.
#pragma once

#include <memory>
#include <string>

#include "app/config.h"
#include "core/clock.h"
#include "modules/accounts/account_service.h"
#include "store/database.h"
#include "store/sql_stores.h"

namespace ecotown::app {

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
