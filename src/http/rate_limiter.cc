#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace ecotown::http {
namespace {
constexpr size_t kPruneAbove = 100'000;
// Refills are sums of small fractions: a token that is due must not be lost to rounding.
constexpr double kEpsilon = 1e-9;
}  // namespace

bool RateLimiter::Allow(const std::string& key, int64_t now_ms, int64_t* retry_after_seconds) {
  if (!limit_.enabled()) return true;
  const double per_ms = limit_.refill_per_hour / 3'600'000.0;
  std::lock_guard lock(mu_);
  if (buckets_.size() > kPruneAbove) Prune(now_ms);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{limit_.burst, now_ms});
  Bucket& bucket = it->second;
  if (!inserted) {
    const int64_t elapsed = std::max<int64_t>(0, now_ms - bucket.at_ms);
    bucket.tokens = std::min(limit_.burst, bucket.tokens + static_cast<double>(elapsed) * per_ms);
    bucket.at_ms = now_ms;
  }
  if (bucket.tokens >= 1.0 - kEpsilon) {
    bucket.tokens = std::max(0.0, bucket.tokens - 1.0);
    return true;
  }
  if (retry_after_seconds) {
    *retry_after_seconds =
        per_ms > 0
            ? std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - bucket.tokens) / per_ms / 1000.0 - 1e-6)))
            : 3600;
  }
  return false;
}

void RateLimiter::Prune(int64_t now_ms) {
  const double per_ms = limit_.refill_per_hour / 3'600'000.0;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double tokens = it->second.tokens + static_cast<double>(now_ms - it->second.at_ms) * per_ms;
    it = tokens >= limit_.burst ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace ecotown::http
