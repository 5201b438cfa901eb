#include "modules/complaints/complaint.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "core/thai_calendar.h"
#include "core/utf8.h"

namespace ecotown::complaints {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// No 0/O, 1/I/L or U: a tracking number read aloud over the phone or copied by hand stays unambiguous.
constexpr std::string_view kTrackingAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

}  // namespace

const std::vector<CategoryInfo>& AllCategories() {
  // Deadlines (days to resolve) are defaults an LAO can change: open burning needs the same or
  // next day; dumping and wastewater spread, so days; nuisance complaints a working week.
  static const std::vector<CategoryInfo> kCategories = {
      {Category::kDustSmoke, "dust_smoke", "ฝุ่นหรือควัน", "Dust or smoke", "air", 7},
      {Category::kOdour, "odour", "กลิ่นเหม็น", "Odour", "air", 7},
      {Category::kNoise, "noise", "เสียงดัง", "Noise", "noise", 7},
      {Category::kWastewater, "wastewater", "น้ำเสีย", "Wastewater", "water", 5},
      {Category::kOpenBurning, "open_burning", "การเผาในที่โล่ง", "Open burning", "air", 1},
      {Category::kWasteDumping, "waste_dumping", "ลักลอบทิ้งขยะหรือกากของเสีย", "Waste dumping", "waste", 3},
      {Category::kOther, "other", "เรื่องอื่น ๆ", "Other", "other", 15},
  };
  return kCategories;
}

const CategoryInfo& InfoOf(Category category) {
  for (const auto& info : AllCategories()) {
    if (info.category == category) return info;
  }
  return AllCategories().back();
}

const char* CategoryCode(Category category) { return InfoOf(category).code; }

Result<Category> ParseCategory(std::string_view code, std::string_view field) {
  for (const auto& info : AllCategories()) {
    if (code == info.code) return info.category;
  }
  return Status::Invalid("unknown category '" + std::string(code) + "'", std::string(field));
}

namespace {
struct StatusInfo {
  ComplaintStatus status;
  const char* code;
  const char* name_th;
  const char* name_en;
};
const StatusInfo kStatuses[] = {
    {ComplaintStatus::kReceived, "received", "รับเรื่องแล้ว", "Received"},
    {ComplaintStatus::kAssigned, "assigned", "มอบหมายเจ้าหน้าที่แล้ว", "Assigned"},
    {ComplaintStatus::kInvestigating, "investigating", "กำลังตรวจสอบ", "Investigating"},
    {ComplaintStatus::kResolved, "resolved", "แก้ไขแล้ว", "Resolved"},
    {ComplaintStatus::kRejected, "rejected", "ไม่รับดำเนินการ", "Rejected"},
    {ComplaintStatus::kClosed, "closed", "ปิดเรื่อง", "Closed"},
    {ComplaintStatus::kMerged, "merged", "รวมกับเรื่องที่ซ้ำกัน", "Merged into another complaint"},
};
const StatusInfo& InfoOf(ComplaintStatus status) {
  for (const auto& info : kStatuses) {
    if (info.status == status) return info;
  }
  return kStatuses[0];
}
}  // namespace

const char* StatusName(ComplaintStatus status) { return InfoOf(status).code; }
const char* StatusNameTh(ComplaintStatus status) { return InfoOf(status).name_th; }
const char* StatusNameEn(ComplaintStatus status) { return InfoOf(status).name_en; }

Result<ComplaintStatus> ParseStatus(std::string_view code, std::string_view field) {
  for (const auto& info : kStatuses) {
    if (code == info.code) return info.status;
  }
  return Status::Invalid("unknown status '" + std::string(code) + "'", std::string(field));
}

bool IsOpen(ComplaintStatus status) {
  return status == ComplaintStatus::kReceived || status == ComplaintStatus::kAssigned ||
         status == ComplaintStatus::kInvestigating;
}

