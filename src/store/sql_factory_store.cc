#include "store/sql_factory_store.h"

#include <algorithm>
#include <cctype>
#include <string>

#include <nlohmann/json.hpp>

#include "core/utf8.h"
#include "store/sql_rows.h"

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

// The district (4) or province (2) code of a subdistrict code, kept in their own indexed columns.
Value CodePrefix(const std::optional<std::string>& subdistrict, size_t digits) {
  if (!subdistrict || subdistrict->size() < digits) return Null{};
  return subdistrict->substr(0, digits);
}

// The text as one FTS5 phrase ("..." with inner quotes doubled): a substring match under the
// trigram tokenizer.
std::string FtsPhrase(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

Result<int64_t> SqlFactoryStore::Insert(const Factory& f) {
  RETURN_IF_ERROR(scope_.RequireWrite(f.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO factories (org_id, name, registration_no, registration_no14, type_code, category, business, "
      "operator_name, products, capital_thb, workers, horsepower, address, subdistrict_code, lat, lon, phone, "
      "contact_name, contact_email, registered_on, status, search_text, created_at, updated_at, district_code, "
      "province_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
      "$20, $21, $22, $23, $24, $25, $26) RETURNING id",
      {V(f.org_id), V(f.name), V(f.registration_no), V(f.registration_no14), V(f.type_code), V(f.category),
       V(f.business), V(f.operator_name), V(f.products), V(f.capital_thb), V(f.workers), V(f.horsepower),
       V(f.address), V(f.subdistrict_code), V(f.lat), V(f.lon), V(f.phone), V(f.contact_name), V(f.contact_email),
       V(f.registered_on), V(factories::FactoryStatusName(f.status)), V(factories::SearchTextOf(f)),
       V(f.created_at), V(f.updated_at), CodePrefix(f.subdistrict_code, 4), CodePrefix(f.subdistrict_code, 2)});
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
  RETURN_IF_ERROR(conn_.PlanForActualValues());
  const bool sqlite = conn_.dialect() == Dialect::kSqlite;
  const bool has_text = q.text && !q.text->empty();
  // SQLite finds a text of 3 or more characters through its trigram index (FTS5), walked newest
  // first: it yields the matches in descending rowid order and stops at the page size, for a rare
  // text (a registration-number fragment, ~1,000 matches far back: 1 ms) as for a common one (a
  // word in most names: 1 ms). Shorter texts are found by walking the newest rows with LIKE.
  const bool fts = sqlite && has_text && core::CodePointCount(*q.text) >= 3;
  // PostgreSQL finds a text of 3 or more characters through its trigram index when it is rare (see
  // the statements at the end).
  const bool trigram = !sqlite && has_text && core::CodePointCount(*q.text) >= 3;
  // The filters, each with '?' where its value goes; `text` marks the text condition, which some
  // PostgreSQL statements leave out.
  struct Condition {
    std::string sql;
    Value value;
    bool text = false;
  };
  std::vector<Condition> conditions;
  auto add = [&](std::string condition, Value value, bool text = false) {
    conditions.push_back({std::move(condition), std::move(value), text});
  };
  if (q.org_id) add("org_id = ?", V(*q.org_id));
  if (q.status) add("status = ?", V(factories::FactoryStatusName(*q.status)));
  if (q.type_code) add("type_code = ?", V(*q.type_code));
  if (q.category) add("category = ?", V(static_cast<int64_t>(*q.category)));
  if (q.area_code && !q.area_code->empty()) {
    // Province, district or subdistrict: each an equality on its own column, so that an index on
    // (org_id, column, id) gives the newest first without sorting.
    const size_t n = q.area_code->size();
    add(n <= 2 ? "province_code = ?" : n <= 4 ? "district_code = ?" : "subdistrict_code = ?", V(*q.area_code));
  }
  if (q.registered_from || q.registered_to) {
    // SQLite, which keeps no statistics here, serves any date range from the date index and then
    // sorts every row in it for the newest first: 29,000 rows for a four-year range (27 ms). A wide
    // range is found faster by walking the newest rows and testing the date of each (the unary +
    // keeps the date index out), which stops at the page size. Counting up to kWideRange entries of
    // the index tells which; PostgreSQL chooses from its own statistics.
    constexpr int64_t kWideRange = 5000;
    const std::string from = q.registered_from.value_or(""), to = q.registered_to.value_or("9999-12-31");
    std::string column = "registered_on";
    if (sqlite && !fts) {
      auto rows = conn_.QueryOne("SELECT COUNT(*) FROM (SELECT 1 FROM factories WHERE " +
                                     scope_.FactoryFilterSql("org_id", "id") +
                                     " AND registered_on >= $1 AND registered_on <= $2 LIMIT $3) AS in_range",
                                 {V(from), V(to), V(kWideRange)});
      if (!rows.ok()) return rows.status();
      if (rows->Int(0) >= kWideRange) column = "+registered_on";
    }
    if (q.registered_from) add(column + " >= ?", V(*q.registered_from));
    if (q.registered_to) add(column + " <= ?", V(*q.registered_to));
  }
  // Newest first: the primary key gives that order without sorting, and stops at the page size.
  std::string order = "id DESC";
  std::string id_column = "id";
  if (fts) {
    add("factories_search MATCH ?", V(FtsPhrase(*q.text)));
    add("factories.search_text LIKE ? ESCAPE '\\'", V(LikeContains(*q.text)));  // the exact meaning
    order = id_column = "factories_search.rowid";
    order += " DESC";
  } else if (has_text) {
    // PostgreSQL's LIKE escapes with a backslash by default.
    add(sqlite ? "search_text LIKE ? ESCAPE '\\'" : "search_text LIKE ?", V(LikeContains(*q.text)), true);
  }
  if (q.after_id) add(id_column + " < ?", V(*q.after_id));
  // The scope and the conditions (the text one only if with_text), their values appended to params.
  auto where = [&](Params& params, bool with_text) {
    std::string sql = scope_.FactoryFilterSql("org_id", "id");
    for (const Condition& c : conditions) {
      if (c.text && !with_text) continue;
      params.push_back(c.value);
      std::string text = c.sql;
      const std::string slot = "$" + std::to_string(params.size());
      for (size_t at = text.find('?'); at != std::string::npos; at = text.find('?', at + slot.size())) {
        text.replace(at, 1, slot);
      }
      sql += " AND " + text;
    }
    return sql;
  };
  const int limit = std::clamp(q.limit, 1, 500);
  // The statement's rows (newest first, at most limit + 1) as a page.
  auto page_of = [&](const std::vector<Row>& rows) {
    factories::FactoryPage page;
    for (const auto& row : rows) {
      if (row.IsNull(0)) continue;  // the row of statement 2 below that only carries the count
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_after_id = page.items.back().id;
        break;
      }
      page.items.push_back(FactoryFromRow(row));
    }
    return page;
  };
  Params params;
  auto run = [&](const std::string& sql) -> Result<std::vector<Row>> {
    auto result = conn_.Query(sql, params);
    if (!result.ok()) return result.status();
    return std::move(result->rows);
  };
  auto slot = [&](Value value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  if (!trigram) {
    const std::string conditions_sql = where(params, true);
    const std::string page_size = slot(V(static_cast<int64_t>(limit + 1)));
    ASSIGN_OR_RETURN(const auto rows,
                     run(std::string(kFactoryColumns) +
                         (fts ? "JOIN factories_search ON factories_search.rowid = factories.id " : "") + "WHERE " +
                         conditions_sql + " ORDER BY " + order + " LIMIT " + page_size));
    return page_of(rows);
  }

  // PostgreSQL, a text of 3 or more characters. The planner, guessing the matches spread evenly,
  // would walk the newest rows even for a rare text whose matches all lie far back (a
  // registration-number fragment: 76,000 rows read for 51), and would read every match of a common
  // text through the trigram index to sort them (a word in 63,000 names). Up to three statements,
  // each planned for the actual values (the choices below follow the text), each run only when
  // the one before did not answer; each is small, since planning one that held all three took
  // longer (~0.7 ms) than running the one that answers.
  constexpr int64_t kCommonText = 1000;
  constexpr int64_t kRecentPages = 3;
  // 1. A text with a letter (a word): the newest kRecentPages pages of rows that pass every other
  //    filter are tested for it. A full page there is the answer (a common word: ~150 rows read
  //    instead of ~1,500 to count 1,000 matches). A text without a letter (a registration-number
  //    fragment) lies anywhere in the registry, so the test would only add its cost.
  const bool word = std::any_of(q.text->begin(), q.text->end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0x80) != 0 || std::isalpha(static_cast<unsigned char>(c));
  });
  if (word) {
    const std::string other_filters = where(params, false);
    const std::string recent_rows = slot(V(kRecentPages * (limit + 1)));
    const std::string pattern = slot(V(LikeContains(*q.text)));
    const std::string page_size = slot(V(static_cast<int64_t>(limit + 1)));
    ASSIGN_OR_RETURN(const auto rows,
                     run("WITH recent AS MATERIALIZED (SELECT id, search_text FROM factories WHERE " + other_filters +
                         " ORDER BY id DESC LIMIT " + recent_rows + ") " + kFactoryColumns +
                         "WHERE id IN (SELECT id FROM recent WHERE search_text LIKE " + pattern +
                         " ORDER BY id DESC LIMIT " + page_size + ") ORDER BY id DESC"));
    if (rows.size() == static_cast<size_t>(limit + 1)) return page_of(rows);
    params.clear();
  }
  // 2. The matches are collected, up to kCommonText, into "matches"; the cap is hidden from the
  //    planner in a subquery, so that it chooses the access path for all the matches (the trigram
  //    index unless the text is in a large share of the rows, where a scan finds the cap soonest).
  //    Fewer than kCommonText: they are every match, and the page is the newest of them. The count
  //    comes back on every row (one row of NULLs and the count when no factory row does).
  {
    const std::string conditions_sql = where(params, true);
    const std::string cap = slot(V(kCommonText));
    const std::string page_size = slot(V(static_cast<int64_t>(limit + 1)));
    const std::string matches = "WITH matches AS MATERIALIZED (SELECT id FROM factories WHERE " + conditions_sql +
                                " LIMIT (SELECT " + cap + "::bigint)) ";
    const std::string newest = std::string(kFactoryColumns) + "WHERE counted.matched < " + cap +
                               " AND id IN (SELECT id FROM matches ORDER BY id DESC LIMIT " + page_size + ")";
    ASSIGN_OR_RETURN(const auto rows, run(matches +
                                          "SELECT page.*, counted.matched FROM (SELECT COUNT(*) AS matched "
                                          "FROM matches) AS counted LEFT JOIN LATERAL (" +
                                          newest + ") AS page ON true ORDER BY page.id DESC"));
    if (rows.empty()) return Status::Internal("factory search: no count of the matches");
    if (rows.front().Int(rows.front().size() - 1) < kCommonText) return page_of(rows);
    params.clear();
  }
  // 3. A common text (kCommonText matches or more), planned for how common: the walk of the newest
  //    rows, which stops at the page size, unless the matches are few enough to sort.
  const std::string conditions_sql = where(params, true);
  const std::string page_size = slot(V(static_cast<int64_t>(limit + 1)));
  ASSIGN_OR_RETURN(const auto rows, run(std::string(kFactoryColumns) + "WHERE " + conditions_sql +
                                        " ORDER BY id DESC LIMIT " + page_size));
  return page_of(rows);
}

Status SqlFactoryStore::Update(const Factory& f) {
  RETURN_IF_ERROR(scope_.RequireWrite(f.org_id, "factory"));
  auto result = conn_.Exec(
      "UPDATE factories SET name = $1, registration_no = $2, registration_no14 = $3, type_code = $4, category = $5, "
      "business = $6, operator_name = $7, products = $8, capital_thb = $9, workers = $10, horsepower = $11, "
      "address = $12, subdistrict_code = $13, lat = $14, lon = $15, phone = $16, contact_name = $17, "
      "contact_email = $18, registered_on = $19, status = $20, search_text = $21, updated_at = $22, "
      "district_code = $25, province_code = $26 WHERE id = $23 AND org_id = $24",
      {V(f.name), V(f.registration_no), V(f.registration_no14), V(f.type_code), V(f.category), V(f.business),
       V(f.operator_name), V(f.products), V(f.capital_thb), V(f.workers), V(f.horsepower), V(f.address),
       V(f.subdistrict_code), V(f.lat), V(f.lon), V(f.phone), V(f.contact_name), V(f.contact_email),
       V(f.registered_on), V(factories::FactoryStatusName(f.status)), V(factories::SearchTextOf(f)),
       V(f.updated_at), V(f.id), V(f.org_id), CodePrefix(f.subdistrict_code, 4), CodePrefix(f.subdistrict_code, 2)});
  if (!result.ok()) return DuplicateOf(result.status());
  return *result == 1 ? Status::Ok() : Status::NotFound("factory not found");
}

Result<Factory> SqlFactoryStore::FindByRegistration(int64_t org_id,
                                                    const std::optional<std::string>& registration_no14,
                                                    const std::optional<std::string>& registration_no) {
  // One indexed lookup per number, the 14-digit id (the stronger key) first. A single
  // "no14 = $2 OR no = $3" let SQLite scan the organisation's factories when one number was NULL,
  // which made an import of 100,000 rows quadratic.
  for (const auto& [column, value] : {std::pair<const char*, const std::optional<std::string>*>{"registration_no14", &registration_no14},
                                      {"registration_no", &registration_no}}) {
    if (!*value) continue;
    auto result = conn_.Query(std::string(kFactoryColumns) + "WHERE org_id = $1 AND " + column + " = $2 AND " +
                                  scope_.FactoryFilterSql("org_id", "id") + " LIMIT 1",
                              {V(org_id), V(**value)});
    if (!result.ok()) return result.status();
    if (!result->rows.empty()) return FactoryFromRow(result->rows.front());
  }
  return Status::NotFound("factory not found");
}

Status SqlFactoryStore::RefreshStatistics() {
  // ANALYZE runs inside a transaction on PostgreSQL, counts this transaction's own new rows, and
  // invalidates the cached plans of statements on these tables. SQLite re-plans nothing it caches
  // across statistics and picks the registration indexes without them.
  if (conn_.dialect() != Dialect::kPostgres) return Status::Ok();
  return conn_.ExecScript("ANALYZE factories");
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

namespace ecotown::store {
namespace {

using factories::EmissionSource;
using factories::Licence;
using factories::Receptor;
using factories::WastewaterOutlet;

Status OneRow(const Result<int64_t>& result, const char* what) {
  if (!result.ok()) return result.status();
  return *result == 1 ? Status::Ok() : Status::NotFound(std::string(what) + " not found");
}

constexpr const char* kLicenceColumns =
    "SELECT l.id, l.org_id, l.factory_id, l.kind, l.number, l.issuer, l.issued_on, l.expires_on, l.notes, "
    "l.created_at, l.updated_at, f.name FROM factory_licences l JOIN factories f ON f.id = l.factory_id ";

Licence LicenceFromRow(const Row& r) {
  Licence l;
  l.id = r.Int(0);
  l.org_id = r.Int(1);
  l.factory_id = r.Int(2);
  auto kind = factories::ParseLicenceKind(r.Text(3));
  l.kind = kind.ok() ? *kind : factories::LicenceKind::kPhHazardousBusiness;
  l.number = r.Text(4);
  l.issuer = r.Text(5);
  l.issued_on = r.OptText(6);
  l.expires_on = r.OptText(7);
  l.notes = r.Text(8);
  l.created_at = r.Int(9);
  l.updated_at = r.Int(10);
  return l;
}

std::string PollutantsJson(const std::vector<factories::PollutantRate>& pollutants) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& p : pollutants) j.push_back({{"pollutant", p.pollutant}, {"rate_g_s", p.rate_g_s}});
  return j.dump();
}

std::vector<factories::PollutantRate> PollutantsFromJson(const std::string& text) {
  std::vector<factories::PollutantRate> out;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& p : j) {
    if (p.is_object() && p.value("pollutant", nlohmann::json()).is_string() &&
        p.value("rate_g_s", nlohmann::json()).is_number()) {
      out.push_back({p["pollutant"].get<std::string>(), p["rate_g_s"].get<double>()});
    }
  }
  return out;
}

constexpr const char* kSourceColumns =
    "SELECT id, org_id, factory_id, name, stack_height_m, inner_diameter_m, exit_velocity_m_s, exit_temperature_k, "
    "fuel, pollutants, lat, lon, created_at, updated_at FROM emission_sources ";

EmissionSource SourceFromRow(const Row& r) {
  EmissionSource s;
  s.id = r.Int(0);
  s.org_id = r.Int(1);
  s.factory_id = r.Int(2);
  s.name = r.Text(3);
  s.stack_height_m = r.Real(4);
  s.inner_diameter_m = r.Real(5);
  s.exit_velocity_m_s = r.Real(6);
  s.exit_temperature_k = r.Real(7);
  s.fuel = r.Text(8);
  s.pollutants = PollutantsFromJson(r.Text(9));
  s.lat = r.OptReal(10);
  s.lon = r.OptReal(11);
  s.created_at = r.Int(12);
  s.updated_at = r.Int(13);
  return s;
}

constexpr const char* kOutletColumns =
    "SELECT id, org_id, factory_id, name, receiving_water, lat, lon, treatment, flow_m3_day, created_at, updated_at "
    "FROM wastewater_outlets ";

WastewaterOutlet OutletFromRow(const Row& r) {
  WastewaterOutlet o;
  o.id = r.Int(0);
  o.org_id = r.Int(1);
  o.factory_id = r.Int(2);
  o.name = r.Text(3);
  o.receiving_water = r.Text(4);
  o.lat = r.OptReal(5);
  o.lon = r.OptReal(6);
  o.treatment = r.Text(7);
  o.flow_m3_day = r.OptReal(8);
  o.created_at = r.Int(9);
  o.updated_at = r.Int(10);
  return o;
}

constexpr const char* kReceptorColumns =
    "SELECT id, org_id, kind, name, lat, lon, people, notes, created_at, updated_at FROM receptors ";

Receptor ReceptorFromRow(const Row& r) {
  Receptor x;
  x.id = r.Int(0);
  x.org_id = r.Int(1);
  auto kind = factories::ParseReceptorKind(r.Text(2));
  x.kind = kind.ok() ? *kind : factories::ReceptorKind::kCommunity;
  x.name = r.Text(3);
  x.lat = r.Real(4);
  x.lon = r.Real(5);
  x.people = r.OptInt(6);
  x.notes = r.Text(7);
  x.created_at = r.Int(8);
  x.updated_at = r.Int(9);
  return x;
}

}  // namespace

