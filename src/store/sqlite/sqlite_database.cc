#include "store/sqlite/sqlite_database.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/sqlite/wal_write_buffer.h"

namespace ecotown::store {
namespace {

// Rewrites $N parameters as ?N outside quoted text ('...', "...").
std::string NumberedParameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out.push_back('?');
      continue;
    }
    out.push_back(c);
  }
  return out;
}


Status StatusFromSqlite(sqlite3* db, int rc, std::string_view context) {
  const std::string message = std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return Status::Conflict(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::Unavailable(message);
    case SQLITE_TOOBIG: return Status::TooLarge(message);
    default: return Status::Internal(message);
  }
}

// A prepared statement plus, for each SQLite parameter slot, which $N it stands for.
struct Prepared {
  sqlite3_stmt* stmt = nullptr;
  std::vector<int> slot_to_param;  // 0-based index into Params
};

}  // namespace

// Copies the WAL back into the database file on a thread of its own. SQLite's default does it in
// the writer whose commit took the WAL past 1,000 pages, inside that commit: under batch ingest
// that was 11 % of the server's CPU, with an fsync of the database file, on the one writer's
// path. Here each connection's WAL hook only wakes this thread, which runs a PASSIVE checkpoint
// on its own connection (never blocking readers or writers); the next writer then starts the
// WAL over from the beginning. Should the thread fall behind, the writer that takes the WAL past
// kWriterPages checkpoints itself, as SQLite would, so that the WAL stays bounded. Durability is
// unchanged: a commit is durable in the WAL before it is answered either way.
class SqliteCheckpointer {
 public:
  static constexpr int kPages = 1000;         // SQLite's default auto-checkpoint point
  static constexpr int kWriterPages = 16000;  // ~64 MiB of 4 KiB pages

  explicit SqliteCheckpointer(std::string path) : path_(std::move(path)) {
    // The thread starts with every signal blocked, so that SIGTERM and SIGINT still reach the
    // thread the server waits for them on (a database may be opened before it blocks them).
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    thread_ = std::thread([this] { Loop(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  }
  ~SqliteCheckpointer() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // The WAL hook of every connection (sqlite3_wal_hook): called after each commit.
  static int OnCommit(void* self, sqlite3* db, const char* schema, int pages) {
    if (pages >= kWriterPages) {
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= kPages) {
      static_cast<SqliteCheckpointer*>(self)->Request();
    }
    return SQLITE_OK;
  }

  int64_t checkpoints() const { return checkpoints_.load(); }

 private:
  void Request() {
    {
      std::lock_guard lock(mutex_);
      requested_ = true;
    }
    wake_.notify_one();
  }

  void Loop() {
    sqlite3* db = nullptr;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return requested_ || stop_; });
      if (stop_) break;
      requested_ = false;
      lock.unlock();
      if (!db) {
        if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) == SQLITE_OK) {
          sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
        } else {
          sqlite3_close_v2(db);
          db = nullptr;
        }
      }
      if (db) {
        if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
          ++checkpoints_;
        }
      }
      lock.lock();
    }
    lock.unlock();
    sqlite3_close_v2(db);
  }

  const std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stop_ = false;
  std::atomic<int64_t> checkpoints_{0};
  std::thread thread_;
};

