// A token bucket per client address, for the public endpoints that anyone can call without an
// account (complaint filing, tracking pages, Open311).
//
// Each address starts with `burst` tokens; a call takes one; tokens come back at
// `refill_per_hour`. A call without a token is refused (429 with Retry-After). In memory and per
// process: behind a load balancer each instance limits on its own, so the effective limit is
// multiplied by the number of instances. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ecotown::http {

struct RateLimit {
  double burst = 10;            // calls an address may make at once
  double refill_per_hour = 60;  // sustained calls per hour
  bool enabled() const { return burst > 0; }
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  // True when `key` may make a call at now_ms (a monotonic or wall clock in milliseconds);
  // otherwise retry_after_seconds says when the next token arrives.
  bool Allow(const std::string& key, int64_t now_ms, int64_t* retry_after_seconds = nullptr);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t at_ms = 0;
  };
  // Drops full buckets so that a scan of many addresses cannot grow the table without bound.
  void Prune(int64_t now_ms);

  const RateLimit limit_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace ecotown::http
