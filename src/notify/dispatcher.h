// The outbox dispatcher: sends queued alert notices (alert_deliveries) through their channel
// and records the outcome, with retries and exponential backoff. Each outcome is also published
// as a live "alert" event of the alert's organisation.
//
// Each row is claimed in its own short write transaction (attempts + 1, leased until the send
// can no longer be running), sent outside any transaction, then finished in another. A process
// that dies mid-send leaves the row pending; once the lease ends another dispatcher (or this one
// after a restart) sends it again: delivery is at least once, and the retry key lets LINE and
// webhook receivers drop the duplicate. Thread-compatible: one DrainOnce at a time per object.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "modules/alerts/alert.h"
#include "modules/unit_of_work.h"
#include "notify/email.h"
#include "notify/line.h"

namespace ecotown::notify {

// Sends one notice. Ok: delivered. Unavailable: try again later. Anything else: give up.
class DeliverySender {
 public:
  virtual ~DeliverySender() = default;
  virtual Status Send(const alerts::DueDelivery& due) = 0;
};

struct ChannelSettings {
  SmtpSettings smtp;
  LineSettings line;
  int webhook_timeout_seconds = 10;
};

// The real channels: webhook (http_post.h), e-mail (email.h), LINE (line.h).
class ChannelSender final : public DeliverySender {
 public:
  explicit ChannelSender(ChannelSettings settings) : settings_(std::move(settings)) {}
  Status Send(const alerts::DueDelivery& due) override;

 private:
  ChannelSettings settings_;
};

// The e-mail subject of a notice: "แจ้งเตือน: <rule> – <sensor>" (Thai, as the body's first line).
std::string NoticeSubject(const alerts::Alert& alert);

struct DispatchOptions {
  int max_attempts = 8;                // then the row is failed for good
  int64_t backoff_base_seconds = 60;   // wait after the first failure, doubled after each
  int64_t backoff_max_seconds = 3600;  // longest wait between two attempts
  int64_t lease_seconds = 120;         // longer than any single send (timeouts are 10-60 s)
  int max_per_drain = 200;             // bounds one DrainOnce
};

struct DrainReport {
  int sent = 0;
  int retried = 0;                  // failed transiently, rescheduled
  int failed = 0;                   // given up (permanent error or attempts used up)
  std::vector<std::string> errors;  // store errors; send errors go to the rows' last_error
};

class Dispatcher {
 public:
  Dispatcher(Transactor& transactor, const core::Clock& clock, DeliverySender& sender, DispatchOptions options = {});

  // Sends everything due now, one row at a time, until nothing is due or max_per_drain.
  DrainReport DrainOnce();

  // The wait after `attempts` failed attempts.
  int64_t BackoffAfter(int attempts) const;

 private:
  Transactor& transactor_;
  const core::Clock& clock_;
  DeliverySender& sender_;
  const DispatchOptions options_;
};

}  // namespace ecotown::notify