Status SqlFactoryStore::DeleteOwned(const char* table, int64_t id, const char* what) {
  auto row = conn_.QueryOne(std::string("SELECT org_id, factory_id FROM ") + table + " WHERE id = $1 AND " +
                                scope_.FactoryFilterSql("org_id", "factory_id"),
                            {V(id)}, what);
  if (!row.ok()) return row.status();
  RETURN_IF_ERROR(scope_.RequireWrite(row->Int(0), what));
  return OneRow(conn_.Exec(std::string("DELETE FROM ") + table + " WHERE id = $1", {V(id)}), what);
}

// ---- licences ----

Result<int64_t> SqlFactoryStore::InsertLicence(const Licence& l) {
  RETURN_IF_ERROR(scope_.RequireWrite(l.org_id, "factory"));
  auto row = conn_.QueryOne(
      "INSERT INTO factory_licences (org_id, factory_id, kind, number, issuer, issued_on, expires_on, notes, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
      {V(l.org_id), V(l.factory_id), V(factories::LicenceKindName(l.kind)), V(l.number), V(l.issuer), V(l.issued_on),
       V(l.expires_on), V(l.notes), V(l.created_at), V(l.updated_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Licence> SqlFactoryStore::GetLicence(int64_t id) {
  auto row = conn_.QueryOne(std::string(kLicenceColumns) + "WHERE l.id = $1 AND " +
                                scope_.FactoryFilterSql("l.org_id", "l.factory_id"),
                            {V(id)}, "licence");
  if (!row.ok()) return row.status();
  return LicenceFromRow(*row);
}

Result<std::vector<Licence>> SqlFactoryStore::ListLicences(int64_t factory_id) {
  return Rows<Licence>(conn_.Query(std::string(kLicenceColumns) + "WHERE l.factory_id = $1 AND " +
                                       scope_.FactoryFilterSql("l.org_id", "l.factory_id") +
                                       " ORDER BY l.expires_on IS NULL, l.expires_on, l.id",
                                   {V(factory_id)}),
                       LicenceFromRow);
}

Status SqlFactoryStore::UpdateLicence(const Licence& l) {
  RETURN_IF_ERROR(scope_.RequireWrite(l.org_id, "licence"));
  return OneRow(conn_.Exec("UPDATE factory_licences SET kind = $1, number = $2, issuer = $3, issued_on = $4, "
                           "expires_on = $5, notes = $6, updated_at = $7 WHERE id = $8 AND org_id = $9",
                           {V(factories::LicenceKindName(l.kind)), V(l.number), V(l.issuer), V(l.issued_on),
                            V(l.expires_on), V(l.notes), V(l.updated_at), V(l.id), V(l.org_id)}),
                "licence");
}

Status SqlFactoryStore::DeleteLicence(int64_t id) { return DeleteOwned("factory_licences", id, "licence"); }

Result<std::vector<factories::ExpiringLicence>> SqlFactoryStore::ExpiringLicences(std::string_view from,
                                                                                  std::string_view to) {
  auto result = conn_.Query(std::string(kLicenceColumns) + "WHERE l.expires_on >= $1 AND l.expires_on <= $2 AND " +
                                scope_.FactoryFilterSql("l.org_id", "l.factory_id") +
                                " ORDER BY l.expires_on, l.id LIMIT 1000",
                            {V(from), V(to)});
  if (!result.ok()) return result.status();
  std::vector<factories::ExpiringLicence> out;
  for (const auto& row : result->rows) out.push_back({LicenceFromRow(row), row.Text(11)});
  return out;
}

Result<std::vector<factories::ExpiringLicence>> SqlFactoryStore::ExpiringLicencesOf(int64_t org_id,
                                                                                    std::string_view from,
                                                                                    std::string_view to) {
  auto result = conn_.Query(std::string(kLicenceColumns) +
                                "WHERE l.org_id = $1 AND l.expires_on >= $2 AND l.expires_on <= $3 AND " +
                                scope_.FactoryFilterSql("l.org_id", "l.factory_id") + " ORDER BY l.expires_on, l.id",
                            {V(org_id), V(from), V(to)});
  if (!result.ok()) return result.status();
  std::vector<factories::ExpiringLicence> out;
  for (const auto& row : result->rows) out.push_back({LicenceFromRow(row), row.Text(11)});
  return out;
}

// ---- licence expiry reminders ----

namespace {

// Thresholds and recipients are kept as comma-separated text (neither can contain a comma).
std::string JoinComma(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ",") + part;
  return out;
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

constexpr const char* kReminderSettingsColumns =
    "SELECT org_id, days, recipients, enabled, updated_at, updated_by FROM licence_reminder_settings ";

factories::ReminderSettings ReminderSettingsFromRow(const Row& r) {
  factories::ReminderSettings s;
  s.org_id = r.Int(0);
  for (const auto& d : SplitComma(r.Text(1))) s.days.push_back(std::stoi(d));
  s.recipients = SplitComma(r.Text(2));
  s.enabled = r.Bool(3);
  s.updated_at = r.Int(4);
  s.updated_by = r.Text(5);
  return s;
}

constexpr const char* kReminderColumns =
    "SELECT id, org_id, factory_id, licence_id, expires_on, threshold_days, to_address, subject, body, status, "
    "attempts, next_attempt_at, last_error, sent_at, created_at FROM licence_reminders ";

factories::LicenceReminder ReminderFromRow(const Row& r) {
  factories::LicenceReminder m;
  m.id = r.Int(0);
  m.org_id = r.Int(1);
  m.factory_id = r.Int(2);
  m.licence_id = r.Int(3);
  m.expires_on = r.Text(4);
  m.threshold_days = static_cast<int>(r.Int(5));
  m.to_address = r.Text(6);
  m.subject = r.Text(7);
  m.body = r.Text(8);
  auto status = factories::ParseReminderStatus(r.Text(9));
  m.status = status.ok() ? *status : factories::ReminderStatus::kPending;
  m.attempts = static_cast<int>(r.Int(10));
  m.next_attempt_at = r.Int(11);
  m.last_error = r.OptText(12);
  m.sent_at = r.OptInt(13);
  m.created_at = r.Int(14);
  return m;
}

}  // namespace

Result<factories::ReminderSettings> SqlFactoryStore::GetReminderSettings(int64_t org_id) {
  auto row =
      conn_.QueryOne(std::string(kReminderSettingsColumns) + "WHERE org_id = $1 AND " + scope_.OrgFilterSql("org_id"),
                     {V(org_id)}, "licence reminder settings");
  if (!row.ok()) return row.status();
  return ReminderSettingsFromRow(*row);
}

Status SqlFactoryStore::PutReminderSettings(const factories::ReminderSettings& s) {
  RETURN_IF_ERROR(scope_.RequireWrite(s.org_id, "organisation"));
  std::vector<std::string> days;
  for (int d : s.days) days.push_back(std::to_string(d));
  return conn_
      .Exec(
          "INSERT INTO licence_reminder_settings (org_id, days, recipients, enabled, updated_at, updated_by) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET days = excluded.days, "
          "recipients = excluded.recipients, enabled = excluded.enabled, updated_at = excluded.updated_at, "
          "updated_by = excluded.updated_by",
          {V(s.org_id), V(JoinComma(days)), V(JoinComma(s.recipients)), V(s.enabled), V(s.updated_at), V(s.updated_by)})
      .status();
}

Result<std::vector<factories::ReminderSettings>> SqlFactoryStore::ListReminderSettings() {
  return Rows<factories::ReminderSettings>(
      conn_.Query(std::string(kReminderSettingsColumns) + "WHERE " + scope_.OrgFilterSql("org_id") + " ORDER BY org_id",
                  {}),
      ReminderSettingsFromRow);
}

Result<bool> SqlFactoryStore::QueueReminder(const factories::LicenceReminder& m) {
  RETURN_IF_ERROR(scope_.RequireWrite(m.org_id, "organisation"));
  ASSIGN_OR_RETURN(
      const int64_t n,
      conn_.Exec("INSERT INTO licence_reminders (org_id, factory_id, licence_id, expires_on, threshold_days, "
                 "to_address, subject, body, status, attempts, next_attempt_at, created_at) VALUES ($1, $2, "
                 "$3, $4, $5, $6, $7, $8, 'pending', 0, $9, $10) ON CONFLICT (licence_id, expires_on, "
                 "threshold_days, to_address) DO NOTHING",
                 {V(m.org_id), V(m.factory_id), V(m.licence_id), V(m.expires_on), V(m.threshold_days), V(m.to_address),
                  V(m.subject), V(m.body), V(m.next_attempt_at), V(m.created_at)}));
  return n == 1;
}

Result<std::vector<factories::LicenceReminder>> SqlFactoryStore::ClaimDueReminders(int64_t now, int64_t lease_until,
                                                                                   int limit) {
  RETURN_IF_ERROR(scope_.Require(tenancy::Permission::kWrite));
  ASSIGN_OR_RETURN(auto due, conn_.Query("SELECT id FROM licence_reminders WHERE status = 'pending' AND "
                                         "next_attempt_at <= $1 AND " +
                                             scope_.OrgFilterSql("org_id") + " ORDER BY next_attempt_at, id LIMIT $2",
                                         {V(now), V(static_cast<int64_t>(limit))}));
  std::vector<factories::LicenceReminder> out;
  for (const auto& row : due.rows) {
    // Another instance may have claimed the row since the SELECT: only one UPDATE matches.
    ASSIGN_OR_RETURN(const int64_t updated,
                     conn_.Exec("UPDATE licence_reminders SET attempts = attempts + 1, next_attempt_at = $1 "
                                "WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3",
                                {V(lease_until), V(row.Int(0)), V(now)}));
    if (updated != 1) continue;
    ASSIGN_OR_RETURN(const Row claimed,
                     conn_.QueryOne(std::string(kReminderColumns) + "WHERE id = $1", {V(row.Int(0))}, "reminder"));
    out.push_back(ReminderFromRow(claimed));
  }
  return out;
}

Status SqlFactoryStore::FinishReminder(int64_t id, factories::ReminderStatus status, int64_t next_attempt_at,
                                       const std::optional<std::string>& last_error, std::optional<int64_t> sent_at) {
  RETURN_IF_ERROR(scope_.Require(tenancy::Permission::kWrite));
  return OneRow(
      conn_.Exec("UPDATE licence_reminders SET status = $1, next_attempt_at = $2, last_error = $3, "
                 "sent_at = $4 WHERE id = $5 AND " +
                     scope_.OrgFilterSql("org_id"),
                 {V(factories::ReminderStatusName(status)), V(next_attempt_at), V(last_error), V(sent_at), V(id)}),
      "reminder");
}

Result<std::vector<factories::LicenceReminder>> SqlFactoryStore::ListReminders(int64_t org_id, int limit) {
  return Rows<factories::LicenceReminder>(conn_.Query(std::string(kReminderColumns) + "WHERE org_id = $1 AND " +
                                                          scope_.OrgFilterSql("org_id") + " ORDER BY id DESC LIMIT $2",
                                                      {V(org_id), V(static_cast<int64_t>(limit))}),
                                          ReminderFromRow);
}

// ---- emission sources ----

Result<int64_t> SqlFactoryStore::InsertEmissionSource(const EmissionSource& s) {
  RETURN_IF_ERROR(scope_.RequireWrite(s.org_id, "factory"));
  auto row = conn_.QueryOne(
      "INSERT INTO emission_sources (org_id, factory_id, name, stack_height_m, inner_diameter_m, exit_velocity_m_s, "
      "exit_temperature_k, fuel, pollutants, lat, lon, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
      "$8, $9, $10, $11, $12, $13) RETURNING id",
      {V(s.org_id), V(s.factory_id), V(s.name), V(s.stack_height_m), V(s.inner_diameter_m), V(s.exit_velocity_m_s),
       V(s.exit_temperature_k), V(s.fuel), V(PollutantsJson(s.pollutants)), V(s.lat), V(s.lon), V(s.created_at),
       V(s.updated_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<EmissionSource> SqlFactoryStore::GetEmissionSource(int64_t id) {
  auto row = conn_.QueryOne(std::string(kSourceColumns) + "WHERE id = $1 AND " +
                                scope_.FactoryFilterSql("org_id", "factory_id"),
                            {V(id)}, "emission source");
  if (!row.ok()) return row.status();
  return SourceFromRow(*row);
}

Result<std::vector<EmissionSource>> SqlFactoryStore::ListEmissionSources(int64_t factory_id) {
  return Rows<EmissionSource>(conn_.Query(std::string(kSourceColumns) + "WHERE factory_id = $1 AND " +
                                              scope_.FactoryFilterSql("org_id", "factory_id") + " ORDER BY id",
                                          {V(factory_id)}),
                              SourceFromRow);
}

Status SqlFactoryStore::UpdateEmissionSource(const EmissionSource& s) {
  RETURN_IF_ERROR(scope_.RequireWrite(s.org_id, "emission source"));
  return OneRow(
      conn_.Exec("UPDATE emission_sources SET name = $1, stack_height_m = $2, inner_diameter_m = $3, "
                 "exit_velocity_m_s = $4, exit_temperature_k = $5, fuel = $6, pollutants = $7, lat = $8, lon = $9, "
                 "updated_at = $10 WHERE id = $11 AND org_id = $12",
                 {V(s.name), V(s.stack_height_m), V(s.inner_diameter_m), V(s.exit_velocity_m_s),
                  V(s.exit_temperature_k), V(s.fuel), V(PollutantsJson(s.pollutants)), V(s.lat), V(s.lon),
                  V(s.updated_at), V(s.id), V(s.org_id)}),
      "emission source");
}

Status SqlFactoryStore::DeleteEmissionSource(int64_t id) {
  return DeleteOwned("emission_sources", id, "emission source");
}

// ---- wastewater outlets ----

Result<int64_t> SqlFactoryStore::InsertOutlet(const WastewaterOutlet& o) {
  RETURN_IF_ERROR(scope_.RequireWrite(o.org_id, "factory"));
  auto row = conn_.QueryOne(
      "INSERT INTO wastewater_outlets (org_id, factory_id, name, receiving_water, lat, lon, treatment, flow_m3_day, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
      {V(o.org_id), V(o.factory_id), V(o.name), V(o.receiving_water), V(o.lat), V(o.lon), V(o.treatment),
       V(o.flow_m3_day), V(o.created_at), V(o.updated_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<WastewaterOutlet> SqlFactoryStore::GetOutlet(int64_t id) {
  auto row = conn_.QueryOne(std::string(kOutletColumns) + "WHERE id = $1 AND " +
                                scope_.FactoryFilterSql("org_id", "factory_id"),
                            {V(id)}, "outlet");
  if (!row.ok()) return row.status();
  return OutletFromRow(*row);
}

Result<std::vector<WastewaterOutlet>> SqlFactoryStore::ListOutlets(int64_t factory_id) {
  return Rows<WastewaterOutlet>(conn_.Query(std::string(kOutletColumns) + "WHERE factory_id = $1 AND " +
                                                scope_.FactoryFilterSql("org_id", "factory_id") + " ORDER BY id",
                                            {V(factory_id)}),
                                OutletFromRow);
}

Status SqlFactoryStore::UpdateOutlet(const WastewaterOutlet& o) {
  RETURN_IF_ERROR(scope_.RequireWrite(o.org_id, "outlet"));
  return OneRow(conn_.Exec("UPDATE wastewater_outlets SET name = $1, receiving_water = $2, lat = $3, lon = $4, "
                           "treatment = $5, flow_m3_day = $6, updated_at = $7 WHERE id = $8 AND org_id = $9",
                           {V(o.name), V(o.receiving_water), V(o.lat), V(o.lon), V(o.treatment), V(o.flow_m3_day),
                            V(o.updated_at), V(o.id), V(o.org_id)}),
                "outlet");
}

Status SqlFactoryStore::DeleteOutlet(int64_t id) { return DeleteOwned("wastewater_outlets", id, "outlet"); }

// ---- receptors ----

Result<int64_t> SqlFactoryStore::InsertReceptor(const Receptor& r) {
  RETURN_IF_ERROR(scope_.RequireWrite(r.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO receptors (org_id, kind, name, lat, lon, people, notes, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      {V(r.org_id), V(factories::ReceptorKindName(r.kind)), V(r.name), V(r.lat), V(r.lon), V(r.people), V(r.notes),
       V(r.created_at), V(r.updated_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Receptor> SqlFactoryStore::GetReceptor(int64_t id) {
  auto row = conn_.QueryOne(std::string(kReceptorColumns) + "WHERE id = $1 AND " + scope_.OrgFilterSql("org_id"),
                            {V(id)}, "receptor");
  if (!row.ok()) return row.status();
  return ReceptorFromRow(*row);
}

Result<std::vector<Receptor>> SqlFactoryStore::ListReceptors(std::optional<int64_t> org_id) {
  std::string sql = std::string(kReceptorColumns) + "WHERE " + scope_.OrgFilterSql("org_id");
  Params params;
  if (org_id) {
    sql += " AND org_id = $1";
    params.push_back(V(*org_id));
  }
  return Rows<Receptor>(conn_.Query(sql + " ORDER BY kind, name, id LIMIT 5000", params), ReceptorFromRow);
}

Status SqlFactoryStore::UpdateReceptor(const Receptor& r) {
  RETURN_IF_ERROR(scope_.RequireWrite(r.org_id, "receptor"));
  return OneRow(conn_.Exec("UPDATE receptors SET kind = $1, name = $2, lat = $3, lon = $4, people = $5, notes = $6, "
                           "updated_at = $7 WHERE id = $8 AND org_id = $9",
                           {V(factories::ReceptorKindName(r.kind)), V(r.name), V(r.lat), V(r.lon), V(r.people),
                            V(r.notes), V(r.updated_at), V(r.id), V(r.org_id)}),
                "receptor");
}

Status SqlFactoryStore::DeleteReceptor(int64_t id) {
  ASSIGN_OR_RETURN(const Receptor r, GetReceptor(id));
  RETURN_IF_ERROR(scope_.RequireWrite(r.org_id, "receptor"));
  return OneRow(conn_.Exec("DELETE FROM receptors WHERE id = $1", {V(id)}), "receptor");
}

Result<std::vector<Receptor>> SqlFactoryStore::ReceptorsInBox(int64_t org_id, double min_lat, double max_lat,
                                                              double min_lon, double max_lon) {
  return Rows<Receptor>(conn_.Query(std::string(kReceptorColumns) +
                                        "WHERE org_id = $1 AND lat >= $2 AND lat <= $3 AND lon >= $4 AND lon <= $5 "
                                        "AND " + scope_.OrgFilterSql("org_id"),
                                    {V(org_id), V(min_lat), V(max_lat), V(min_lon), V(max_lon)}),
                        ReceptorFromRow);
}

Result<std::vector<Factory>> SqlFactoryStore::FactoriesInBox(int64_t org_id, double min_lat, double max_lat,
                                                            double min_lon, double max_lon, int limit) {
  return Rows<Factory>(conn_.Query(std::string(kFactoryColumns) +
                                       "WHERE org_id = $1 AND lat >= $2 AND lat <= $3 AND lon >= $4 AND lon <= $5 "
                                       "AND " + scope_.FactoryFilterSql("org_id", "id") + " ORDER BY id LIMIT " +
                                       std::to_string(limit),
                                   {V(org_id), V(min_lat), V(max_lat), V(min_lon), V(max_lon)}),
                       FactoryFromRow);
}

}  // namespace ecotown::store
