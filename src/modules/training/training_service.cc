#include "modules/training/training_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/thai_calendar.h"
#include "modules/audit/recorder.h"
#include "modules/factories/factory.h"

namespace ecotown::training {
namespace {

using nlohmann::json;
using tenancy::Permission;

json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }

std::string CourseJson(const Course& c) {
  return json({{"id", c.id},
               {"org_id", c.org_id},
               {"title_th", c.title_th},
               {"title_en", c.title_en},
               {"topic", c.topic},
               {"hours", c.hours},
               {"certifies_inspectors", c.certifies_inspectors},
               {"validity_months", c.validity_months}})
      .dump();
}

std::string SessionJson(const Session& s) {
  return json({{"id", s.id},
               {"course_id", s.course_id},
               {"starts_on", s.starts_on},
               {"ends_on", s.ends_on},
               {"place", s.place},
               {"trainers", s.trainers}})
      .dump();
}

std::string AttendeeJson(const Attendee& a) {
  return json({{"id", a.id},
               {"session_id", a.session_id},
               {"user_id", Opt(a.user_id)},
               {"person_name", a.person_name},
               {"factory_id", Opt(a.factory_id)},
               {"attended", a.attended},
               {"result", OutcomeName(a.outcome)},
               {"score", a.score ? json(*a.score) : json()}})
      .dump();
}

std::string CertificateJson(const Certificate& c) {
  return json({{"id", c.id},
               {"number", c.number},
               {"attendee_id", c.attendee_id},
               {"user_id", Opt(c.user_id)},
               {"person_name", c.person_name},
               {"course_id", c.course_id},
               {"issued_at", c.issued_at},
               {"valid_until", c.valid_until},
               {"revoked", c.revoked},
               {"revoked_reason", c.revoked_reason}})
      .dump();
}

// The factory of a factory staff attendee must be one of the session's organisation.
Status CheckFactory(UnitOfWork& work, int64_t org_id, int64_t factory_id) {
  auto factory = work.factories().Get(factory_id);
  if (!factory.ok()) {
    if (factory.status().code() == StatusCode::kNotFound) return Status::Invalid("no such factory", "factory_id");
    return factory.status();
  }
  if (factory->org_id != org_id) return Status::Invalid("the factory belongs to another organisation", "factory_id");
  return Status::Ok();
}

}  // namespace

Result<Course> TrainingService::CreateCourse(UnitOfWork& work, const NewCourse& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  Course course;
  course.org_id = scope.principal().org_id;
  if (request.org_code) {
    auto org = work.orgs().FindByCode(*request.org_code);
    if (!org.ok()) return Status::Invalid("unknown organisation " + *request.org_code, "org");
    course.org_id = org->id;
  }
  RETURN_IF_ERROR(scope.RequireWrite(course.org_id, "organisation"));
  course.title_th = request.title_th;
  course.title_en = request.title_en;
  course.topic = request.topic;
  course.hours = request.hours;
  course.certifies_inspectors = request.certifies_inspectors;
  course.validity_months = request.validity_months;
  course.created_at = work.info().now;
  RETURN_IF_ERROR(ValidateCourse(course));
  ASSIGN_OR_RETURN(course.id, work.training().InsertCourse(course));
  RETURN_IF_ERROR(audit::Record(work, "create", "training_course", std::to_string(course.id), course.org_id,
                                std::nullopt, CourseJson(course)));
  return course;
}

Result<std::vector<Course>> TrainingService::Courses(UnitOfWork& work) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.training().ListCourses();
}

Result<Course> TrainingService::GetCourse(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.training().GetCourse(id);
}

Result<Session> TrainingService::CreateSession(UnitOfWork& work, const NewSession& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  auto course = work.training().GetCourse(request.course_id);
  if (!course.ok()) {
    if (course.status().code() == StatusCode::kNotFound) return Status::Invalid("no such course", "course_id");
    return course.status();
  }
  RETURN_IF_ERROR(scope.RequireWrite(course->org_id, "course"));
  Session session;
  session.org_id = course->org_id;
  session.course_id = course->id;
  session.starts_on = request.starts_on;
  session.ends_on = request.ends_on;
  session.place = request.place;
  session.trainers = request.trainers;
  session.created_at = work.info().now;
  RETURN_IF_ERROR(ValidateSession(session));
  ASSIGN_OR_RETURN(session.id, work.training().InsertSession(session));
  RETURN_IF_ERROR(audit::Record(work, "create", "training_session", std::to_string(session.id), session.org_id,
                                std::nullopt, SessionJson(session)));
  return session;
}

Result<std::vector<Session>> TrainingService::Sessions(UnitOfWork& work, std::optional<int64_t> course_id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.training().ListSessions(course_id);
}

