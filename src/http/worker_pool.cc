#include "http/worker_pool.h"

#include <algorithm>
#include <utility>

namespace ecotown::http {

WorkerPool::WorkerPool(size_t threads) : slots_(std::max<size_t>(1, threads)) {
  threads_.reserve(slots_.size());
  for (size_t i = 0; i < slots_.size(); ++i) threads_.emplace_back([this, i] { Run(i); });
}

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Post(std::function<void()> task) {
  std::unique_lock lock(mutex_);
  if (idle_.empty()) {
    queue_.push_back(std::move(task));
    return;
  }
  Slot& slot = slots_[idle_.back()];
  idle_.pop_back();
  slot.task = std::move(task);
  lock.unlock();
  slot.wake.notify_one();
}

void WorkerPool::Join() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (Slot& slot : slots_) slot.wake.notify_one();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

size_t WorkerPool::IdleThreads() {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void WorkerPool::Run(size_t index) {
  Slot& slot = slots_[index];
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!slot.task && !queue_.empty()) {
      slot.task = std::move(queue_.front());
      queue_.pop_front();
    }
    if (!slot.task) {
      if (stopping_) return;  // nothing queued, nothing handed over
      idle_.push_back(index);
      slot.wake.wait(lock, [&] { return slot.task != nullptr || stopping_; });
      // Woken to stop: leave the idle list, then end unless a task came after all.
      if (!slot.task) std::erase(idle_, index);
      continue;
    }
    std::function<void()> task = std::move(slot.task);
    slot.task = nullptr;
    lock.unlock();
    task();
    task = nullptr;  // what it holds is released outside the lock
    lock.lock();
  }
}

}  // namespace ecotown::http
