// EventHub: fans events out from the database to this process's live subscribers.
//
// One background thread polls the events table (every poll_interval) for rows newer than the
// last one it delivered and hands each to the subscribers allowed to see it. The database is the
// only source, so a change made through any instance reaches subscribers of every instance.
// Each subscriber has a bounded queue; a subscriber that falls too far behind is told to resync.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "modules/events/event.h"
#include "modules/unit_of_work.h"

namespace ecotown::events {

struct HubOptions {
  std::chrono::milliseconds poll_interval{500};  // latency of live updates vs. database load
  size_t max_queue = 1000;                       // per subscriber, then it must resync
  int64_t retention_seconds = 24 * 3600;         // older events are deleted
};

class Subscription {
 public:
  // Events ready for this subscriber (and clears them). overflowed() tells that some were dropped.
  std::vector<Event> Take();
  bool overflowed() const;
  bool closed() const;

 private:
  friend class EventHub;
  Subscription(tenancy::Scope scope, size_t max_queue, int64_t after_id)
      : scope_(std::move(scope)), max_queue_(max_queue), after_id_(after_id) {}
  bool Visible(const Event& event) const;
  void Push(const Event& event);
  void Close();

  const tenancy::Scope scope_;
  const size_t max_queue_;
  const int64_t after_id_;  // events up to this id happened before the subscription
  mutable std::mutex mu_;
  std::deque<Event> queue_;  // guarded by mu_
  bool overflowed_ = false;  // guarded by mu_
  bool closed_ = false;      // guarded by mu_
};

class EventHub {
 public:
  EventHub(Transactor& transactor, const core::Clock& clock, HubOptions options = {});
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Starts the polling thread from the newest event now in the database.
  Status Start();
  void Stop();

  // A subscriber that receives the events its scope may see from now on. With resume_after (the
  // SSE Last-Event-ID), events after that id that are still kept are delivered first.
  Result<std::shared_ptr<Subscription>> Subscribe(const tenancy::Scope& scope, std::optional<int64_t> resume_after);
  size_t subscriber_count() const;

  // One poll: deliver what is new. Called by the thread; public so that tests can drive it.
  Status PollOnce();

 private:
  Transactor& transactor_;
  const core::Clock& clock_;
  const HubOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::weak_ptr<Subscription>> subscribers_;  // guarded by mu_
  static constexpr int64_t kReorderWindow = 256;
  int64_t last_id_ = 0;                                   // newest delivered id; guarded by mu_
  int64_t started_at_id_ = 0;                             // events up to here predate Start()
  std::set<int64_t> delivered_;                           // ids above last_id_-window; guarded by mu_
  bool stopping_ = false;                                 // guarded by mu_
  std::thread thread_;
  std::chrono::steady_clock::time_point last_cleanup_{};
};

// Publishes an event in the unit of work's transaction.
Status Publish(UnitOfWork& work, std::optional<int64_t> org_id, std::string topic, std::string payload_json);

}  // namespace ecotown::events
