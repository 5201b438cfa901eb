// SQLite backend: WAL, foreign keys on, busy timeout, synchronous=FULL (an acknowledged commit
// survives a crash or power loss). One pooled connection per concurrent user; ":memory:" gets a
// single shared connection so that every caller sees the same database. WAL checkpoints run on a
// thread of their own instead of in the committing writer (SqliteCheckpointer in the .cc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "store/database.h"

namespace ecotown::store {

class SqliteCheckpointer;

class SqliteDatabase final : public Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path, int pool_size);
  // How much of the file connections opened from now on read through a memory map (default
  // 256 MiB, for the server's lists). A bulk import, which writes, sets 0: mapped pages count in
  // its resident memory and its reads gain nothing from them.
  static void SetMemoryMapBytes(int64_t bytes);
  // The page cache of each connection opened from now on (default 8 MiB). A bulk import sets more,
  // so that a transaction's pages stay in it instead of going to the WAL early and being read back.
  static void SetPageCacheBytes(int64_t bytes);

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }

  // WAL checkpoints completed by the database's checkpoint thread so far (0 for ":memory:").
  int64_t BackgroundCheckpoints() const;

  // Writes a consistent copy of the live database to dest_path (SQLite online backup API).
  Status BackupTo(const std::string& dest_path);
  // Replaces the content of this database with the one in source_path.
  Status RestoreFrom(const std::string& source_path);

 protected:
  Result<std::unique_ptr<Connection>> Connect() override;

 private:
  SqliteDatabase(std::string path, int pool_size);
  std::string path_;
  std::shared_ptr<SqliteCheckpointer> checkpointer_;  // null for ":memory:"; shared with the connections
};

}  // namespace ecotown::store
