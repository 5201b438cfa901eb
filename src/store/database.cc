#include "store/database.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <type_traits>

#include "store/sqlite/sqlite_database.h"
#ifdef ECOTOWN_WITH_POSTGRES
#include "store/postgres/pg_database.h"
#endif

namespace ecotown::store {

int64_t Row::Int(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* p = std::get_if<int64_t>(&v)) return *p;
  if (const auto* p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (const auto* p = std::get_if<std::string>(&v)) return std::stoll(*p);
  return 0;
}

const std::string& Row::Bytes(size_t i) const {
  static const std::string kEmpty;
  const Value& v = values_.at(i);
  if (const auto* p = std::get_if<Blob>(&v)) return p->bytes;
  if (const auto* p = std::get_if<std::string>(&v)) return *p;
  return kEmpty;
}

double Row::Real(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* p = std::get_if<double>(&v)) return *p;
  if (const auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (const auto* p = std::get_if<std::string>(&v)) return std::stod(*p);
  return 0.0;
}

std::string Row::Text(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* p = std::get_if<std::string>(&v)) return *p;
  if (const auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (const auto* p = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *p);  // round-trips; std::to_string keeps 6 decimals
    return buf;
  }
  return {};
}

Result<Row> Connection::QueryOne(std::string_view sql, const Params& params, std::string_view what) {
  auto result = Query(sql, params);
  if (!result.ok()) return result.status();
  if (result->rows.empty()) return Status::NotFound(std::string(what) + " not found");
  return std::move(result->rows.front());
}

Status Connection::ForEachRow(std::string_view sql, const Params& params, const RowVisitor& visit) {
  ASSIGN_OR_RETURN(auto result, Query(sql, params));
  for (const Row& row : result.rows) RETURN_IF_ERROR(visit(row));
  return Status::Ok();
}

Result<int64_t> Connection::Exec(std::string_view sql, const Params& params) {
  auto result = Query(sql, params);
  if (!result.ok()) return result.status();
  return result->affected_rows;
}

Status Connection::PlanForActualValues() {
  if (dialect() != Dialect::kPostgres) return Status::Ok();
  return Exec("SET LOCAL plan_cache_mode = force_custom_plan", {}).status();
}

struct Database::Pool {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<Connection>> idle;  // guarded by mu
  int open = 0;                                   // guarded by mu
};

std::shared_ptr<Database::Pool> Database::MakePool() { return std::make_shared<Pool>(); }

PooledConnection::~PooledConnection() {
  if (owner_ == nullptr) return;
  if (conn_) {
    owner_->Release(std::move(conn_));
  } else {
    std::lock_guard lock(owner_->pool_->mu);
    --owner_->pool_->open;
    owner_->pool_->cv.notify_one();
  }
}

Result<PooledConnection> Database::Acquire() {
  std::unique_lock lock(pool_->mu);
  const bool got = pool_->cv.wait_for(lock, std::chrono::seconds(10), [&] {
    return !pool_->idle.empty() || pool_->open < pool_size_;
  });
  if (!got) return Status::Unavailable("database connection pool exhausted");
  if (!pool_->idle.empty()) {
    auto conn = std::move(pool_->idle.back());
    pool_->idle.pop_back();
    return PooledConnection(this, std::move(conn));
  }
  ++pool_->open;
  lock.unlock();
  auto conn = Connect();
  if (!conn.ok()) {
    std::lock_guard relock(pool_->mu);
    --pool_->open;
    pool_->cv.notify_one();
    return conn.status();
  }
  return PooledConnection(this, std::move(conn).value());
}

void Database::Release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(pool_->mu);
  pool_->idle.push_back(std::move(conn));
  pool_->cv.notify_one();
}

Status Database::Transaction(bool write, const std::function<Status(Connection&)>& fn) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  Status begun = (*conn)->Begin(write);
  if (!begun.ok()) {
    if (begun.code() == StatusCode::kUnavailable) conn->Discard();
    return begun;
  }
  Status status = fn(**conn);
  if (status.ok()) {
    status = (*conn)->Commit();
    // A failed COMMIT leaves the outcome unknown to us: report it and drop the connection.
    if (!status.ok()) conn->Discard();
    return status;
  }
  if (!(*conn)->Rollback().ok()) conn->Discard();
  return status;
}

Status Database::ReadStatements(const std::function<Status(Connection&)>& fn) {
  for (int attempt = 0;; ++attempt) {
    auto conn = Acquire();
    if (!conn.ok()) return conn.status();
    Status status = fn(**conn);
    if (status.code() != StatusCode::kUnavailable) return status;
    conn->Discard();
    if (attempt > 0) return status;
  }
}

Status Database::Ping() {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  auto result = (*conn)->Query("SELECT 1");
  if (!result.ok()) {
    conn->Discard();
    return result.status();
  }
  return Status::Ok();
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, int pool_size) {
  if (url.rfind("sqlite:", 0) == 0) {
    return SqliteDatabase::Open(url.substr(7), pool_size);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
#ifdef ECOTOWN_WITH_POSTGRES
    return PgDatabase::Open(url, pool_size);
#else
    return Status::Invalid("this build has no PostgreSQL support (ECOTOWN_WITH_POSTGRES=OFF)", "db");
#endif
  }
  return Status::Invalid("database URL must start with sqlite: or postgresql://", "db");
}

}  // namespace ecotown::store
