#include "modules/clinic/clinic.h"

#include <array>
#include <cmath>
#include <utility>

#include "core/utf8.h"

namespace ecotown::clinic {
namespace {

constexpr std::array<std::pair<Topic, const char*>, 8> kTopics = {{{Topic::kAir, "air"},
                                                                   {Topic::kDust, "dust"},
                                                                   {Topic::kOdour, "odour"},
                                                                   {Topic::kWater, "water"},
                                                                   {Topic::kWaste, "waste"},
                                                                   {Topic::kNoise, "noise"},
                                                                   {Topic::kEnergy, "energy"},
                                                                   {Topic::kCircular, "circular"}}};

constexpr std::array<std::pair<CaseStatus, const char*>, 6> kStatuses = {{{CaseStatus::kRequested, "requested"},
                                                                         {CaseStatus::kAccepted, "accepted"},
                                                                         {CaseStatus::kInProgress, "in_progress"},
                                                                         {CaseStatus::kFollowUp, "follow_up"},
                                                                         {CaseStatus::kClosed, "closed"},
                                                                         {CaseStatus::kDeclined, "declined"}}};

Status CheckText(std::string_view text, const char* field, size_t max_chars, bool required) {
  if (!core::IsValidUtf8(text)) return Status::Invalid(std::string(field) + " is not valid UTF-8", field);
  if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::Invalid(std::string(field) + " is required", field);
  }
  if (core::CodePointCount(text) > max_chars) {
    return Status::Invalid(std::string(field) + " is longer than " + std::to_string(max_chars) + " characters", field);
  }
  return Status::Ok();
}

}  // namespace

const char* TopicName(Topic topic) {
  for (const auto& [value, name] : kTopics) {
    if (value == topic) return name;
  }
  return "air";
}

Result<Topic> ParseTopic(std::string_view name) {
  for (const auto& [value, text] : kTopics) {
    if (name == text) return value;
  }
  return Status::Invalid("topic must be one of air, dust, odour, water, waste, noise, energy, circular", "topic");
}

const char* CaseStatusName(CaseStatus status) {
  for (const auto& [value, name] : kStatuses) {
    if (value == status) return name;
  }
  return "requested";
}

Result<CaseStatus> ParseCaseStatus(std::string_view name) {
  for (const auto& [value, text] : kStatuses) {
    if (name == text) return value;
  }
  return Status::Invalid("status must be one of requested, accepted, in_progress, follow_up, closed, declined",
                         "status");
}

bool CanMove(CaseStatus from, CaseStatus to) {
  using S = CaseStatus;
  switch (from) {
    case S::kRequested: return to == S::kAccepted || to == S::kDeclined;
    case S::kAccepted: return to == S::kInProgress || to == S::kDeclined;
    case S::kInProgress: return to == S::kFollowUp || to == S::kClosed;
    case S::kFollowUp: return to == S::kInProgress || to == S::kClosed;
    case S::kClosed:
    case S::kDeclined: return false;
  }
  return false;
}

Status ValidateCase(const Case& c) {
  RETURN_IF_ERROR(CheckText(c.request_text, "request_text", 4000, true));
  if (core::CodePointCount(c.request_text) < 10) {
    return Status::Invalid("describe the problem in at least 10 characters", "request_text");
  }
  RETURN_IF_ERROR(CheckText(c.contact_name, "contact_name", 200, false));
  RETURN_IF_ERROR(CheckText(c.contact_phone, "contact_phone", 40, false));
  if (c.contact_phone.find_first_not_of("0123456789+-() ") != std::string::npos) {
    return Status::Invalid("contact_phone may hold only digits, spaces and + - ( )", "contact_phone");
  }
  return Status::Ok();
}

Status ValidateVisit(const Visit& visit) {
  RETURN_IF_ERROR(CheckText(visit.notes, "notes", 4000, false));
  RETURN_IF_ERROR(CheckText(visit.advice, "advice", 4000, true));
  return Status::Ok();
}

Status ValidateMeasure(const Measure& measure) {
  RETURN_IF_ERROR(CheckText(measure.description, "description", 1000, true));
  RETURN_IF_ERROR(CheckText(measure.owner, "owner", 200, true));
  return Status::Ok();
}

Status ValidateFollowUp(const FollowUp& follow_up) { return CheckText(follow_up.note, "note", 1000, false); }

Status ValidateOutcome(const Outcome& outcome) {
  RETURN_IF_ERROR(CheckText(outcome.indicator, "indicator", 200, true));
  RETURN_IF_ERROR(CheckText(outcome.unit, "unit", 40, true));
  if (!std::isfinite(outcome.before_value)) return Status::Invalid("before_value must be a number", "before_value");
  if (!std::isfinite(outcome.after_value)) return Status::Invalid("after_value must be a number", "after_value");
  if (outcome.after_on < outcome.before_on) {
    return Status::Invalid("the after measurement must not be earlier than the before one", "after_on");
  }
  RETURN_IF_ERROR(CheckText(outcome.notes, "notes", 2000, false));
  return Status::Ok();
}

Status ValidateArticle(const Article& article) {
  if (article.slug.empty() || article.slug.size() > 80 ||
      article.slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    return Status::Invalid("slug must be 1..80 of a-z, 0-9 and -", "slug");
  }
  RETURN_IF_ERROR(CheckText(article.title, "title", 300, true));
  RETURN_IF_ERROR(CheckText(article.summary, "summary", 1000, false));
  RETURN_IF_ERROR(CheckText(article.body, "body", 50000, true));
  RETURN_IF_ERROR(CheckText(article.tags, "tags", 500, false));
  return Status::Ok();
}

}  // namespace ecotown::clinic
