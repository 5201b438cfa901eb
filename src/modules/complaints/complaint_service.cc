#include "modules/complaints/complaint_service.h"

#include "modules/factories/factory.h"
#include "modules/inspections/inspection.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "core/thai_calendar.h"
#include "modules/accounts/secrets.h"
#include "modules/audit/recorder.h"
#include "modules/calibration/sensor_photo.h"
#include "modules/complaints/line.h"

namespace ecotown::complaints {
namespace {

using tenancy::Permission;

constexpr int64_t kDay = 86400;
// A pin may lie this far outside the outermost subdistrict centroids of the province: the
// border runs beyond them (about 17 km).
constexpr double kBoundsPadding = 0.15;
// How far in the past a resident may say something was observed.
constexpr int64_t kMaxObservedAge = 365 * kDay;
// Clock skew of a phone that says "now".
constexpr int64_t kObservedSkew = 15 * 60;

// The audited shape of a complaint: never the contact details, only whether there are any.
std::string AuditJson(const Complaint& c) {
  nlohmann::json j = {{"tracking", c.tracking},
                      {"category", CategoryCode(c.category)},
                      {"status", StatusName(c.status)},
                      {"description_chars", c.description.size()},
                      {"has_location", c.lat.has_value()},
                      {"area_code", c.area_code ? nlohmann::json(*c.area_code) : nlohmann::json()},
                      {"has_contact", c.contact.Any()},
                      {"source", c.source},
                      {"deadline_at", c.deadline_at}};
  if (c.reject_reason) j["reject_reason"] = *c.reject_reason;
  if (c.assignee_user_id) j["assignee_user_id"] = *c.assignee_user_id;
  if (c.merged_into) j["merged_into"] = *c.merged_into;
  if (c.factory_id) j["factory_id"] = *c.factory_id;
  if (c.inspection_id) j["inspection_id"] = *c.inspection_id;
  return j.dump();
}

std::string Trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::optional<std::string> TrimmedOpt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::string t = Trimmed(*text);
  if (t.empty()) return std::nullopt;
  return t;
}

Status ValidateContact(const Contact& contact) {
  if (contact.name) RETURN_IF_ERROR(ValidateText(*contact.name, kMaxNameChars, "name"));
  if (contact.email) RETURN_IF_ERROR(ValidateEmail(*contact.email));
  if (contact.phone) RETURN_IF_ERROR(ValidatePhone(*contact.phone));
  if (contact.device_id) RETURN_IF_ERROR(ValidateText(*contact.device_id, 200, "device_id"));
  if (contact.line_user_id) RETURN_IF_ERROR(ValidateLineUserId(*contact.line_user_id));
  return Status::Ok();
}

// The LINE push of a change: short, Thai, with the tracking number. The retry key is drawn once
// with the outbox row, so every retry of that row carries the same key and LINE delivers it once.
Status QueueLineNotice(UnitOfWork& work, const Complaint& c, const std::string& news_th) {
  if (!c.contact.line_user_id || c.personal_erased_at) return Status::Ok();
  Notice notice;
  notice.org_id = c.org_id;
  notice.complaint_id = c.id;
  notice.channel = NoticeChannel::kLine;
  notice.to = *c.contact.line_user_id;
  notice.subject = "เรื่องร้องเรียน " + c.tracking + ": " + StatusNameTh(c.status);
  notice.body = "เรื่องร้องเรียนเลขที่ " + c.tracking + " (" + InfoOf(c.category).name_th + ")\nสถานะ: " +
                StatusNameTh(c.status) + (news_th.empty() ? "" : "\n" + news_th);
  notice.status = NoticeStatus::kPending;
  notice.next_attempt_at = work.info().now;
  notice.retry_key = NewLineRetryKey();
  notice.created_at = work.info().now;
  return work.complaints().InsertNotice(notice).status();
}

// The one place that says what a resident is told about a change, in Thai then English.
// The LINE resident already had the filing's answer in the chat: no push for it (push_line false).
Status QueueNotice(UnitOfWork& work, const Complaint& c, const std::string& news_th, const std::string& news_en,
                   bool push_line = true) {
  if (push_line) RETURN_IF_ERROR(QueueLineNotice(work, c, news_th));
  if (!c.contact.email || c.personal_erased_at) return Status::Ok();
  Notice notice;
  notice.org_id = c.org_id;
  notice.complaint_id = c.id;
  notice.to = *c.contact.email;
  notice.subject = "เรื่องร้องเรียน " + c.tracking + ": " + StatusNameTh(c.status);
  notice.body = "เรื่องร้องเรียนเลขที่ " + c.tracking + " (" + InfoOf(c.category).name_th + ")\n" +
                "สถานะ: " + StatusNameTh(c.status) + "\n" + (news_th.empty() ? "" : news_th + "\n") +
                "ติดตามสถานะได้ด้วยเลขที่เรื่องนี้ที่หน้าเว็บไซต์ของหน่วยงาน (#/track/" + c.tracking + ")\n\n" + "Complaint " +
                c.tracking + " (" + InfoOf(c.category).name_en + ")\n" + "Status: " + StatusNameEn(c.status) + "\n" +
                (news_en.empty() ? "" : news_en + "\n") + "\n-- \necotown: ระบบรับเรื่องร้องเรียน / complaints\n";
  notice.status = NoticeStatus::kPending;
  notice.next_attempt_at = work.info().now;
  notice.retry_key = accounts::NewSecret("cn_");
  notice.created_at = work.info().now;
  return work.complaints().InsertNotice(notice).status();
}

Result<ComplaintEvent> AddEvent(UnitOfWork& work, const Complaint& c, EventKind kind, std::string text,
                                std::optional<ComplaintStatus> status = std::nullopt) {
  ComplaintEvent event;
  event.complaint_id = c.id;
  event.at = work.info().now;
  event.kind = kind;
  event.status = status;
  event.text = std::move(text);
  event.actor_name = work.scope().principal().name;
  ASSIGN_OR_RETURN(event.id, work.complaints().AddEvent(event, c.org_id));
  return event;
}

// Reads a complaint the caller may change.
Result<Complaint> GetForWrite(UnitOfWork& work, int64_t id) {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Complaint c, work.complaints().Get(id));
  RETURN_IF_ERROR(work.scope().RequireWrite(c.org_id, "complaint"));
  return c;
}

