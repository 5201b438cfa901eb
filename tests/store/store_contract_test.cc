// The store contract: one suite, every backend. Each TEST_P runs on SQLite (a fresh file in a
// temp directory) and on PostgreSQL (a fresh database on the CTest fixture's cluster; skipped
// when ECOTOWN_TEST_PG_URL is unset). What the area stores and services may rely on, whatever
// the backend, is written down here.
#include "store/store_fixture.h"
#include "store/sqlite/sqlite_database.h"
#include "store/sqlite/wal_write_buffer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace ecotown::store {
namespace {

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, ::testing::Values("sqlite", "postgres"), BackendName);

// ---- migrations and geography ----

TEST_P(StoreContractTest, MigrationsApplyOnceAndAreIdempotent) {
  const int latest = AllMigrations().back().version;
  EXPECT_EQ(version_before_, 0);
  EXPECT_EQ(first_applied_, static_cast<int>(AllMigrations().size()));
  auto again = Migrate(*db_, kNow + 60);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 0);
  auto version = SchemaVersion(*db_);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, latest);
  EXPECT_EQ(Count("schema_migrations"), static_cast<int64_t>(AllMigrations().size()));
}

TEST_P(StoreContractTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  // Several instances starting together on one empty database: a second Database on the same
  // URL stands for another process.
  if (GetParam() == "postgres") {
    auto pg = testing::FreshPostgresDatabase("store");
    ASSERT_TRUE(pg.has_value());
    url_ = *pg;
  } else {
    url_ = "sqlite:" + (dir_.path() / "fresh.db").string();
  }
  constexpr int kInstances = 3;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kInstances; ++i) {
    auto db = Database::Open(url_, 2);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    dbs.push_back(std::move(db).value());
  }
  std::vector<Result<int>> results(kInstances, Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] { results[static_cast<size_t>(i)] = Migrate(*dbs[static_cast<size_t>(i)], kNow); });
  }
  for (auto& t : threads) t.join();
  int total = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    total += *r;
  }
  EXPECT_EQ(total, static_cast<int>(AllMigrations().size()));
}

TEST_P(StoreContractTest, GeographyLoadsOnceWithEveryDivision) {
  auto loaded = LoadGeographyIfEmpty(*db_, testing::ProjectDataDir());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, 7451);
  EXPECT_EQ(Count("provinces"), 77);
  EXPECT_EQ(Count("districts"), 929);
  EXPECT_EQ(Count("subdistricts"), 7451);

  std::optional<orgs::Subdistrict> ban_pong;
  ASSERT_TRUE(transactor_
                  ->Read(Scope::System(), Info(),
                         [&](UnitOfWork& work) -> Status {
                           ASSIGN_OR_RETURN(ban_pong, work.orgs().GetSubdistrict("700501"));
                           auto missing = work.orgs().GetSubdistrict("999999");
                           EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
                           auto districts = work.orgs().Districts("70");
                           EXPECT_TRUE(districts.ok());
                           if (districts.ok()) {
                             EXPECT_TRUE(std::any_of(districts->begin(), districts->end(), [](const orgs::District& d) {
                               return d.code == "7005" && d.name_en == "Ban Pong";
                             }));
                           }
                           return Status::Ok();
                         })
                  .ok());
  ASSERT_TRUE(ban_pong.has_value());
  EXPECT_EQ(ban_pong->name_en, "Ban Pong");
  EXPECT_EQ(ban_pong->name_th, "บ้านโป่ง");
  EXPECT_EQ(ban_pong->district_code, "7005");
  EXPECT_EQ(ban_pong->province_code, "70");
  EXPECT_EQ(ban_pong->postcode, "70110");
  ASSERT_TRUE(ban_pong->lat.has_value());
  EXPECT_DOUBLE_EQ(*ban_pong->lat, 13.816);

  auto second = LoadGeographyIfEmpty(*db_, testing::ProjectDataDir());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, 0);
  EXPECT_EQ(Count("subdistricts"), 7451);
}

TEST_P(StoreContractTest, ConcurrentGeographyLoadsLoadOnce) {
  // Two instances starting together on an empty database must both start: one loads, the
  // other sees the loaded rows (regression: on PostgreSQL both loaded and one died on a
  // duplicate key).
  auto other = Database::Open(url_, 2);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  Result<int64_t> first = Status::Internal("not run");
  Result<int64_t> second = Status::Internal("not run");
  std::thread t1([&] { first = LoadGeographyIfEmpty(*db_, testing::ProjectDataDir()); });
  std::thread t2([&] { second = LoadGeographyIfEmpty(**other, testing::ProjectDataDir()); });
  t1.join();
  t2.join();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*first + *second, 7451);
  EXPECT_EQ(Count("subdistricts"), 7451);
}

TEST_P(StoreContractTest, FailedGeographyLoadLeavesNothingWritten) {
  // Provinces load, then a district names a province that does not exist: the whole load is one
  // transaction, so not even the provinces stay.
  TempDir data;
  std::filesystem::create_directories(data.path() / "th-admin");
  std::filesystem::copy_file(testing::ProjectDataDir() + "/th-admin/th_admin_provinces.csv",
                             data.path() / "th-admin" / "th_admin_provinces.csv");
  std::ofstream(data.path() / "th-admin" / "th_admin_districts.csv")
      << "district_code,province_code,name_th,name_en\n7005,70,บ้านโป่ง,Ban Pong\n9901,99,ไม่มี,Nowhere\n";
  std::ofstream(data.path() / "th-admin" / "th_admin_subdistricts.csv")
      << "subdistrict_code,district_code,province_code,name_th,name_en,postcode,lat,lon\n";

  auto loaded = LoadGeographyIfEmpty(*db_, data.path().string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kConflict) << loaded.status().ToString();
  EXPECT_EQ(Count("provinces"), 0);
  EXPECT_EQ(Count("districts"), 0);

  auto missing = LoadGeographyIfEmpty(*db_, (data.path() / "nowhere").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(Count("provinces"), 0);
}

// ---- values, statements, errors ----

struct ValueRow {
  const char* what;
  Value int_value;
  Value real_value;
  Value text_value;
};

TEST_P(StoreContractTest, ValuesRoundTripExactly) {
  ASSERT_TRUE(
      db_->Transaction(
             true,
             [](Connection& conn) {
               return conn.ExecScript(
                   "CREATE TABLE value_round_trip (k INTEGER PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, t TEXT)");
             })
          .ok());
  const ValueRow rows[] = {
      {"nulls", Null{}, Null{}, Null{}},
      {"zeroes and empty text", int64_t{0}, 0.0, std::string()},
      {"int64 max", INT64_MAX, 1.5, std::string("max")},
      {"int64 min", INT64_MIN, -1.5, std::string("min")},
      {"minus one", int64_t{-1}, 0.1, std::string("0.1 is not exact in binary")},
      {"pi", int64_t{42}, 3.141592653589793, std::string("π")},
      {"tiny and huge", int64_t{1} << 53, 1e-300, std::string("1e300")},
      {"huge double", int64_t{-(int64_t{1} << 53)}, -1.7976931348623157e308, std::string("-max")},
      {"thai", int64_t{7005}, 13.816, std::string("บ้านโป่ง จังหวัดราชบุรี ๑๒๓")},
      {"quotes", int64_t{1}, 2.0, std::string("O'Brien said \"hello\"; it's fine")},
      {"sql", int64_t{2}, 3.0, std::string("'); DROP TABLE orgs; --")},
      {"placeholders", int64_t{3}, 4.0, std::string("$1 $2 ? ?1 :name @x %s %_ \\ \\n")},
      {"control characters", int64_t{4}, 5.0, std::string("line 1\nline 2\r\n\ttab \x01")},
      {"emoji and combining", int64_t{5}, 6.0, std::string("😷 PM2.5 µg/m³ ก้ำ")},
  };
  int64_t key = 0;
  for (const auto& row : rows) {
    ++key;
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto inserted = (*conn)->Exec("INSERT INTO value_round_trip (k, i, d, t) VALUES ($1, $2, $3, $4)",
                                  {V(key), row.int_value, row.real_value, row.text_value});
    ASSERT_TRUE(inserted.ok()) << row.what << ": " << inserted.status().ToString();
    EXPECT_EQ(*inserted, 1) << row.what;
    auto read = (*conn)->QueryOne("SELECT i, d, t FROM value_round_trip WHERE k = $1", {V(key)});
    ASSERT_TRUE(read.ok()) << row.what << ": " << read.status().ToString();
    EXPECT_EQ(read->at(0), row.int_value) << row.what;
    EXPECT_EQ(read->at(1), row.real_value) << row.what;
    EXPECT_EQ(read->at(2), row.text_value) << row.what;
  }
  // Text that looks like SQL was data, not code.
  EXPECT_EQ(Count("orgs"), 0);
  // The same values work as query parameters (text compared verbatim, no pattern matching).
  auto found = Sql("SELECT k FROM value_round_trip WHERE t = $1", {V("$1 $2 ? ?1 :name @x %s %_ \\ \\n")});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->rows.size(), 1u);
  EXPECT_EQ(found->rows[0].Int(0), 12);
}

