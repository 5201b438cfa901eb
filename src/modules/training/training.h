// The training area: courses, sessions, attendees with their results, and the certificates issued
// to those who passed; validation and the TrainingStore port.
//
// Dates are Unix seconds at the start of an Asia/Bangkok day. A certificate is valid at time t
// when issued_at <= t < valid_until and it is not revoked; valid_until is the Bangkok day on which
// it expires (issue day plus the course's validity in months). Only certificates of a course that
// certifies inspectors (Course::certifies_inspectors) let a user sign off an inspection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ecotown::training {

struct Course {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string title_th;
  std::string title_en;
  std::string topic;  // free text, e.g. "การตรวจโรงงานด้านสิ่งแวดล้อม"
  double hours = 0;
  bool certifies_inspectors = false;
  int validity_months = 0;  // 0: certificates of this course do not expire
  int64_t created_at = 0;
};

struct Session {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t course_id = 0;
  int64_t starts_on = 0;  // Bangkok day start
  int64_t ends_on = 0;    // Bangkok day start of the last day (>= starts_on)
  std::string place;
  std::string trainers;  // names, one per line
  int64_t created_at = 0;
};

enum class Outcome { kPending, kPassed, kFailed };
const char* OutcomeName(Outcome outcome);  // "pending", "passed", "failed"
Result<Outcome> ParseOutcome(std::string_view name);  // Invalid(field "result")

// One person in one session: an LAO staff member (user_id set) or a factory's staff member
// (person_name with factory_id, no account).
struct Attendee {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t session_id = 0;
  std::optional<int64_t> user_id;
  std::string person_name;
  std::optional<int64_t> factory_id;
  bool attended = false;
  Outcome outcome = Outcome::kPending;
  std::optional<double> score;  // 0..100
  std::optional<int64_t> certificate_id;  // read-only: the certificate issued to this attendee
};

struct Certificate {
  int64_t id = 0;
  int64_t org_id = 0;
  std::optional<int64_t> user_id;  // null for factory staff, who are not users
  std::string person_name;
  std::optional<int64_t> factory_id;
  int64_t course_id = 0;
  int64_t session_id = 0;
  int64_t attendee_id = 0;
  std::string number;  // "12/2569": running number per LAO and Buddhist year of issue
  int64_t issued_at = 0;    // Bangkok day start
  int64_t valid_until = 0;  // Bangkok day start of the expiry day (exclusive); 0: never expires
  bool revoked = false;
  std::string revoked_reason;
  std::optional<int64_t> revoked_at;
  // Joined for display.
  std::string course_title_th;
  bool certifies_inspectors = false;
};

// True when the certificate is valid at `at` (issued, not expired, not revoked).
bool IsValidAt(const Certificate& certificate, int64_t at);

// Field limits; each Invalid names the field.
Status ValidateCourse(const Course& course);
Status ValidateSession(const Session& session);
Status ValidateScore(std::optional<double> score);
Status ValidatePersonName(std::string_view name);  // "person_name": 1..200 characters
Status ValidateReason(std::string_view reason);      // "reason": 1..1000 characters

// The Bangkok day start `months` calendar months after the Bangkok day of `day_start` (the last
// day of a shorter month when the day does not exist, e.g. 31 Jan + 1 month = 28/29 Feb).
int64_t AddMonthsBangkok(int64_t day_start, int months);
// The start of the Bangkok day containing t.
int64_t BangkokDayStartOf(int64_t t);
// "12/2569".
std::string FormatCertificateNumber(int64_t sequence, int buddhist_year);

struct CertificateFilter {
  std::optional<int64_t> user_id;
  std::optional<std::string> person;  // substring of the person's name
  std::optional<int64_t> session_id;
  // Valid (not revoked) certificates expiring in (now, expiring_before]; needs `now`.
  std::optional<int64_t> expiring_before;
  // For the service: sets expiring_before to now + this many days.
  std::optional<int> expiring_within_days;
  int64_t now = 0;
  int limit = 200;
};

// Persistence port, bound to the Scope of its UnitOfWork. Reads see the readable organisations
// only (a factory representative sees none); writes check write access to the record's
// organisation. Records outside the scope are NotFound.
class TrainingStore {
 public:
  virtual ~TrainingStore() = default;

  virtual Result<int64_t> InsertCourse(const Course& course) = 0;
  virtual Result<Course> GetCourse(int64_t id) = 0;
  virtual Result<std::vector<Course>> ListCourses() = 0;

  virtual Result<int64_t> InsertSession(const Session& session) = 0;
  virtual Result<Session> GetSession(int64_t id) = 0;
  // Newest first; all courses when course_id is empty.
  virtual Result<std::vector<Session>> ListSessions(std::optional<int64_t> course_id) = 0;

  // Conflict when the user is already an attendee of the session.
  virtual Result<int64_t> InsertAttendee(const Attendee& attendee) = 0;
  virtual Result<Attendee> GetAttendee(int64_t id) = 0;
  virtual Result<std::vector<Attendee>> ListAttendees(int64_t session_id) = 0;
  // Stores attended, outcome and score.
  virtual Status UpdateAttendeeResult(const Attendee& attendee) = 0;

  // Conflict when the number is taken in the organisation or the attendee has a certificate.
  virtual Result<int64_t> InsertCertificate(const Certificate& certificate) = 0;
  virtual Result<Certificate> GetCertificate(int64_t id) = 0;
  // Ordered by valid_until, then id.
  virtual Result<std::vector<Certificate>> ListCertificates(const CertificateFilter& filter) = 0;
  // How many certificates the organisation issued in [from, to): the next running number.
  virtual Result<int64_t> CountCertificatesIssued(int64_t org_id, int64_t from, int64_t to) = 0;
  virtual Status RevokeCertificate(int64_t id, std::string_view reason, int64_t at) = 0;

  // The user's certificate of an inspector-qualifying course that is valid at `at` (the one
  // expiring last); nullopt when there is none.
  virtual Result<std::optional<Certificate>> InspectorCertificate(int64_t user_id, int64_t at) = 0;
};

}  // namespace ecotown::training
