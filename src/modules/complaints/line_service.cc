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

Result<std::vector<LineInboxFailure>> LineChannelService::FailedEvents(UnitOfWork& work, int64_t org_id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kManageUsers));
  RETURN_IF_ERROR(work.scope().RequireWrite(org_id, "organisation"));
  return work.line().FailedEvents(org_id, 50);
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

Result<LineWebhookReport> AcceptLineEvents(UnitOfWork& work, const orgs::Org& org,
                                           const std::vector<LineEvent>& events) {
  LineWebhookReport report;
  const int64_t now = work.info().now;
  for (const LineEvent& event : events) {
    if (event.timestamp_ms / 1000 < now - kLineEventMaxAgeSeconds) {
      ++report.replayed;
      continue;
    }
    ASSIGN_OR_RETURN(const bool fresh, work.line().RememberEvent(org.id, event.event_id, now));
    if (!fresh) {
      ++(event.redelivery ? report.redelivered : report.replayed);
      continue;
    }
    if (event.standby || !event.from_user || event.user_id.empty()) {
      ++report.ignored;
      continue;
    }
    RETURN_IF_ERROR(work.line().EnqueueEvent(org.id, event.event_id, event.user_id, event.raw, now));
    ++report.accepted;
  }
  return report;
}

LineWebhook::LineWebhook(Transactor& transactor, LineApi& api, std::string tracking_url_base)
    : transactor_(transactor), api_(api), tracking_url_base_(std::move(tracking_url_base)) {}

LineInboxReport LineWebhook::HandlePending(const RequestInfo& info, int limit, int64_t retry_after_seconds) {
  LineInboxReport report;
  std::vector<LineInboxItem> items;
  const tenancy::Scope system = tenancy::Scope::System("line");
  Status listed = transactor_.Write(system, info, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(items, work.line().ClaimEvents(info.now, info.now + kLineInboxLeaseSeconds, limit));
    return Status::Ok();
  });
  if (!listed.ok()) {
    report.errors.push_back("inbox: " + listed.ToString());
    return report;
  }
  for (const LineInboxItem& item : items) {
    const Status handled = HandleOne(item, info, report);
    if (handled.ok()) continue;
    const bool give_up = item.attempts + 1 >= kLineInboxMaxAttempts;
    report.errors.push_back("event " + item.event_id + (give_up ? " given up: " : ": ") + handled.ToString());
    const Status recorded = transactor_.Write(system, info, [&](UnitOfWork& work) -> Status {
      if (give_up) return work.line().MarkEventFailed(item.org_id, item.id, handled.ToString(), info.now);
      return work.line().RecordEventFailure(item.org_id, item.id, handled.ToString(), info.now + retry_after_seconds);
    });
    if (!recorded.ok()) report.errors.push_back("event " + item.event_id + ": " + recorded.ToString());
    ++(give_up ? report.dropped : report.failed);
  }
  return report;
}

Status LineWebhook::HandleOne(const LineInboxItem& item, const RequestInfo& info, LineInboxReport& report) {
  auto parsed = ParseLineWebhook("{\"events\":[" + item.payload + "]}");
  if (!parsed.ok() || parsed->size() != 1) {
    return Status::Invalid("stored event is unreadable: " + parsed.status().ToString(), "payload");
  }
  const LineEvent& event = parsed->front();
  orgs::Org org;
  std::optional<LineConnection> connection;
  std::optional<LineConversation> current;
  RETURN_IF_ERROR(transactor_.Read(tenancy::Scope::System("line"), info, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(org, work.orgs().Get(item.org_id));
    ASSIGN_OR_RETURN(connection, work.line().GetConnection(org.id));
    ASSIGN_OR_RETURN(current, work.line().GetConversation(org.id, event.user_id));
    return Status::Ok();
  }));
  // A channel disconnected since the event came: the conversation still moves, nothing is sent.
  const bool can_call = connection && connection->Usable();
  const tenancy::Scope scope = ResidentScope(org, "line");
  const int64_t now = info.now;

  // The photo is downloaded outside any transaction, and only when the conversation waits for one.
  std::optional<std::string> photo;
  if (can_call && event.kind == LineEvent::Kind::kImage && current && current->step == LineStep::kPhoto) {
    auto bytes = api_.FetchContent(connection->access_token, event.message_id, kMaxComplaintPhotoBytes);
    if (bytes.ok()) {
      photo = std::move(*bytes);
    } else {
      report.errors.push_back("content of message " + event.message_id + ": " + bytes.status().ToString());
    }
  }

  LineStepOutcome outcome;
  std::optional<Status> refused;  // the filing's error: the event is taken, the draft kept
  bool taken_before = false;
  auto step = [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(const bool mine, work.line().TakeEvent(org.id, item.id));
    if (!mine) {  // another worker handled it
      taken_before = true;
      return Status::Ok();
    }
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
        return filed.status();  // roll back, then keep the draft in a second pass
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
  if (taken_before) return Status::Ok();
  ++report.handled;
  if (can_call && !outcome.replies.empty()) Answer(*connection, event, item, info, outcome.replies, report);
  return Status::Ok();
}

void LineWebhook::Answer(const LineConnection& connection, const LineEvent& event, const LineInboxItem& item,
                         const RequestInfo& info, const std::vector<LineMessage>& messages, LineInboxReport& report) {
  // A retried event may be older than its reply token: LINE would refuse it, so push at once.
  if (!event.reply_token.empty() && info.now - item.received_at < kLineReplyTokenSeconds) {
    auto replied = api_.Reply(connection.access_token, event.reply_token, messages);
    if (!replied.ok()) {  // not known whether LINE delivered it: no second copy
      report.errors.push_back("reply to event " + event.event_id + ": " + replied.status().ToString());
      return;
    }
    if (*replied == LineReplyOutcome::kSent) return;
  }
  if (Status pushed = api_.Push(connection.access_token, event.user_id, messages, NewLineRetryKey()); !pushed.ok()) {
    report.errors.push_back("push for event " + event.event_id + ": " + pushed.ToString());
    return;
  }
  ++report.pushed;
}

}  // namespace ecotown::complaints
