#include "modules/network/network.h"

#include <cstdio>
#include <set>

#include "core/thai_calendar.h"
#include "modules/complaints/complaint.h"

namespace ecotown::network {
namespace {

Status RequireName(std::string_view text, size_t max_chars, std::string_view field) {
  RETURN_IF_ERROR(complaints::ValidateText(text, max_chars, field));
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::Invalid(std::string(field) + " must not be empty", std::string(field));
  }
  return Status::Ok();
}

// Reuses the complaint validators, which name "email" and "phone"; `field` renames them.
Status ValidateEmailField(std::string_view email, std::string_view field) {
  if (email.empty()) return Status::Ok();
  if (!complaints::ValidateEmail(email).ok()) return Status::Invalid("not an e-mail address", std::string(field));
  return Status::Ok();
}

Status ValidatePhoneField(std::string_view phone, std::string_view field) {
  if (phone.empty()) return Status::Ok();
  const Status status = complaints::ValidatePhone(phone);
  return status.ok() ? status : Status::Invalid(status.message(), std::string(field));
}

}  // namespace

const std::vector<KindInfo>& AllKinds() {
  static const std::vector<KindInfo> kKinds = {
      {PartnerKind::kLao, "lao", "องค์กรปกครองส่วนท้องถิ่น", "Local administrative organisation"},
      {PartnerKind::kProvincialIndustryOffice, "provincial_industry_office", "สำนักงานอุตสาหกรรมจังหวัด",
       "Provincial Industry Office"},
      {PartnerKind::kRegionalEnvironmentOffice, "regional_environment_office", "สำนักงานสิ่งแวดล้อมภาค",
       "Regional Environment Office"},
      {PartnerKind::kFactory, "factory", "โรงงาน/สถานประกอบการ", "Factory"},
      {PartnerKind::kCommunityGroup, "community_group", "กลุ่มชุมชน/ภาคประชาสังคม", "Community group"},
      {PartnerKind::kSchool, "school", "โรงเรียน", "School"},
      {PartnerKind::kUniversity, "university", "มหาวิทยาลัย/สถาบันการศึกษา", "University"},
      {PartnerKind::kOther, "other", "อื่น ๆ", "Other"},
  };
  return kKinds;
}

const char* KindCode(PartnerKind kind) {
  for (const auto& info : AllKinds()) {
    if (info.kind == kind) return info.code;
  }
  return "other";
}

Result<PartnerKind> ParseKind(std::string_view code, std::string_view field) {
  for (const auto& info : AllKinds()) {
    if (code == info.code) return info.kind;
  }
  return Status::Invalid(
      "kind must be one of lao, provincial_industry_office, regional_environment_office, factory, community_group, "
      "school, university, other",
      std::string(field));
}

const char* AgreementStatusName(AgreementStatus status) {
  switch (status) {
    case AgreementStatus::kUpcoming: return "upcoming";
    case AgreementStatus::kActive: return "active";
    case AgreementStatus::kExpired: return "expired";
  }
  return "active";
}

Result<AgreementStatus> ParseAgreementStatus(std::string_view name, std::string_view field) {
  for (const auto status : {AgreementStatus::kUpcoming, AgreementStatus::kActive, AgreementStatus::kExpired}) {
    if (name == AgreementStatusName(status)) return status;
  }
  return Status::Invalid("status must be upcoming, active or expired", std::string(field));
}

AgreementStatus StatusOn(const Agreement& agreement, std::string_view today) {
  // ISO days compare as text.
  if (today < agreement.starts_on) return AgreementStatus::kUpcoming;
  if (agreement.ends_on && today > *agreement.ends_on) return AgreementStatus::kExpired;
  return AgreementStatus::kActive;
}

const char* ActionStatusName(ActionStatus status) { return status == ActionStatus::kDone ? "done" : "open"; }

Result<ActionStatus> ParseActionStatus(std::string_view name, std::string_view field) {
  if (name == "open") return ActionStatus::kOpen;
  if (name == "done") return ActionStatus::kDone;
  return Status::Invalid("status must be open or done", std::string(field));
}

bool IsOverdue(const ActionItem& item, std::string_view today) {
  return item.status == ActionStatus::kOpen && item.due_on && *item.due_on < today;
}

std::string BangkokDay(int64_t unix_seconds) {
  const core::CivilDate d = core::BangkokDateOf(unix_seconds);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", d.year, d.month, d.day);
  return text;
}

Status ValidateDay(std::string_view day, std::string_view field) {
  const auto fail = [&] {
    return Status::Invalid(std::string(field) + " must be a day as YYYY-MM-DD (Common Era)", std::string(field));
  };
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return fail();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (day[i] < '0' || day[i] > '9') return fail();
  }
  const int year = std::stoi(std::string(day.substr(0, 4)));
  const int month = std::stoi(std::string(day.substr(5, 2)));
  const int d = std::stoi(std::string(day.substr(8, 2)));
  if (year >= 2400) {
    return Status::Invalid(std::string(field) + " looks like a Buddhist Era year; give the Common Era year (" +
                               std::to_string(year - core::kBuddhistEraOffset) + ")",
                           std::string(field));
  }
  if (year < 1900 || year > 2200 || !core::IsValidDate(year, month, d)) return fail();
  return Status::Ok();
}