Result<orgs::Org> OrgOf(UnitOfWork& work, int64_t org_id) { return work.orgs().Get(org_id); }

std::string MonthNameTh(int month) {
  static const char* kMonths[] = {"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                                  "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",  "พ.ย.", "ธ.ค."};
  return kMonths[(month - 1) % 12];
}
std::string MonthNameEn(int month) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return kMonths[(month - 1) % 12];
}

}  // namespace

tenancy::Scope ResidentScope(const orgs::Org& org, std::string actor_name) {
  tenancy::Principal principal;
  principal.org_id = org.id;
  principal.org_code = org.code;
  // The officer role carries kWrite within its own organisation only; the public routes call
  // nothing but File with this scope.
  principal.role = tenancy::Role::kOfficer;
  principal.name = std::move(actor_name);
  return tenancy::Scope(std::move(principal), {org.id}, false);
}

tenancy::Scope PublicReaderScope(const orgs::Org& org) {
  tenancy::Principal principal;
  principal.org_id = org.id;
  principal.org_code = org.code;
  principal.role = tenancy::Role::kExecutive;  // read only
  principal.name = "public";
  return tenancy::Scope(std::move(principal), {org.id}, false);
}

Result<std::optional<Area>> ComplaintService::CheckLocation(UnitOfWork& work, const orgs::Org& org, double lat,
                                                            double lon) const {
  if (!std::isfinite(lat) || lat < -90 || lat > 90) return Status::Invalid("lat is not a latitude", "lat");
  if (!std::isfinite(lon) || lon < -180 || lon > 180) return Status::Invalid("lon is not a longitude", "lon");
  if (!org.province_code) return std::optional<Area>();
  ASSIGN_OR_RETURN(auto bounds, work.complaints().ProvinceBounds(*org.province_code));
  if (bounds) {
    if (lat < bounds->min_lat - kBoundsPadding || lat > bounds->max_lat + kBoundsPadding) {
      return Status::Invalid("the position is outside the area of " + org.name_th, "lat");
    }
    if (lon < bounds->min_lon - kBoundsPadding || lon > bounds->max_lon + kBoundsPadding) {
      return Status::Invalid("the position is outside the area of " + org.name_th, "lon");
    }
  }
  return work.complaints().NearestArea(*org.province_code, lat, lon);
}

