#include "store/factory_types_loader.h"

#include <algorithm>
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

// One row of the list as factory_types stores it (kColumns in order; main_order and sub_item as
// numbers, sub_item 0 for a main type).
struct TypeRow {
  std::string class_code, disp_class;
  int64_t main_order = 0, sub_item = 0;
  std::array<std::string, 5> texts;  // description_th, category1_rule .. category3_rule, regulation
  friend bool operator==(const TypeRow&, const TypeRow&) = default;
};

// The shipped list, every row checked, in file order; nothing is written while it is read.
Result<std::vector<TypeRow>> ReadTypeList(const std::string& path) {
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
  std::vector<TypeRow> rows;
  std::map<std::string, size_t> line_of;
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
    if (auto [earlier, fresh] = line_of.emplace(v[0], reader.line()); !fresh) {
      return Status::Invalid(where + ": class_code " + v[0] + " repeats line " + std::to_string(earlier->second));
    }
    rows.push_back(TypeRow{
        v[0], v[1].empty() ? core::DisplayClassOf(v[0]) : v[1], main_order, sub_item, {v[4], v[5], v[6], v[7], v[8]}});
  }
  if (!reader.error().empty()) return Status::Invalid(path + ": " + reader.error());
  // An empty list would otherwise remove every type no factory uses.
  if (rows.empty()) return Status::Invalid(path + " has no factory types");
  return rows;
}

Params ParamsOf(const TypeRow& t) {
  return {V(t.class_code), V(t.disp_class), V(t.main_order), V(t.sub_item), V(t.texts[0]),
          V(t.texts[1]),   V(t.texts[2]),   V(t.texts[3]),   V(t.texts[4])};
}

}  // namespace

Result<FactoryTypeSync> SyncFactoryTypes(Database& db, const std::string& data_dir) {
  const std::string path = data_dir + "/factory_types.csv";
  if (!std::filesystem::exists(path)) return Status::NotFound("factory type list " + path + " not found");
  ASSIGN_OR_RETURN(const std::vector<TypeRow> shipped, ReadTypeList(path));
  FactoryTypeSync sync;
  Status status = db.Transaction(true, [&](Connection& conn) -> Status {
    if (conn.dialect() == Dialect::kPostgres) {
      // Instances starting together: the later ones wait and then find the table up to date.
      auto locked = conn.Query("SELECT pg_advisory_xact_lock(74053)");
      if (!locked.ok()) return locked.status();
    }
    auto stored = conn.Query(
        "SELECT class_code, disp_class, main_order, sub_item, description_th, category1_rule, category2_rule, "
        "category3_rule, regulation FROM factory_types",
        {});
    if (!stored.ok()) return stored.status();
    std::map<std::string, TypeRow> in_table;
    for (const Row& r : stored->rows) {
      TypeRow t{r.Text(0), r.Text(1), r.Int(2), r.Int(3), {r.Text(4), r.Text(5), r.Text(6), r.Text(7), r.Text(8)}};
      in_table.emplace(t.class_code, std::move(t));
    }
    for (const TypeRow& t : shipped) {
      auto found = in_table.find(t.class_code);
      if (found == in_table.end()) {
        auto r = conn.Exec(
            "INSERT INTO factory_types (class_code, disp_class, main_order, sub_item, description_th, "
            "category1_rule, category2_rule, category3_rule, regulation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            ParamsOf(t));
        if (!r.ok()) return Status::Invalid(path + ": class_code " + t.class_code + ": " + r.status().message());
        ++sync.inserted;
        continue;
      }
      const bool same = found->second == t;
      in_table.erase(found);
      if (same) continue;
      auto r = conn.Exec(
          "UPDATE factory_types SET disp_class = $2, main_order = $3, sub_item = $4, description_th = $5, "
          "category1_rule = $6, category2_rule = $7, category3_rule = $8, regulation = $9 WHERE class_code = $1",
          ParamsOf(t));
      if (!r.ok()) return Status::Invalid(path + ": class_code " + t.class_code + ": " + r.status().message());
      ++sync.updated;
    }
    // What is left in the table is no longer shipped.
    for (const auto& [code, unused] : in_table) {
      auto r = conn.Exec(
          "DELETE FROM factory_types WHERE class_code = $1 AND NOT EXISTS "
          "(SELECT 1 FROM factories WHERE factories.type_code = factory_types.class_code)",
          {V(code)});
      if (!r.ok()) return r.status();
      if (*r == 1) {
        ++sync.removed;
      } else {
        sync.kept.push_back(code);
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return sync;
}

}  // namespace ecotown::store
