// Complaint notices to residents: the mailer drains the complaint_notices outbox, e-mails over
// SMTP (email.h) and LINE pushes with the LAO's channel access token (line.h), with retries and
// exponential backoff like the alert dispatcher; the worker runs it every dispatch interval, and
// the PDPA retention erasure and the pruning of remembered LINE event ids every retention interval.
//
// Each row is claimed in its own short write transaction (attempts + 1, leased until the send can
// no longer be running), sent outside any transaction, then finished in another: at least once.
// A LINE push carries the row's retry key as X-Line-Retry-Key, so LINE drops a second delivery of
// one row. With no SMTP URL configured e-mails are not claimed, so they wait until mail is set up.
// Thread-compatible: one DrainOnce at a time per object.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "modules/unit_of_work.h"
#include "notify/email.h"
#include "notify/line.h"

namespace ecotown::notify {

struct MailerOptions {
  int max_attempts = 8;               // then the notice is failed for good
  int64_t backoff_base_seconds = 60;  // doubled after each failure
  int64_t backoff_max_seconds = 3600;
  int64_t lease_seconds = 120;
  int max_per_drain = 200;
};

// The wait before the next attempt after `attempts` failures: base doubled each time, capped.
int64_t Backoff(const MailerOptions& options, int attempts);

struct MailReport {
  int sent = 0;
  int retried = 0;
  int failed = 0;
  std::vector<std::string> errors;  // store errors; send errors go to the rows' last_error
};

class ComplaintMailer {
 public:
  // line.api_base is the Messaging API host (its channel_token is unused: each LAO has its own).
  ComplaintMailer(Transactor& transactor, const core::Clock& clock, SmtpSettings smtp, MailerOptions options = {},
                  LineSettings line = {});
  MailReport DrainOnce();
  int64_t BackoffAfter(int attempts) const;

 private:
  Transactor& transactor_;
  const core::Clock& clock_;
  const SmtpSettings smtp_;
  const MailerOptions options_;
  const LineSettings line_;
};

struct ComplaintWorkerOptions {
  std::chrono::seconds dispatch_interval{10};
  std::chrono::seconds retention_interval{3600};
  int retention_batch = 200;  // complaints erased per organisation and transaction
  int line_events_batch = 5000;  // remembered LINE event ids forgotten per transaction
};

// The background loop: mail every dispatch_interval, retention erasure every retention_interval.
class ComplaintWorker {
 public:
  ComplaintWorker(Transactor& transactor, const core::Clock& clock, ComplaintMailer& mailer,
                  ComplaintWorkerOptions options);
  ~ComplaintWorker();
  ComplaintWorker(const ComplaintWorker&) = delete;
  ComplaintWorker& operator=(const ComplaintWorker&) = delete;

  void Start();
  void Stop();
  // One retention run over every organisation now (System scope), logged; erased complaints.
  int RetentionNow();
  // Forgets the LINE webhook event ids received more than kLineEventRetentionSeconds ago, in
  // batches (System scope), logged; the ids forgotten. Runs with the retention erasure.
  int ForgetLineEventsNow();

 private:
  void Run();

  Transactor& transactor_;
  const core::Clock& clock_;
  ComplaintMailer& mailer_;
  const ComplaintWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ecotown::notify