Result<Filed> ComplaintService::File(UnitOfWork& work, const orgs::Org& org, const NewComplaint& request) const {
  const int64_t now = work.info().now;
  if (!orgs::IsLao(org.type)) return Status::NotFound("organisation " + org.code + " does not take complaints");
  RETURN_IF_ERROR(work.scope().RequireWrite(org.id, "organisation"));

  std::optional<std::string> key = TrimmedOpt(request.idempotency_key);
  if (key) {
    RETURN_IF_ERROR(ValidateText(*key, kMaxIdempotencyKeyChars, "idempotency_key"));
    ASSIGN_OR_RETURN(auto existing, work.complaints().FindByIdempotencyKey(org.id, *key));
    if (existing) return Filed{*existing, true};
  }

  Complaint c;
  c.org_id = org.id;
  c.category = request.category;
  c.description = Trimmed(request.description);
  // Open311 makes the description optional; the web form asks for one.
  if (request.source == "open311" && c.description.empty()) {
  } else {
    RETURN_IF_ERROR(ValidateDescription(c.description));
  }
  c.address = Trimmed(request.address);
  RETURN_IF_ERROR(ValidateText(c.address, kMaxAddressChars, "address"));

  if (request.lat.has_value() != request.lon.has_value()) {
    return Status::Invalid("give both lat and lon, or neither", request.lat ? "lon" : "lat");
  }
  if (!request.lat && c.address.empty()) {
    return Status::Invalid("give a map position (lat, lon) or an address", "location");
  }
  if (request.lat) {
    ASSIGN_OR_RETURN(const auto area, CheckLocation(work, org, *request.lat, *request.lon));
    if (area) {
      c.area_code = area->code;
      c.area_name_th = area->name_th;
      c.area_name_en = area->name_en;
    }
    c.lat = *request.lat;
    c.lon = *request.lon;
  }

  c.observed_at = request.observed_at.value_or(now);
  if (c.observed_at > now + kObservedSkew) return Status::Invalid("observed_at is in the future", "observed_at");
  if (c.observed_at < now - kMaxObservedAge) {
    return Status::Invalid("observed_at is more than a year ago", "observed_at");
  }

  c.contact.name = TrimmedOpt(request.contact.name);
  c.contact.email = TrimmedOpt(request.contact.email);
  c.contact.phone = TrimmedOpt(request.contact.phone);
  c.contact.device_id = TrimmedOpt(request.contact.device_id);
  c.contact.line_user_id = request.source == "line" ? request.contact.line_user_id : std::nullopt;
  if (request.source == "line" && !c.contact.line_user_id) {
    return Status::Invalid("a LINE filing needs the resident's LINE user id", "line_user_id");
  }
  RETURN_IF_ERROR(ValidateContact(c.contact));
  c.source = request.source;
  if (c.contact.Any()) {
    if (request.source == "line") {
      c.consent_version = "line-public-task";
    } else if (request.source == "open311") {
      c.consent_version = "open311-public-task";
    } else {
      if (!request.consent_version) {
        return Status::Invalid("contact details need the resident's consent to the privacy notice", "consent");
      }
      if (*request.consent_version != CurrentConsent().version) {
        return Status::Invalid("the consent text has changed; read it again and agree", "consent");
      }
      c.consent_version = request.consent_version;
    }
    c.consent_at = now;
  }

  if (request.photos.size() > kMaxPhotos) {
    return Status::Invalid("at most " + std::to_string(kMaxPhotos) + " photos", "photos");
  }
  for (size_t i = 0; i < request.photos.size(); ++i) {
    const std::string& bytes = request.photos[i];
    const std::string field = "photos[" + std::to_string(i) + "]";
    if (bytes.size() > kMaxComplaintPhotoBytes) {
      return Status::TooLarge(field + " is " + std::to_string(bytes.size()) + " bytes; at most 5 MiB are accepted");
    }
    if (calibration::DetectImageType(bytes).empty()) {
      return Status::Invalid(field + " is not a JPEG, PNG or WebP image", field);
    }
  }

  ASSIGN_OR_RETURN(const Settings settings, work.complaints().GetSettings(org.id, org.code));
  c.deadline_at = now + static_cast<int64_t>(settings.deadline_days.at(c.category)) * kDay;
  c.status = ComplaintStatus::kReceived;
  c.idempotency_key = key;
  c.created_at = c.updated_at = now;

  // The tracking number is random (30^5 per prefix and year); a collision, about one filing in
  // 600 for an LAO with 40,000 complaints a year, draws again (Insert leaves the transaction usable).
  Status inserted = Status::Internal("no free tracking number");
  for (int attempt = 0; attempt < 5; ++attempt) {
    c.tracking = NewTrackingNumber(settings.tracking_prefix, now);
    auto id = work.complaints().Insert(c);
    if (id.ok()) {
      c.id = *id;
      inserted = Status::Ok();
      break;
    }
    if (id.status().code() != StatusCode::kConflict) return id.status();
    if (id.status().message().find("idempotency") != std::string::npos) {
      return Status::Conflict("this form was already sent", "idempotency_key");
    }
  }
  RETURN_IF_ERROR(inserted);

  for (const std::string& bytes : request.photos) {
    Photo photo;
    photo.complaint_id = c.id;
    photo.content_type = std::string(calibration::DetectImageType(bytes));
    photo.bytes = bytes;
    photo.sha256 = accounts::HashSecret(bytes);
    photo.size = static_cast<int64_t>(bytes.size());
    photo.uploaded_at = now;
    RETURN_IF_ERROR(work.complaints().AddPhoto(photo, c.org_id).status());
  }
  c.photo_count = static_cast<int>(request.photos.size());
  RETURN_IF_ERROR(AddEvent(work, c, EventKind::kStatus, "", ComplaintStatus::kReceived).status());
  RETURN_IF_ERROR(
      audit::Record(work, "create", "complaint", std::to_string(c.id), c.org_id, std::nullopt, AuditJson(c)));
  RETURN_IF_ERROR(QueueNotice(work, c, "หน่วยงานได้รับเรื่องของท่านแล้ว", "The office has received your complaint.",
                              /*push_line=*/false));
  return Filed{c, false};
}

