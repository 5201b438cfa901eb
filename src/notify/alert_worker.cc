#include "notify/alert_worker.h"

#include <spdlog/spdlog.h>

namespace ecotown::notify {

AlertWorker::AlertWorker(Transactor& transactor, const core::Clock& clock, alerts::ReadingsOf readings_of,
                         Dispatcher& dispatcher, WorkerOptions options)
    : transactor_(transactor),
      clock_(clock),
      readings_of_(std::move(readings_of)),
      dispatcher_(dispatcher),
      options_(options) {}

AlertWorker::~AlertWorker() { Stop(); }

void AlertWorker::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void AlertWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

alerts::EvaluationReport AlertWorker::EvaluateNow() {
  alerts::EvaluationReport report = alerts::EvaluateRules(transactor_, readings_of_, clock_.NowUnix());
  for (const auto& error : report.errors) spdlog::warn("alert evaluation: {}", error);
  if (report.fired + report.recovered + report.held + report.silent > 0) {
    spdlog::info("alerts: {} rule(s), {} pair(s): {} fired, {} recovered, {} held, {} other change(s)", report.rules,
                 report.pairs, report.fired, report.recovered, report.held, report.silent);
  }
  return report;
}

DrainReport AlertWorker::DispatchNow() {
  DrainReport report = dispatcher_.DrainOnce();
  for (const auto& error : report.errors) spdlog::warn("alert delivery: {}", error);
  if (report.sent + report.retried + report.failed > 0) {
    spdlog::info("alert deliveries: {} sent, {} to retry, {} failed", report.sent, report.retried, report.failed);
  }
  return report;
}

void AlertWorker::Run() {
  auto next_evaluation = std::chrono::steady_clock::now();
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_evaluation) {
      EvaluateNow();
      next_evaluation = now + options_.evaluate_interval;
    }
    DispatchNow();
    std::unique_lock lock(mu_);
    const auto wake = std::min(next_evaluation, std::chrono::steady_clock::now() + options_.dispatch_interval);
    if (cv_.wait_until(lock, wake, [this] { return stopping_; })) return;
  }
}

}  // namespace ecotown::notify