Result<SessionDetail> TrainingService::GetSession(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  SessionDetail detail;
  ASSIGN_OR_RETURN(detail.session, work.training().GetSession(id));
  ASSIGN_OR_RETURN(detail.course, work.training().GetCourse(detail.session.course_id));
  ASSIGN_OR_RETURN(detail.attendees, work.training().ListAttendees(id));
  return detail;
}

Result<Attendee> TrainingService::AddAttendee(UnitOfWork& work, int64_t session_id, const NewAttendee& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const Session session, work.training().GetSession(session_id));
  RETURN_IF_ERROR(scope.RequireWrite(session.org_id, "session"));
  Attendee attendee;
  attendee.org_id = session.org_id;
  attendee.session_id = session.id;
  if (request.user_id) {
    if (request.person_name || request.factory_id) {
      return Status::Invalid("give either user_id (LAO staff) or person_name and factory_id (factory staff)",
                             "user_id");
    }
    auto user = work.accounts().GetUser(*request.user_id);
    if (!user.ok()) {
      if (user.status().code() == StatusCode::kNotFound) return Status::Invalid("no such user", "user_id");
      return user.status();
    }
    if (user->role == tenancy::Role::kFactory) {
      return Status::Invalid("a factory representative attends as factory staff, by name", "user_id");
    }
    attendee.user_id = user->id;
    attendee.person_name = user->display_name.empty() ? user->username : user->display_name;
  } else {
    if (!request.person_name) return Status::Invalid("person_name or user_id is required", "person_name");
    if (!request.factory_id) return Status::Invalid("factory staff need their factory", "factory_id");
    attendee.person_name = *request.person_name;
    attendee.factory_id = request.factory_id;
    RETURN_IF_ERROR(ValidatePersonName(attendee.person_name));
    RETURN_IF_ERROR(CheckFactory(work, session.org_id, *attendee.factory_id));
  }
  auto id = work.training().InsertAttendee(attendee);
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kConflict) {
      return Status::Conflict("this person is already registered for the session", "user_id");
    }
    return id.status();
  }
  attendee.id = *id;
  RETURN_IF_ERROR(audit::Record(work, "create", "training_attendee", std::to_string(attendee.id), attendee.org_id,
                                std::nullopt, AttendeeJson(attendee)));
  return attendee;
}

Result<Attendee> TrainingService::RecordResult(UnitOfWork& work, int64_t attendee_id,
                                               const AttendeeResult& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Attendee attendee, work.training().GetAttendee(attendee_id));
  RETURN_IF_ERROR(scope.RequireWrite(attendee.org_id, "attendee"));
  if (!request.attended && request.outcome != Outcome::kPending) {
    return Status::Invalid("only someone who attended can pass or fail", "result");
  }
  RETURN_IF_ERROR(ValidateScore(request.score));
  if (attendee.certificate_id && request.outcome != Outcome::kPassed) {
    return Status::Conflict("a certificate was issued for this result; revoke it instead", "result");
  }
  const std::string before = AttendeeJson(attendee);
  attendee.attended = request.attended;
  attendee.outcome = request.outcome;
  attendee.score = request.score;
  RETURN_IF_ERROR(work.training().UpdateAttendeeResult(attendee));
  RETURN_IF_ERROR(audit::Record(work, "update", "training_attendee", std::to_string(attendee.id), attendee.org_id,
                                before, AttendeeJson(attendee)));
  return attendee;
}

