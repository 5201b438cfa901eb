// The LINE inbox worker: handles the webhook events the API stored (complaints::LineWebhook) on
// its own thread, at once when the webhook wakes it and every poll interval for what is left (an
// event stored by another instance, or one whose handling failed and is retried).
// Start/Stop/Wake from any thread; RunOnce from one thread at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "modules/complaints/line_service.h"
#include "modules/unit_of_work.h"

namespace ecotown::notify {

struct LineInboxOptions {
  std::chrono::seconds poll_interval{5};  // a failed event waits this long for its next attempt
  int batch = 50;                         // events claimed from the inbox at a time (one per LINE user)
};

class LineInboxWorker {
 public:
  // tracking_url_base as complaints::LineWebhook.
  LineInboxWorker(Transactor& transactor, const core::Clock& clock, complaints::LineApi& api,
                  std::string tracking_url_base, LineInboxOptions options = {});
  ~LineInboxWorker();
  LineInboxWorker(const LineInboxWorker&) = delete;
  LineInboxWorker& operator=(const LineInboxWorker&) = delete;

  void Start();
  void Stop();  // finishes the event in hand; what waits stays in the inbox for the next start
  void Wake();  // events were stored: handle them now
  // Handles what waits now, batch after batch, logging errors; the events handled.
  int RunOnce();

 private:
  void Run();

  Transactor& transactor_;
  const core::Clock& clock_;
  complaints::LineWebhook webhook_;
  const LineInboxOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;     // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ecotown::notify