namespace {

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::shared_ptr<SqliteCheckpointer> checkpointer)
      : db_(db), checkpointer_(std::move(checkpointer)) {
    if (checkpointer_) sqlite3_wal_hook(db_, &SqliteCheckpointer::OnCommit, checkpointer_.get());
  }
  ~SqliteConnection() override {
    for (auto& [sql, prepared] : cache_) sqlite3_finalize(prepared.stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  sqlite3* handle() { return db_; }

  Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    ASSIGN_OR_RETURN(sqlite3_stmt* stmt, Bound(sql, params));
    QueryResult result;
    const int ncols = sqlite3_column_count(stmt);
    for (int c = 0; c < ncols; ++c) result.columns.emplace_back(sqlite3_column_name(stmt, c));
    RETURN_IF_ERROR(Step(stmt, [&] {
      std::vector<Value> values(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) ReadColumn(stmt, c, values[static_cast<size_t>(c)]);
      result.rows.emplace_back(std::move(values));
      return Status::Ok();
    }));
    result.affected_rows = sqlite3_stmt_readonly(stmt) ? 0 : sqlite3_changes64(db_);
    sqlite3_reset(stmt);
    return result;
  }

  Status ForEachRow(std::string_view sql, const Params& params, const RowVisitor& visit) override {
    ASSIGN_OR_RETURN(sqlite3_stmt* stmt, Bound(sql, params));
    const int ncols = sqlite3_column_count(stmt);
    Row row(std::vector<Value>(static_cast<size_t>(ncols)));
    auto& values = row.mutable_values();
    Status status = Step(stmt, [&] {
      for (int c = 0; c < ncols; ++c) ReadColumn(stmt, c, values[static_cast<size_t>(c)]);
      return visit(row);
    });
    sqlite3_reset(stmt);
    return status;
  }

  Status ExecScript(std::string_view sql) override {
    char* error = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      std::string message = error ? error : sqlite3_errstr(rc);
      sqlite3_free(error);
      return Status::Internal("script: " + message);
    }
    return Status::Ok();
  }

  Status Begin(bool write) override { return Simple(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
  Status Commit() override { return Simple("COMMIT"); }
  Status Rollback() override { return Simple("ROLLBACK"); }

 private:
  // The cached statement of sql, reset, with params bound.
  Result<sqlite3_stmt*> Bound(std::string_view sql, const Params& params) {
    ASSIGN_OR_RETURN(const Prepared* prepared, Prepare(sql));
    sqlite3_stmt* stmt = prepared->stmt;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (size_t slot = 0; slot < prepared->slot_to_param.size(); ++slot) {
      const int index = prepared->slot_to_param[slot];
      if (index < 0 || static_cast<size_t>(index) >= params.size()) {
        return Status::Internal("SQL parameter $" + std::to_string(index + 1) + " has no value");
      }
      const int col = static_cast<int>(slot) + 1;
      const Value& v = params[static_cast<size_t>(index)];
      int rc = SQLITE_OK;
      if (std::holds_alternative<Null>(v)) rc = sqlite3_bind_null(stmt, col);
      else if (const auto* i = std::get_if<int64_t>(&v)) rc = sqlite3_bind_int64(stmt, col, *i);
      else if (const auto* d = std::get_if<double>(&v)) rc = sqlite3_bind_double(stmt, col, *d);
      else if (const auto* b = std::get_if<Blob>(&v)) {
        rc = sqlite3_bind_blob64(stmt, col, b->bytes.data(), b->bytes.size(), SQLITE_TRANSIENT);
      } else {
        const auto& text = std::get<std::string>(v);
        // Refused as on PostgreSQL, which cannot store it, so both backends keep the same data.
        if (text.find('\0') != std::string::npos) {
          return Status::Invalid("text parameter $" + std::to_string(index + 1) + " contains a NUL character");
        }
        rc = sqlite3_bind_text64(stmt, col, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) return StatusFromSqlite(db_, rc, "bind");
    }
    return stmt;
  }

  // Steps stmt to the end, calling on_row at each row; the statement is reset on an error.
  template <typename OnRow>
  Status Step(sqlite3_stmt* stmt, OnRow&& on_row) {
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return Status::Ok();
      Status status = rc == SQLITE_ROW ? on_row() : StatusFromSqlite(db_, rc, "query");
      if (!status.ok()) {
        sqlite3_reset(stmt);
        return status;
      }
    }
  }

  // Column c of the current row into v (a string or blob keeps its buffer when v already holds one).
  static void ReadColumn(sqlite3_stmt* stmt, int c, Value& v) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER: v = static_cast<int64_t>(sqlite3_column_int64(stmt, c)); return;
      case SQLITE_FLOAT: v = sqlite3_column_double(stmt, c); return;
      case SQLITE_NULL: v = Null{}; return;
      case SQLITE_BLOB: {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
        if (auto* blob = std::get_if<Blob>(&v)) blob->bytes.assign(data ? data : "", size);
        else v = Blob{std::string(data ? data : "", size)};
        return;
      }
      default: {
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
        if (auto* text = std::get_if<std::string>(&v)) text->assign(data ? data : "", size);
        else v = std::string(data ? data : "", size);
      }
    }
  }

  Status Simple(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : StatusFromSqlite(db_, rc, sql);
  }

  Result<const Prepared*> Prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return &it->second;
    // Scope filters inline organisation ids, so statement texts vary; keep the cache bounded.
    if (cache_.size() >= kMaxCachedStatements) {
      for (auto& [text, cached] : cache_) sqlite3_finalize(cached.stmt);
      cache_.clear();
    }
    Prepared prepared;
    const char* tail = nullptr;
    // "$N" becomes SQLite's numbered "?N", whose slot is N itself: binding needs no name lookup
    // (sqlite3_bind_parameter_name is linear, which made statements with thousands of
    // parameters quadratic to prepare).
    const std::string text = NumberedParameters(sql);
    const int rc = sqlite3_prepare_v3(db_, text.data(), static_cast<int>(text.size()), SQLITE_PREPARE_PERSISTENT,
                                      &prepared.stmt, &tail);
    if (rc != SQLITE_OK) return StatusFromSqlite(db_, rc, "prepare");
    const int count = sqlite3_bind_parameter_count(prepared.stmt);
    for (int slot = 1; slot <= count; ++slot) prepared.slot_to_param.push_back(slot - 1);
    return &cache_.emplace(std::string(sql), std::move(prepared)).first->second;
  }

  static constexpr size_t kMaxCachedStatements = 512;
  sqlite3* db_;
  std::shared_ptr<SqliteCheckpointer> checkpointer_;  // kept alive while its hook is installed
  // Looked up by string_view (no key string built per query).
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, Prepared, TextHash, std::equal_to<>> cache_;
};

