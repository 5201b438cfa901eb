#include "notify/dispatcher.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "modules/alerts/messages.h"
#include "modules/events/event_hub.h"
#include "notify/webhook.h"

namespace ecotown::notify {
namespace {

const tenancy::Scope& DispatcherScope() {
  static const tenancy::Scope scope = tenancy::Scope::System("alert-dispatcher");
  return scope;
}

}  // namespace

std::string NoticeSubject(const alerts::Alert& alert) {
  std::string subject;
  switch (alert.kind) {
    case alerts::AlertKind::kFire:
      subject = "แจ้งเตือน: ";
      break;
    case alerts::AlertKind::kRecover:
      subject = "กลับสู่ปกติ: ";
      break;
    case alerts::AlertKind::kTest:
      subject = "ทดสอบการแจ้งเตือน: ";
      break;
  }
  subject += alert.rule_name;
  if (!alert.sensor_name.empty() || !alert.sensor_code.empty()) {
    subject += " – " + (alert.sensor_name.empty() ? alert.sensor_code : alert.sensor_name);
  }
  return subject;
}

Status ChannelSender::Send(const alerts::DueDelivery& due) {
  const alerts::Alert& alert = due.alert;
  const alerts::Delivery& delivery = due.delivery;
  switch (delivery.channel) {
    case alerts::Channel::kWebhook:
      return SendWebhook(delivery.target, alert, delivery.retry_key, settings_.webhook_timeout_seconds);
    case alerts::Channel::kLine:
      return SendLinePush(settings_.line, delivery.target, alerts::CombinedText(alert.message_th, alert.message_en),
                          delivery.retry_key);
    case alerts::Channel::kEmail: {
      EmailMessage message;
      message.from = settings_.smtp.from;
      message.to = delivery.target;
      message.subject = NoticeSubject(alert);
      message.body = alerts::CombinedText(alert.message_th, alert.message_en) +
                     "\n\n-- \necotown: ระบบแจ้งเตือนคุณภาพอากาศ / air-quality alerts\n";
      message.date = alert.at;
      message.message_id = delivery.retry_key + "@ecotown.alerts";
      return SendEmail(settings_.smtp, message);
    }
  }
  return Status::Invalid("unknown channel");
}

Dispatcher::Dispatcher(Transactor& transactor, const core::Clock& clock, DeliverySender& sender,
                       DispatchOptions options)
    : transactor_(transactor), clock_(clock), sender_(sender), options_(options) {}

int64_t Dispatcher::BackoffAfter(int attempts) const {
  int64_t wait = options_.backoff_base_seconds;
  for (int i = 1; i < attempts && wait < options_.backoff_max_seconds; ++i) wait *= 2;
  return std::min(wait, options_.backoff_max_seconds);
}

DrainReport Dispatcher::DrainOnce() {
  DrainReport report;
  for (int round = 0; round < options_.max_per_drain; ++round) {
    const int64_t now = clock_.NowUnix();
    const RequestInfo info{"alert-dispatcher", "local", now};
    std::vector<alerts::DueDelivery> claimed;
    Status claim = transactor_.Write(DispatcherScope(), info, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(claimed, work.alerts().ClaimDue(now, now + options_.lease_seconds, 1));
      return Status::Ok();
    });
    if (!claim.ok()) {
      report.errors.push_back("claim: " + claim.ToString());
      break;
    }
    if (claimed.empty()) break;
    const alerts::DueDelivery& due = claimed.front();

    const Status sent = sender_.Send(due);
    const int64_t done = clock_.NowUnix();
    alerts::DeliveryStatus status = alerts::DeliveryStatus::kSent;
    int64_t next_attempt_at = done;
    std::optional<std::string> last_error;
    std::optional<int64_t> sent_at;
    if (sent.ok()) {
      sent_at = done;
      ++report.sent;
    } else {
      last_error = sent.message();
      if (sent.code() == StatusCode::kUnavailable && due.delivery.attempts < options_.max_attempts) {
        status = alerts::DeliveryStatus::kPending;
        next_attempt_at = done + BackoffAfter(due.delivery.attempts);
        ++report.retried;
      } else {
        status = alerts::DeliveryStatus::kFailed;
        ++report.failed;
      }
    }
    Status finished = transactor_.Write(
        DispatcherScope(), RequestInfo{"alert-dispatcher", "local", done}, [&](UnitOfWork& work) -> Status {
          RETURN_IF_ERROR(work.alerts().FinishDelivery(due.delivery.id, status, next_attempt_at, last_error, sent_at));
          // The history page refreshes on it.
          const nlohmann::json payload = {{"entity", "alert_delivery"},
                                          {"alert_id", due.alert.id},
                                          {"delivery_id", due.delivery.id},
                                          {"status", alerts::DeliveryStatusName(status)}};
          return events::Publish(work, due.alert.org_id, "alert", payload.dump());
        });
    if (!finished.ok()) {
      // The lease runs out and the row is tried again: at least once, never lost.
      report.errors.push_back("finish delivery " + std::to_string(due.delivery.id) + ": " + finished.ToString());
      break;
    }
  }
  return report;
}

}  // namespace ecotown::notify
