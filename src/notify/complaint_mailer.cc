#include "notify/complaint_mailer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "modules/complaints/complaint_service.h"
#include "modules/complaints/line.h"

namespace ecotown::notify {
namespace {

const tenancy::Scope& MailerScope() {
  static const tenancy::Scope scope = tenancy::Scope::System("complaint-mailer");
  return scope;
}

}  // namespace

ComplaintMailer::ComplaintMailer(Transactor& transactor, const core::Clock& clock, SmtpSettings smtp,
                                 MailerOptions options, LineSettings line)
    : transactor_(transactor), clock_(clock), smtp_(std::move(smtp)), options_(options), line_(std::move(line)) {}

int64_t Backoff(const MailerOptions& options, int attempts) {
  int64_t wait = options.backoff_base_seconds;
  for (int i = 1; i < attempts && wait < options.backoff_max_seconds; ++i) wait *= 2;
  return std::min(wait, options.backoff_max_seconds);
}

int64_t ComplaintMailer::BackoffAfter(int attempts) const { return Backoff(options_, attempts); }

MailReport ComplaintMailer::DrainOnce() {
  MailReport report;
  std::vector<complaints::NoticeChannel> channels = {complaints::NoticeChannel::kLine};
  if (!smtp_.url.empty()) channels.push_back(complaints::NoticeChannel::kEmail);
  for (int round = 0; round < options_.max_per_drain; ++round) {
    const int64_t now = clock_.NowUnix();
    std::vector<complaints::Notice> claimed;
    std::optional<complaints::LineConnection> line;
    Status claim = transactor_.Write(
        MailerScope(), RequestInfo{"complaint-mailer", "local", now}, [&](UnitOfWork& work) -> Status {
          ASSIGN_OR_RETURN(claimed, work.complaints().ClaimDueNotices(now, now + options_.lease_seconds, 1, channels));
          if (!claimed.empty() && claimed.front().channel == complaints::NoticeChannel::kLine) {
            ASSIGN_OR_RETURN(line, work.line().GetConnection(claimed.front().org_id));
          }
          return Status::Ok();
        });
    if (!claim.ok()) {
      report.errors.push_back("claim: " + claim.ToString());
      break;
    }
    if (claimed.empty()) break;
    const complaints::Notice& notice = claimed.front();

    Status sent = Status::Invalid("no recipient (personal data erased)");
    if (notice.to.empty()) {
    } else if (notice.channel == complaints::NoticeChannel::kLine) {
      if (!line || !line->Usable()) {
        sent = Status::Invalid("the LAO's LINE Official Account is not connected");
      } else {
        LineSettings settings = line_;
        settings.channel_token = line->access_token;
        sent = SendLinePush(settings, notice.to, notice.body, notice.retry_key);
      }
    } else {
      EmailMessage message;
      message.from = smtp_.from;
      message.to = notice.to;
      message.subject = notice.subject;
      message.body = notice.body;
      message.date = notice.created_at;
      message.message_id = notice.retry_key + "@ecotown.complaints";
      sent = SendEmail(smtp_, message);
    }
    const int64_t done = clock_.NowUnix();
    complaints::NoticeStatus status = complaints::NoticeStatus::kSent;
    int64_t next_attempt_at = done;
    std::optional<std::string> last_error;
    std::optional<int64_t> sent_at;
    if (sent.ok()) {
      sent_at = done;
      ++report.sent;
    } else {
      last_error = sent.message();
      if (sent.code() == StatusCode::kUnavailable && notice.attempts < options_.max_attempts) {
        status = complaints::NoticeStatus::kPending;
        next_attempt_at = done + BackoffAfter(notice.attempts);
        ++report.retried;
      } else {
        status = complaints::NoticeStatus::kFailed;
        ++report.failed;
      }
    }
    Status finished = transactor_.Write(
        MailerScope(), RequestInfo{"complaint-mailer", "local", done}, [&](UnitOfWork& work) -> Status {
          return work.complaints().FinishNotice(notice.id, status, next_attempt_at, last_error, sent_at);
        });
    if (!finished.ok()) {
      report.errors.push_back("finish notice " + std::to_string(notice.id) + ": " + finished.ToString());
      break;
    }
  }
  return report;
}

ComplaintWorker::ComplaintWorker(Transactor& transactor, const core::Clock& clock, ComplaintMailer& mailer,
                                 ComplaintWorkerOptions options)
    : transactor_(transactor), clock_(clock), mailer_(mailer), options_(options) {}

ComplaintWorker::~ComplaintWorker() { Stop(); }

void ComplaintWorker::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void ComplaintWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int ComplaintWorker::RetentionNow() {
  int erased = 0;
  // In batches, one transaction each: a backlog (the first run over old data, a raised retention
  // period) must not hold every LAO's complaints, and so their residents' filings, for minutes.
  for (bool more = true; more;) {
    std::vector<complaints::ErasureReport> reports;
    Status status = transactor_.Write(
        tenancy::Scope::System("complaint-retention"), RequestInfo{"complaint-retention", "local", clock_.NowUnix()},
        [&](UnitOfWork& work) -> Status {
          ASSIGN_OR_RETURN(reports,
                           complaints::ComplaintService().EraseExpiredEverywhere(work, options_.retention_batch));
          return Status::Ok();
        });
    if (!status.ok()) {
      spdlog::warn("complaint retention: {}", status.ToString());
      break;
    }
    more = false;
    for (const auto& report : reports) {
      erased += report.erased;
      more = more || report.erased >= options_.retention_batch;
    }
    std::lock_guard lock(mu_);
    if (stopping_) break;
  }
  if (erased > 0) spdlog::info("complaint retention: personal data of {} complaint(s) erased", erased);
  return erased;
}

int ComplaintWorker::ForgetLineEventsNow() {
  int forgotten = 0;
  const int64_t now = clock_.NowUnix();
  for (;;) {
    int batch = 0;
    Status status = transactor_.Write(tenancy::Scope::System("line-event-retention"),
                                      RequestInfo{"line-event-retention", "local", now}, [&](UnitOfWork& work) -> Status {
                                        ASSIGN_OR_RETURN(batch, work.line().ForgetEventsReceivedBefore(
                                                                    now - complaints::kLineEventRetentionSeconds,
                                                                    options_.line_events_batch));
                                        return Status::Ok();
                                      });
    if (!status.ok()) {
      spdlog::warn("line event retention: {}", status.ToString());
      break;
    }
    forgotten += batch;
    if (batch < options_.line_events_batch) break;
    std::lock_guard lock(mu_);
    if (stopping_) break;
  }
  if (forgotten > 0) spdlog::info("line event retention: {} webhook event id(s) forgotten", forgotten);
  return forgotten;
}

void ComplaintWorker::Run() {
  auto next_retention = std::chrono::steady_clock::now();
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_retention) {
      RetentionNow();
      ForgetLineEventsNow();
      next_retention = now + options_.retention_interval;
    }
    MailReport report = mailer_.DrainOnce();
    for (const auto& error : report.errors) spdlog::warn("complaint mail: {}", error);
    if (report.sent + report.retried + report.failed > 0) {
      spdlog::info("complaint mail: {} sent, {} to retry, {} failed", report.sent, report.retried, report.failed);
    }
    std::unique_lock lock(mu_);
    const auto wake = std::min(next_retention, std::chrono::steady_clock::now() + options_.dispatch_interval);
    if (cv_.wait_until(lock, wake, [this] { return stopping_; })) return;
  }
}

}  // namespace ecotown::notify