Result<ComplaintDetail> ComplaintService::Get(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  ComplaintDetail detail;
  ASSIGN_OR_RETURN(detail.complaint, work.complaints().Get(id));
  ASSIGN_OR_RETURN(detail.events, work.complaints().EventsOf(id));
  ASSIGN_OR_RETURN(detail.photos, work.complaints().PhotosOf(id));
  return detail;
}

Result<ComplaintPage> ComplaintService::List(UnitOfWork& work, ComplaintQuery query) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  if (query.limit < 1 || query.limit > 1000) return Status::Invalid("page_size is 1 to 1000", "page_size");
  if (query.offset < 0) return Status::Invalid("page must be 1 or more", "page");
  query.now = work.info().now;
  return work.complaints().List(query);
}

Result<Complaint> ComplaintService::Transition(UnitOfWork& work, int64_t id, const TransitionRequest& request) const {
  ASSIGN_OR_RETURN(Complaint c, GetForWrite(work, id));
  const std::string before = AuditJson(c);
  if (!CanTransition(c.status, request.to)) {
    return Status::Invalid(
        std::string("a complaint cannot go from ") + StatusName(c.status) + " to " + StatusName(request.to), "status");
  }
  std::string text;
  const auto reply = TrimmedOpt(request.public_reply);
  if (reply) RETURN_IF_ERROR(ValidateText(*reply, kMaxNoteChars, "public_reply"));
  if (request.to == ComplaintStatus::kRejected) {
    const auto reason = TrimmedOpt(request.reason);
    if (!reason) return Status::Invalid("say why the complaint is rejected", "reason");
    RETURN_IF_ERROR(ValidateText(*reason, kMaxReasonChars, "reason"));
    c.reject_reason = reason;
    text = *reason;
  }
  if (request.to == ComplaintStatus::kAssigned) {
    if (!request.assignee_user_id) return Status::Invalid("choose the officer in charge", "assignee_user_id");
    auto user = work.accounts().GetUser(*request.assignee_user_id);
    if (!user.ok() || user->org_id != c.org_id || !user->active) {
      return Status::Invalid("the officer in charge must be an active user of this organisation", "assignee_user_id");
    }
    c.assignee_user_id = user->id;
    c.assignee_name = user->display_name;
  }
  const int64_t now = work.info().now;
  if (request.to == ComplaintStatus::kResolved && !c.resolved_at) c.resolved_at = now;
  if (request.to == ComplaintStatus::kInvestigating && c.status == ComplaintStatus::kResolved) c.resolved_at.reset();
  if (request.to == ComplaintStatus::kClosed) c.closed_at = now;
  c.status = request.to;
  c.updated_at = now;
  RETURN_IF_ERROR(work.complaints().Update(c));
  // The status event carries the rejection reason (public: residents deserve the reason); the
  // assignee's name stays internal.
  RETURN_IF_ERROR(AddEvent(work, c, EventKind::kStatus, text, c.status).status());
  if (reply) RETURN_IF_ERROR(AddEvent(work, c, EventKind::kPublicReply, *reply).status());
  RETURN_IF_ERROR(audit::Record(work, "transition", "complaint", std::to_string(c.id), c.org_id, before, AuditJson(c)));
  std::string news = reply.value_or("");
  if (c.reject_reason && c.status == ComplaintStatus::kRejected) {
    news = "เหตุผล / reason: " + *c.reject_reason + (news.empty() ? "" : "\n" + news);
  }
  RETURN_IF_ERROR(QueueNotice(work, c, news, ""));
  return c;
}

