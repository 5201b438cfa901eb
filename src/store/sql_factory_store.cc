#include "store/sql_factory_store.h"

#include <algorithm>
#include <string>

namespace ecotown::store {
namespace {

using factories::Factory;
using factories::FactoryType;

constexpr const char* kFactoryColumns =
    "SELECT id, org_id, name, registration_no, registration_no14, type_code, category, business, operator_name, "
    "products, capital_thb, workers, horsepower, address, subdistrict_code, lat, lon, phone, contact_name, "
    "contact_email, registered_on, status, created_at, updated_at FROM factories ";

Factory FactoryFromRow(const Row& row) {
  Factory f;
  f.id = row.Int(0);
  f.org_id = row.Int(1);
  f.name = row.Text(2);
  f.registration_no = row.OptText(3);
  f.registration_no14 = row.OptText(4);
  f.type_code = row.OptText(5);
  if (auto category = row.OptInt(6)) f.category = static_cast<int>(*category);
  f.business = row.Text(7);
  f.operator_name = row.Text(8);
  f.products = row.Text(9);
  f.capital_thb = row.OptReal(10);
  f.workers = row.OptInt(11);
  f.horsepower = row.OptReal(12);
  f.address = row.Text(13);
  f.subdistrict_code = row.OptText(14);
  f.lat = row.OptReal(15);
  f.lon = row.OptReal(16);
  f.phone = row.Text(17);
  f.contact_name = row.Text(18);
  f.contact_email = row.Text(19);
  f.registered_on = row.OptText(20);
  auto status = factories::ParseFactoryStatus(row.Text(21));
  f.status = status.ok() ? *status : factories::FactoryStatus::kOperating;
  f.created_at = row.Int(22);
  f.updated_at = row.Int(23);
  return f;
}

constexpr const char* kTypeColumns =
    "SELECT class_code, disp_class, main_order, sub_item, description_th, category1_rule, category2_rule, "
    "category3_rule, regulation FROM factory_types ";

FactoryType TypeFromRow(const Row& r) {
  return {r.Text(0), r.Text(1), static_cast<int>(r.Int(2)), static_cast<int>(r.Int(3)), r.Text(4),
          r.Text(5), r.Text(6), r.Text(7), r.Text(8)};
}

// A duplicate reported by the database, named after the column it collided on.
Status DuplicateOf(const Status& status) {
  if (status.code() != StatusCode::kConflict) return status;
  if (status.message().find("registration_no14") != std::string::npos) {
    return Status::Conflict("a factory with this registration_no14 is already registered", "registration_no14");
  }
  if (status.message().find("registration_no") != std::string::npos) {
    return Status::Conflict("a factory with this registration_no is already registered", "registration_no");
  }
  return status;
}

// Escapes LIKE wildcards; the statements say ESCAPE '\'.
std::string LikeContains(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  out += '%';
  return out;
}

}  // namespace

Result<int64_t> SqlFactoryStore::Insert(const Factory& f) {
  RETURN_IF_ERROR(scope_.RequireWrite(f.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO factories (org_id, name, registration_no, registration_no14, type_code, category, business, "
      "operator_name, products, capital_thb, workers, horsepower, address, subdistrict_code, lat, lon, phone, "
      "contact_name, contact_email, registered_on, status, search_text, created_at, updated_at) VALUES ($1, $2, $3, "
      "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) "
      "RETURNING id",
      {V(f.org_id), V(f.name), V(f.registration_no), V(f.registration_no14), V(f.type_code), V(f.category),
       V(f.business), V(f.operator_name), V(f.products), V(f.capital_thb), V(f.workers), V(f.horsepower),
       V(f.address), V(f.subdistrict_code), V(f.lat), V(f.lon), V(f.phone), V(f.contact_name), V(f.contact_email),
       V(f.registered_on), V(factories::FactoryStatusName(f.status)), V(factories::SearchTextOf(f)),
       V(f.created_at), V(f.updated_at)});
  if (!row.ok()) return DuplicateOf(row.status());
  return row->Int(0);
}

Result<Factory> SqlFactoryStore::Get(int64_t id) {
  auto row = conn_.QueryOne(std::string(kFactoryColumns) + "WHERE id = $1 AND " + scope_.FactoryFilterSql("org_id", "id"),
                            {V(id)}, "factory");
  if (!row.ok()) return row.status();
  return FactoryFromRow(*row);
}

Result<factories::FactoryPage> SqlFactoryStore::List(const factories::FactoryQuery& q) {
  std::string sql = std::string(kFactoryColumns) + "WHERE " + scope_.FactoryFilterSql("org_id", "id");
  Params params;
  auto add = [&](const std::string& condition, Value value) {
    params.push_back(std::move(value));
    std::string text = condition;
    const std::string slot = "$" + std::to_string(params.size());
    for (size_t at = text.find('?'); at != std::string::npos; at = text.find('?', at + slot.size())) {
      text.replace(at, 1, slot);
    }
    sql += " AND " + text;
  };
  if (q.org_id) add("org_id = ?", V(*q.org_id));
  if (q.status) add("status = ?", V(factories::FactoryStatusName(*q.status)));
  if (q.type_code) add("type_code = ?", V(*q.type_code));
  if (q.category) add("category = ?", V(static_cast<int64_t>(*q.category)));
  if (q.area_code && !q.area_code->empty()) {
    // A code prefix as a range, so the subdistrict index serves it: "2502" covers 250200..2502zz.
    add("subdistrict_code >= ?", V(*q.area_code));
    add("subdistrict_code < ?", V(*q.area_code + "\x7f"));
  }
  if (q.registered_from) add("registered_on >= ?", V(*q.registered_from));
  if (q.registered_to) add("registered_on <= ?", V(*q.registered_to));
  if (q.text && !q.text->empty()) add("search_text LIKE ? ESCAPE '\\'", V(LikeContains(*q.text)));
  if (q.after_id) add("id < ?", V(*q.after_id));
  const int limit = std::clamp(q.limit, 1, 500);
  params.push_back(V(static_cast<int64_t>(limit + 1)));
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(params.size());
  auto result = conn_.Query(sql, params);
  if (!result.ok()) return result.status();
  factories::FactoryPage page;
  for (const auto& row : result->rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_after_id = page.items.back().id;
      break;
    }
    page.items.push_back(FactoryFromRow(row));
  }
  return page;
}

Status SqlFactoryStore::Update(const Factory& f) {
  RETURN_IF_ERROR(scope_.RequireWrite(f.org_id, "factory"));
  auto result = conn_.Exec(
      "UPDATE factories SET name = $1, registration_no = $2, registration_no14 = $3, type_code = $4, category = $5, "
      "business = $6, operator_name = $7, products = $8, capital_thb = $9, workers = $10, horsepower = $11, "
      "address = $12, subdistrict_code = $13, lat = $14, lon = $15, phone = $16, contact_name = $17, "
      "contact_email = $18, registered_on = $19, status = $20, search_text = $21, updated_at = $22 "
      "WHERE id = $23 AND org_id = $24",
      {V(f.name), V(f.registration_no), V(f.registration_no14), V(f.type_code), V(f.category), V(f.business),
       V(f.operator_name), V(f.products), V(f.capital_thb), V(f.workers), V(f.horsepower), V(f.address),
       V(f.subdistrict_code), V(f.lat), V(f.lon), V(f.phone), V(f.contact_name), V(f.contact_email),
       V(f.registered_on), V(factories::FactoryStatusName(f.status)), V(factories::SearchTextOf(f)),
       V(f.updated_at), V(f.id), V(f.org_id)});
  if (!result.ok()) return DuplicateOf(result.status());
  return *result == 1 ? Status::Ok() : Status::NotFound("factory not found");
}

Result<Factory> SqlFactoryStore::FindByRegistration(int64_t org_id,
                                                    const std::optional<std::string>& registration_no14,
                                                    const std::optional<std::string>& registration_no) {
  if (!registration_no14 && !registration_no) return Status::NotFound("factory not found");
  auto result = conn_.Query(std::string(kFactoryColumns) +
                                "WHERE org_id = $1 AND (registration_no14 = $2 OR registration_no = $3) AND " +
                                scope_.FactoryFilterSql("org_id", "id") + " ORDER BY id LIMIT 2",
                            {V(org_id), V(registration_no14), V(registration_no)});
  if (!result.ok()) return result.status();
  if (result->rows.empty()) return Status::NotFound("factory not found");
  // Prefer the match on the 14-digit id, the stronger key.
  for (const auto& row : result->rows) {
    Factory f = FactoryFromRow(row);
    if (registration_no14 && f.registration_no14 == registration_no14) return f;
  }
  return FactoryFromRow(result->rows.front());
}

Result<FactoryType> SqlFactoryStore::GetType(std::string_view class_code) {
  auto row = conn_.QueryOne(std::string(kTypeColumns) + "WHERE class_code = $1", {V(class_code)}, "factory type");
  if (!row.ok()) return row.status();
  return TypeFromRow(*row);
}

Result<std::vector<FactoryType>> SqlFactoryStore::SearchTypes(std::string_view text, int limit) {
  std::string sql = kTypeColumns;
  Params params;
  if (!text.empty()) {
    params.push_back(V(LikeContains(text)));
    sql += "WHERE class_code LIKE $1 ESCAPE '\\' OR disp_class LIKE $1 ESCAPE '\\' OR description_th LIKE $1 "
           "ESCAPE '\\' ";
  }
  params.push_back(V(static_cast<int64_t>(std::clamp(limit, 1, 1000))));
  sql += "ORDER BY class_code LIMIT $" + std::to_string(params.size());
  auto result = conn_.Query(sql, params);
  if (!result.ok()) return result.status();
  std::vector<FactoryType> out;
  for (const auto& row : result->rows) out.push_back(TypeFromRow(row));
  return out;
}

}  // namespace ecotown::store
