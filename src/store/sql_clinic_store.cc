#include "store/sql_clinic_store.h"

#include <string>

namespace ecotown::store {
namespace {

using clinic::Article;
using clinic::Case;

constexpr const char* kCaseColumns =
    "SELECT c.id, c.org_id, c.factory_id, f.name, c.topic, c.request_text, c.contact_name, c.contact_phone, "
    "c.status, c.decline_reason, c.requested_by, c.filed_by_factory, c.created_at, c.updated_at, c.closed_at "
    "FROM clinic_cases c JOIN factories f ON f.id = c.factory_id ";

Case CaseFromRow(const Row& row) {
  Case c;
  c.id = row.Int(0);
  c.org_id = row.Int(1);
  c.factory_id = row.Int(2);
  c.factory_name = row.Text(3);
  auto topic = clinic::ParseTopic(row.Text(4));
  c.topic = topic.ok() ? *topic : clinic::Topic::kAir;
  c.request_text = row.Text(5);
  c.contact_name = row.Text(6);
  c.contact_phone = row.Text(7);
  auto status = clinic::ParseCaseStatus(row.Text(8));
  c.status = status.ok() ? *status : clinic::CaseStatus::kRequested;
  c.decline_reason = row.Text(9);
  c.requested_by = row.Text(10);
  c.filed_by_factory = row.Bool(11);
  c.created_at = row.Int(12);
  c.updated_at = row.Int(13);
  c.closed_at = row.OptInt(14);
  return c;
}

constexpr const char* kArticleColumns =
    "SELECT a.id, a.slug, a.title, a.topic, a.summary, a.body, a.tags, a.updated_at FROM clinic_articles a ";

Article ArticleFromRow(const Row& row) {
  Article a;
  a.id = row.Int(0);
  a.slug = row.Text(1);
  a.title = row.Text(2);
  auto topic = clinic::ParseTopic(row.Text(3));
  a.topic = topic.ok() ? *topic : clinic::Topic::kAir;
  a.summary = row.Text(4);
  a.body = row.Text(5);
  a.tags = row.Text(6);
  a.updated_at = row.Int(7);
  return a;
}

// The LIKE pattern of a substring, its wildcards escaped with '\'. LIKE compares bytes of UTF-8,
// which is what Thai needs: words are not separated by spaces, so a substring is the search unit.
std::string ContainsPattern(std::string_view text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  }
  return out + "%";
}

}  // namespace

std::string SqlClinicStore::ReadableCase(std::string_view case_column) const {
  return std::string(case_column) + " IN (SELECT rc.id FROM clinic_cases rc WHERE " +
         scope_.FactoryFilterSql("rc.org_id", "rc.factory_id") + ")";
}

Status SqlClinicStore::RequireCaseWrite(int64_t case_id) {
  auto row = conn_.QueryOne("SELECT org_id FROM clinic_cases c WHERE c.id = $1 AND " +
                                scope_.FactoryFilterSql("c.org_id", "c.factory_id"),
                            {V(case_id)}, "clinic case");
  if (!row.ok()) return row.status();
  return scope_.RequireWrite(row->Int(0), "clinic case");
}

