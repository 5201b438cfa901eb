#include "store/geography_loader.h"

#include <charconv>
#include <fstream>

#include "core/csv.h"

namespace ecotown::store {
namespace {

Value OptionalReal(const std::string& text) {
  if (text.empty()) return Null{};
  try {
    return std::stod(text);
  } catch (...) {
    return Null{};
  }
}

// Reads a CSV with a header of at least `columns` fields and calls insert for each record.
Status LoadCsv(const std::string& path, size_t columns, const std::function<Status(const std::vector<std::string>&)>& insert) {
  std::ifstream in(path);
  if (!in) return Status::Unavailable("cannot read " + path);
  core::CsvReader reader(in);
  std::vector<std::string> fields;
  if (!reader.Next(fields)) return Status::Invalid(path + " is empty");
  while (reader.Next(fields)) {
    if (!reader.error().empty()) return Status::Invalid(path + ": " + reader.error());
    if (fields.size() < columns) {
      return Status::Invalid(path + ": line " + std::to_string(reader.line()) + " has too few columns");
    }
    RETURN_IF_ERROR(insert(fields));
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> LoadGeographyIfEmpty(Database& db, const std::string& data_dir) {
  int64_t loaded = 0;
  const std::string dir = data_dir + "/th-admin/";
  Status status = db.Transaction(true, [&](Connection& conn) -> Status {
    if (conn.dialect() == Dialect::kPostgres) {
      // Instances starting together on an empty database: the later ones wait here and then see
      // the loaded rows, instead of failing on duplicate keys. (SQLite's BEGIN IMMEDIATE already
      // serialises writers.)
      auto locked = conn.Query("SELECT pg_advisory_xact_lock(74052)");
      if (!locked.ok()) return locked.status();
    }
    auto count = conn.QueryOne("SELECT COUNT(*) FROM provinces", {});
    if (!count.ok()) return count.status();
    if (count->Int(0) > 0) return Status::Ok();
    RETURN_IF_ERROR(LoadCsv(dir + "th_admin_provinces.csv", 4, [&](const std::vector<std::string>& f) {
      auto r = conn.Exec("INSERT INTO provinces (code, name_th, name_en, region_th) VALUES ($1, $2, $3, $4)",
                         {V(f[0]), V(f[1]), V(f[2]), V(f[3])});
      return r.ok() ? Status::Ok() : r.status();
    }));
    RETURN_IF_ERROR(LoadCsv(dir + "th_admin_districts.csv", 4, [&](const std::vector<std::string>& f) {
      auto r = conn.Exec("INSERT INTO districts (code, province_code, name_th, name_en) VALUES ($1, $2, $3, $4)",
                         {V(f[0]), V(f[1]), V(f[2]), V(f[3])});
      return r.ok() ? Status::Ok() : r.status();
    }));
    return LoadCsv(dir + "th_admin_subdistricts.csv", 8, [&](const std::vector<std::string>& f) {
      auto r = conn.Exec(
          "INSERT INTO subdistricts (code, district_code, province_code, name_th, name_en, postcode, lat, lon) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {V(f[0]), V(f[1]), V(f[2]), V(f[3]), V(f[4]), V(f[5]), OptionalReal(f[6]), OptionalReal(f[7])});
      if (r.ok()) ++loaded;
      return r.ok() ? Status::Ok() : r.status();
    });
  });
  if (!status.ok()) return status;
  return loaded;
}

}  // namespace ecotown::store
