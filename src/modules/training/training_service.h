// TrainingService: courses, sessions, attendees and their results, certificates for those who
// passed, revocation, and the certificate check that inspection sign-off uses. Stateless;
// thread-safe. Every write is audited in the same transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/training/training.h"
#include "modules/unit_of_work.h"

namespace ecotown::training {

struct NewCourse {
  std::optional<std::string> org_code;  // default: the caller's organisation
  std::string title_th;
  std::string title_en;
  std::string topic;
  double hours = 0;
  bool certifies_inspectors = false;
  int validity_months = 0;
};

struct NewSession {
  int64_t course_id = 0;
  int64_t starts_on = 0;  // Bangkok day start
  int64_t ends_on = 0;
  std::string place;
  std::string trainers;
};

// Exactly one of user_id (LAO staff) or person_name with factory_id (factory staff).
struct NewAttendee {
  std::optional<int64_t> user_id;
  std::optional<std::string> person_name;
  std::optional<int64_t> factory_id;
};

struct AttendeeResult {
  bool attended = false;
  Outcome outcome = Outcome::kPending;
  std::optional<double> score;
};

struct SessionDetail {
  Session session;
  Course course;
  std::vector<Attendee> attendees;
};

// What a printed certificate shows: the certificate, its course and session, the attendee.
struct CertificateRecord {
  Certificate certificate;
  Course course;
  Session session;
  Attendee attendee;
};

class TrainingService {
 public:
  // Needs kWrite and write access to the organisation. Invalid naming the field.
  Result<Course> CreateCourse(UnitOfWork& work, const NewCourse& request) const;
  Result<std::vector<Course>> Courses(UnitOfWork& work) const;
  Result<Course> GetCourse(UnitOfWork& work, int64_t id) const;

  // Invalid("course_id") for an unknown course; the session belongs to the course's organisation.
  Result<Session> CreateSession(UnitOfWork& work, const NewSession& request) const;
  Result<std::vector<Session>> Sessions(UnitOfWork& work, std::optional<int64_t> course_id) const;
  Result<SessionDetail> GetSession(UnitOfWork& work, int64_t id) const;

  // Invalid naming "user_id", "person_name" or "factory_id"; Conflict("user_id") when the user
  // already attends the session.
  Result<Attendee> AddAttendee(UnitOfWork& work, int64_t session_id, const NewAttendee& request) const;
  // Invalid("result") when passed/failed is given for someone who did not attend; Invalid("score").
  // Conflict("result") once a certificate was issued and the result would no longer be "passed".
  Result<Attendee> RecordResult(UnitOfWork& work, int64_t attendee_id, const AttendeeResult& request) const;

  // Issues the attendee's certificate on `issued_on` (a Bangkok day start; default: today),
  // numbered "<n>/<BE year>" per organisation, expiring after the course's validity.
  // Invalid("attendee") unless the attendee passed; Conflict("attendee") when already issued;
  // Invalid("issued_on") before the session ended.
  Result<Certificate> IssueCertificate(UnitOfWork& work, int64_t attendee_id, std::optional<int64_t> issued_on) const;
  // Invalid("reason") when empty; Conflict when already revoked.
  Result<Certificate> RevokeCertificate(UnitOfWork& work, int64_t id, const std::string& reason) const;
  Result<Certificate> GetCertificate(UnitOfWork& work, int64_t id) const;
  // Needs kRead. The certificate of a passed attendee, to print: Conflict("attendee") when the
  // attendee has not passed, has no certificate issued yet, or the certificate was revoked.
  Result<CertificateRecord> AttendeeCertificate(UnitOfWork& work, int64_t attendee_id) const;
  Result<std::vector<Certificate>> Certificates(UnitOfWork& work, const CertificateFilter& filter) const;

  // LAO staff who can attend or advise: active users of the readable organisations who are not
  // factory representatives, by display name. Needs kRead.
  Result<std::vector<accounts::User>> Staff(UnitOfWork& work) const;

  // The user's valid (issued on or before `at`, not expired, not revoked) certificate of a course
  // that certifies inspectors, or nullopt. Inspection sign-off calls this.
  Result<std::optional<Certificate>> InspectorCertificate(UnitOfWork& work, int64_t user_id, int64_t at) const;
};

}  // namespace ecotown::training
