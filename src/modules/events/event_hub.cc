#include "modules/events/event_hub.h"

#include <algorithm>
#include <iterator>

namespace ecotown::events {
namespace {
constexpr int kPollPage = 1000;  // events read per query while catching up
}  // namespace

std::vector<Event> Subscription::Take() {
  std::lock_guard lock(mu_);
  std::vector<Event> out(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

bool Subscription::overflowed() const {
  std::lock_guard lock(mu_);
  return overflowed_;
}

bool Subscription::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

bool Subscription::Visible(const Event& event) const {
  return !event.org_id || scope_.CanRead(*event.org_id);
}

void Subscription::Push(const Event& event) {
  if (event.id <= after_id_ || !Visible(event)) return;
  std::lock_guard lock(mu_);
  if (queue_.size() >= max_queue_) {
    overflowed_ = true;
    queue_.pop_front();
  }
  queue_.push_back(event);
}

void Subscription::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
}

EventHub::EventHub(Transactor& transactor, const core::Clock& clock, HubOptions options)
    : transactor_(transactor), clock_(clock), options_(options) {}

EventHub::~EventHub() { Stop(); }

Status EventHub::Start() {
  int64_t latest = 0;
  RETURN_IF_ERROR(transactor_.Read(tenancy::Scope::System("events"), RequestInfo{"events", "local", clock_.NowUnix()},
                                   [&](UnitOfWork& work) -> Status {
                                     ASSIGN_OR_RETURN(latest, work.events().LatestId());
                                     return Status::Ok();
                                   }));
  std::lock_guard lock(mu_);
  last_id_ = latest;
  started_at_id_ = latest;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock guard(mu_);
    while (!stopping_) {
      guard.unlock();
      (void)PollOnce();  // a failed poll is retried on the next tick
      guard.lock();
      cv_.wait_for(guard, options_.poll_interval, [this] { return stopping_; });
    }
  });
  return Status::Ok();
}

void EventHub::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    for (auto& weak : subscribers_) {
      if (auto sub = weak.lock()) sub->Close();
    }
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<std::shared_ptr<Subscription>> EventHub::Subscribe(const tenancy::Scope& scope,
                                                          std::optional<int64_t> resume_after) {
  std::lock_guard lock(mu_);
  // Without a resume point the subscriber starts at the newest event now in the database, so it
  // hears nothing that happened before it asked, even if the poller has not reached it yet.
  int64_t after = last_id_;
  std::vector<Event> missed;
  Status status = transactor_.Read(tenancy::Scope::System("events"), RequestInfo{"events", "local", clock_.NowUnix()},
                                   [&](UnitOfWork& work) -> Status {
                                     if (!resume_after) {
                                       ASSIGN_OR_RETURN(after, work.events().LatestId());
                                       return Status::Ok();
                                     }
                                     if (*resume_after >= last_id_) return Status::Ok();
                                     ASSIGN_OR_RETURN(missed, work.events().After(
                                                                  *resume_after, static_cast<int>(options_.max_queue)));
                                     return Status::Ok();
                                   });
  if (!status.ok()) return status;
  if (resume_after) after = *resume_after;  // the client has seen everything up to it
  auto subscription = std::shared_ptr<Subscription>(new Subscription(scope, options_.max_queue, after));
  // Backfill what a resuming subscriber missed, up to what the poller has already delivered;
  // the poller delivers the rest.
  for (const auto& event : missed) {
    if (event.id <= last_id_) subscription->Push(event);
  }
  subscribers_.push_back(subscription);
  return subscription;
}

size_t EventHub::subscriber_count() const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(subscribers_.begin(), subscribers_.end(),
                                           [](const auto& weak) { return !weak.expired(); }));
}

Status EventHub::PollOnce() {
  int64_t after = 0;
  {
    std::lock_guard lock(mu_);
    // PostgreSQL hands out ids at insert and commits in any order, so an event with a lower id
    // can appear after a higher one was delivered: re-read a window below the newest id and skip
    // what was already delivered.
    after = std::max<int64_t>(0, last_id_ - kReorderWindow);
  }
  std::vector<Event> fresh;
  const bool cleanup = std::chrono::steady_clock::now() - last_cleanup_ > std::chrono::minutes(10);
  const RequestInfo info{"events", "local", clock_.NowUnix()};
  RETURN_IF_ERROR(transactor_.Read(tenancy::Scope::System("events"), info, [&](UnitOfWork& work) -> Status {
    // Everything since `after`, page by page: after a burst (the demo seeding, an import) one poll
    // catches up, instead of one page per poll interval while new events wait behind it.
    fresh.clear();
    for (int64_t from = after;;) {
      ASSIGN_OR_RETURN(auto page, work.events().After(from, kPollPage));
      const bool full = page.size() == static_cast<size_t>(kPollPage);
      if (!page.empty()) from = page.back().id;
      fresh.insert(fresh.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
      if (!full) break;
    }
    return Status::Ok();
  }));
  if (cleanup) {
    last_cleanup_ = std::chrono::steady_clock::now();
    RETURN_IF_ERROR(transactor_.Write(tenancy::Scope::System("events"), info, [&](UnitOfWork& work) -> Status {
      auto removed = work.events().DeleteOlderThan(info.now - options_.retention_seconds);
      return removed.ok() ? Status::Ok() : removed.status();
    }));
  }
  if (fresh.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  std::erase_if(subscribers_, [](const auto& weak) { return weak.expired(); });
  for (const auto& event : fresh) {
    if (event.id <= started_at_id_ || !delivered_.insert(event.id).second) continue;
    last_id_ = std::max(last_id_, event.id);
    for (auto& weak : subscribers_) {
      if (auto sub = weak.lock()) sub->Push(event);
    }
  }
  const int64_t low_water = last_id_ - kReorderWindow;
  delivered_.erase(delivered_.begin(), delivered_.lower_bound(low_water));
  return Status::Ok();
}

Status Publish(UnitOfWork& work, std::optional<int64_t> org_id, std::string topic, std::string payload_json) {
  Event event;
  event.at = work.info().now;
  event.org_id = org_id;
  event.topic = std::move(topic);
  event.payload_json = std::move(payload_json);
  auto id = work.events().Publish(event);
  return id.ok() ? Status::Ok() : id.status();
}

}  // namespace ecotown::events