Result<Certificate> TrainingService::IssueCertificate(UnitOfWork& work, int64_t attendee_id,
                                                      std::optional<int64_t> issued_on) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const Attendee attendee, work.training().GetAttendee(attendee_id));
  RETURN_IF_ERROR(scope.RequireWrite(attendee.org_id, "attendee"));
  if (attendee.outcome != Outcome::kPassed) {
    return Status::Invalid("a certificate is issued only to someone who passed", "attendee");
  }
  if (attendee.certificate_id) return Status::Conflict("this attendee already has a certificate", "attendee");
  ASSIGN_OR_RETURN(const Session session, work.training().GetSession(attendee.session_id));
  ASSIGN_OR_RETURN(const Course course, work.training().GetCourse(session.course_id));

  Certificate certificate;
  certificate.org_id = attendee.org_id;
  certificate.user_id = attendee.user_id;
  certificate.person_name = attendee.person_name;
  certificate.factory_id = attendee.factory_id;
  certificate.course_id = course.id;
  certificate.session_id = session.id;
  certificate.attendee_id = attendee.id;
  certificate.issued_at = issued_on ? BangkokDayStartOf(*issued_on) : BangkokDayStartOf(work.info().now);
  if (certificate.issued_at < session.ends_on) {
    return Status::Invalid("the certificate cannot be issued before the session's last day", "issued_on");
  }
  certificate.valid_until =
      course.validity_months > 0 ? AddMonthsBangkok(certificate.issued_at, course.validity_months) : 0;

  // Running number per organisation and Buddhist year of issue.
  const core::CivilDate issued = core::BangkokDateOf(certificate.issued_at);
  const int64_t year_start = core::DaysFromCivil({issued.year, 1, 1}) * 86400 - core::kBangkokUtcOffsetSeconds;
  const int64_t year_end = core::DaysFromCivil({issued.year + 1, 1, 1}) * 86400 - core::kBangkokUtcOffsetSeconds;
  ASSIGN_OR_RETURN(const int64_t issued_before,
                   work.training().CountCertificatesIssued(certificate.org_id, year_start, year_end));
  certificate.number = FormatCertificateNumber(issued_before + 1, core::ToBuddhistYear(issued.year));
  auto id = work.training().InsertCertificate(certificate);
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kConflict) {
      return Status::Conflict("another certificate was issued at the same time; try again", "attendee");
    }
    return id.status();
  }
  certificate.id = *id;
  certificate.course_title_th = course.title_th;
  certificate.certifies_inspectors = course.certifies_inspectors;
  RETURN_IF_ERROR(audit::Record(work, "create", "training_certificate", std::to_string(certificate.id),
                                certificate.org_id, std::nullopt, CertificateJson(certificate)));
  return certificate;
}

Result<Certificate> TrainingService::RevokeCertificate(UnitOfWork& work, int64_t id, const std::string& reason) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Certificate certificate, work.training().GetCertificate(id));
  RETURN_IF_ERROR(scope.RequireWrite(certificate.org_id, "certificate"));
  RETURN_IF_ERROR(ValidateReason(reason));
  if (certificate.revoked) return Status::Conflict("the certificate is already revoked", "reason");
  const std::string before = CertificateJson(certificate);
  RETURN_IF_ERROR(work.training().RevokeCertificate(id, reason, work.info().now));
  certificate.revoked = true;
  certificate.revoked_reason = reason;
  certificate.revoked_at = work.info().now;
  RETURN_IF_ERROR(audit::Record(work, "revoke", "training_certificate", std::to_string(id), certificate.org_id,
                                before, CertificateJson(certificate)));
  return certificate;
}

Result<Certificate> TrainingService::GetCertificate(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.training().GetCertificate(id);
}

Result<CertificateRecord> TrainingService::AttendeeCertificate(UnitOfWork& work, int64_t attendee_id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  CertificateRecord record;
  ASSIGN_OR_RETURN(record.attendee, work.training().GetAttendee(attendee_id));
  if (record.attendee.outcome != Outcome::kPassed) {
    return Status::Conflict("only an attendee who passed has a certificate", "attendee");
  }
  if (!record.attendee.certificate_id) {
    return Status::Conflict("no certificate has been issued to this attendee yet", "attendee");
  }
  ASSIGN_OR_RETURN(record.certificate, work.training().GetCertificate(*record.attendee.certificate_id));
  if (record.certificate.revoked) {
    return Status::Conflict("the certificate was revoked: " + record.certificate.revoked_reason, "attendee");
  }
  ASSIGN_OR_RETURN(record.session, work.training().GetSession(record.attendee.session_id));
  ASSIGN_OR_RETURN(record.course, work.training().GetCourse(record.session.course_id));
  return record;
}

Result<std::vector<Certificate>> TrainingService::Certificates(UnitOfWork& work,
                                                               const CertificateFilter& filter) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  CertificateFilter query = filter;
  query.now = work.info().now;
  if (query.expiring_within_days) query.expiring_before = query.now + int64_t{*query.expiring_within_days} * 86400;
  if (query.limit <= 0 || query.limit > 1000) query.limit = 200;
  return work.training().ListCertificates(query);
}

Result<std::vector<accounts::User>> TrainingService::Staff(UnitOfWork& work) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  ASSIGN_OR_RETURN(auto users, work.accounts().ListUsers());
  std::vector<accounts::User> staff;
  for (auto& user : users) {
    if (user.active && user.role != tenancy::Role::kFactory) staff.push_back(std::move(user));
  }
  std::sort(staff.begin(), staff.end(), [](const accounts::User& a, const accounts::User& b) {
    return a.display_name != b.display_name ? a.display_name < b.display_name : a.id < b.id;
  });
  return staff;
}

Result<std::optional<Certificate>> TrainingService::InspectorCertificate(UnitOfWork& work, int64_t user_id,
                                                                         int64_t at) const {
  return work.training().InspectorCertificate(user_id, at);
}

}  // namespace ecotown::training
