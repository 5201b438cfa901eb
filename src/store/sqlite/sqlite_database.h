// SQLite backend: WAL, foreign keys on, busy timeout, synchronous=FULL (an acknowledged commit
// survives a crash or power loss). One pooled connection per concurrent user; ":memory:" gets a
// single shared connection so that every caller sees the same database.
#pragma once

#include <memory>
#include <string>

#include "store/database.h"

namespace ecotown::store {

class SqliteDatabase final : public Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path, int pool_size);
  // How much of the file connections opened from now on read through a memory map (default
  // 256 MiB, for the server's lists). A bulk import, which writes, sets 0: mapped pages count in
  // its resident memory and its reads gain nothing from them.
  static void SetMemoryMapBytes(int64_t bytes);

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }

  // Writes a consistent copy of the live database to dest_path (SQLite online backup API).
  Status BackupTo(const std::string& dest_path);
  // Replaces the content of this database with the one in source_path.
  Status RestoreFrom(const std::string& source_path);

 protected:
  Result<std::unique_ptr<Connection>> Connect() override;

 private:
  SqliteDatabase(std::string path, int pool_size) : Database(pool_size), path_(std::move(path)) {}
  std::string path_;
};

}  // namespace ecotown::store