Result<ComplaintEvent> ComplaintService::AddNote(UnitOfWork& work, int64_t id, const std::string& text,
                                                 bool is_public) const {
  ASSIGN_OR_RETURN(Complaint c, GetForWrite(work, id));
  const std::string trimmed = Trimmed(text);
  const char* field = is_public ? "public_reply" : "note";
  if (trimmed.empty()) return Status::Invalid("the text is empty", field);
  RETURN_IF_ERROR(ValidateText(trimmed, kMaxNoteChars, field));
  c.updated_at = work.info().now;
  RETURN_IF_ERROR(work.complaints().Update(c));
  ASSIGN_OR_RETURN(auto event,
                   AddEvent(work, c, is_public ? EventKind::kPublicReply : EventKind::kInternalNote, trimmed));
  // Internal notes are audited by length only: they may name people.
  RETURN_IF_ERROR(audit::Record(work, is_public ? "public_reply" : "internal_note", "complaint", std::to_string(c.id),
                                c.org_id, std::nullopt,
                                nlohmann::json({{"event_id", event.id}, {"chars", trimmed.size()}}).dump()));
  if (is_public) RETURN_IF_ERROR(QueueNotice(work, c, "ข้อความจากหน่วยงาน: " + trimmed, ""));
  return event;
}