// Every type a result column can have comes back as the same Value on both backends. PostgreSQL
// sends a statement's first result as text and, when that result's columns each have a binary
// decoding (integers of each width, bool, double, text, bytea), the later ones in binary form;
// otherwise (numeric, here) text again. So each read runs twice on one connection.
TEST_P(StoreContractTest, ResultColumnsOfEveryTypeReadBackAsTheirValues) {
  const bool pg = db_->dialect() == Dialect::kPostgres;
  ASSERT_TRUE(Sql(std::string("CREATE TABLE typed_values (k INTEGER PRIMARY KEY, b ") + (pg ? "BYTEA" : "BLOB") +
                  ", d DOUBLE PRECISION)")
                  .ok());
  std::string every_byte;
  for (int i = 0; i < 256; ++i) every_byte.push_back(static_cast<char>(i));
  const std::vector<std::pair<std::string, double>> rows = {
      {every_byte, -0.5}, {std::string(), 1e-310}, {std::string("\0\0\xff", 3), 6.02214076e23}};
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_TRUE(Sql("INSERT INTO typed_values (k, b, d) VALUES ($1, $2, $3)",
                    {V(static_cast<int64_t>(i)), B(rows[i].first), V(rows[i].second)})
                    .ok());
  }
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  for (const char* pass : {"first run", "second run"}) {
    SCOPED_TRACE(pass);
    auto read = (*conn)->Query(
        "SELECT k, b, d, CAST(k - 2 AS INTEGER), CAST(k - 2 AS SMALLINT), k = 1, CAST(k AS TEXT) AS k_text "
        "FROM typed_values ORDER BY k");
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ASSERT_EQ(read->rows.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& row = read->rows[i];
      const auto k = static_cast<int64_t>(i);
      EXPECT_EQ(row.at(0), Value(k));
      EXPECT_EQ(row.at(1), Value(Blob{rows[i].first})) << i;
      EXPECT_EQ(row.at(2), Value(rows[i].second)) << i;
      EXPECT_EQ(row.at(3), Value(k - 2)) << i;
      EXPECT_EQ(row.at(4), Value(k - 2)) << i;
      EXPECT_EQ(row.at(5), Value(int64_t{k == 1 ? 1 : 0})) << i;
      EXPECT_EQ(row.at(6), Value(std::to_string(k))) << i;
    }
    // A numeric column next to the others: the whole row as text, the same values.
    auto mixed = (*conn)->Query(
        "SELECT CAST(2.5 AS NUMERIC), b, d, CAST(k - 2 AS INTEGER), CAST(k AS TEXT) FROM typed_values WHERE k = 2");
    ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
    ASSERT_EQ(mixed->rows.size(), 1u);
    EXPECT_EQ(mixed->rows[0].at(0), Value(2.5));
    EXPECT_EQ(mixed->rows[0].at(1), Value(Blob{rows[2].first}));
    EXPECT_EQ(mixed->rows[0].at(2), Value(rows[2].second));
    EXPECT_EQ(mixed->rows[0].at(3), Value(int64_t{0}));
    EXPECT_EQ(mixed->rows[0].at(4), Value(std::string("2")));
    // Rows read one at a time (ForEachRow reuses one Row: a blob or text keeps its buffer).
    std::vector<Value> blobs;
    ASSERT_TRUE((*conn)
                    ->ForEachRow("SELECT b FROM typed_values ORDER BY k", {},
                                 [&](const Row& row) {
                                   blobs.push_back(row.at(0));
                                   return Status::Ok();
                                 })
                    .ok());
    ASSERT_EQ(blobs.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(blobs[i], Value(Blob{rows[i].first})) << i;
  }
}

TEST_P(StoreContractTest, TextWithNulIsRefusedNotTruncated) {
  // Regression: libpq took text parameters as C strings, so PostgreSQL stored "Ban" for
  // "Ban\0Pong" while SQLite stored all of it. Both now refuse it as invalid input.
  using namespace std::string_literals;
  const std::string values[] = {"Ban\0Pong"s, "\0"s, "trailing\0"s, "บ้าน\0โป่ง"s};
  for (const auto& value : values) {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto inserted =
        (*conn)->Exec("INSERT INTO orgs (code, type, name_th, name_en, created_at) VALUES ($1, 'town', $2, 'x', 1)",
                      {V("nul"), V(value)});
    ASSERT_FALSE(inserted.ok()) << value.size();
    EXPECT_EQ(inserted.status().code(), StatusCode::kInvalid) << inserted.status().ToString();
    // The connection is still usable.
    EXPECT_TRUE((*conn)->QueryOne("SELECT 1", {}).ok());
  }
  EXPECT_EQ(Count("orgs"), 0);
}

TEST_P(StoreContractTest, SqlLookingNamesAreStoredVerbatim) {
  const std::string name = "x'); DELETE FROM orgs; -- \"ตำบล\" ; $1";
  int64_t id = 0;
  ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                orgs::Org org;
                org.code = "sql-1";
                org.name_th = name;
                org.name_en = name;
                org.created_at = kNow;
                ASSIGN_OR_RETURN(id, work.orgs().Insert(org));
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(transactor_
                  ->Read(Scope::System(), Info(),
                         [&](UnitOfWork& work) -> Status {
                           ASSIGN_OR_RETURN(auto org, work.orgs().FindByCode("sql-1"));
                           EXPECT_EQ(org.id, id);
                           EXPECT_EQ(org.name_th, name);
                           EXPECT_EQ(org.name_en, name);
                           // A code that is an injection attempt finds nothing rather than everything.
                           EXPECT_EQ(work.orgs().FindByCode("' OR '1'='1").status().code(), StatusCode::kNotFound);
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(Count("orgs"), 1);
}

TEST_P(StoreContractTest, ExecReportsAffectedRows) {
  ASSERT_TRUE(db_->Transaction(true,
                               [](Connection& conn) {
                                 return conn.ExecScript(
                                     "CREATE TABLE counters (k TEXT PRIMARY KEY, n BIGINT NOT NULL)");
                               })
                  .ok());
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  struct Step {
    const char* sql;
    Params params;
    int64_t affected;
  };
  const Step steps[] = {
      {"INSERT INTO counters (k, n) VALUES ($1, $2)", {V("a"), V(1)}, 1},
      {"INSERT INTO counters (k, n) VALUES ($1, $2), ($3, $4)", {V("b"), V(2), V("c"), V(3)}, 2},
      {"UPDATE counters SET n = n + 10 WHERE n >= $1", {V(2)}, 2},
      {"UPDATE counters SET n = 0 WHERE k = $1", {V("missing")}, 0},
      {"DELETE FROM counters WHERE k = $1", {V("nothing")}, 0},
      {"DELETE FROM counters WHERE n > $1", {V(0)}, 3},
  };
  for (const auto& step : steps) {
    auto affected = (*conn)->Exec(step.sql, step.params);
    ASSERT_TRUE(affected.ok()) << step.sql << ": " << affected.status().ToString();
    EXPECT_EQ(*affected, step.affected) << step.sql;
  }
}

TEST_P(StoreContractTest, BadStatementsFailWithoutBreakingTheConnection) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  struct Bad {
    const char* sql;
    Params params;
  };
  const Bad bad[] = {
      {"SELEC 1", {}},
      {"SELECT * FROM no_such_table", {}},
      {"SELECT code FROM orgs WHERE id = $1 AND code = $2", {V(1)}},  // $2 has no value
  };
  for (const auto& b : bad) {
    auto result = (*conn)->Query(b.sql, b.params);
    ASSERT_FALSE(result.ok()) << b.sql;
    EXPECT_NE(result.status().code(), StatusCode::kConflict) << b.sql;
    EXPECT_NE(result.status().code(), StatusCode::kOk) << b.sql;
    // The same connection still answers.
    auto one = (*conn)->QueryOne("SELECT 1", {});
    ASSERT_TRUE(one.ok()) << "after " << b.sql << ": " << one.status().ToString();
    EXPECT_EQ(one->Int(0), 1);
  }
  auto none = (*conn)->QueryOne("SELECT id FROM orgs WHERE code = $1", {V("nope")}, "organisation");
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(none.status().message(), "organisation not found");
}

struct ViolationRow {
  const char* what;
  const char* sql;
  Params params;
};

TEST_P(StoreContractTest, ConstraintViolationsAreConflict) {
  ASSERT_TRUE(AddOrg("lao-1", orgs::OrgType::kTown, std::nullopt).ok());
  const ViolationRow rows[] = {
      {"unique org code",
       "INSERT INTO orgs (code, type, name_th, name_en, created_at) VALUES ($1, $2, $3, $4, $5)",
       {V("lao-1"), V("town"), V("ซ้ำ"), V("dup"), V(kNow)}},
      {"unknown foreign key",
       "INSERT INTO users (org_id, username, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
       {V(987654), V("ghost"), V("officer"), V(kNow), V(kNow)}},
      {"missing required value",
       "INSERT INTO orgs (code, type, name_th, name_en, created_at) VALUES ($1, $2, $3, $4, $5)",
       {V("lao-2"), V("town"), Value(Null{}), V("x"), V(kNow)}},
  };
  for (const auto& row : rows) {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto result = (*conn)->Exec(row.sql, row.params);
    ASSERT_FALSE(result.ok()) << row.what;
    EXPECT_EQ(result.status().code(), StatusCode::kConflict) << row.what << ": " << result.status().ToString();
  }
  EXPECT_EQ(Count("orgs"), 1);
  EXPECT_EQ(Count("users"), 0);

  // The services turn it into a Conflict that names the field.
  auto again = AddOrg("lao-1", orgs::OrgType::kTown, std::nullopt);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  EXPECT_EQ(again.status().field(), "code");
  ASSERT_TRUE(AddUser("lao-1", "somchai", Role::kOfficer).ok());
  auto taken = AddUser("lao-1", "somchai", Role::kInspector);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.status().code(), StatusCode::kConflict);
  EXPECT_EQ(taken.status().field(), "username");
}

// ---- transactions ----

TEST_P(StoreContractTest, FailedTransactionLeavesNothingWritten) {
  // One transaction per request: an error after some writes undoes all of them.
  Status failed = SystemWrite([&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto org,
                     orgs::AddOrg(work, {"lao-a", orgs::OrgType::kTown, "ก", "A", std::nullopt, std::nullopt}));
    accounts::NewUser user{"lao-a", "first", Role::kOfficer, "", std::nullopt, std::nullopt};
    ASSIGN_OR_RETURN(auto created, accounts_.CreateUser(work, user));
    (void)org;
    (void)created;
    // The second user is refused (taken name): the request fails as a whole.
    user.role = Role::kInspector;
    ASSIGN_OR_RETURN(auto duplicate, accounts_.CreateUser(work, user));
    (void)duplicate;
    return Status::Ok();
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), StatusCode::kConflict);
  EXPECT_EQ(Count("orgs"), 0);
  EXPECT_EQ(Count("users"), 0);
  EXPECT_EQ(Count("audit_log"), 0);
  EXPECT_EQ(Count("events"), 0);

  // A service-level error (no SQL error at all) rolls back just the same.
  Status refused = db_->Transaction(true, [](Connection& conn) -> Status {
    auto inserted = conn.Exec("INSERT INTO orgs (code, type, name_th, name_en, created_at) VALUES ($1, $2, $3, $4, $5)",
                              {V("lao-b"), V("town"), V("ข"), V("B"), V(kNow)});
    if (!inserted.ok()) return inserted.status();
    return Status::Invalid("the caller changed its mind", "field");
  });
  EXPECT_EQ(refused.code(), StatusCode::kInvalid);
  EXPECT_EQ(Count("orgs"), 0);

  // The pool's connections are clean afterwards: the next transactions commit.
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(AddOrg("after-" + std::to_string(i), orgs::OrgType::kTown, std::nullopt).ok());
  }
  EXPECT_EQ(Count("orgs"), 6);
}

