// Numbered schema migrations, one list with the SQLite and PostgreSQL text side by side.
// A new migration is a new row at the end of kMigrations in migrations.cc; applied ones never change.
#pragma once

#include <vector>

#include "store/database.h"

namespace ecotown::store {

struct Migration {
  int version;
  const char* name;
  const char* sqlite_sql;
  const char* postgres_sql;
  // Work the SQL cannot do, run after it in the same transaction (e.g. filling a new column from
  // data that only C++ decodes); nullptr for none.
  Status (*after_sql)(Connection& conn) = nullptr;
};

const std::vector<Migration>& AllMigrations();

// Applies every migration newer than the database's schema version, each in its own transaction.
// Safe to run from several processes at once on PostgreSQL (advisory lock) and SQLite (write lock).
// Returns how many were applied.
Result<int> Migrate(Database& db, int64_t now_unix);

// Migration 20's data step: packs the in-range sums of each stored day's hours and each month's
// days onto their rows (readings::PackSubPeriods), for rows that have none yet.
Status PackSubPeriodSums(Connection& conn);

// Migration 23's data step: the clean CF=1 PM2.5 sums of the stored hours, from their chunks.
Status FillHourCf1Sums(Connection& conn);

// The highest applied version (0 for an empty database).
Result<int> SchemaVersion(Database& db);

}  // namespace ecotown::store
