// AlertWorker: the background loop of alerts. Every evaluate_interval it runs one evaluation
// cycle (alerts::EvaluateRules); every dispatch_interval it drains the outbox (Dispatcher).
// Errors are logged and the loop goes on. Start/Stop from one thread; Stop wakes the loop and
// joins it (a send in progress finishes first, bounded by the channel timeouts).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "modules/alerts/alert_service.h"
#include "notify/dispatcher.h"

namespace ecotown::notify {

struct WorkerOptions {
  std::chrono::seconds evaluate_interval{60};
  std::chrono::seconds dispatch_interval{10};
};

class AlertWorker {
 public:
  AlertWorker(Transactor& transactor, const core::Clock& clock, alerts::ReadingsOf readings_of, Dispatcher& dispatcher,
              WorkerOptions options);
  ~AlertWorker();
  AlertWorker(const AlertWorker&) = delete;
  AlertWorker& operator=(const AlertWorker&) = delete;

  void Start();
  void Stop();

  // One evaluation cycle now, logged. Public so that tests (and the CLI) can drive it.
  alerts::EvaluationReport EvaluateNow();
  // One drain of the outbox now, logged.
  DrainReport DispatchNow();

 private:
  void Run();

  Transactor& transactor_;
  const core::Clock& clock_;
  const alerts::ReadingsOf readings_of_;
  Dispatcher& dispatcher_;
  const WorkerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ecotown::notify