TEST_P(StoreContractTest, TransactionNeverReportsAnUncommittedWriteAsCommitted) {
  // The caller ignores a failed statement and returns ok. SQLite undoes only that statement and
  // commits the rest; PostgreSQL has aborted the whole transaction, and COMMIT must then fail
  // instead of reporting success (regression: it reported ok and the first write was lost).
  ASSERT_TRUE(AddOrg("taken", orgs::OrgType::kTown, std::nullopt).ok());
  const std::string insert =
      "INSERT INTO orgs (code, type, name_th, name_en, created_at) VALUES ($1, 'town', 'ก', 'x', 1)";
  Status status = db_->Transaction(true, [&](Connection& conn) -> Status {
    EXPECT_TRUE(conn.Exec(insert, {V("kept-or-not")}).ok());
    auto duplicate = conn.Exec(insert, {V("taken")});
    EXPECT_EQ(duplicate.status().code(), StatusCode::kConflict);
    return Status::Ok();  // the mistake under test: the error is swallowed
  });
  const int64_t kept = Count("orgs", "code = 'kept-or-not'");
  if (status.ok()) {
    EXPECT_EQ(kept, 1) << "Transaction reported ok, so the first write must be there";
  } else {
    EXPECT_EQ(kept, 0);
  }
  if (GetParam() == "postgres") {
    EXPECT_FALSE(status.ok());
  }
  // Either way the next transaction works.
  ASSERT_TRUE(AddOrg("next", orgs::OrgType::kTown, std::nullopt).ok());
}