bool CanTransition(ComplaintStatus from, ComplaintStatus to) {
  using S = ComplaintStatus;
  switch (from) {
    case S::kReceived:
      return to == S::kAssigned || to == S::kRejected;
    case S::kAssigned:  // re-assigning to another officer is assigned -> assigned
      return to == S::kAssigned || to == S::kInvestigating || to == S::kRejected;
    case S::kInvestigating:
      return to == S::kAssigned || to == S::kResolved || to == S::kRejected;
    case S::kResolved:  // reopened when the problem comes back, or closed
      return to == S::kInvestigating || to == S::kClosed;
    case S::kRejected:
      return to == S::kClosed;
    case S::kClosed:
    case S::kMerged:
      return false;
  }
  return false;
}

const ConsentText& CurrentConsent() {
  static const ConsentText kConsent = {
      "2026-11-v1",
      "ข้าพเจ้ายินยอมให้องค์กรปกครองส่วนท้องถิ่นเก็บชื่อ อีเมล และหมายเลขโทรศัพท์ที่ให้ไว้ "
      "เพื่อใช้ติดต่อสอบถามและแจ้งความคืบหน้าของเรื่องร้องเรียนนี้เท่านั้น ตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล "
      "พ.ศ. 2562 ข้อมูลนี้จะไม่เปิดเผยต่อสาธารณะหรือต่อผู้ถูกร้องเรียน และจะถูกลบเมื่อพ้นระยะเวลาเก็บรักษาที่หน่วยงานกำหนด "
      "ท่านถอนความยินยอมได้โดยแจ้งหน่วยงาน ส่วนรายละเอียดเรื่องร้องเรียน ประเภท และตำแหน่งโดยประมาณจะแสดงต่อสาธารณะ",
      "I consent to the local government keeping the name, e-mail and phone number I give, only to contact me "
      "and tell me how this complaint progresses, under the Personal Data Protection Act B.E. 2562. They are "
      "never shown to the public or to the business complained about, and are erased when the retention period "
      "the office set has passed. I may withdraw consent by telling the office. The complaint's description, "
      "category and approximate location are public.",
  };
  return kConsent;
}

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kStatus:
      return "status";
    case EventKind::kPublicReply:
      return "public_reply";
    case EventKind::kInternalNote:
      return "internal_note";
    case EventKind::kLink:
      return "link";
    case EventKind::kMerge:
      return "merge";
    case EventKind::kErasure:
      return "erasure";
  }
  return "status";
}

Result<EventKind> ParseEventKind(std::string_view name) {
  for (EventKind kind : {EventKind::kStatus, EventKind::kPublicReply, EventKind::kInternalNote, EventKind::kLink,
                         EventKind::kMerge, EventKind::kErasure}) {
    if (name == EventKindName(kind)) return kind;
  }
  return Status::Invalid("unknown event kind '" + std::string(name) + "'", "kind");
}

bool IsPublicEvent(EventKind kind) {
  return kind == EventKind::kStatus || kind == EventKind::kPublicReply || kind == EventKind::kMerge;
}

const char* NoticeChannelName(NoticeChannel channel) {
  return channel == NoticeChannel::kLine ? "line" : "email";
}

const char* NoticeStatusName(NoticeStatus status) {
  switch (status) {
    case NoticeStatus::kPending:
      return "pending";
    case NoticeStatus::kSent:
      return "sent";
    case NoticeStatus::kFailed:
      return "failed";
  }
  return "pending";
}

