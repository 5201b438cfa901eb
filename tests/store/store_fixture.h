// The fixture of the store tests: each TEST_P runs on SQLite (a fresh file in a temp directory)
// and on PostgreSQL (a fresh database on the CTest fixture's cluster; skipped when
// ECOTOWN_TEST_PG_URL is unset). Area test files derive from StoreContractTest and instantiate
// their suite with ::testing::Values("sqlite", "postgres") and BackendName.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#include "modules/accounts/account_service.h"
#include "modules/accounts/secrets.h"
#include "modules/audit/recorder.h"
#include "modules/orgs/org_service.h"
#include "modules/sensors/sensor_service.h"
#include "store/database.h"
#include "store/geography_loader.h"
#include "store/migrations/migrations.h"
#include "store/sql_stores.h"
#include "support/test_env.h"

namespace ecotown::store {


using accounts::AccountService;
using accounts::User;
using tenancy::Role;
using tenancy::Scope;

constexpr int64_t kNow = 1'750'000'000;  // 2025-06-15, a fixed clock for every test

// A directory under the system temp dir, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("ecotown-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

class StoreContractTest : public ::testing::TestWithParam<std::string> {
 public:  // TenancyWorld and other test helpers use the fixture's members
  void SetUp() override {
    ASSERT_TRUE(accounts::InitSecrets().ok());
    if (GetParam() == "postgres") {
      if (!testing::PostgresAdminUrl()) GTEST_SKIP() << "PostgreSQL tests not configured (ECOTOWN_TEST_PG_URL)";
      auto pg = testing::FreshPostgresDatabase("store");
      ASSERT_TRUE(pg.has_value()) << "could not create a PostgreSQL test database";
      url_ = *pg;
    } else {
      url_ = "sqlite:" + (dir_.path() / "store.db").string();
    }
    auto db = Database::Open(url_, 4);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    auto before = SchemaVersion(*db_);
    ASSERT_TRUE(before.ok()) << before.status().ToString();
    version_before_ = *before;
    auto applied = Migrate(*db_, kNow);
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    first_applied_ = *applied;
    transactor_ = std::make_unique<SqlTransactor>(*db_);
  }

  static RequestInfo Info(int64_t now = kNow) { return RequestInfo{"test-request", "192.0.2.10", now}; }

  // One write transaction as the system (CLI, seeding).
  Status SystemWrite(const WorkFn& fn, int64_t now = kNow) {
    return transactor_->Write(Scope::System("test"), Info(now), fn);
  }

  Result<QueryResult> Sql(std::string_view sql, const Params& params = {}) {
    auto conn = db_->Acquire();
    if (!conn.ok()) return conn.status();
    return (*conn)->Query(sql, params);
  }

  int64_t Count(const std::string& table, const std::string& where = "1=1") {
    auto result = Sql("SELECT COUNT(*) FROM " + table + " WHERE " + where);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->rows.at(0).Int(0) : -1;
  }

  Result<orgs::Org> AddOrg(const std::string& code, orgs::OrgType type, std::optional<std::string> parent) {
    std::optional<orgs::Org> added;
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      orgs::NewOrg request{code, type, "อปท. " + code, "Org " + code, std::nullopt, std::move(parent)};
      ASSIGN_OR_RETURN(added, orgs::AddOrg(work, request));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *added;
  }

  Result<User> AddUser(const std::string& org, const std::string& username, Role role,
                       std::optional<std::string> password = std::nullopt) {
    std::optional<User> created;
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      accounts::NewUser request{org, username, role, "ผู้ใช้ " + username, std::move(password), std::nullopt};
      ASSIGN_OR_RETURN(created, accounts_.CreateUser(work, request));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *created;
  }

  // The scope a logged-in user acts in, as the HTTP layer builds it.
  Scope ScopeOf(const User& user) {
    tenancy::Principal principal;
    principal.user_id = user.id;
    principal.org_id = user.org_id;
    principal.org_code = user.org_code;
    principal.role = user.role;
    principal.name = user.username;
    std::optional<Scope> scope;
    Status status = transactor_->Read(Scope::System("test"), Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(scope, AccountService::BuildScope(work.orgs(), principal));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return scope ? *scope : Scope(principal, {}, false);
  }

  Result<accounts::LoginAttempt> Login(const std::string& username, const std::string& password, int64_t now = kNow) {
    std::optional<accounts::LoginAttempt> attempt;
    // As the HTTP route does: the attempt commits even when it fails, so failures are counted.
    Status status = transactor_->Write(Scope::System(username), Info(now), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(attempt, accounts_.Login(work, username, password));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *attempt;
  }

  Result<accounts::Authenticated> ResolveSession(const std::string& token, int64_t now) {
    std::optional<accounts::Authenticated> auth;
    Status status = transactor_->Read(Scope::System("auth"), Info(now), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auth, accounts_.ResolveSession(work, token));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *auth;
  }

  Result<accounts::Authenticated> ResolveBearer(const std::string& token) {
    std::optional<accounts::Authenticated> auth;
    Status status = transactor_->Read(Scope::System("auth"), Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auth, accounts_.ResolveBearer(work, token));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *auth;
  }

  TempDir dir_;
  std::string url_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqlTransactor> transactor_;
  AccountService accounts_;
  int version_before_ = -1;
  int first_applied_ = -1;
};

}  // namespace ecotown::store
