// The threads that run request handlers. A task goes to the thread that has been idle the
// shortest time (last in, first out), or waits in a queue when every thread is busy.
//
// asio::thread_pool woke its idle threads in turn, so a server answering one request at a time
// spread them over all of its threads. Each thread allocates from its own malloc arena, and a
// thread's first large answers fault fresh pages into it: on the benchmark VM the daily report of
// 200 sensors took 20-28 ms on each of the 8 threads' first requests and 7-10 ms afterwards (with
// one arena for all threads, 7-10 ms from the second request on). With the most recently idle
// thread first, a lightly loaded server keeps using threads whose memory and caches are warm;
// under load every thread works, as before.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ecotown::http {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads);
  ~WorkerPool();  // joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `task` on one of the threads. Thread-safe; may be called from a task.
  void Post(std::function<void()> task);

  // Runs every task posted so far, and any they post, then ends the threads. A task posted after
  // Join has returned is never run.
  void Join();

  // Threads waiting for a task now.
  size_t IdleThreads();

 private:
  struct Slot {
    std::condition_variable wake;
    std::function<void()> task;  // handed to this thread by Post while it was idle
  };
  void Run(size_t index);

  std::mutex mutex_;
  std::vector<Slot> slots_;
  std::vector<size_t> idle_;                 // threads waiting for a task; the most recently idle last
  std::deque<std::function<void()>> queue_;  // tasks no thread was idle for
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ecotown::http