Settings DefaultSettings(int64_t org_id, std::string_view org_code) {
  Settings settings;
  settings.org_id = org_id;
  for (const auto& info : AllCategories()) settings.deadline_days[info.category] = info.default_deadline_days;
  for (char c : org_code) {
    if (settings.tracking_prefix.size() == 2) break;
    if (std::isalpha(static_cast<unsigned char>(c))) {
      settings.tracking_prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  if (settings.tracking_prefix.size() < 2) settings.tracking_prefix = "CP";
  return settings;
}

Status ValidateSettings(const Settings& settings) {
  for (const auto& info : AllCategories()) {
    auto it = settings.deadline_days.find(info.category);
    if (it == settings.deadline_days.end()) {
      return Status::Invalid(std::string("deadline for ") + info.code + " is missing",
                             std::string("deadline_days.") + info.code);
    }
    if (it->second < 1 || it->second > 365) {
      return Status::Invalid("a deadline is 1 to 365 days", std::string("deadline_days.") + info.code);
    }
  }
  if (settings.retention_days < 30 || settings.retention_days > 3650) {
    return Status::Invalid("retention is 30 to 3650 days", "retention_days");
  }
  const auto& prefix = settings.tracking_prefix;
  if (prefix.size() < 2 || prefix.size() > 4 ||
      !std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Status::Invalid("the tracking prefix is 2 to 4 capital letters A-Z", "tracking_prefix");
  }
  return Status::Ok();
}

Status ValidateText(std::string_view text, size_t max_chars, std::string_view field) {
  if (!core::IsValidUtf8(text)) return Status::Invalid(std::string(field) + " is not valid UTF-8", std::string(field));
  if (core::CodePointCount(text) > max_chars) {
    return Status::Invalid(std::string(field) + " is longer than " + std::to_string(max_chars) + " characters",
                           std::string(field));
  }
  for (unsigned char c : text) {
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
      return Status::Invalid(std::string(field) + " contains control characters", std::string(field));
    }
  }
  return Status::Ok();
}

Status ValidateDescription(std::string_view text) {
  RETURN_IF_ERROR(ValidateText(text, kMaxDescriptionChars, "description"));
  if (core::CodePointCount(Trim(text)) < kMinDescriptionChars) {
    return Status::Invalid("describe what you saw in at least " + std::to_string(kMinDescriptionChars) + " characters",
                           "description");
  }
  return Status::Ok();
}

Status ValidateLineUserId(std::string_view user_id) {
  const bool ok = user_id.size() == 33 && user_id.front() == 'U' &&
                  std::all_of(user_id.begin() + 1, user_id.end(), [](char c) { return std::isxdigit(c); });
  if (!ok) return Status::Invalid("a LINE user id is U and 32 hexadecimal digits", "line_user_id");
  return Status::Ok();
}

Status ValidateEmail(std::string_view email) {
  const auto at = email.find('@');
  const bool ok = email.size() <= 254 && at != std::string_view::npos && at > 0 && at == email.rfind('@') &&
                  email.find('.', at) != std::string_view::npos && email.back() != '.' &&
                  std::none_of(email.begin(), email.end(), [](char c) {
                    return std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == ',' ||
                           c == ';' || c == '"' || static_cast<unsigned char>(c) < 0x20;
                  });
  return ok ? Status::Ok() : Status::Invalid("not an e-mail address", "email");
}

Status ValidatePhone(std::string_view phone) {
  int digits = 0;
  for (char c : phone) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c != '+' && c != '-' && c != ' ') {
      return Status::Invalid("a phone number has digits, +, - and spaces only", "phone");
    }
  }
  if (digits < 6 || phone.size() > 20) return Status::Invalid("a phone number has 6 to 20 digits", "phone");
  return Status::Ok();
}

std::string NewTrackingNumber(std::string_view prefix, int64_t now) {
  std::string out(prefix);
  out += '-';
  out += std::to_string(core::ToBuddhistYear(core::BangkokDateOf(now).year));
  out += '-';
  for (int i = 0; i < 5; ++i) {
    out += kTrackingAlphabet[randombytes_uniform(static_cast<uint32_t>(kTrackingAlphabet.size()))];
  }
  return out;
}

std::string NormalizeTracking(std::string_view text) {
  text = Trim(text);
  if (text.empty() || text.size() > 20) return {};
  std::string out;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return {};
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace ecotown::complaints
