// The Database seam: one contract, two backends (SQLite by default, PostgreSQL when configured).
//
// SQL is written once with PostgreSQL-style positional parameters ($1, $2, ...); the SQLite
// backend binds them by name, so the same text runs on both where the dialects agree.
// Values cross the seam as Value (null, 64-bit integer, double, text); booleans are 0/1 integers
// and times are Unix seconds, so no dialect-specific types leak into the area stores.
//
// Thread-safety: Database is thread-safe (a connection pool); a Connection is used by one thread
// at a time, between Acquire and release.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace ecotown::store {

enum class Dialect { kSqlite, kPostgres };

struct Null {
  friend bool operator==(Null, Null) { return true; }
};
// Binary data (chunks of readings, photos): BLOB on SQLite, bytea on PostgreSQL. Text parameters
// refuse NUL bytes; blobs carry any bytes.
struct Blob {
  std::string bytes;
  friend bool operator==(const Blob&, const Blob&) = default;
};
using Value = std::variant<Null, int64_t, double, std::string, Blob>;

// Convenience constructors so call sites read naturally: Params{id, name, Opt(maybe)}.
inline Value V(int64_t v) { return v; }
inline Value V(int v) { return static_cast<int64_t>(v); }
inline Value V(bool v) { return static_cast<int64_t>(v ? 1 : 0); }
inline Value V(double v) { return v; }
inline Value V(std::string v) { return v; }
inline Value V(std::string_view v) { return std::string(v); }
inline Value V(const char* v) { return std::string(v); }
template <typename T>
Value V(const std::optional<T>& v) { return v ? V(*v) : Value(Null{}); }
inline Value B(std::string bytes) { return Blob{std::move(bytes)}; }
using Params = std::vector<Value>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<Null>(values_.at(i)); }
  int64_t Int(size_t i) const;
  double Real(size_t i) const;
  std::string Text(size_t i) const;
  bool Bool(size_t i) const { return Int(i) != 0; }
  // The bytes of a blob (or of a text) column.
  const std::string& Bytes(size_t i) const;
  std::optional<int64_t> OptInt(size_t i) const { return IsNull(i) ? std::nullopt : std::optional(Int(i)); }
  std::optional<double> OptReal(size_t i) const { return IsNull(i) ? std::nullopt : std::optional(Real(i)); }
  std::optional<std::string> OptText(size_t i) const {
    return IsNull(i) ? std::nullopt : std::optional(Text(i));
  }
  const Value& at(size_t i) const { return values_.at(i); }
  // For a connection that reads rows into one reused Row (Connection::ForEachRow).
  std::vector<Value>& mutable_values() { return values_; }

 private:
  std::vector<Value> values_;
};

// Called with each row of a query as it is read; a non-ok status stops the query and is returned.
using RowVisitor = std::function<Status(const Row&)>;

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  int64_t affected_rows = 0;  // for INSERT/UPDATE/DELETE
};

// One database connection. Not thread-safe.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement with positional parameters. Constraint violations come back as
  // Status::Conflict; a lost connection as Status::Unavailable.
  virtual Result<QueryResult> Query(std::string_view sql, const Params& params) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Transaction control. Begin(write=true) takes the write lock up front on SQLite
  // (BEGIN IMMEDIATE) so that two writers never deadlock on a lock upgrade.
  virtual Status Begin(bool write) = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Runs one read and hands each row to visit as it is read, without keeping the rows: for reads
  // of thousands of rows (series, reports). The Row is valid only during the call. SQLite reads
  // each row into one reused Row; the default (PostgreSQL, whose client library receives the
  // whole result anyway) visits the rows of Query.
  virtual Status ForEachRow(std::string_view sql, const Params& params, const RowVisitor& visit);

  Result<QueryResult> Query(std::string_view sql) { return Query(sql, Params{}); }
  // The first row, or NotFound(what) when there is none.
  Result<Row> QueryOne(std::string_view sql, const Params& params, std::string_view what = "record");
  // Rows affected by a write.
  Result<int64_t> Exec(std::string_view sql, const Params& params);
  // The rest of this transaction plans each statement for its actual parameter values. PostgreSQL
  // otherwise settles, after five runs of a prepared statement, on one generic plan made without
  // the values, which for a list filter can be the wrong index and a sort of every match (a date
  // range: 30 ms instead of 0.1 ms). For list and search reads, where the values decide the plan;
  // a no-op on SQLite, which does not plan from values.
  Status PlanForActualValues();
};

class Database;

// A connection borrowed from the pool; returned on destruction.
class PooledConnection {
 public:
  PooledConnection(Database* owner, std::unique_ptr<Connection> conn) : owner_(owner), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)), conn_(std::move(other.conn_)) {}
  PooledConnection& operator=(PooledConnection&&) = delete;
  PooledConnection(const PooledConnection&) = delete;
  ~PooledConnection();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }
  // Drop the connection instead of returning it (its state is unknown).
  void Discard() { conn_.reset(); }

 private:
  Database* owner_;
  std::unique_ptr<Connection> conn_;
};

class Database {
 public:
  virtual ~Database() = default;

  // Opens "sqlite:PATH", "sqlite::memory:", or "postgresql://..." / "postgres://...".
  static Result<std::unique_ptr<Database>> Open(const std::string& url, int pool_size = 8);

  virtual Dialect dialect() const = 0;
  // A human-readable location without secrets (for logs and `ecotown version`).
  virtual std::string Describe() const = 0;
  Result<PooledConnection> Acquire();

  // Runs fn inside one transaction; commits when fn returns ok, rolls back otherwise.
  // Writes (write=true) serialise on SQLite; PostgreSQL runs them concurrently.
  Status Transaction(bool write, const std::function<Status(Connection&)>& fn);
  // Runs fn, which only reads, outside any transaction: each statement reads the latest committed
  // data on its own, and PostgreSQL is spared the BEGIN and COMMIT round trips. A connection
  // found lost (Unavailable: the server closed it while idle) is dropped and fn run once more.
  Status ReadStatements(const std::function<Status(Connection&)>& fn);
  // True when a trivial query answers.
  Status Ping();

 protected:
  explicit Database(int pool_size) : pool_size_(pool_size) {}
  virtual Result<std::unique_ptr<Connection>> Connect() = 0;

 private:
  friend class PooledConnection;
  void Release(std::unique_ptr<Connection> conn);

  int pool_size_;
  struct Pool;
  std::shared_ptr<Pool> pool_ = MakePool();
  static std::shared_ptr<Pool> MakePool();
};

}  // namespace ecotown::store
