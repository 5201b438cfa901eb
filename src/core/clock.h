// The clock seam. Domain code never reads the time itself: it is handed a Clock, so that tests
// use FakeClock for windows, deadlines and expiry.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace ecotown::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowUnix() const = 0;  // seconds since 1970-01-01 UTC
};

class SystemClock final : public Clock {
 public:
  int64_t NowUnix() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Thread-safe settable clock for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now) : now_(now) {}
  int64_t NowUnix() const override { return now_.load(); }
  void Set(int64_t now) { now_.store(now); }
  void Advance(int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace ecotown::core
