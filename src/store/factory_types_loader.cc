#include "store/factory_types_loader.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/csv.h"
#include "core/factory_registration.h"
#include "core/utf8.h"

namespace ecotown::store {
namespace {

constexpr std::array<const char*, 9> kColumns = {"class_code",     "disp_class",     "main_order",
                                                 "sub_item",       "description_th", "category1_rule",
                                                 "category2_rule", "category3_rule", "regulation"};

}  // namespace

Result<int64_t> LoadFactoryTypesIfEmpty(Database& db, const std::string& data_dir) {
  const std::string path = data_dir + "/factory_types.csv";
  if (!std::filesystem::exists(path)) return Status::NotFound("factory type list " + path + " not found");
  int64_t loaded = 0;
  Status status = db.Transaction(true, [&](Connection& conn) -> Status {
    if (conn.dialect() == Dialect::kPostgres) {
      // Instances starting together: the later ones wait and then see the rows.
      auto locked = conn.Query("SELECT pg_advisory_xact_lock(74053)");
      if (!locked.ok()) return locked.status();
    }
    auto count = conn.QueryOne("SELECT COUNT(*) FROM factory_types", {});
    if (!count.ok()) return count.status();
    if (count->Int(0) > 0) return Status::Ok();
    std::ifstream in(path);
    if (!in) return Status::Unavailable("cannot read " + path);
    core::CsvReader reader(in);
    std::vector<std::string> fields;
    if (!reader.Next(fields)) return Status::Invalid(path + " is empty");
    std::array<size_t, kColumns.size()> at{};
    for (size_t c = 0; c < kColumns.size(); ++c) {
      auto found = std::find(fields.begin(), fields.end(), kColumns[c]);
      if (found == fields.end()) return Status::Invalid(path + ": no column " + kColumns[c]);
      at[c] = static_cast<size_t>(found - fields.begin());
    }
    while (reader.Next(fields)) {
      const std::string where = path + ": line " + std::to_string(reader.line());
      if (!reader.error().empty()) return Status::Invalid(where + ": " + reader.error());
      if (fields.size() == 1 && fields[0].empty()) continue;
      std::array<std::string, kColumns.size()> v;
      for (size_t c = 0; c < kColumns.size(); ++c) {
        if (at[c] >= fields.size()) return Status::Invalid(where + " has too few columns");
        v[c] = fields[at[c]];
        if (!core::IsValidUtf8(v[c])) return Status::Invalid(where + " is not UTF-8");
      }
      if (!core::IsClassCode(v[0])) return Status::Invalid(where + ": class_code " + v[0] + " is not 5 digits");
      int main_order = 0, sub_item = 0;
      try {
        main_order = std::stoi(v[2]);
        sub_item = v[3].empty() ? 0 : std::stoi(v[3]);
      } catch (...) {
        return Status::Invalid(where + ": main_order and sub_item must be numbers");
      }
      if (core::ClassCodeOf(main_order, sub_item) != v[0]) {
        return Status::Invalid(where + ": class_code " + v[0] + " disagrees with main_order and sub_item");
      }
      auto r = conn.Exec(
          "INSERT INTO factory_types (class_code, disp_class, main_order, sub_item, description_th, category1_rule, "
          "category2_rule, category3_rule, regulation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {V(v[0]), V(v[1].empty() ? core::DisplayClassOf(v[0]) : v[1]), V(main_order), V(sub_item), V(v[4]),
           V(v[5]), V(v[6]), V(v[7]), V(v[8])});
      if (!r.ok()) return Status::Invalid(where + ": " + r.status().message());
      ++loaded;
    }
    if (!reader.error().empty()) return Status::Invalid(path + ": " + reader.error());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return loaded;
}

}  // namespace ecotown::store