Result<Complaint> ComplaintService::Link(UnitOfWork& work, int64_t id, const LinkRequest& request) const {
  ASSIGN_OR_RETURN(Complaint c, GetForWrite(work, id));
  const std::string before = AuditJson(c);
  std::string text;
  if (request.factory_id) {
    if (*request.factory_id && **request.factory_id <= 0) return Status::Invalid("not a factory id", "factory_id");
    if (*request.factory_id) {
      // Only a factory of the complaint's own organisation.
      auto factory = work.factories().Get(**request.factory_id);
      if (!factory.ok() || factory->org_id != c.org_id) {
        return Status::Invalid("no such factory in this organisation's registry", "factory_id");
      }
    }
    c.factory_id = *request.factory_id;
    text += c.factory_id ? "factory " + std::to_string(*c.factory_id) : "factory unlinked";
  }
  if (request.inspection_id) {
    if (*request.inspection_id && **request.inspection_id <= 0) {
      return Status::Invalid("not an inspection id", "inspection_id");
    }
    if (*request.inspection_id) {
      auto inspection = work.inspections().GetInspection(**request.inspection_id);
      if (!inspection.ok() || inspection->org_id != c.org_id) {
        return Status::Invalid("no such inspection in this organisation", "inspection_id");
      }
    }
    c.inspection_id = *request.inspection_id;
    if (!text.empty()) text += "; ";
    text += c.inspection_id ? "inspection " + std::to_string(*c.inspection_id) : "inspection unlinked";
  }
  if (text.empty()) return Status::Invalid("give factory_id or inspection_id", "factory_id");
  c.updated_at = work.info().now;
  RETURN_IF_ERROR(work.complaints().Update(c));
  RETURN_IF_ERROR(AddEvent(work, c, EventKind::kLink, text).status());
  RETURN_IF_ERROR(audit::Record(work, "link", "complaint", std::to_string(c.id), c.org_id, before, AuditJson(c)));
  return c;
}

Result<Complaint> ComplaintService::Merge(UnitOfWork& work, int64_t duplicate_id, int64_t kept_id) const {
  ASSIGN_OR_RETURN(Complaint dup, GetForWrite(work, duplicate_id));
  if (kept_id == duplicate_id) return Status::Invalid("a complaint cannot be merged into itself", "kept_id");
  auto kept = work.complaints().Get(kept_id);
  if (!kept.ok() || kept->org_id != dup.org_id) {
    return Status::Invalid("the kept complaint must be another complaint of this organisation", "kept_id");
  }
  if (kept->status == ComplaintStatus::kMerged || kept->status == ComplaintStatus::kClosed) {
    return Status::Invalid("the kept complaint is already merged or closed", "kept_id");
  }
  if (dup.status == ComplaintStatus::kMerged || dup.status == ComplaintStatus::kClosed) {
    return Status::Invalid("this complaint is already merged or closed", "status");
  }
  const std::string before = AuditJson(dup);
  const int64_t now = work.info().now;
  dup.status = ComplaintStatus::kMerged;
  dup.merged_into = kept->id;
  dup.merged_into_tracking = kept->tracking;
  dup.closed_at = now;
  dup.updated_at = now;
  RETURN_IF_ERROR(work.complaints().Update(dup));
  RETURN_IF_ERROR(AddEvent(work, dup, EventKind::kMerge, kept->tracking, ComplaintStatus::kMerged).status());
  RETURN_IF_ERROR(
      AddEvent(work, *kept, EventKind::kInternalNote, "รวมเรื่องซ้ำ " + dup.tracking + " เข้ากับเรื่องนี้").status());
  RETURN_IF_ERROR(
      audit::Record(work, "merge", "complaint", std::to_string(dup.id), dup.org_id, before, AuditJson(dup)));
  RETURN_IF_ERROR(QueueNotice(work, dup, "เรื่องนี้ซ้ำกับเรื่องเลขที่ " + kept->tracking + " ติดตามความคืบหน้าได้ที่เลขนั้น",
                              "This complaint duplicates " + kept->tracking + "; follow that number."));
  return dup;
}

Result<Contact> ComplaintService::ViewContact(UnitOfWork& work, int64_t id) const {
  ASSIGN_OR_RETURN(Complaint c, GetForWrite(work, id));
  ASSIGN_OR_RETURN(Contact contact, work.complaints().GetContact(id));
  RETURN_IF_ERROR(audit::Record(work, "view_personal_data", "complaint", std::to_string(c.id), c.org_id, std::nullopt,
                                nlohmann::json({{"tracking", c.tracking}}).dump()));
  return contact;
}

