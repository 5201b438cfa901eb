#include "modules/complaints/line_service.h"

#include <nlohmann/json.hpp>

#include "modules/audit/recorder.h"
#include "modules/complaints/complaint_service.h"

namespace ecotown::complaints {
namespace {

using tenancy::Permission;

// The audited shape of a connection: never the secret or the token.
std::string AuditJson(const LineConnection& c) {
  return nlohmann::json({{"channel_id", c.channel_id},
                         {"channel_secret_set", !c.channel_secret.empty()},
                         {"access_token_set", !c.access_token.empty()},
                         {"enabled", c.enabled}})
      .dump();
}

Result<LineConnection> ConnectionOf(UnitOfWork& work, int64_t org_id) {
  ASSIGN_OR_RETURN(auto saved, work.line().GetConnection(org_id));
  if (saved) return *saved;
  LineConnection empty;
  empty.org_id = org_id;
  return empty;
}

}  // namespace

Result<LineConnection> LineChannelService::GetConnection(UnitOfWork& work, int64_t org_id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kManageUsers));
  RETURN_IF_ERROR(work.scope().RequireWrite(org_id, "organisation"));
  return ConnectionOf(work, org_id);
}

Result<LineConnection> LineChannelService::PutConnection(UnitOfWork& work, const LineConnectionUpdate& update) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kManageUsers));
  RETURN_IF_ERROR(work.scope().RequireWrite(update.org_id, "organisation"));
  ASSIGN_OR_RETURN(const orgs::Org org, work.orgs().Get(update.org_id));
  if (!orgs::IsLao(org.type)) return Status::Invalid("only an LAO takes complaints", "org");
  ASSIGN_OR_RETURN(const LineConnection before, ConnectionOf(work, org.id));
  LineConnection after = before;
  if (update.channel_id) after.channel_id = *update.channel_id;
  if (update.channel_secret) after.channel_secret = *update.channel_secret;
  if (update.access_token) after.access_token = *update.access_token;
  if (update.enabled) after.enabled = *update.enabled;
  RETURN_IF_ERROR(ValidateLineConnection(after));
  after.updated_at = work.info().now;
  RETURN_IF_ERROR(work.line().PutConnection(after));
  RETURN_IF_ERROR(audit::Record(work, "update", "line_connection", std::to_string(org.id), org.id, AuditJson(before),
                                AuditJson(after)));
  return after;
}

LineWebhook::LineWebhook(Transactor& transactor, LineApi& api, std::string tracking_url_base)
    : transactor_(transactor), api_(api), tracking_url_base_(std::move(tracking_url_base)) {}

Result<LineWebhookReport> LineWebhook::Handle(const orgs::Org& org, const LineConnection& connection,
                                              const std::vector<LineEvent>& events, const RequestInfo& info) {
  LineWebhookReport report;
  const tenancy::Scope scope = ResidentScope(org, "line");
  const int64_t now = info.now;
  for (const LineEvent& event : events) {
    bool seen = false;
    std::optional<LineConversation> current;
    RETURN_IF_ERROR(transactor_.Read(scope, info, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(seen, work.line().EventSeen(org.id, event.event_id));
      if (!seen && !event.user_id.empty()) {
        ASSIGN_OR_RETURN(current, work.line().GetConversation(org.id, event.user_id));
      }
      return Status::Ok();
    }));
    if (seen) {
      ++(event.redelivery ? report.redelivered : report.replayed);
      continue;
    }
    const bool answerable = !event.standby && event.from_user && !event.user_id.empty();

    // The photo is downloaded outside any transaction, and only when the conversation waits for one.
    std::optional<std::string> photo;
    if (answerable && event.kind == LineEvent::Kind::kImage && current && current->step == LineStep::kPhoto) {
      auto bytes = api_.FetchContent(connection.access_token, event.message_id, kMaxComplaintPhotoBytes);
      if (bytes.ok()) {
        photo = std::move(*bytes);
      } else {
        report.errors.push_back("content of message " + event.message_id + ": " + bytes.status().ToString());
      }
    }

    LineStepOutcome outcome;
    std::optional<Status> refused;  // the filing's error: the event is remembered, the draft kept
    bool duplicate = false;
    auto step = [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const bool fresh, work.line().RememberEvent(org.id, event.event_id, now));
      if (!fresh) {  // a concurrent delivery of the same event won
        duplicate = true;
        return Status::Ok();
      }
      if (!answerable) return Status::Ok();
      ASSIGN_OR_RETURN(current, work.line().GetConversation(org.id, event.user_id));
      const ComplaintService complaints;
      const auto check = [&](double lat, double lon) { return complaints.CheckLocation(work, org, lat, lon).status(); };
      outcome = StepLineConversation(current, event, photo, check, org.id, now);
      if (outcome.file && refused) {
        // Second pass after a refused filing: keep the draft at its step.
        outcome.file = false;
        outcome.next = current;
        if (outcome.next) outcome.next->updated_at = now;
        outcome.replies = {LineMessage{
            "ยังส่งเรื่องไม่ได้: " + refused->message() + "\nกรุณาลองส่งรายละเอียดอีกครั้ง หรือพิมพ์ \"ยกเลิก\"", {}, false}};
      }
      if (outcome.file) {
        const LineConversation& draft = *outcome.next;
        NewComplaint request;
        request.category = draft.category.value_or(Category::kOther);
        request.description = outcome.description;
        request.lat = draft.lat;
        request.lon = draft.lon;
        request.address = draft.address;
        request.source = "line";
        request.contact.line_user_id = event.user_id;
        request.idempotency_key = "line-" + event.event_id;
        if (draft.photo) request.photos.push_back(*draft.photo);
        auto filed = complaints.File(work, org, request);
        if (!filed.ok()) {
          refused = filed.status();
          return filed.status();  // roll back, then remember the event in a second pass
        }
        const Complaint& c = filed->complaint;
        std::string text =
            "ได้รับเรื่องร้องเรียนของท่านแล้ว\nเลขที่เรื่อง: " + c.tracking + "\n" + org.name_th + " จะแจ้งความคืบหน้าทาง LINE นี้";
        text += tracking_url_base_.empty() ? "\nติดตามสถานะได้ที่เว็บไซต์ของหน่วยงานด้วยเลขที่เรื่องนี้"
                                           : "\nติดตามสถานะ: " + tracking_url_base_ + "#/track/" + c.tracking;
        outcome.replies = {LineMessage{text, {}, false}};
        outcome.next.reset();
      }
      if (outcome.next) return work.line().PutConversation(*outcome.next);
      if (current) return work.line().DeleteConversation(org.id, event.user_id);
      return Status::Ok();
    };
    Status written = transactor_.Write(scope, info, step);
    if (!written.ok() && refused) written = transactor_.Write(scope, info, step);
    RETURN_IF_ERROR(written);
    if (duplicate) {
      ++(event.redelivery ? report.redelivered : report.replayed);
      continue;
    }
    if (!answerable) {
      ++report.ignored;
      continue;
    }
    ++report.handled;
    if (!outcome.replies.empty() && !event.reply_token.empty()) {
      if (Status replied = api_.Reply(connection.access_token, event.reply_token, outcome.replies); !replied.ok()) {
        report.errors.push_back("reply to event " + event.event_id + ": " + replied.ToString());
      }
    }
  }
  return report;
}

}  // namespace ecotown::complaints