Status ValidatePartner(const Partner& p) {
  RETURN_IF_ERROR(RequireName(p.name_th, kMaxNameChars, "name_th"));
  RETURN_IF_ERROR(complaints::ValidateText(p.name_en, kMaxNameChars, "name_en"));
  RETURN_IF_ERROR(complaints::ValidateText(p.address, kMaxTextChars, "address"));
  RETURN_IF_ERROR(ValidatePhoneField(p.phone, "phone"));
  RETURN_IF_ERROR(ValidateEmailField(p.email, "email"));
  RETURN_IF_ERROR(complaints::ValidateText(p.website, kMaxTextChars, "website"));
  if (!p.website.empty() && p.website.rfind("https://", 0) != 0 && p.website.rfind("http://", 0) != 0) {
    return Status::Invalid("website must start with https:// or http://", "website");
  }
  RETURN_IF_ERROR(complaints::ValidateText(p.notes, kMaxNoteChars, "notes"));
  if (p.factory_id && p.kind != PartnerKind::kFactory) {
    return Status::Invalid("only a partner of kind factory links a registry factory", "factory_id");
  }
  return Status::Ok();
}

Status ValidateContact(const Contact& c) {
  RETURN_IF_ERROR(RequireName(c.name, kMaxNameChars, "name"));
  RETURN_IF_ERROR(complaints::ValidateText(c.position, kMaxTextChars, "position"));
  RETURN_IF_ERROR(ValidatePhoneField(c.phone, "phone"));
  RETURN_IF_ERROR(ValidateEmailField(c.email, "email"));
  return Status::Ok();
}

Status ValidateAgreement(const Agreement& a) {
  RETURN_IF_ERROR(RequireName(a.title, kMaxNameChars, "title"));
  if (a.signed_on) RETURN_IF_ERROR(ValidateDay(*a.signed_on, "signed_on"));
  RETURN_IF_ERROR(ValidateDay(a.starts_on, "starts_on"));
  if (a.ends_on) {
    RETURN_IF_ERROR(ValidateDay(*a.ends_on, "ends_on"));
    if (*a.ends_on < a.starts_on) return Status::Invalid("ends_on is before starts_on", "ends_on");
  }
  RETURN_IF_ERROR(complaints::ValidateText(a.document_note, kMaxNoteChars, "document_note"));
  if (a.parties.empty()) return Status::Invalid("an agreement needs at least one partner organisation", "parties");
  if (a.parties.size() > 50) return Status::Invalid("at most 50 parties", "parties");
  std::set<int64_t> seen;
  for (size_t i = 0; i < a.parties.size(); ++i) {
    if (!seen.insert(a.parties[i].partner_id).second) {
      return Status::Invalid("a partner is listed twice", "parties[" + std::to_string(i) + "]");
    }
  }
  return Status::Ok();
}

Status ValidateMeeting(const Meeting& m) {
  RETURN_IF_ERROR(RequireName(m.title, kMaxNameChars, "title"));
  // 2000-01-01 .. 2100-01-01: a typo in the year, not a real meeting.
  if (m.starts_at < 946'684'800 || m.starts_at > 4'102'444'800) {
    return Status::Invalid("starts_at must be a time between 2000 and 2100", "starts_at");
  }
  RETURN_IF_ERROR(complaints::ValidateText(m.place, kMaxTextChars, "place"));
  RETURN_IF_ERROR(complaints::ValidateText(m.agenda, kMaxLongTextChars, "agenda"));
  RETURN_IF_ERROR(complaints::ValidateText(m.minutes, kMaxLongTextChars, "minutes"));
  if (m.attendees.size() > 200) return Status::Invalid("at most 200 attendees", "attendees");
  for (size_t i = 0; i < m.attendees.size(); ++i) {
    if (!m.attendees[i].partner_id && !m.attendees[i].contact_id) {
      return Status::Invalid("an attendee names a partner_id or a contact_id", "attendees[" + std::to_string(i) + "]");
    }
  }
  return Status::Ok();
}

Status ValidateAction(const ActionItem& a) {
  RETURN_IF_ERROR(RequireName(a.text, kMaxNoteChars, "text"));
  if (a.due_on) RETURN_IF_ERROR(ValidateDay(*a.due_on, "due_on"));
  if (a.done_on) {
    if (a.status != ActionStatus::kDone) return Status::Invalid("done_on is only for a done item", "done_on");
    RETURN_IF_ERROR(ValidateDay(*a.done_on, "done_on"));
  }
  RETURN_IF_ERROR(complaints::ValidateText(a.note, kMaxNoteChars, "note"));
  return Status::Ok();
}

}  // namespace ecotown::network