Result<int64_t> SqlClinicStore::InsertCase(const Case& c) {
  // The service decides who may file (a factory representative for its own factory); the row must
  // at least be readable by the filer.
  if (!scope_.CanReadFactory(c.org_id, c.factory_id)) return Status::NotFound("factory not found");
  auto row = conn_.QueryOne(
      "INSERT INTO clinic_cases (org_id, factory_id, topic, request_text, contact_name, contact_phone, status, "
      "decline_reason, requested_by, filed_by_factory, created_at, updated_at, closed_at) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      {V(c.org_id), V(c.factory_id), V(clinic::TopicName(c.topic)), V(c.request_text), V(c.contact_name),
       V(c.contact_phone), V(clinic::CaseStatusName(c.status)), V(c.decline_reason), V(c.requested_by),
       V(c.filed_by_factory), V(c.created_at), V(c.updated_at), V(c.closed_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Case> SqlClinicStore::GetCase(int64_t id) {
  auto row = conn_.QueryOne(std::string(kCaseColumns) + "WHERE c.id = $1 AND " +
                                scope_.FactoryFilterSql("c.org_id", "c.factory_id"),
                            {V(id)}, "clinic case");
  if (!row.ok()) return row.status();
  return CaseFromRow(*row);
}

Result<std::vector<Case>> SqlClinicStore::ListCases(const clinic::CaseQuery& query) {
  std::string sql = std::string(kCaseColumns) + "WHERE " + scope_.FactoryFilterSql("c.org_id", "c.factory_id");
  Params params;
  const auto next = [&](Value value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  if (query.status) sql += " AND c.status = " + next(V(clinic::CaseStatusName(*query.status)));
  if (query.topic) sql += " AND c.topic = " + next(V(clinic::TopicName(*query.topic)));
  if (query.factory_id) sql += " AND c.factory_id = " + next(V(*query.factory_id));
  if (query.before_id) sql += " AND c.id < " + next(V(*query.before_id));
  sql += " ORDER BY c.id DESC LIMIT " + std::to_string(query.limit);
  auto result = conn_.Query(sql, params);
  if (!result.ok()) return result.status();
  std::vector<Case> out;
  for (const auto& row : result->rows) out.push_back(CaseFromRow(row));
  return out;
}

Status SqlClinicStore::UpdateCaseStatus(const Case& c) {
  RETURN_IF_ERROR(RequireCaseWrite(c.id));
  auto result = conn_.Exec(
      "UPDATE clinic_cases SET status = $1, decline_reason = $2, updated_at = $3, closed_at = $4 WHERE id = $5",
      {V(clinic::CaseStatusName(c.status)), V(c.decline_reason), V(c.updated_at), V(c.closed_at), V(c.id)});
  if (!result.ok()) return result.status();
  return Status::Ok();
}

Status SqlClinicStore::SetAdvisers(int64_t case_id, const std::vector<int64_t>& user_ids) {
  RETURN_IF_ERROR(RequireCaseWrite(case_id));
  auto cleared = conn_.Exec("DELETE FROM clinic_case_advisers WHERE case_id = $1", {V(case_id)});
  if (!cleared.ok()) return cleared.status();
  for (const int64_t user_id : user_ids) {
    auto added = conn_.Exec("INSERT INTO clinic_case_advisers (case_id, user_id) VALUES ($1, $2)",
                            {V(case_id), V(user_id)});
    if (!added.ok()) return added.status();
  }
  return Status::Ok();
}

Result<std::vector<clinic::Adviser>> SqlClinicStore::ListAdvisers(int64_t case_id) {
  auto result = conn_.Query(
      "SELECT u.id, CASE WHEN u.display_name = '' THEN u.username ELSE u.display_name END FROM clinic_case_advisers a "
      "JOIN users u ON u.id = a.user_id WHERE a.case_id = $1 AND " + ReadableCase("a.case_id") + " ORDER BY u.id",
      {V(case_id)});
  if (!result.ok()) return result.status();
  std::vector<clinic::Adviser> out;
  for (const auto& row : result->rows) out.push_back({row.Int(0), row.Text(1)});
  return out;
}

Result<int64_t> SqlClinicStore::InsertVisit(const clinic::Visit& v) {
  RETURN_IF_ERROR(RequireCaseWrite(v.case_id));
  auto row = conn_.QueryOne(
      "INSERT INTO clinic_visits (case_id, visited_on, notes, advice, created_by, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      {V(v.case_id), V(v.visited_on), V(v.notes), V(v.advice), V(v.created_by), V(v.created_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<std::vector<clinic::Visit>> SqlClinicStore::ListVisits(int64_t case_id) {
  auto result = conn_.Query(
      "SELECT id, case_id, visited_on, notes, advice, created_by, created_at FROM clinic_visits WHERE case_id = $1 "
      "AND " + ReadableCase("case_id") + " ORDER BY visited_on, id",
      {V(case_id)});
  if (!result.ok()) return result.status();
  std::vector<clinic::Visit> out;
  for (const auto& row : result->rows) {
    out.push_back({row.Int(0), row.Int(1), row.Int(2), row.Text(3), row.Text(4), row.Text(5), row.Int(6)});
  }
  return out;
}

Result<int64_t> SqlClinicStore::InsertMeasure(const clinic::Measure& m) {
  RETURN_IF_ERROR(RequireCaseWrite(m.case_id));
  auto row = conn_.QueryOne(
      "INSERT INTO clinic_measures (case_id, description, owner, due_on, done_on) VALUES ($1, $2, $3, $4, $5) "
      "RETURNING id",
      {V(m.case_id), V(m.description), V(m.owner), V(m.due_on), V(m.done_on)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<clinic::Measure> SqlClinicStore::GetMeasure(int64_t id) {
  auto row = conn_.QueryOne("SELECT id, case_id, description, owner, due_on, done_on FROM clinic_measures WHERE id = $1 "
                            "AND " + ReadableCase("case_id"),
                            {V(id)}, "measure");
  if (!row.ok()) return row.status();
  return clinic::Measure{row->Int(0), row->Int(1), row->Text(2), row->Text(3), row->Int(4), row->OptInt(5)};
}

Status SqlClinicStore::SetMeasureDone(int64_t id, std::optional<int64_t> done_on) {
  ASSIGN_OR_RETURN(const auto measure, GetMeasure(id));
  RETURN_IF_ERROR(RequireCaseWrite(measure.case_id));
  auto result = conn_.Exec("UPDATE clinic_measures SET done_on = $1 WHERE id = $2", {V(done_on), V(id)});
  if (!result.ok()) return result.status();
  return Status::Ok();
}

Result<std::vector<clinic::Measure>> SqlClinicStore::ListMeasures(int64_t case_id) {
  auto result = conn_.Query("SELECT id, case_id, description, owner, due_on, done_on FROM clinic_measures WHERE "
                            "case_id = $1 AND " + ReadableCase("case_id") + " ORDER BY due_on, id",
                            {V(case_id)});
  if (!result.ok()) return result.status();
  std::vector<clinic::Measure> out;
  for (const auto& row : result->rows) {
    out.push_back({row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Int(4), row.OptInt(5)});
  }
  return out;
}

Result<int64_t> SqlClinicStore::InsertFollowUp(const clinic::FollowUp& f) {
  RETURN_IF_ERROR(RequireCaseWrite(f.case_id));
  auto row = conn_.QueryOne("INSERT INTO clinic_follow_ups (case_id, due_on, note) VALUES ($1, $2, $3) RETURNING id",
                            {V(f.case_id), V(f.due_on), V(f.note)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<std::vector<clinic::FollowUp>> SqlClinicStore::ListFollowUps(int64_t case_id) {
  auto result = conn_.Query("SELECT id, case_id, due_on, note FROM clinic_follow_ups WHERE case_id = $1 AND " +
                                ReadableCase("case_id") + " ORDER BY due_on, id",
                            {V(case_id)});
  if (!result.ok()) return result.status();
  std::vector<clinic::FollowUp> out;
  for (const auto& row : result->rows) out.push_back({row.Int(0), row.Int(1), row.Int(2), row.Text(3)});
  return out;
}

Result<int64_t> SqlClinicStore::InsertOutcome(const clinic::Outcome& o) {
  RETURN_IF_ERROR(RequireCaseWrite(o.case_id));
  auto row = conn_.QueryOne(
      "INSERT INTO clinic_outcomes (case_id, indicator, unit, before_value, before_on, after_value, after_on, notes) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {V(o.case_id), V(o.indicator), V(o.unit), V(o.before_value), V(o.before_on), V(o.after_value), V(o.after_on),
       V(o.notes)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<std::vector<clinic::Outcome>> SqlClinicStore::ListOutcomes(int64_t case_id) {
  auto result = conn_.Query(
      "SELECT id, case_id, indicator, unit, before_value, before_on, after_value, after_on, notes FROM clinic_outcomes "
      "WHERE case_id = $1 AND " + ReadableCase("case_id") + " ORDER BY id",
      {V(case_id)});
  if (!result.ok()) return result.status();
  std::vector<clinic::Outcome> out;
  for (const auto& row : result->rows) {
    out.push_back({row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Real(4), row.Int(5), row.Real(6), row.Int(7),
                   row.Text(8)});
  }
  return out;
}

Result<int64_t> SqlClinicStore::UpsertArticle(const Article& a) {
  auto row = conn_.QueryOne(
      "INSERT INTO clinic_articles (slug, title, topic, summary, body, tags, updated_at) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7) ON CONFLICT (slug) DO UPDATE SET title = excluded.title, topic = excluded.topic, summary = "
      "excluded.summary, body = excluded.body, tags = excluded.tags, updated_at = excluded.updated_at RETURNING id",
      {V(a.slug), V(a.title), V(clinic::TopicName(a.topic)), V(a.summary), V(a.body), V(a.tags), V(a.updated_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Article> SqlClinicStore::GetArticle(int64_t id) {
  auto row = conn_.QueryOne(std::string(kArticleColumns) + "WHERE a.id = $1", {V(id)}, "article");
  if (!row.ok()) return row.status();
  return ArticleFromRow(*row);
}

Result<std::vector<Article>> SqlClinicStore::SearchArticles(const clinic::ArticleQuery& query) {
  std::string sql = kArticleColumns;
  Params params;
  std::string rank;
  std::string where = "1=1";
  if (!query.text.empty()) {
    params.push_back(V(ContainsPattern(query.text)));
    const std::string like = " LIKE $1 ESCAPE '\\'";
    // LOWER folds Latin letters (tags such as "PM2.5", "BOD"); Thai has no case.
    where = "(LOWER(a.title)" + like + " OR LOWER(a.tags)" + like + " OR LOWER(a.summary)" + like +
            " OR LOWER(a.body)" + like + ")";
    rank = "CASE WHEN LOWER(a.title)" + like + " THEN 0 WHEN LOWER(a.tags)" + like + " OR LOWER(a.summary)" + like +
           " THEN 1 ELSE 2 END";
  }
  if (query.topic) {
    params.push_back(V(clinic::TopicName(*query.topic)));
    where += " AND a.topic = $" + std::to_string(params.size());
  }
  // Without a text there is nothing to rank (and a bare "0" would be read as a column number).
  sql += "WHERE " + where + " ORDER BY " + (rank.empty() ? "" : rank + ", ") + "a.title, a.id LIMIT " +
         std::to_string(query.limit);
  auto result = conn_.Query(sql, params);
  if (!result.ok()) return result.status();
  std::vector<Article> out;
  for (const auto& row : result->rows) out.push_back(ArticleFromRow(row));
  return out;
}

}  // namespace ecotown::store
