#include "notify/licence_reminder_mailer.h"

#include <spdlog/spdlog.h>

#include "modules/factories/licence_reminders.h"

namespace ecotown::notify {
namespace {

const tenancy::Scope& ReminderScope() {
  static const tenancy::Scope scope = tenancy::Scope::System("licence-reminders");
  return scope;
}

RequestInfo ReminderInfo(int64_t now) { return RequestInfo{"licence-reminders", "local", now}; }

}  // namespace

LicenceReminderMailer::LicenceReminderMailer(Transactor& transactor, const core::Clock& clock, SmtpSettings smtp,
                                             MailerOptions options)
    : transactor_(transactor), clock_(clock), smtp_(std::move(smtp)), options_(options) {}

ReminderRunReport LicenceReminderMailer::RunOnce() {
  ReminderRunReport report;
  // Without mail nothing is queued either: a reminder queued now and sent weeks later, once mail
  // is set up, would give a wrong number of days left; the threshold crossed then is queued then.
  if (smtp_.url.empty()) return report;
  const int64_t start = clock_.NowUnix();
  Status scheduled = transactor_.Write(ReminderScope(), ReminderInfo(start), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(report.queued, factories::LicenceReminderService().Schedule(work, start));
    return Status::Ok();
  });
  if (!scheduled.ok()) report.mail.errors.push_back("schedule: " + scheduled.ToString());

  for (int round = 0; round < options_.max_per_drain; ++round) {
    const int64_t now = clock_.NowUnix();
    std::vector<factories::LicenceReminder> claimed;
    Status claim = transactor_.Write(ReminderScope(), ReminderInfo(now), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(claimed, work.factories().ClaimDueReminders(now, now + options_.lease_seconds, 1));
      return Status::Ok();
    });
    if (!claim.ok()) {
      report.mail.errors.push_back("claim: " + claim.ToString());
      break;
    }
    if (claimed.empty()) break;
    const factories::LicenceReminder& reminder = claimed.front();

    EmailMessage message;
    message.from = smtp_.from;
    message.to = reminder.to_address;
    message.subject = reminder.subject;
    message.body = reminder.body;
    message.date = reminder.created_at;
    message.message_id = "licence-" + std::to_string(reminder.id) + "@ecotown.reminders";
    const Status sent = SendEmail(smtp_, message);

    const int64_t done = clock_.NowUnix();
    auto status = factories::ReminderStatus::kSent;
    int64_t next_attempt_at = done;
    std::optional<std::string> last_error;
    std::optional<int64_t> sent_at;
    if (sent.ok()) {
      sent_at = done;
      ++report.mail.sent;
    } else {
      last_error = sent.message();
      if (sent.code() == StatusCode::kUnavailable && reminder.attempts < options_.max_attempts) {
        status = factories::ReminderStatus::kPending;
        next_attempt_at = done + Backoff(options_, reminder.attempts);
        ++report.mail.retried;
      } else {
        status = factories::ReminderStatus::kFailed;
        ++report.mail.failed;
      }
    }
    Status finished = transactor_.Write(ReminderScope(), ReminderInfo(done), [&](UnitOfWork& work) -> Status {
      return work.factories().FinishReminder(reminder.id, status, next_attempt_at, last_error, sent_at);
    });
    if (!finished.ok()) {
      report.mail.errors.push_back("finish reminder " + std::to_string(reminder.id) + ": " + finished.ToString());
      break;
    }
  }
  return report;
}

LicenceReminderWorker::LicenceReminderWorker(LicenceReminderMailer& mailer, std::chrono::seconds interval)
    : mailer_(mailer), interval_(interval) {}

LicenceReminderWorker::~LicenceReminderWorker() { Stop(); }

void LicenceReminderWorker::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void LicenceReminderWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LicenceReminderWorker::Run() {
  for (;;) {
    const ReminderRunReport report = mailer_.RunOnce();
    for (const auto& error : report.mail.errors) spdlog::warn("licence reminders: {}", error);
    if (report.queued + report.mail.sent + report.mail.retried + report.mail.failed > 0) {
      spdlog::info("licence reminders: {} queued, {} sent, {} to retry, {} failed", report.queued, report.mail.sent,
                   report.mail.retried, report.mail.failed);
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
  }
}

}  // namespace ecotown::notify
