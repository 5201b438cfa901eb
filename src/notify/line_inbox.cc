#include "notify/line_inbox.h"

#include <spdlog/spdlog.h>

namespace ecotown::notify {

LineInboxWorker::LineInboxWorker(Transactor& transactor, const core::Clock& clock, complaints::LineApi& api,
                                 std::string tracking_url_base, LineInboxOptions options)
    : transactor_(transactor),
      clock_(clock),
      webhook_(transactor, api, std::move(tracking_url_base)),
      options_(options) {}

LineInboxWorker::~LineInboxWorker() { Stop(); }

void LineInboxWorker::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void LineInboxWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LineInboxWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

int LineInboxWorker::RunOnce() {
  int handled = 0;
  for (;;) {
    const complaints::LineInboxReport report = webhook_.HandlePending(RequestInfo{"line", "local", clock_.NowUnix()},
                                                                      options_.batch, options_.poll_interval.count());
    for (const auto& error : report.errors) spdlog::warn("line inbox: {}", error);
    handled += report.handled;
    // A claim hands out one event per user: while events went out, a user's next one may wait.
    // Failures wait for their retry time.
    if (report.handled + report.dropped == 0) break;
    std::lock_guard lock(mu_);
    if (stopping_) break;
  }
  return handled;
}

void LineInboxWorker::Run() {
  for (;;) {
    RunOnce();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace ecotown::notify