// Copies the whole of source into dest with the online backup API (a consistent snapshot).
Status CopyDatabase(sqlite3* dest, sqlite3* source, const char* what) {
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", source, "main");
  if (backup == nullptr) return StatusFromSqlite(dest, sqlite3_errcode(dest), what);
  const int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  return rc == SQLITE_DONE ? Status::Ok() : StatusFromSqlite(dest, rc, what);
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::string path, int pool_size) : Database(pool_size), path_(std::move(path)) {
  if (path_ != ":memory:") checkpointer_ = std::make_shared<SqliteCheckpointer>(path_);
}

int64_t SqliteDatabase::BackgroundCheckpoints() const { return checkpointer_ ? checkpointer_->checkpoints() : 0; }

Result<std::unique_ptr<Database>> SqliteDatabase::Open(const std::string& path, int pool_size) {
  if (path.empty()) return Status::Invalid("SQLite path is empty", "db");
  const bool memory = path == ":memory:";
  auto db = std::unique_ptr<SqliteDatabase>(new SqliteDatabase(path, memory ? 1 : pool_size));
  // Open one connection now so that a bad path fails at start, not at the first request.
  auto conn = db->Acquire();
  if (!conn.ok()) return conn.status();
  return std::unique_ptr<Database>(std::move(db));
}

namespace {
std::atomic<int64_t> memory_map_bytes{256ll << 20};
std::atomic<int64_t> page_cache_bytes{8ll << 20};
}  // namespace

void SqliteDatabase::SetMemoryMapBytes(int64_t bytes) { memory_map_bytes = bytes; }
void SqliteDatabase::SetPageCacheBytes(int64_t bytes) { page_cache_bytes = bytes; }

Result<std::unique_ptr<Connection>> SqliteDatabase::Connect() {
  sqlite3* handle = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  // Writes to the WAL go out in one system call per run of frames (wal_write_buffer.h).
  const int rc = sqlite3_open_v2(path_.c_str(), &handle, flags, WalWriteBufferVfs());
  if (rc != SQLITE_OK) {
    Status status = Status::Unavailable("cannot open SQLite database " + path_ + ": " +
                                        (handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc)));
    sqlite3_close_v2(handle);
    return status;
  }
  auto conn = std::make_unique<SqliteConnection>(handle, checkpointer_);
  sqlite3_busy_timeout(handle, 10000);
  // Reads go through a memory map of the file's first 256 MiB (SetMemoryMapBytes; shared by every
  // connection through the OS page cache, no copy per read) and an 8 MiB page cache per
  // connection (SetPageCacheBytes). SQLite's default is no map and 2 MiB, so a list over a 400 MiB
  // registry re-read its pages with a system call each (registry benchmark, action list: 35 ms
  // with the defaults, 6 ms with these). Writes still go through the WAL with write(), so
  // durability is unchanged.
  RETURN_IF_ERROR(conn->ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
      "PRAGMA mmap_size=" + std::to_string(memory_map_bytes.load()) +
      "; PRAGMA cache_size=-" + std::to_string(page_cache_bytes.load() / 1024) + ";"));
  return std::unique_ptr<Connection>(std::move(conn));
}

Status SqliteDatabase::BackupTo(const std::string& dest_path) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  auto* source = static_cast<SqliteConnection*>(&**conn)->handle();
  sqlite3* dest = nullptr;
  int rc = sqlite3_open(dest_path.c_str(), &dest);
  if (rc != SQLITE_OK) {
    sqlite3_close(dest);
    return Status::Invalid("cannot create backup file " + dest_path, "output");
  }
  Status status = CopyDatabase(dest, source, "backup");
  sqlite3_close(dest);
  return status;
}

Status SqliteDatabase::RestoreFrom(const std::string& source_path) {
  sqlite3* source = nullptr;
  int rc = sqlite3_open_v2(source_path.c_str(), &source, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(source);
    return Status::Invalid("cannot open backup file " + source_path, "input");
  }
  auto conn = Acquire();
  if (!conn.ok()) {
    sqlite3_close(source);
    return conn.status();
  }
  Status status = CopyDatabase(static_cast<SqliteConnection*>(&**conn)->handle(), source, "restore");
  sqlite3_close(source);
  return status;
}

}  // namespace ecotown::store
