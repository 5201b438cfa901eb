// The request handlers' thread pool: the most recently idle thread takes the next task, every
// posted task runs before Join returns, and busy threads leave the rest to the others.
#include "http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>

namespace ecotown::http {
namespace {

// Posts a task and waits for it; returns the thread that ran it.
std::thread::id RunOne(WorkerPool& pool) {
  std::promise<std::thread::id> ran;
  pool.Post([&] { ran.set_value(std::this_thread::get_id()); });
  return ran.get_future().get();
}

// Before each task every thread is idle (as between a client's requests), so the choice is
// among all 8: asio::thread_pool, which this replaced, took them in turn.
void WaitUntilAllIdle(WorkerPool& pool, size_t threads) {
  for (int i = 0; i < 5000 && pool.IdleThreads() < threads; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(pool.IdleThreads(), threads);
}

TEST(WorkerPoolTest, OneTaskAtATimeKeepsGoingToTheSameThread) {
  WorkerPool pool(8);
  WaitUntilAllIdle(pool, 8);
  const std::thread::id first = RunOne(pool);
  for (int i = 0; i < 50; ++i) {
    WaitUntilAllIdle(pool, 8);
    EXPECT_EQ(RunOne(pool), first) << "task " << i;
  }
}

TEST(WorkerPoolTest, BusyThreadsLeaveTasksToTheOthersAndJoinRunsEveryTask) {
  constexpr int kThreads = 4;
  std::atomic<int> ran{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  {
    WorkerPool pool(kThreads);
    // kThreads tasks that wait for each other: they can only finish if each has its own thread.
    std::atomic<int> started{0};
    for (int i = 0; i < kThreads; ++i) {
      pool.Post([&] {
        ++started;
        while (started.load() < kThreads) std::this_thread::yield();
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
      });
    }
    // Many more, some posting further tasks, queued behind them: Join runs them all.
    for (int i = 0; i < 200; ++i) {
      pool.Post([&] {
        ++ran;
        pool.Post([&] { ++ran; });
      });
    }
    pool.Join();
    EXPECT_EQ(ran.load(), 400);
  }
  EXPECT_EQ(threads.size(), static_cast<size_t>(kThreads));
}

}  // namespace
}  // namespace ecotown::http
