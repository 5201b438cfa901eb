#include "modules/training/training.h"

#include <algorithm>
#include <cmath>

#include "core/thai_calendar.h"
#include "core/utf8.h"

namespace ecotown::training {
namespace {

Status CheckText(std::string_view text, std::string_view field, size_t max_chars, bool required) {
  if (!core::IsValidUtf8(text)) return Status::Invalid(std::string(field) + " is not valid UTF-8", std::string(field));
  if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::Invalid(std::string(field) + " is required", std::string(field));
  }
  if (core::CodePointCount(text) > max_chars) {
    return Status::Invalid(std::string(field) + " is longer than " + std::to_string(max_chars) + " characters",
                           std::string(field));
  }
  return Status::Ok();
}

int DaysInMonth(int year, int month) {
  for (int day = 31; day > 28; --day) {
    if (core::IsValidDate(year, month, day)) return day;
  }
  return 28;
}

}  // namespace

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPending: return "pending";
    case Outcome::kPassed: return "passed";
    case Outcome::kFailed: return "failed";
  }
  return "pending";
}

Result<Outcome> ParseOutcome(std::string_view name) {
  if (name == "pending") return Outcome::kPending;
  if (name == "passed") return Outcome::kPassed;
  if (name == "failed") return Outcome::kFailed;
  return Status::Invalid("result must be pending, passed or failed", "result");
}

bool IsValidAt(const Certificate& certificate, int64_t at) {
  if (certificate.revoked || at < certificate.issued_at) return false;
  return certificate.valid_until == 0 || at < certificate.valid_until;
}

Status ValidateCourse(const Course& course) {
  RETURN_IF_ERROR(CheckText(course.title_th, "title_th", 200, true));
  RETURN_IF_ERROR(CheckText(course.title_en, "title_en", 200, false));
  RETURN_IF_ERROR(CheckText(course.topic, "topic", 200, false));
  if (!std::isfinite(course.hours) || course.hours <= 0 || course.hours > 1000) {
    return Status::Invalid("hours must be more than 0 and at most 1000", "hours");
  }
  if (course.validity_months < 0 || course.validity_months > 120) {
    return Status::Invalid("validity_months must be 0 (no expiry) to 120", "validity_months");
  }
  return Status::Ok();
}

Status ValidateSession(const Session& session) {
  if (session.ends_on < session.starts_on) return Status::Invalid("ends_on must not be before starts_on", "ends_on");
  if (session.ends_on - session.starts_on > 366 * 86400) {
    return Status::Invalid("a session lasts at most a year", "ends_on");
  }
  RETURN_IF_ERROR(CheckText(session.place, "place", 300, true));
  RETURN_IF_ERROR(CheckText(session.trainers, "trainers", 1000, false));
  return Status::Ok();
}

Status ValidateScore(std::optional<double> score) {
  if (score && (!std::isfinite(*score) || *score < 0 || *score > 100)) {
    return Status::Invalid("score must be between 0 and 100", "score");
  }
  return Status::Ok();
}

Status ValidatePersonName(std::string_view name) { return CheckText(name, "person_name", 200, true); }

Status ValidateReason(std::string_view reason) { return CheckText(reason, "reason", 1000, true); }

int64_t BangkokDayStartOf(int64_t t) {
  const core::CivilDate date = core::BangkokDateOf(t);
  return core::DaysFromCivil(date) * 86400 - core::kBangkokUtcOffsetSeconds;
}

int64_t AddMonthsBangkok(int64_t day_start, int months) {
  core::CivilDate date = core::BangkokDateOf(day_start);
  const int total = date.year * 12 + (date.month - 1) + months;
  date.year = total / 12;
  date.month = total % 12 + 1;
  date.day = std::min(date.day, DaysInMonth(date.year, date.month));
  return core::DaysFromCivil(date) * 86400 - core::kBangkokUtcOffsetSeconds;
}

std::string FormatCertificateNumber(int64_t sequence, int buddhist_year) {
  return std::to_string(sequence) + "/" + std::to_string(buddhist_year);
}

}  // namespace ecotown::training