TEST_P(StoreContractTest, ReadTransactionSeesCommittedWrites) {
  ASSERT_TRUE(AddOrg("seen", orgs::OrgType::kCity, std::nullopt).ok());
  Status status = transactor_->Read(Scope::System(), Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto org, work.orgs().FindByCode("seen"));
    EXPECT_EQ(org.type, orgs::OrgType::kCity);
    EXPECT_EQ(org.name_th, "อปท. seen");
    EXPECT_EQ(org.created_at, kNow);
    EXPECT_FALSE(org.parent_id.has_value());
    EXPECT_FALSE(org.lat.has_value());
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST_P(StoreContractTest, ReadThenRunsItsSecondStepUnderTheScopeItsFirstStepReturns) {
  ASSERT_TRUE(AddOrg("first", orgs::OrgType::kTown, std::nullopt).ok());
  ASSERT_TRUE(AddOrg("other", orgs::OrgType::kTown, std::nullopt).ok());
  const Scope anonymous(tenancy::Principal{}, {}, false);
  std::optional<orgs::Org> found;
  bool second_ran = false;
  Status status = transactor_->ReadThen(
      anonymous, Info(),
      [&](UnitOfWork& work) -> Result<Scope> {
        EXPECT_TRUE(work.scope().readable_orgs().empty());
        ASSIGN_OR_RETURN(found, work.orgs().FindByCode("first"));  // a public record
        tenancy::Principal reader;
        reader.org_id = found->id;
        reader.role = Role::kExecutive;
        return Scope(reader, {found->id}, false);
      },
      [&](UnitOfWork& work) -> Status {
        second_ran = true;
        EXPECT_EQ(work.scope().readable_orgs(), std::vector<int64_t>{found->id});
        ASSIGN_OR_RETURN(auto other, work.orgs().FindByCode("other"));
        EXPECT_TRUE(work.scope().CanRead(found->id));
        EXPECT_FALSE(work.scope().CanRead(other.id));
        return Status::Ok();
      });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(second_ran);

  // A failed first step ends the read: the second does not run.
  second_ran = false;
  status = transactor_->ReadThen(
      anonymous, Info(), [&](UnitOfWork& work) -> Result<Scope> { return work.orgs().FindByCode("missing").status(); },
      [&](UnitOfWork&) -> Status {
        second_ran = true;
        return Status::Ok();
      });
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_FALSE(second_ran);
}

// ReadThenEach (the polled public pages, issue 5): the same two steps without a snapshot, so the
// second step already sees what another transaction committed after the first; and a failed first
// step still ends it.
TEST_P(StoreContractTest, ReadThenEachReadsEachStatementsLatestDataUnderTheNarrowedScope) {
  ASSERT_TRUE(AddOrg("first", orgs::OrgType::kTown, std::nullopt).ok());
  const Scope anonymous(tenancy::Principal{}, {}, false);
  int64_t orgs_then = 0;
  int64_t orgs_after = 0;
  Status status = transactor_->ReadThenEach(
      anonymous, Info(),
      [&](UnitOfWork& work) -> Result<Scope> {
        ASSIGN_OR_RETURN(const orgs::Org found, work.orgs().FindByCode("first"));
        orgs_then = Count("orgs");
        EXPECT_TRUE(AddOrg("added-between", orgs::OrgType::kTown, std::nullopt).ok());
        tenancy::Principal reader;
        reader.org_id = found.id;
        reader.role = Role::kExecutive;
        return Scope(reader, {found.id}, false);
      },
      [&](UnitOfWork& work) -> Status {
        EXPECT_EQ(work.scope().readable_orgs().size(), 1u);
        auto added = work.orgs().FindByCode("added-between");
        EXPECT_TRUE(added.ok()) << added.status().ToString();
        orgs_after = Count("orgs");
        return Status::Ok();
      });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(orgs_after, orgs_then + 1);

  bool second_ran = false;
  status = transactor_->ReadThenEach(
      anonymous, Info(), [&](UnitOfWork& work) -> Result<Scope> { return work.orgs().FindByCode("missing").status(); },
      [&](UnitOfWork&) -> Status {
        second_ran = true;
        return Status::Ok();
      });
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_FALSE(second_ran);
}

// ---- audit log ----

TEST_P(StoreContractTest, AuditLogIsAppendOnly) {
  auto org = AddOrg("lao-audit", orgs::OrgType::kTown, std::nullopt);
  ASSERT_TRUE(org.ok());
  const int64_t entries = Count("audit_log");
  ASSERT_EQ(entries, 1);  // the creation of the organisation

  struct Attempt {
    const char* what;
    const char* sql;
  };
  const Attempt attempts[] = {
      {"update", "UPDATE audit_log SET action = 'nothing happened'"},
      {"delete", "DELETE FROM audit_log"},
      {"delete one", "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"},
  };
  for (const auto& attempt : attempts) {
    Status status = db_->Transaction(true, [&](Connection& conn) -> Status {
      auto changed = conn.Exec(attempt.sql, {});
      return changed.ok() ? Status::Ok() : changed.status();
    });
    ASSERT_FALSE(status.ok()) << attempt.what;
    EXPECT_NE(status.message().find("append-only"), std::string::npos) << status.ToString();
    // Both backends report the refusal the same way.
    EXPECT_EQ(status.code(), StatusCode::kConflict) << attempt.what << ": " << status.ToString();
  }
  if (GetParam() == "postgres") {
    // TRUNCATE bypasses row triggers; a statement trigger refuses it too.
    Status truncated = db_->Transaction(true, [&](Connection& conn) { return conn.ExecScript("TRUNCATE audit_log"); });
    EXPECT_FALSE(truncated.ok());
  }
  EXPECT_EQ(Count("audit_log"), entries);
  EXPECT_EQ(Count("audit_log", "action = 'create' AND entity = 'org' AND entity_id = 'lao-audit'"), 1);

  // Appending still works.
  ASSERT_TRUE(AddUser("lao-audit", "auditor", Role::kOfficer).ok());
  EXPECT_EQ(Count("audit_log"), entries + 1);
}

// ---- organisations ----

TEST_P(StoreContractTest, OrgTreeDescendantsSpanThreeLevels) {
  auto national = AddOrg("national", orgs::OrgType::kNationalOffice, std::nullopt);
  auto ratchaburi = AddOrg("po-70", orgs::OrgType::kProvinceOffice, "national");
  auto ban_pong = AddOrg("lao-ban-pong", orgs::OrgType::kTown, "po-70");
  auto nong_o = AddOrg("lao-nong-o", orgs::OrgType::kSao, "po-70");
  auto kanchanaburi = AddOrg("po-71", orgs::OrgType::kProvinceOffice, "national");
  auto tha_muang = AddOrg("lao-tha-muang", orgs::OrgType::kCity, "po-71");
  auto alone = AddOrg("lao-alone", orgs::OrgType::kPao, std::nullopt);
  for (const auto* org : {&national, &ratchaburi, &ban_pong, &nong_o, &kanchanaburi, &tha_muang, &alone}) {
    ASSERT_TRUE(org->ok()) << org->status().ToString();
  }
  // A parent must be an office, and must exist.
  EXPECT_EQ(AddOrg("lao-under-lao", orgs::OrgType::kSao, "lao-ban-pong").status().code(), StatusCode::kInvalid);
  EXPECT_EQ(AddOrg("lao-orphan", orgs::OrgType::kSao, "po-99").status().code(), StatusCode::kInvalid);

  auto sorted = [](std::vector<int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  ASSERT_TRUE(transactor_
                  ->Read(Scope::System(), Info(),
                         [&](UnitOfWork& work) -> Status {
                           ASSIGN_OR_RETURN(auto below_national, work.orgs().DescendantIds(national->id));
                           EXPECT_EQ(below_national, sorted({ratchaburi->id, ban_pong->id, nong_o->id, kanchanaburi->id,
                                                             tha_muang->id}));
                           ASSIGN_OR_RETURN(auto below_province, work.orgs().DescendantIds(ratchaburi->id));
                           EXPECT_EQ(below_province, sorted({ban_pong->id, nong_o->id}));
                           ASSIGN_OR_RETURN(auto below_lao, work.orgs().DescendantIds(ban_pong->id));
                           EXPECT_TRUE(below_lao.empty());
                           ASSIGN_OR_RETURN(auto below_nothing, work.orgs().DescendantIds(987654));
                           EXPECT_TRUE(below_nothing.empty());

                           ASSIGN_OR_RETURN(auto found, work.orgs().FindByCode("lao-ban-pong"));
                           EXPECT_EQ(found.id, ban_pong->id);
                           EXPECT_EQ(found.type, orgs::OrgType::kTown);
                           EXPECT_EQ(found.parent_id, ratchaburi->id);
                           EXPECT_EQ(found.name_th, "อปท. lao-ban-pong");
                           ASSIGN_OR_RETURN(auto by_id, work.orgs().Get(tha_muang->id));
                           EXPECT_EQ(by_id.code, "lao-tha-muang");
                           EXPECT_EQ(work.orgs().FindByCode("LAO-BAN-PONG").status().code(), StatusCode::kNotFound);
                           EXPECT_EQ(work.orgs().Get(987654).status().code(), StatusCode::kNotFound);
                           ASSIGN_OR_RETURN(auto all, work.orgs().List());
                           EXPECT_EQ(all.size(), 7u);
                           return Status::Ok();
                         })
                  .ok());
}

TEST_P(StoreContractTest, OrgPlacedInSubdistrictTakesItsDistrictProvinceAndCentroid) {
  ASSERT_TRUE(LoadGeographyIfEmpty(*db_, testing::ProjectDataDir()).ok());
  std::optional<orgs::Org> added;
  ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(added, orgs::AddOrg(work, {"3700501", orgs::OrgType::kTown, "เทศบาลเมืองบ้านโป่ง",
                                                            "Ban Pong Town Municipality", "700501", std::nullopt}));
                auto unknown = orgs::AddOrg(work, {"x", orgs::OrgType::kTown, "x", "x", "999999", std::nullopt});
                EXPECT_EQ(unknown.status().code(), StatusCode::kInvalid);
                EXPECT_EQ(unknown.status().field(), "subdistrict");
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(transactor_
                  ->Read(Scope::System(), Info(),
                         [&](UnitOfWork& work) -> Status {
                           ASSIGN_OR_RETURN(auto org, work.orgs().Get(added->id));
                           EXPECT_EQ(org.subdistrict_code, "700501");
                           EXPECT_EQ(org.district_code, "7005");
                           EXPECT_EQ(org.province_code, "70");
                           EXPECT_EQ(org.lat, 13.816);
                           EXPECT_EQ(org.lon, 99.873);
                           EXPECT_EQ(org.name_th, "เทศบาลเมืองบ้านโป่ง");
                           return Status::Ok();
                         })
                  .ok());
}

// ---- accounts: login, sessions, tokens ----

constexpr const char* kPassword = "รหัสผ่านบ้านโป่ง2568";

TEST_P(StoreContractTest, LoginSucceedsOnlyWithTheRightPassword) {
  ASSERT_TRUE(AddOrg("lao-a", orgs::OrgType::kTown, std::nullopt).ok());
  auto user = AddUser("lao-a", "somchai", Role::kOfficer, kPassword);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  ASSERT_TRUE(AddUser("lao-a", "no-password", Role::kOfficer).ok());

  struct Case {
    const char* username;
    std::string password;
    StatusCode expected;
  };
  const Case cases[] = {
      {"somchai", "wrong password 123", StatusCode::kUnauthenticated},
      {"somchai", "", StatusCode::kUnauthenticated},
      {"nobody", kPassword, StatusCode::kUnauthenticated},
      {"no-password", "", StatusCode::kUnauthenticated},
      {"SOMCHAI", kPassword, StatusCode::kUnauthenticated},
      {"somchai", kPassword, StatusCode::kOk},
  };
  for (const auto& c : cases) {
    auto attempt = Login(c.username, c.password);
    ASSERT_TRUE(attempt.ok()) << attempt.status().ToString();
    EXPECT_EQ(attempt->failure.code(), c.expected) << c.username << " / " << c.password;
    EXPECT_EQ(attempt->success.has_value(), c.expected == StatusCode::kOk) << c.username;
  }
  auto ok = Login("somchai", kPassword);
  ASSERT_TRUE(ok.ok() && ok->success);
  EXPECT_EQ(ok->success->user.id, user->id);
  EXPECT_EQ(ok->success->user.org_code, "lao-a");
  EXPECT_EQ(ok->success->expires_at, kNow + accounts_.settings().session_ttl_seconds);
  EXPECT_FALSE(ok->success->csrf_token.empty());
  EXPECT_NE(ok->success->csrf_token, ok->success->session_token);

  // Only the hash of the session token is stored.
  const std::string hash = accounts::HashSecret(ok->success->session_token);
  EXPECT_EQ(Count("sessions", "token_hash = '" + hash + "'"), 1);
  auto stored = Sql("SELECT token_hash FROM sessions");
  ASSERT_TRUE(stored.ok());
  for (const auto& row : stored->rows) EXPECT_NE(row.Text(0), ok->success->session_token);
  // The password is stored as an Argon2id hash.
  auto secret = Sql("SELECT password_hash FROM users WHERE username = 'somchai'");
  ASSERT_TRUE(secret.ok() && secret->rows.size() == 1);
  EXPECT_EQ(secret->rows[0].Text(0).rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(Count("audit_log", "action = 'login'"), 2);
}

TEST_P(StoreContractTest, LoginIsThrottledAfterFiveFailures) {
  ASSERT_TRUE(AddOrg("lao-a", orgs::OrgType::kTown, std::nullopt).ok());
  ASSERT_TRUE(AddUser("lao-a", "somchai", Role::kOfficer, kPassword).ok());
  ASSERT_TRUE(AddUser("lao-a", "somsri", Role::kOfficer, kPassword).ok());
  const int max = accounts_.settings().max_failures_per_username;
  ASSERT_EQ(max, 5);
  for (int i = 0; i < max; ++i) {
    auto attempt = Login("somchai", "wrong password " + std::to_string(i), kNow + i);
    ASSERT_TRUE(attempt.ok()) << attempt.status().ToString();
    EXPECT_EQ(attempt->failure.code(), StatusCode::kUnauthenticated) << "attempt " << i;
  }
  // The failures were committed although each login failed.
  EXPECT_EQ(Count("login_failures", "key = 'user:somchai'"), max);

  // Now even the right password is refused, inside the attempt (the failure is an answer, 429).
  auto blocked = Login("somchai", kPassword, kNow + 10);
  ASSERT_TRUE(blocked.ok()) << blocked.status().ToString();
  EXPECT_FALSE(blocked->success.has_value());
  EXPECT_EQ(blocked->failure.code(), StatusCode::kTooManyRequests);

  // Another username from the same address is not blocked.
  auto other = Login("somsri", kPassword, kNow + 10);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->success.has_value()) << other->failure.ToString();

  // After the window the failures are forgotten.
  auto later = Login("somchai", kPassword, kNow + accounts_.settings().throttle_window_seconds + max + 1);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->success.has_value()) << later->failure.ToString();
  EXPECT_EQ(Count("login_failures", "key = 'user:somchai'"), 0);
}

TEST_P(StoreContractTest, SessionResolvesUntilItExpiresAndNotAfterLogout) {
  ASSERT_TRUE(AddOrg("lao-a", orgs::OrgType::kTown, std::nullopt).ok());
  auto user = AddUser("lao-a", "somchai", Role::kLaoAdmin, kPassword);
  ASSERT_TRUE(user.ok());
  auto login = Login("somchai", kPassword);
  ASSERT_TRUE(login.ok() && login->success) << login.status().ToString();
  const std::string token = login->success->session_token;
  const int64_t expires_at = login->success->expires_at;

  struct Moment {
    const char* what;
    int64_t now;
    bool valid;
  };
  const Moment moments[] = {
      {"at login", kNow, true},
      {"one second before expiry", expires_at - 1, true},
      {"at expiry", expires_at, false},
      {"a day later", expires_at + 86400, false},
  };
  for (const auto& m : moments) {
    auto auth = ResolveSession(token, m.now);
    if (m.valid) {
      ASSERT_TRUE(auth.ok()) << m.what << ": " << auth.status().ToString();
      EXPECT_EQ(auth->principal.user_id, user->id) << m.what;
      EXPECT_EQ(auth->principal.org_id, user->org_id) << m.what;
      EXPECT_EQ(auth->principal.role, Role::kLaoAdmin) << m.what;
      EXPECT_EQ(auth->csrf_token, login->success->csrf_token) << m.what;
    } else {
      EXPECT_EQ(auth.status().code(), StatusCode::kUnauthenticated) << m.what;
    }
  }
  for (const std::string& wrong : {std::string(), std::string("not-a-session"), accounts::HashSecret(token)}) {
    EXPECT_EQ(ResolveSession(wrong, kNow).status().code(), StatusCode::kUnauthenticated) << wrong;
  }

  // Logout ends the session; logging out twice is harmless.
  for (int i = 0; i < 2; ++i) {
    Status out = transactor_->Write(ScopeOf(*user), Info(kNow + 5),
                                    [&](UnitOfWork& work) { return accounts_.Logout(work, token); });
    ASSERT_TRUE(out.ok()) << out.ToString();
  }
  EXPECT_EQ(ResolveSession(token, kNow + 6).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Count("sessions"), 0);
  EXPECT_EQ(Count("audit_log", "action = 'logout'"), 1);
}

TEST_P(StoreContractTest, BearerTokensAreStoredHashedAndCanBeRevoked) {
  auto org = AddOrg("lao-a", orgs::OrgType::kTown, std::nullopt);
  ASSERT_TRUE(org.ok());
  std::optional<accounts::CreatedToken> created;
  ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(created, accounts_.CreateToken(work, "lao-a", "gateway หน้าโรงเรียน", Role::kOfficer));
                EXPECT_EQ(accounts_.CreateToken(work, "lao-a", "root", Role::kSystemAdmin).status().code(),
                          StatusCode::kInvalid);
                EXPECT_EQ(accounts_.CreateToken(work, "lao-zz", "x", Role::kOfficer).status().code(),
                          StatusCode::kInvalid);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(created.has_value());
  const std::string secret = created->secret;

  auto stored = Sql("SELECT token_hash, name FROM api_tokens WHERE id = $1", {V(created->token.id)});
  ASSERT_TRUE(stored.ok() && stored->rows.size() == 1);
  EXPECT_NE(stored->rows[0].Text(0), secret);
  EXPECT_EQ(stored->rows[0].Text(0), accounts::HashSecret(secret));
  EXPECT_EQ(stored->rows[0].Text(1), "gateway หน้าโรงเรียน");
  EXPECT_EQ(Count("api_tokens", "token_hash = '" + secret + "'"), 0);

  auto auth = ResolveBearer(secret);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(auth->principal.token_id, created->token.id);
  EXPECT_EQ(auth->principal.user_id, 0);
  EXPECT_EQ(auth->principal.org_id, org->id);
  EXPECT_EQ(auth->principal.role, Role::kOfficer);
  EXPECT_TRUE(auth->csrf_token.empty());
  for (const std::string& wrong : {std::string(), secret + "x", accounts::HashSecret(secret)}) {
    EXPECT_EQ(ResolveBearer(wrong).status().code(), StatusCode::kUnauthenticated);
  }

  auto revoked = Sql("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2", {V(kNow + 1), V(created->token.id)});
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(ResolveBearer(secret).status().code(), StatusCode::kUnauthenticated);
}

// ---- tenant isolation ----

// Two provinces under a national office, one LAO under each, users in each.
class TenancyWorld {
 public:
  explicit TenancyWorld(StoreContractTest& test) : test_(test) {}
  Status Build() {
    ASSIGN_OR_RETURN(national, test_.AddOrg("national", orgs::OrgType::kNationalOffice, std::nullopt));
    ASSIGN_OR_RETURN(po_a, test_.AddOrg("po-70", orgs::OrgType::kProvinceOffice, "national"));
    ASSIGN_OR_RETURN(po_b, test_.AddOrg("po-50", orgs::OrgType::kProvinceOffice, "national"));
    ASSIGN_OR_RETURN(lao_a, test_.AddOrg("lao-a", orgs::OrgType::kTown, "po-70"));
    ASSIGN_OR_RETURN(lao_b, test_.AddOrg("lao-b", orgs::OrgType::kSao, "po-50"));
    ASSIGN_OR_RETURN(admin_a, test_.AddUser("lao-a", "admin-a", Role::kLaoAdmin));
    ASSIGN_OR_RETURN(officer_a, test_.AddUser("lao-a", "officer-a", Role::kOfficer));
    ASSIGN_OR_RETURN(executive_a, test_.AddUser("lao-a", "mayor-a", Role::kExecutive));
    ASSIGN_OR_RETURN(admin_b, test_.AddUser("lao-b", "admin-b", Role::kLaoAdmin));
    ASSIGN_OR_RETURN(officer_b, test_.AddUser("lao-b", "officer-b", Role::kOfficer));
    ASSIGN_OR_RETURN(overseer_a, test_.AddUser("po-70", "overseer-70", Role::kOversight));
    ASSIGN_OR_RETURN(root, test_.AddUser("national", "root", Role::kSystemAdmin));
    return Status::Ok();
  }

  orgs::Org national, po_a, po_b, lao_a, lao_b;
  User admin_a, officer_a, executive_a, admin_b, officer_b, overseer_a, root;

 private:
  StoreContractTest& test_;
};

std::vector<std::string> Usernames(const std::vector<User>& users) {
  std::vector<std::string> names;
  for (const auto& u : users) names.push_back(u.username);
  std::sort(names.begin(), names.end());
  return names;
}

User NewUserIn(const orgs::Org& org, const std::string& username) {
  User user;
  user.org_id = org.id;
  user.org_code = org.code;
  user.username = username;
  user.role = Role::kOfficer;
  user.created_at = user.updated_at = kNow;
  return user;
}

TEST_P(StoreContractTest, LaoAdminSeesAndChangesOnlyItsOwnOrganisation) {
  TenancyWorld world(*this);
  ASSERT_TRUE(world.Build().ok());
  const Scope scope = ScopeOf(world.admin_a);
  EXPECT_EQ(scope.readable_orgs(), std::vector<int64_t>{world.lao_a.id});

  Status status = transactor_->Write(scope, Info(), [&](UnitOfWork& work) -> Status {
    // Reads.
    ASSIGN_OR_RETURN(auto users, accounts_.ListUsers(work));
    EXPECT_EQ(Usernames(users), (std::vector<std::string>{"admin-a", "mayor-a", "officer-a"}));
    EXPECT_TRUE(accounts_.GetUser(work, world.officer_a.id).ok());
    EXPECT_EQ(accounts_.GetUser(work, world.officer_b.id).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(accounts_.GetUser(work, world.overseer_a.id).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(accounts_.GetUser(work, 987654).status().code(), StatusCode::kNotFound);
    ASSIGN_OR_RETURN(auto entries, work.audit().List({}));
    EXPECT_EQ(entries.size(), 4u);  // lao-a's creation and its three users
    for (const auto& e : entries) EXPECT_EQ(e.org_id, world.lao_a.id) << e.entity << " " << e.entity_id;

    // Writes into the other LAO look like the LAO does not exist.
    EXPECT_EQ(work.accounts().InsertUser(NewUserIn(world.lao_b, "intruder"), std::nullopt).status().code(),
              StatusCode::kNotFound);
    accounts::NewUser into_b{"lao-b", "intruder2", Role::kOfficer, "", std::nullopt, std::nullopt};
    EXPECT_EQ(accounts_.CreateUser(work, into_b).status().code(), StatusCode::kNotFound);
    accounts::NewUser root_user{"lao-a", "new-root", Role::kSystemAdmin, "", std::nullopt, std::nullopt};
    EXPECT_EQ(accounts_.CreateUser(work, root_user).status().code(), StatusCode::kForbidden);
    // Its own organisation is writable.
    accounts::NewUser into_a{"lao-a", "new-officer-a", Role::kOfficer, "", std::nullopt, std::nullopt};
    ASSIGN_OR_RETURN(auto created, accounts_.CreateUser(work, into_a));
    EXPECT_EQ(created.org_id, world.lao_a.id);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("users", "username LIKE 'intruder%'"), 0);
  EXPECT_EQ(Count("users", "username = 'new-officer-a'"), 1);
  // The new user's audit entry carries the actor.
  EXPECT_EQ(Count("audit_log",
                  "entity = 'user' AND actor_name = 'admin-a' AND actor_user_id = " + std::to_string(world.admin_a.id)),
            1);
}

TEST_P(StoreContractTest, OversightReadsLaosOfItsProvinceButWritesNothing) {
  TenancyWorld world(*this);
  ASSERT_TRUE(world.Build().ok());
  const Scope scope = ScopeOf(world.overseer_a);
  EXPECT_EQ(scope.readable_orgs(), (std::vector<int64_t>{world.po_a.id, world.lao_a.id}));

  Status status = transactor_->Write(scope, Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto users, work.accounts().ListUsers());
    EXPECT_EQ(Usernames(users), (std::vector<std::string>{"admin-a", "mayor-a", "officer-a", "overseer-70"}));
    EXPECT_TRUE(work.accounts().GetUser(world.officer_a.id).ok());
    EXPECT_EQ(work.accounts().GetUser(world.officer_b.id).status().code(), StatusCode::kNotFound);
    // Readable but not writable: Forbidden. Outside the province: NotFound.
    EXPECT_EQ(work.accounts().InsertUser(NewUserIn(world.lao_a, "by-overseer"), std::nullopt).status().code(),
              StatusCode::kForbidden);
    EXPECT_EQ(work.accounts().InsertUser(NewUserIn(world.po_a, "by-overseer2"), std::nullopt).status().code(),
              StatusCode::kForbidden);
    EXPECT_EQ(work.accounts().InsertUser(NewUserIn(world.lao_b, "by-overseer3"), std::nullopt).status().code(),
              StatusCode::kNotFound);
    accounts::NewUser request{"lao-a", "by-overseer4", Role::kOfficer, "", std::nullopt, std::nullopt};
    EXPECT_EQ(accounts_.CreateUser(work, request).status().code(), StatusCode::kForbidden);
    EXPECT_EQ(accounts_.ListUsers(work).status().code(), StatusCode::kForbidden);
    EXPECT_EQ(work.audit().List({}).status().code(), StatusCode::kForbidden);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("users", "username LIKE 'by-overseer%'"), 0);
}

TEST_P(StoreContractTest, SystemAdminSeesEveryOrganisation) {
  TenancyWorld world(*this);
  ASSERT_TRUE(world.Build().ok());
  const Scope scope = ScopeOf(world.root);
  EXPECT_TRUE(scope.all_orgs());
  Status status = transactor_->Write(scope, Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto users, accounts_.ListUsers(work));
    EXPECT_EQ(users.size(), 7u);
    EXPECT_TRUE(accounts_.GetUser(work, world.officer_b.id).ok());
    ASSIGN_OR_RETURN(auto entries, work.audit().List({}));
    EXPECT_EQ(entries.size(), 12u);  // five organisations, seven users
    audit::AuditQuery page;
    page.limit = 5;
    page.entity = "user";
    ASSIGN_OR_RETURN(auto newest, work.audit().List(page));
    EXPECT_EQ(newest.size(), 5u);
    page.before_id = newest.back().id;
    ASSIGN_OR_RETURN(auto older, work.audit().List(page));
    EXPECT_EQ(older.size(), 2u);
    for (const auto& e : older) EXPECT_LT(e.id, newest.back().id);
    accounts::NewUser into_b{"lao-b", "made-by-root", Role::kOfficer, "", std::nullopt, std::nullopt};
    EXPECT_TRUE(accounts_.CreateUser(work, into_b).ok());
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
}

TEST_P(StoreContractTest, ExecutiveAndOfficerCannotCreateUsers) {
  TenancyWorld world(*this);
  ASSERT_TRUE(world.Build().ok());
  for (const User* who : {&world.executive_a, &world.officer_a}) {
    const Scope scope = ScopeOf(*who);
    Status status = transactor_->Write(scope, Info(), [&](UnitOfWork& work) -> Status {
      accounts::NewUser request{"lao-a", "made-by-" + who->username, Role::kOfficer, "", std::nullopt, std::nullopt};
      EXPECT_EQ(accounts_.CreateUser(work, request).status().code(), StatusCode::kForbidden) << who->username;
      EXPECT_EQ(accounts_.ListUsers(work).status().code(), StatusCode::kForbidden) << who->username;
      // One's own account stays readable.
      EXPECT_TRUE(accounts_.GetUser(work, who->id).ok()) << who->username;
      return Status::Ok();
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_EQ(Count("users", "username LIKE 'made-by-%'"), 0);
}

// ---- sensor registry ----

sensors::NewSensor ValidSensor(const std::string& code, std::optional<std::string> device_key = std::nullopt) {
  sensors::NewSensor request;
  request.code = code;
  request.name = "โรงเรียนบ้านโป่ง " + code;
  request.model = sensors::Model::kSds011;
  request.device_key = std::move(device_key);
  request.lat = 13.816;
  request.lon = 99.873;
  request.siting_notes = "หลังคาอาคารเรียน";
  request.install_date = "2025-01-31";
  return request;
}

TEST_P(StoreContractTest, SensorsAreCreatedListedReadAndUpdatedWithAudit) {
  TenancyWorld world(*this);
  ASSERT_TRUE(world.Build().ok());
  const sensors::SensorService service;
  int64_t id = 0;
  Status status = transactor_->Write(ScopeOf(world.officer_a), Info(), [&](UnitOfWork& work) -> Status {
    sensors::NewSensor reference = ValidSensor("bam-1", "44t");
    reference.model = sensors::Model::kReferenceBam;
    ASSIGN_OR_RETURN(auto bam, service.Create(work, reference));
    EXPECT_TRUE(bam.is_reference);
    EXPECT_EQ(bam.org_id, world.lao_a.id);
    ASSIGN_OR_RETURN(auto created, service.Create(work, ValidSensor("school-1", "esp8266-13966475")));
    EXPECT_FALSE(created.is_reference);
    id = created.id;
    sensors::NewSensor retired = ValidSensor("old-1");
    retired.status = sensors::SensorStatus::kRetired;
    RETURN_IF_ERROR(service.Create(work, retired).status());
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();

  status = transactor_->Write(ScopeOf(world.officer_a), Info(kNow + 60), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto got, service.Get(work, id));
    EXPECT_EQ(got.code, "school-1");
    EXPECT_EQ(got.name, "โรงเรียนบ้านโป่ง school-1");
    EXPECT_EQ(got.model, sensors::Model::kSds011);
    EXPECT_EQ(got.device_key, "esp8266-13966475");
    EXPECT_DOUBLE_EQ(got.lat, 13.816);
    EXPECT_DOUBLE_EQ(got.lon, 99.873);
    EXPECT_EQ(got.install_date, "2025-01-31");
    EXPECT_EQ(got.status, sensors::SensorStatus::kActive);
    EXPECT_EQ(got.created_at, kNow);
    ASSIGN_OR_RETURN(auto all, service.List(work, std::nullopt));
    EXPECT_EQ(all.size(), 3u);
    ASSIGN_OR_RETURN(auto active, service.List(work, sensors::SensorStatus::kActive));
    EXPECT_EQ(active.size(), 2u);
    if (active.size() != 2u) return Status::Internal("wrong number of active sensors");
    EXPECT_EQ(active[0].code, "bam-1");
    EXPECT_EQ(active[1].code, "school-1");

    sensors::SensorChanges changes;
    changes.name = "ตลาดเทศบาล";
    changes.maintenance = true;
    changes.status = sensors::SensorStatus::kInactive;
    changes.lat = 13.82;
    changes.device_key = std::optional<std::string>();  // removed
    ASSIGN_OR_RETURN(auto updated, service.Update(work, id, changes));
    EXPECT_EQ(updated.name, "ตลาดเทศบาล");
    EXPECT_TRUE(updated.maintenance);
    EXPECT_EQ(updated.status, sensors::SensorStatus::kInactive);
    EXPECT_DOUBLE_EQ(updated.lat, 13.82);
    EXPECT_DOUBLE_EQ(updated.lon, 99.873);
    EXPECT_FALSE(updated.device_key.has_value());
    EXPECT_EQ(updated.siting_notes, "หลังคาอาคารเรียน");  // untouched
    EXPECT_EQ(updated.updated_at, kNow + 60);
    ASSIGN_OR_RETURN(auto reread, service.Get(work, id));
    EXPECT_EQ(reread.name, "ตลาดเทศบาล");
    EXPECT_FALSE(reread.device_key.has_value());
    EXPECT_EQ(work.sensors().FindByDeviceKey("esp8266-13966475").status().code(), StatusCode::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();

  EXPECT_EQ(Count("audit_log", "entity = 'sensor' AND action = 'create' AND actor_name = 'officer-a'"), 3);
  auto update = Sql("SELECT before_json, after_json, org_id FROM audit_log WHERE entity = 'sensor' AND "
                    "action = 'update' AND entity_id = $1",
                    {V(std::to_string(id))});
  ASSERT_TRUE(update.ok()) << update.status().ToString();
  ASSERT_EQ(update->rows.size(), 1u);
  EXPECT_NE(update->rows[0].Text(0).find("school-1"), std::string::npos);
  EXPECT_NE(update->rows[0].Text(0).find("esp8266-13966475"), std::string::npos);
  EXPECT_NE(update->rows[0].Text(1).find("\"maintenance\":true"), std::string::npos);
  EXPECT_EQ(update->rows[0].Int(2), world.lao_a.id);
}

TEST_P(StoreContractTest, SensorsOfAnotherLaoAreNotFoundAndExecutivesCannotRegister) {
  TenancyWorld world(*this);
  ASSERT_TRUE(world.Build().ok());
  const sensors::SensorService service;
  int64_t b_id = 0, a_id = 0;
  Status status = transactor_->Write(ScopeOf(world.admin_b), Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto sensor, service.Create(work, ValidSensor("market-1", "ecda3b1eaaaf")));
    b_id = sensor.id;
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  status = transactor_->Write(ScopeOf(world.admin_a), Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto sensor, service.Create(work, ValidSensor("market-1")));
    a_id = sensor.id;
    EXPECT_EQ(service.Get(work, b_id).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(service.Get(work, 987654).status().code(), StatusCode::kNotFound);
    ASSIGN_OR_RETURN(auto listed, service.List(work, std::nullopt));
    EXPECT_EQ(listed.size(), 1u);
    sensors::SensorChanges changes;
    changes.name = "planted";
    EXPECT_EQ(service.Update(work, b_id, changes).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(service.RotateDeviceSecret(work, b_id).status().code(), StatusCode::kNotFound);
    sensors::NewSensor into_b = ValidSensor("planted-1");
    into_b.org_code = "lao-b";
    EXPECT_EQ(service.Create(work, into_b).status().code(), StatusCode::kNotFound);
    // The store refuses too, whatever the service does.
    sensors::Sensor raw;
    raw.org_id = world.lao_b.id;
    raw.code = "planted-2";
    raw.name = "x";
    raw.lat = 13.8;
    raw.lon = 99.8;
    EXPECT_EQ(work.sensors().Insert(raw).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(work.sensors().SetDeviceSecretHash(b_id, "hash", kNow).code(), StatusCode::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();

  status = transactor_->Write(ScopeOf(world.executive_a), Info(), [&](UnitOfWork& work) -> Status {
    EXPECT_EQ(service.Create(work, ValidSensor("exec-1")).status().code(), StatusCode::kForbidden);
    EXPECT_EQ(service.RotateDeviceSecret(work, a_id).status().code(), StatusCode::kForbidden);
    EXPECT_TRUE(service.Get(work, a_id).ok());
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();

  // Oversight reads its province's sensors but registers none.
  status = transactor_->Write(ScopeOf(world.overseer_a), Info(), [&](UnitOfWork& work) -> Status {
    EXPECT_TRUE(work.sensors().Get(a_id).ok());
    EXPECT_EQ(work.sensors().Get(b_id).status().code(), StatusCode::kNotFound);
    sensors::NewSensor into_a = ValidSensor("oversight-1");
    into_a.org_code = "lao-a";
    EXPECT_EQ(service.Create(work, into_a).status().code(), StatusCode::kForbidden);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("sensors", "code IN ('planted-1', 'planted-2', 'exec-1', 'oversight-1')"), 0);
  EXPECT_EQ(Count("sensors", "name = 'planted'"), 0);
}

TEST_P(StoreContractTest, SensorDeviceKeyIsUniqueAcrossOrganisationsAndCodeWithinOne) {
  TenancyWorld world(*this);
  ASSERT_TRUE(world.Build().ok());
  const sensors::SensorService service;
  Status status = transactor_->Write(ScopeOf(world.admin_a), Info(), [&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(service.Create(work, ValidSensor("s-1", "esp8266-1")).status());
    return service.Create(work, ValidSensor("s-2", "esp8266-2")).status();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();

  // Another LAO cannot see lao-a's sensors, yet cannot take their device_key either.
  status = transactor_->Write(ScopeOf(world.admin_b), Info(), [&](UnitOfWork& work) -> Status {
    auto taken = service.Create(work, ValidSensor("s-9", "esp8266-1"));
    EXPECT_EQ(taken.status().code(), StatusCode::kConflict);
    EXPECT_EQ(taken.status().field(), "device_key");
    // The same code in another organisation is fine.
    return service.Create(work, ValidSensor("s-1", "esp8266-b1")).status();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();

  // The database enforces it too, whatever the service checks first.
  status = transactor_->Write(Scope::System("test"), Info(), [&](UnitOfWork& work) -> Status {
    sensors::Sensor raw;
    raw.org_id = world.lao_b.id;
    raw.code = "s-10";
    raw.name = "x";
    raw.lat = 13.8;
    raw.lon = 99.8;
    raw.device_key = "esp8266-2";
    // On PostgreSQL a failed statement ends the transaction, so each collision gets its own.
    return work.sensors().Insert(raw).status();
  });
  EXPECT_EQ(status.code(), StatusCode::kConflict) << status.ToString();

  status = transactor_->Write(ScopeOf(world.admin_a), Info(), [&](UnitOfWork& work) -> Status {
    return service.Create(work, ValidSensor("s-1")).status();
  });
  EXPECT_EQ(status.code(), StatusCode::kConflict) << status.ToString();
  EXPECT_EQ(status.field(), "code");

  status = transactor_->Write(ScopeOf(world.admin_a), Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto listed, service.List(work, std::nullopt));
    EXPECT_EQ(listed.size(), 2u);
    if (listed.size() != 2u) return Status::Internal("wrong number of sensors");
    sensors::SensorChanges changes;
    changes.device_key = std::optional<std::string>("esp8266-b1");
    auto moved = service.Update(work, listed[1].id, changes);
    EXPECT_EQ(moved.status().code(), StatusCode::kConflict);
    EXPECT_EQ(moved.status().field(), "device_key");
    // Keeping one's own key is not a conflict.
    changes.device_key = std::optional<std::string>("esp8266-2");
    EXPECT_TRUE(service.Update(work, listed[1].id, changes).ok());
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  // Several sensors may have no device_key at all.
  status = transactor_->Write(ScopeOf(world.admin_a), Info(), [&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(service.Create(work, ValidSensor("nokey-1")).status());
    return service.Create(work, ValidSensor("nokey-2")).status();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("sensors", "device_key IS NULL"), 2);
}

TEST_P(StoreContractTest, SensorInputIsRefusedNamingTheField) {
  TenancyWorld world(*this);
  ASSERT_TRUE(world.Build().ok());
  const sensors::SensorService service;
  struct Case {
    const char* what;
    std::function<void(sensors::NewSensor&)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"lat south of Thailand", [](auto& r) { r.lat = 1.3; }, "lat"},
      {"lat north of Thailand", [](auto& r) { r.lat = 20.6; }, "lat"},
      {"lon west of Thailand", [](auto& r) { r.lon = 97.2; }, "lon"},
      {"lon east of Thailand", [](auto& r) { r.lon = 105.8; }, "lon"},
      {"upper-case code", [](auto& r) { r.code = "School-1"; }, "code"},
      {"empty code", [](auto& r) { r.code = ""; }, "code"},
      {"long code", [](auto& r) { r.code = std::string(33, 'a'); }, "code"},
      {"code with space", [](auto& r) { r.code = "a b"; }, "code"},
      {"empty name", [](auto& r) { r.name = ""; }, "name"},
      {"long name", [](auto& r) { r.name = std::string(201, 'n'); }, "name"},
      {"long notes", [](auto& r) { r.siting_notes = std::string(2001, 'n'); }, "siting_notes"},
      {"device_key with space", [](auto& r) { r.device_key = "esp 1"; }, "device_key"},
      {"impossible date", [](auto& r) { r.install_date = "2025-02-30"; }, "install_date"},
      {"badly written date", [](auto& r) { r.install_date = "31/01/2025"; }, "install_date"},
      {"future date", [](auto& r) { r.install_date = "2025-06-16"; }, "install_date"},  // kNow is 2025-06-15
  };
  Status status = transactor_->Write(ScopeOf(world.admin_a), Info(), [&](UnitOfWork& work) -> Status {
    for (const auto& c : cases) {
      sensors::NewSensor request = ValidSensor("bad-1");
      c.change(request);
      auto created = service.Create(work, request);
      EXPECT_EQ(created.status().code(), StatusCode::kInvalid) << c.what;
      EXPECT_EQ(created.status().field(), c.field) << c.what;
    }
    // Today (in Bangkok) is fine; so is a position on the edge of the box.
    sensors::NewSensor today = ValidSensor("today-1");
    today.install_date = "2025-06-15";
    today.lat = 20.5;
    today.lon = 97.3;
    EXPECT_TRUE(service.Create(work, today).ok());
    ASSIGN_OR_RETURN(auto sensor, service.Create(work, ValidSensor("good-1")));
    sensors::SensorChanges changes;
    changes.lon = 120.0;
    auto moved = service.Update(work, sensor.id, changes);
    EXPECT_EQ(moved.status().field(), "lon");
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("sensors", "code = 'bad-1'"), 0);
}

TEST_P(StoreContractTest, SensorDeviceSecretIsStoredHashedAndReplacedOnRotation) {
  TenancyWorld world(*this);
  ASSERT_TRUE(world.Build().ok());
  const sensors::SensorService service;
  std::string first, second;
  Status status = transactor_->Write(ScopeOf(world.officer_a), Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto sensor, service.Create(work, ValidSensor("s-1", "esp8266-13966475")));
    ASSIGN_OR_RETURN(auto found, work.sensors().FindByDeviceKey("esp8266-13966475"));
    EXPECT_FALSE(found.device_secret_hash.has_value());
    ASSIGN_OR_RETURN(auto rotated, service.RotateDeviceSecret(work, sensor.id));
    first = rotated.secret;
    ASSIGN_OR_RETURN(rotated, service.RotateDeviceSecret(work, sensor.id));
    second = rotated.secret;
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_NE(first, second);
  EXPECT_GE(second.size(), 32u);
  // Ingest resolves the key without a tenant and checks the credential.
  status = transactor_->Read(Scope::System("ingest"), Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto found, work.sensors().FindByDeviceKey("esp8266-13966475"));
    EXPECT_EQ(found.sensor.org_id, world.lao_a.id);
    EXPECT_EQ(found.device_secret_hash, accounts::HashSecret(second));
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("sensors", "device_secret_hash = '" + accounts::HashSecret(second) + "'"), 1);
  // Nothing in the audit log carries the secret.
  EXPECT_EQ(Count("audit_log", "entity = 'sensor' AND action = 'rotate_secret'"), 2);
  EXPECT_EQ(Count("audit_log", "after_json LIKE '%" + second + "%'"), 0);
}

// ---- concurrency ----

TEST_P(StoreContractTest, ConcurrentWritersThroughOneDatabaseAllCommit) {
  ASSERT_TRUE(
      db_->Transaction(true,
                       [](Connection& conn) -> Status {
                         RETURN_IF_ERROR(
                             conn.ExecScript("CREATE TABLE hits (id BIGINT PRIMARY KEY, worker BIGINT NOT NULL)"));
                         RETURN_IF_ERROR(conn.ExecScript("CREATE TABLE tally (k TEXT PRIMARY KEY, n BIGINT NOT NULL)"));
                         auto inserted = conn.Exec("INSERT INTO tally (k, n) VALUES ('total', 0)", {});
                         return inserted.ok() ? Status::Ok() : inserted.status();
                       })
          .ok());
  ASSERT_TRUE(AddOrg("lao-a", orgs::OrgType::kTown, std::nullopt).ok());

  constexpr int kWorkers = 6;  // more than the pool's 4 connections
  constexpr int kWrites = 15;
  std::vector<std::vector<std::string>> errors(kWorkers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kWrites; ++i) {
        // A raw read-modify-write and an audited service write, each one transaction.
        Status raw = db_->Transaction(true, [&](Connection& conn) -> Status {
          auto hit = conn.Exec("INSERT INTO hits (id, worker) VALUES ($1, $2)", {V(w * 1000 + i), V(w)});
          if (!hit.ok()) return hit.status();
          auto total = conn.QueryOne("SELECT n FROM tally WHERE k = 'total'", {});
          if (!total.ok()) return total.status();
          auto set = conn.Exec("UPDATE tally SET n = n + 1 WHERE k = 'total'", {});
          return set.ok() ? Status::Ok() : set.status();
        });
        if (!raw.ok()) errors[static_cast<size_t>(w)].push_back(raw.ToString());
        if (i % 5 == 0) {
          Status service = SystemWrite([&](UnitOfWork& work) -> Status {
            User user = NewUserIn(orgs::Org{}, "worker-" + std::to_string(w) + "-" + std::to_string(i));
            ASSIGN_OR_RETURN(auto org, work.orgs().FindByCode("lao-a"));
            user.org_id = org.id;
            ASSIGN_OR_RETURN(auto id, work.accounts().InsertUser(user, std::nullopt));
            return audit::Record(work, "create", "user", std::to_string(id), org.id, std::nullopt, std::nullopt);
          });
          if (!service.ok()) errors[static_cast<size_t>(w)].push_back(service.ToString());
        }
        // Readers run alongside.
        Status read = transactor_->Read(Scope::System(), Info(), [](UnitOfWork& work) -> Status {
          auto orgs = work.orgs().List();
          return orgs.ok() ? Status::Ok() : orgs.status();
        });
        if (!read.ok()) errors[static_cast<size_t>(w)].push_back(read.ToString());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int w = 0; w < kWorkers; ++w) {
    EXPECT_TRUE(errors[static_cast<size_t>(w)].empty())
        << "worker " << w << ": " << errors[static_cast<size_t>(w)].front();
  }
  EXPECT_EQ(Count("hits"), kWorkers * kWrites);
  EXPECT_EQ(Count("tally", "n = " + std::to_string(kWorkers * kWrites)), 1);
  EXPECT_EQ(Count("users"), kWorkers * 3);
  EXPECT_EQ(Count("audit_log", "entity = 'user'"), kWorkers * 3);
}

// ---- backend-specific edges of the seam ----

TEST(SqliteDatabaseTest, InMemoryDatabaseIsSharedByEveryCaller) {
  auto db = Database::Open("sqlite::memory:", 8);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto applied = Migrate(**db, kNow);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, static_cast<int>(AllMigrations().size()));
  // A later transaction (another pooled connection, if there were one) sees the schema and data.
  ASSERT_TRUE((*db)
                  ->Transaction(
                      true,
                      [](Connection& conn) {
                        auto r = conn.Exec(
                            "INSERT INTO provinces (code, name_th, name_en) VALUES ('70', 'ราชบุรี', 'Ratchaburi')", {});
                        return r.ok() ? Status::Ok() : r.status();
                      })
                  .ok());
  auto conn = (*db)->Acquire();
  ASSERT_TRUE(conn.ok());
  auto row = (*conn)->QueryOne("SELECT name_th FROM provinces WHERE code = $1", {V("70")});
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->Text(0), "ราชบุรี");
}

// WAL checkpoints run on the database's own thread: a commit that takes the WAL past 1,000 pages
// is copied back into the file without another write, and the next writer then reuses the WAL
// from its start instead of growing it.
TEST(SqliteDatabaseTest, TheWalIsCheckpointedByItsOwnThreadAndReused) {
  TempDir dir;
  const std::string path = (dir.path() / "wal.db").string();
  auto db = Database::Open("sqlite:" + path, 2);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto write_pages = [&](int first) {
    return (*db)->Transaction(true, [&](Connection& conn) -> Status {
      for (int i = first; i < first + 1500; ++i) {  // ~1,500 pages of 4 KiB
        auto r = conn.Exec("INSERT INTO pages (id, body) VALUES ($1, $2)", {V(i), Value(Blob{std::string(4000, 'x')})});
        if (!r.ok()) return r.status();
      }
      return Status::Ok();
    });
  };
  ASSERT_TRUE((*db)->Transaction(true, [](Connection& conn) -> Status {
    auto r = conn.Exec("CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB)", {});
    return r.ok() ? Status::Ok() : r.status();
  }).ok());
  ASSERT_TRUE(write_pages(0).ok());
  auto* sqlite = dynamic_cast<SqliteDatabase*>(db->get());
  ASSERT_NE(sqlite, nullptr);
  auto checkpointed = [&](int64_t count) {
    for (int i = 0; i < 1000 && sqlite->BackgroundCheckpoints() < count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return sqlite->BackgroundCheckpoints() >= count;
  };
  ASSERT_TRUE(checkpointed(1));
  EXPECT_GE(std::filesystem::file_size(path), 1500u * 4000u);  // copied back into the file
  const auto wal_after_first = std::filesystem::file_size(path + "-wal");
  ASSERT_TRUE(write_pages(1500).ok());
  EXPECT_LT(std::filesystem::file_size(path + "-wal"), wal_after_first + wal_after_first / 2);
  ASSERT_TRUE(checkpointed(2));
  EXPECT_GE(std::filesystem::file_size(path), 3000u * 4000u);
  auto conn = (*db)->Acquire();
  ASSERT_TRUE(conn.ok());
  auto count = (*conn)->QueryOne("SELECT COUNT(*) FROM pages", {});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->Int(0), 3000);
}

// The WAL's writes go out gathered (wal_write_buffer.h). A transaction bigger than its
// connection's page cache sends pages to the WAL before its commit, rewrites some of them there
// and reads them back: it must read what it wrote. Every commit must be in the file for a
// connection that does not share the buffer (here one on SQLite's own VFS, as another process
// would read it), with synchronous=FULL (the commit's sync writes it out) and with NORMAL (no
// sync: the header barrier that publishes the commit writes it out).
TEST(SqliteDatabaseTest, WalWritesGoOutGatheredAndEveryCommitIsInTheFile) {
  TempDir dir;
  const std::string path = (dir.path() / "gathered.db").string();
  auto db = Database::Open("sqlite:" + path, 1);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  sqlite3* other = nullptr;
  auto read_other = [&](const char* sql) -> int64_t {
    if (!other) {
      EXPECT_EQ(sqlite3_open_v2(path.c_str(), &other, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    }
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(other, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(other);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW) << sqlite3_errmsg(other);
    const int64_t value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  };
  auto exec = [](Connection& conn, const std::string& sql, Params params = {}) -> Status {
    auto r = conn.Exec(sql, params);
    return r.ok() ? Status::Ok() : r.status();
  };
  ASSERT_TRUE((*db)->Transaction(true, [&](Connection& conn) {
    return exec(conn, "CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB, n INTEGER)");
  }).ok());

  // A transaction of ~600 pages in a cache of 20: pages go out early, some are rewritten there, all
  // are read back before the commit.
  int64_t read_back = -1;
  ASSERT_TRUE((*db)->Transaction(true, [&](Connection& conn) -> Status {
    RETURN_IF_ERROR(exec(conn, "PRAGMA cache_size=20"));
    for (int i = 0; i < 600; ++i) {
      RETURN_IF_ERROR(exec(conn, "INSERT INTO pages (id, body, n) VALUES ($1, $2, $3)",
                           {V(i), Value(Blob{std::string(3000, static_cast<char>('a' + i % 26))}), V(i)}));
    }
    RETURN_IF_ERROR(exec(conn, "UPDATE pages SET n = n + 1000 WHERE id % 7 = 0"));
    auto sum = conn.QueryOne("SELECT SUM(n) + SUM(LENGTH(body)) FROM pages", {});
    if (!sum.ok()) return sum.status();
    read_back = sum->Int(0);
    return exec(conn, "PRAGMA cache_size=-8192");
  }).ok());
  int64_t expected = 600 * 3000;
  for (int i = 0; i < 600; ++i) expected += i + (i % 7 == 0 ? 1000 : 0);
  EXPECT_EQ(read_back, expected);
  EXPECT_EQ(read_other("SELECT SUM(n) + SUM(LENGTH(body)) FROM pages"), expected);

  // The same in a cache that holds it: written once, at the commit, gathered.
  const auto before = WalWriteBufferCounters();
  ASSERT_TRUE((*db)->Transaction(true, [&](Connection& conn) -> Status {
    return exec(conn, "UPDATE pages SET body = CAST(UPPER(CAST(body AS TEXT)) AS BLOB), n = n + 1");
  }).ok());
  EXPECT_EQ(read_other("SELECT SUM(n) + SUM(LENGTH(body)) FROM pages"), expected + 600);
  EXPECT_EQ(read_other("SELECT COUNT(*) FROM pages WHERE body = CAST(UPPER(CAST(body AS TEXT)) AS BLOB)"), 600);
  const auto after = WalWriteBufferCounters();
  const int64_t writes = after.writes - before.writes, calls = after.system_calls - before.system_calls;
  EXPECT_GT(writes, 2 * 600 * 3000 / 4096);  // two writes a frame, ~450 pages or more
  EXPECT_LT(calls * 10, writes) << writes << " WAL writes took " << calls << " system calls";

  // synchronous=NORMAL: no sync at the commit.
  {
    auto conn = (*db)->Acquire();  // the pool's one connection
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->ExecScript("PRAGMA synchronous=NORMAL").ok());
  }
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE((*db)->Transaction(true, [&](Connection& conn) -> Status {
      return exec(conn, "INSERT INTO pages (id, body, n) VALUES ($1, x'00', 1)", {V(1000 + round)});
    }).ok());
    EXPECT_EQ(read_other("SELECT COUNT(*) FROM pages"), 601 + round);
  }
  sqlite3_close(other);
}

TEST(DatabaseUrlTest, UnknownOrBadUrlsAreRefused) {
  struct Case {
    const char* url;
    StatusCode expected;
  };
  const Case cases[] = {
      {"", StatusCode::kInvalid},
      {"mysql://localhost/ecotown", StatusCode::kInvalid},
      {"sqlite:", StatusCode::kInvalid},
      {"sqlite:/nonexistent-dir/deeper/ecotown.db", StatusCode::kUnavailable},
  };
  for (const auto& c : cases) {
    auto db = Database::Open(c.url, 2);
    ASSERT_FALSE(db.ok()) << c.url;
    EXPECT_EQ(db.status().code(), c.expected) << c.url << ": " << db.status().ToString();
  }
}

#ifdef ECOTOWN_WITH_POSTGRES
TEST(PgDatabaseTest, UnreachableServerIsUnavailable) {
  auto db = Database::Open("postgresql:///nonexistent?host=/nonexistent-socket-dir&connect_timeout=2", 2);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable) << db.status().ToString();
}

TEST(PgDatabaseTest, DescribeHidesPasswordsInEitherUrlForm) {
  // The description goes to logs; a password must never appear in it.
  auto fresh = testing::FreshPostgresDatabase("store");
  if (!fresh) GTEST_SKIP() << "PostgreSQL tests not configured (ECOTOWN_TEST_PG_URL)";
  // The test cluster trusts local connections, so the password is accepted and ignored.
  const std::string with_query = *fresh + "&password=hunter2-query";
  const auto slash = fresh->find("///");
  ASSERT_NE(slash, std::string::npos);
  const std::string with_userinfo = fresh->substr(0, slash) + "//postgres:hunter2-userinfo@" + fresh->substr(slash + 2);
  for (const std::string& url : {with_query, with_userinfo}) {
    auto db = Database::Open(url, 1);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    const std::string described = (*db)->Describe();
    EXPECT_EQ(described.find("hunter2"), std::string::npos) << described;
    EXPECT_NE(described.find("postgres"), std::string::npos) << described;
  }
}

TEST(PgDatabaseTest, StatementsOutsideTransactionsArePlannedOncePerSessionAndTransactionsAsBefore) {
  // Outside a transaction (ReadStatements) a statement is planned once per session; a transaction
  // gets PostgreSQL's own choice back, and a list read in it may still ask for plans made for its
  // values.
  auto fresh = testing::FreshPostgresDatabase("store");
  if (!fresh) GTEST_SKIP() << "PostgreSQL tests not configured (ECOTOWN_TEST_PG_URL)";
  auto db = Database::Open(*fresh, 1);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto mode = [](Connection& conn) -> std::string {
    auto row = conn.QueryOne("SELECT current_setting('plan_cache_mode')", {});
    return row.ok() ? row->Text(0) : row.status().ToString();
  };
  std::vector<std::string> seen;
  auto note = [&](Connection& conn) {
    seen.push_back(mode(conn));
    return Status::Ok();
  };
  ASSERT_TRUE((*db)->ReadStatements(note).ok());
  ASSERT_TRUE((*db)->Transaction(false, note).ok());
  ASSERT_TRUE((*db)->Transaction(true, [&](Connection& conn) {
                    RETURN_IF_ERROR(conn.PlanForActualValues());
                    return note(conn);
                  }).ok());
  ASSERT_TRUE((*db)->ReadStatements(note).ok());  // the transactions' settings ended with them
  EXPECT_EQ(seen, (std::vector<std::string>{"force_generic_plan", "auto", "force_custom_plan", "force_generic_plan"}));
}

TEST(PgDatabaseTest, PooledConnectionsClosedByTheServerAreReplacedWithoutFailingRequests) {
  // A PostgreSQL restart, failover or idle timeout closes the pool's idle connections. The next
  // transactions must not fail with them (regression: one failed request per dead connection).
  auto url = testing::FreshPostgresDatabase("store");
  if (!url) GTEST_SKIP() << "PostgreSQL tests not configured (ECOTOWN_TEST_PG_URL)";
  constexpr int kPool = 3;
  auto db = Database::Open(*url, kPool);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  {
    std::vector<PooledConnection> held;
    for (int i = 0; i < kPool; ++i) {
      auto conn = (*db)->Acquire();
      ASSERT_TRUE(conn.ok());
      held.push_back(std::move(conn).value());
    }
  }  // all idle in the pool now

  auto admin = Database::Open(*url, 1);
  ASSERT_TRUE(admin.ok());
  auto admin_conn = (*admin)->Acquire();
  ASSERT_TRUE(admin_conn.ok());
  auto killed = (*admin_conn)
                    ->Query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND "
                        "pid <> pg_backend_pid()");
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();
  ASSERT_EQ(killed->rows.size(), static_cast<size_t>(kPool));
  for (int i = 0; i < 100; ++i) {  // termination is asynchronous
    auto left =
        (*admin_conn)
            ->QueryOne(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                {});
    ASSERT_TRUE(left.ok());
    if (left->Int(0) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  for (int i = 0; i < kPool + 1; ++i) {
    Status status = (*db)->Transaction(true, [](Connection& conn) -> Status {
      auto one = conn.QueryOne("SELECT 1", {});
      return one.ok() ? Status::Ok() : one.status();
    });
    EXPECT_TRUE(status.ok()) << "transaction " << i << ": " << status.ToString();
  }
  EXPECT_TRUE((*db)->Ping().ok());
}

TEST(PgDatabaseTest, TestClusterUrlArrivesIntactThroughCTest) {
  // The CTest fixture passes a URL with '?', '&' and '=' through gtest_discover_tests
  // PROPERTIES; a truncated value would silently point the tests at the wrong server.
  auto admin = testing::PostgresAdminUrl();
  if (!admin) GTEST_SKIP() << "PostgreSQL tests not configured (ECOTOWN_TEST_PG_URL)";
  if (admin->find('?') != std::string::npos) {
    EXPECT_NE(admin->find("host="), std::string::npos) << *admin;
    EXPECT_NE(admin->find("&port="), std::string::npos) << *admin;
    EXPECT_NE(admin->find("&user="), std::string::npos) << *admin;
  }
  auto db = Database::Open(*admin, 1);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE((*db)->Ping().ok());
}
#endif

}  // namespace
}  // namespace ecotown::store
