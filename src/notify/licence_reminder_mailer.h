// Licence and permit expiry reminders by e-mail (modules/factories/licence_reminders.h): each run
// queues the reminders that became due (one per licence, expiry date, threshold and recipient,
// refused a second time by the store) and sends the due ones over SMTP, each claimed and finished
// in its own short transaction like the complaint mailer (at least once; a retry after a failure
// that reached the server may repeat a mail, a restart never re-queues one). Without an SMTP URL
// it does nothing: reminders are queued from the day mail is set up. Thread-compatible.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "modules/unit_of_work.h"
#include "notify/complaint_mailer.h"
#include "notify/email.h"

namespace ecotown::notify {

struct ReminderRunReport {
  int queued = 0;  // new reminders put into the outbox by this run
  MailReport mail;
};

class LicenceReminderMailer {
 public:
  LicenceReminderMailer(Transactor& transactor, const core::Clock& clock, SmtpSettings smtp,
                        MailerOptions options = {});
  // Queues what became due, then sends what is due.
  ReminderRunReport RunOnce();

 private:
  Transactor& transactor_;
  const core::Clock& clock_;
  const SmtpSettings smtp_;
  const MailerOptions options_;
};

// Runs the mailer every `interval` on its own thread until Stop.
class LicenceReminderWorker {
 public:
  LicenceReminderWorker(LicenceReminderMailer& mailer, std::chrono::seconds interval);
  ~LicenceReminderWorker();
  LicenceReminderWorker(const LicenceReminderWorker&) = delete;
  LicenceReminderWorker& operator=(const LicenceReminderWorker&) = delete;

  void Start();
  void Stop();

 private:
  void Run();

  LicenceReminderMailer& mailer_;
  const std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ecotown::notify
