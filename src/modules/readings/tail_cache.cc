#include "modules/readings/tail_cache.h"

#include <random>
#include <utility>

namespace ecotown::readings {

std::optional<SensorTail> TailCache::Take(int64_t sensor_id, int64_t store_token) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(sensor_id);
  if (it == entries_.end()) {
    ++counts_.misses;
    return std::nullopt;
  }
  std::optional<SensorTail> tail;
  if (store_token != 0 && it->second.write_token == store_token) tail = std::move(it->second);
  entries_.erase(it);
  ++(tail ? counts_.hits : counts_.misses);
  return tail;
}

void TailCache::Put(int64_t sensor_id, SensorTail tail) {
  std::lock_guard lock(mutex_);
  if (max_sensors_ == 0) return;
  if (entries_.size() >= max_sensors_ && !entries_.count(sensor_id)) entries_.erase(entries_.begin());
  entries_.insert_or_assign(sensor_id, std::move(tail));
}

TailCache::Counts TailCache::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

int64_t NewWriteToken() {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }()};
  int64_t token = 0;
  while (token == 0) token = static_cast<int64_t>(engine() >> 1);
  return token;
}

}  // namespace ecotown::readings