Result<Photo> ComplaintService::GetPhoto(UnitOfWork& work, int64_t id, int64_t photo_id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  ASSIGN_OR_RETURN(const Complaint c, work.complaints().Get(id));
  return work.complaints().GetPhoto(c.id, photo_id);
}

Result<PublicView> ComplaintService::PublicStatus(UnitOfWork& work, const Complaint& complaint,
                                                  const orgs::Org& org) const {
  if (org.id != complaint.org_id) return Status::Internal("PublicStatus: the organisation is not the complaint's");
  PublicView view;
  view.complaint = complaint;
  ASSIGN_OR_RETURN(auto events, work.complaints().EventsOf(complaint.id));
  for (auto& event : events) {
    if (IsPublicEvent(event.kind)) view.events.push_back(std::move(event));
  }
  view.org_code = org.code;
  view.org_name_th = org.name_th;
  view.org_name_en = org.name_en;
  return view;
}

Result<Transparency> ComplaintService::Stats(UnitOfWork& work, int64_t org_id, int64_t from, int64_t to) const {
  RETURN_IF_ERROR(work.scope().RequireRead(org_id, "organisation"));
  if (to <= from) return Status::Invalid("to must be after from", "to");
  ASSIGN_OR_RETURN(const auto rows, work.complaints().Stats(org_id, from, to));
  Transparency out;
  out.from = from;
  out.to = to;
  std::map<Category, int64_t> by_category;
  std::map<std::string, CountRow> by_month;
  std::map<std::string, CountRow> by_area;
  std::vector<double> hours;
  int64_t resolved = 0, in_time = 0;
  for (const auto& row : rows) {
    ++out.total;
    if (IsOpen(row.status)) ++out.open;
    ++by_category[row.category];
    const core::CivilDate day = core::BangkokDateOf(row.created_at);
    char key[8];
    std::snprintf(key, sizeof key, "%04d-%02d", day.year, day.month);
    auto& month = by_month[key];
    month.key = key;
    month.name_th = MonthNameTh(day.month) + " " + std::to_string(core::ToBuddhistYear(day.year));
    month.name_en = MonthNameEn(day.month) + " " + std::to_string(day.year);
    ++month.count;
    auto& area = by_area[row.area_name_th];
    area.key = row.area_name_th;
    area.name_th = row.area_name_th;
    area.name_en = row.area_name_en;
    ++area.count;
    if (row.resolved_at) {
      ++resolved;
      hours.push_back(static_cast<double>(*row.resolved_at - row.created_at) / 3600.0);
      if (*row.resolved_at <= row.deadline_at) ++in_time;
    }
    if (row.lat && row.lon) {
      out.points.push_back(
          {std::round(*row.lat * 1000) / 1000, std::round(*row.lon * 1000) / 1000, row.category, IsOpen(row.status)});
    }
  }
  for (const auto& info : AllCategories()) {
    out.by_category.push_back({info.code, info.name_th, info.name_en, by_category[info.category]});
  }
  for (auto& [key, row] : by_month) out.by_month.push_back(row);
  for (auto& [key, row] : by_area) out.by_area.push_back(row);
  std::sort(out.by_area.begin(), out.by_area.end(), [](const CountRow& a, const CountRow& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  if (!hours.empty()) {
    std::sort(hours.begin(), hours.end());
    const size_t n = hours.size();
    out.median_hours_to_resolve = n % 2 ? hours[n / 2] : (hours[n / 2 - 1] + hours[n / 2]) / 2;
    out.resolved_within_deadline_share = static_cast<double>(in_time) / static_cast<double>(resolved);
  }
  return out;
}

Result<Settings> ComplaintService::GetSettings(UnitOfWork& work, int64_t org_id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  RETURN_IF_ERROR(work.scope().RequireRead(org_id, "organisation"));
  ASSIGN_OR_RETURN(const orgs::Org org, OrgOf(work, org_id));
  return work.complaints().GetSettings(org.id, org.code);
}

Result<Settings> ComplaintService::PutSettings(UnitOfWork& work, Settings settings) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kManageUsers));
  RETURN_IF_ERROR(work.scope().RequireWrite(settings.org_id, "organisation"));
  ASSIGN_OR_RETURN(const orgs::Org org, OrgOf(work, settings.org_id));
  if (!orgs::IsLao(org.type)) return Status::Invalid("only an LAO takes complaints", "org");
  RETURN_IF_ERROR(ValidateSettings(settings));
  ASSIGN_OR_RETURN(const Settings before, work.complaints().GetSettings(org.id, org.code));
  settings.updated_at = work.info().now;
  RETURN_IF_ERROR(work.complaints().PutSettings(settings));
  const auto json_of = [](const Settings& s) {
    nlohmann::json deadlines = nlohmann::json::object();
    for (const auto& [category, days] : s.deadline_days) deadlines[CategoryCode(category)] = days;
    return nlohmann::json({{"deadline_days", deadlines},
                           {"retention_days", s.retention_days},
                           {"open311_anonymous_post", s.open311_anonymous_post},
                           {"tracking_prefix", s.tracking_prefix}})
        .dump();
  };
  RETURN_IF_ERROR(audit::Record(work, "update", "complaint_settings", std::to_string(org.id), org.id, json_of(before),
                                json_of(settings)));
  return settings;
}

