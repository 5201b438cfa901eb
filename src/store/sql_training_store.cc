#include "store/sql_training_store.h"

#include <string>

namespace ecotown::store {
namespace {

using training::Attendee;
using training::Certificate;
using training::Course;
using training::Session;

constexpr const char* kCourseColumns =
    "SELECT k.id, k.org_id, k.title_th, k.title_en, k.topic, k.hours, k.certifies_inspectors, k.validity_months, "
    "k.created_at FROM training_courses k ";

Course CourseFromRow(const Row& row) {
  Course c;
  c.id = row.Int(0);
  c.org_id = row.Int(1);
  c.title_th = row.Text(2);
  c.title_en = row.Text(3);
  c.topic = row.Text(4);
  c.hours = row.Real(5);
  c.certifies_inspectors = row.Bool(6);
  c.validity_months = static_cast<int>(row.Int(7));
  c.created_at = row.Int(8);
  return c;
}

constexpr const char* kSessionColumns =
    "SELECT s.id, s.org_id, s.course_id, s.starts_on, s.ends_on, s.place, s.trainers, s.created_at "
    "FROM training_sessions s ";

Session SessionFromRow(const Row& row) {
  Session s;
  s.id = row.Int(0);
  s.org_id = row.Int(1);
  s.course_id = row.Int(2);
  s.starts_on = row.Int(3);
  s.ends_on = row.Int(4);
  s.place = row.Text(5);
  s.trainers = row.Text(6);
  s.created_at = row.Int(7);
  return s;
}

constexpr const char* kAttendeeColumns =
    "SELECT a.id, a.org_id, a.session_id, a.user_id, a.person_name, a.factory_id, a.attended, a.outcome, a.score, "
    "c.id FROM training_attendees a LEFT JOIN training_certificates c ON c.attendee_id = a.id ";

Attendee AttendeeFromRow(const Row& row) {
  Attendee a;
  a.id = row.Int(0);
  a.org_id = row.Int(1);
  a.session_id = row.Int(2);
  a.user_id = row.OptInt(3);
  a.person_name = row.Text(4);
  a.factory_id = row.OptInt(5);
  a.attended = row.Bool(6);
  auto outcome = training::ParseOutcome(row.Text(7));
  a.outcome = outcome.ok() ? *outcome : training::Outcome::kPending;
  a.score = row.OptReal(8);
  a.certificate_id = row.OptInt(9);
  return a;
}

constexpr const char* kCertificateColumns =
    "SELECT c.id, c.org_id, c.user_id, c.person_name, c.factory_id, c.course_id, c.session_id, c.attendee_id, "
    "c.number, c.issued_at, c.valid_until, c.revoked, c.revoked_reason, c.revoked_at, k.title_th, "
    "k.certifies_inspectors FROM training_certificates c JOIN training_courses k ON k.id = c.course_id ";

Certificate CertificateFromRow(const Row& row) {
  Certificate c;
  c.id = row.Int(0);
  c.org_id = row.Int(1);
  c.user_id = row.OptInt(2);
  c.person_name = row.Text(3);
  c.factory_id = row.OptInt(4);
  c.course_id = row.Int(5);
  c.session_id = row.Int(6);
  c.attendee_id = row.Int(7);
  c.number = row.Text(8);
  c.issued_at = row.Int(9);
  c.valid_until = row.Int(10);
  c.revoked = row.Bool(11);
  c.revoked_reason = row.Text(12);
  c.revoked_at = row.OptInt(13);
  c.course_title_th = row.Text(14);
  c.certifies_inspectors = row.Bool(15);
  return c;
}

// The LIKE pattern of a substring, with the wildcards of the text escaped ('\' is the escape).
std::string ContainsPattern(const std::string& text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "%";
}

}  // namespace

Result<int64_t> SqlTrainingStore::InsertCourse(const Course& course) {
  RETURN_IF_ERROR(scope_.RequireWrite(course.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO training_courses (org_id, title_th, title_en, topic, hours, certifies_inspectors, validity_months, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {V(course.org_id), V(course.title_th), V(course.title_en), V(course.topic), V(course.hours),
       V(course.certifies_inspectors), V(course.validity_months), V(course.created_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Course> SqlTrainingStore::GetCourse(int64_t id) {
  auto row = conn_.QueryOne(std::string(kCourseColumns) + "WHERE k.id = $1 AND " + scope_.OrgFilterSql("k.org_id"),
                            {V(id)}, "course");
  if (!row.ok()) return row.status();
  return CourseFromRow(*row);
}

Result<std::vector<Course>> SqlTrainingStore::ListCourses() {
  auto result = conn_.Query(std::string(kCourseColumns) + "WHERE " + scope_.OrgFilterSql("k.org_id") +
                                " ORDER BY k.title_th, k.id",
                            {});
  if (!result.ok()) return result.status();
  std::vector<Course> out;
  for (const auto& row : result->rows) out.push_back(CourseFromRow(row));
  return out;
}

Result<int64_t> SqlTrainingStore::InsertSession(const Session& session) {
  RETURN_IF_ERROR(scope_.RequireWrite(session.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO training_sessions (org_id, course_id, starts_on, ends_on, place, trainers, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {V(session.org_id), V(session.course_id), V(session.starts_on), V(session.ends_on), V(session.place),
       V(session.trainers), V(session.created_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Session> SqlTrainingStore::GetSession(int64_t id) {
  auto row = conn_.QueryOne(std::string(kSessionColumns) + "WHERE s.id = $1 AND " + scope_.OrgFilterSql("s.org_id"),
                            {V(id)}, "session");
  if (!row.ok()) return row.status();
  return SessionFromRow(*row);
}

Result<std::vector<Session>> SqlTrainingStore::ListSessions(std::optional<int64_t> course_id) {
  std::string sql = std::string(kSessionColumns) + "WHERE " + scope_.OrgFilterSql("s.org_id");
  Params params;
  if (course_id) {
    sql += " AND s.course_id = $1";
    params.push_back(V(*course_id));
  }
  auto result = conn_.Query(sql + " ORDER BY s.starts_on DESC, s.id DESC", params);
  if (!result.ok()) return result.status();
  std::vector<Session> out;
  for (const auto& row : result->rows) out.push_back(SessionFromRow(row));
  return out;
}

Result<int64_t> SqlTrainingStore::InsertAttendee(const Attendee& attendee) {
  RETURN_IF_ERROR(scope_.RequireWrite(attendee.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO training_attendees (org_id, session_id, user_id, person_name, factory_id, attended, outcome, score) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {V(attendee.org_id), V(attendee.session_id), V(attendee.user_id), V(attendee.person_name),
       V(attendee.factory_id), V(attendee.attended), V(training::OutcomeName(attendee.outcome)), V(attendee.score)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Attendee> SqlTrainingStore::GetAttendee(int64_t id) {
  auto row = conn_.QueryOne(std::string(kAttendeeColumns) + "WHERE a.id = $1 AND " + scope_.OrgFilterSql("a.org_id"),
                            {V(id)}, "attendee");
  if (!row.ok()) return row.status();
  return AttendeeFromRow(*row);
}

Result<std::vector<Attendee>> SqlTrainingStore::ListAttendees(int64_t session_id) {
  auto result = conn_.Query(std::string(kAttendeeColumns) + "WHERE a.session_id = $1 AND " +
                                scope_.OrgFilterSql("a.org_id") + " ORDER BY a.person_name, a.id",
                            {V(session_id)});
  if (!result.ok()) return result.status();
  std::vector<Attendee> out;
  for (const auto& row : result->rows) out.push_back(AttendeeFromRow(row));
  return out;
}

Status SqlTrainingStore::UpdateAttendeeResult(const Attendee& attendee) {
  RETURN_IF_ERROR(scope_.RequireWrite(attendee.org_id, "attendee"));
  auto result = conn_.Exec(
      "UPDATE training_attendees SET attended = $1, outcome = $2, score = $3 WHERE id = $4 AND org_id = $5",
      {V(attendee.attended), V(training::OutcomeName(attendee.outcome)), V(attendee.score), V(attendee.id),
       V(attendee.org_id)});
  if (!result.ok()) return result.status();
  return *result == 1 ? Status::Ok() : Status::NotFound("attendee not found");
}

Result<int64_t> SqlTrainingStore::InsertCertificate(const Certificate& c) {
  RETURN_IF_ERROR(scope_.RequireWrite(c.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO training_certificates (org_id, attendee_id, session_id, course_id, user_id, person_name, "
      "factory_id, number, issued_at, valid_until, revoked, revoked_reason, revoked_at) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      {V(c.org_id), V(c.attendee_id), V(c.session_id), V(c.course_id), V(c.user_id), V(c.person_name),
       V(c.factory_id), V(c.number), V(c.issued_at), V(c.valid_until), V(c.revoked), V(c.revoked_reason),
       V(c.revoked_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Certificate> SqlTrainingStore::GetCertificate(int64_t id) {
  auto row = conn_.QueryOne(std::string(kCertificateColumns) + "WHERE c.id = $1 AND " +
                                scope_.OrgFilterSql("c.org_id"),
                            {V(id)}, "certificate");
  if (!row.ok()) return row.status();
  return CertificateFromRow(*row);
}

Result<std::vector<Certificate>> SqlTrainingStore::ListCertificates(const training::CertificateFilter& filter) {
  std::string sql = std::string(kCertificateColumns) + "WHERE " + scope_.OrgFilterSql("c.org_id");
  Params params;
  const auto next = [&](Value value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  if (filter.user_id) sql += " AND c.user_id = " + next(V(*filter.user_id));
  if (filter.session_id) sql += " AND c.session_id = " + next(V(*filter.session_id));
  if (filter.person && !filter.person->empty()) {
    sql += " AND c.person_name LIKE " + next(V(ContainsPattern(*filter.person))) + " ESCAPE '\\'";
  }
  if (filter.expiring_before) {
    sql += " AND c.revoked = 0 AND c.valid_until > 0 AND c.valid_until > " + next(V(filter.now)) +
           " AND c.valid_until <= " + next(V(*filter.expiring_before));
  }
  sql += " ORDER BY c.valid_until, c.id LIMIT " + std::to_string(filter.limit);
  auto result = conn_.Query(sql, params);
  if (!result.ok()) return result.status();
  std::vector<Certificate> out;
  for (const auto& row : result->rows) out.push_back(CertificateFromRow(row));
  return out;
}

Result<int64_t> SqlTrainingStore::CountCertificatesIssued(int64_t org_id, int64_t from, int64_t to) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  auto row = conn_.QueryOne(
      "SELECT COUNT(*) FROM training_certificates WHERE org_id = $1 AND issued_at >= $2 AND issued_at < $3",
      {V(org_id), V(from), V(to)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Status SqlTrainingStore::RevokeCertificate(int64_t id, std::string_view reason, int64_t at) {
  auto found = conn_.QueryOne("SELECT org_id FROM training_certificates WHERE id = $1 AND " +
                                  scope_.OrgFilterSql("org_id"),
                              {V(id)}, "certificate");
  if (!found.ok()) return found.status();
  RETURN_IF_ERROR(scope_.RequireWrite(found->Int(0), "certificate"));
  auto result = conn_.Exec(
      "UPDATE training_certificates SET revoked = 1, revoked_reason = $1, revoked_at = $2 WHERE id = $3",
      {V(reason), V(at), V(id)});
  if (!result.ok()) return result.status();
  return Status::Ok();
}

Result<std::optional<Certificate>> SqlTrainingStore::InspectorCertificate(int64_t user_id, int64_t at) {
  auto result = conn_.Query(std::string(kCertificateColumns) +
                                "WHERE c.user_id = $1 AND k.certifies_inspectors = 1 AND c.revoked = 0 "
                                "AND c.issued_at <= $2 AND (c.valid_until = 0 OR c.valid_until > $2) AND " +
                                scope_.OrgFilterSql("c.org_id") +
                                " ORDER BY CASE WHEN c.valid_until = 0 THEN 1 ELSE 0 END DESC, c.valid_until DESC, "
                                "c.id DESC LIMIT 1",
                            {V(user_id), V(at)});
  if (!result.ok()) return result.status();
  if (result->rows.empty()) return std::optional<Certificate>();
  return std::optional<Certificate>(CertificateFromRow(result->rows.front()));
}

}  // namespace ecotown::store