Result<ErasureReport> ComplaintService::EraseExpired(UnitOfWork& work, int64_t org_id, int limit) const {
  RETURN_IF_ERROR(work.scope().RequireWrite(org_id, "organisation"));
  ASSIGN_OR_RETURN(const orgs::Org org, OrgOf(work, org_id));
  ASSIGN_OR_RETURN(const Settings settings, work.complaints().GetSettings(org.id, org.code));
  const int64_t now = work.info().now;
  const int64_t filed_before = now - static_cast<int64_t>(settings.retention_days) * kDay;
  ASSIGN_OR_RETURN(const auto ids, work.complaints().ErasePersonalData(org.id, filed_before, now, limit));
  // Abandoned LINE drafts hold a user id and maybe a photo: they go once they can no longer resume.
  RETURN_IF_ERROR(work.line().DeleteConversationsIdleSince(org.id, now - kLineConversationIdleSeconds).status());
  // LINE events given up on keep what the resident sent: they go after the same retention.
  ASSIGN_OR_RETURN(const int failed_events, work.line().DeleteFailedEventsReceivedBefore(org.id, filed_before));
  if (failed_events > 0) {
    RETURN_IF_ERROR(audit::Record(work, "erase_personal_data", "line_inbox", std::to_string(org.id), org.id,
                                  std::nullopt,
                                  nlohmann::json({{"failed_events", failed_events},
                                                  {"retention_days", settings.retention_days}})
                                      .dump()));
  }
  for (const int64_t id : ids) {
    ASSIGN_OR_RETURN(const Complaint c, work.complaints().Get(id));
    const std::string why = "ลบข้อมูลส่วนบุคคลเมื่อครบระยะเวลาเก็บรักษา " + std::to_string(settings.retention_days) +
                            " วัน / personal data erased after the retention period";
    RETURN_IF_ERROR(AddEvent(work, c, EventKind::kErasure, why).status());
    RETURN_IF_ERROR(audit::Record(
        work, "erase_personal_data", "complaint", std::to_string(id), org.id, std::nullopt,
        nlohmann::json(
            {{"tracking", c.tracking}, {"retention_days", settings.retention_days}, {"filed_at", c.created_at}})
            .dump()));
  }
  return ErasureReport{org.id, static_cast<int>(ids.size())};
}

Result<std::vector<ErasureReport>> ComplaintService::EraseExpiredEverywhere(UnitOfWork& work, int limit) const {
  ASSIGN_OR_RETURN(const auto orgs, work.complaints().OrgsWithComplaints());
  std::vector<ErasureReport> reports;
  for (const int64_t org_id : orgs) {
    if (!work.scope().CanWrite(org_id)) continue;
    ASSIGN_OR_RETURN(auto report, EraseExpired(work, org_id, limit));
    if (report.erased > 0) reports.push_back(report);
  }
  return reports;
}

}  // namespace ecotown::complaints
