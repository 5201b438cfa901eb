// TailCache: what the last write of each sensor's readings left at the newest end of the store,
// kept by the writer so that the next write of the same sensor need not read it back.
//
// Devices and gateways send readings in time order, so a write of a sensor's readings reads the
// same few rows the previous write of that sensor has just written: the chunks of the newest
// hours (one hour of context for the QA series rules), the hourly aggregates of the 25 hours
// before (rolling means) and the days of the month (the month's means). A SensorTail holds
// those rows as the write committed them, with the write's token (LatestReading::write_token).
// The next write uses the entry only when the token on the store's latest-values row still equals
// it, read under the sensor's write lock: a write by another process, another writer of this
// process, or a transaction that rolled back after leaving its entry here (its token never
// reached the store) all leave a different token, and the rows are read from the store as before.
// Each part answers only for the ranges it covers whole; anything else is read from the store, so
// what a write stores is the same with or without the cache.
//
// Thread-safe. Holds at most max_sensors entries (about 40 KB each); a full cache drops an entry
// to make room.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "modules/readings/reading_store.h"

namespace ecotown::readings {

struct SensorTail {
  int64_t write_token = 0;  // the write that left these rows (never 0)
  // Every stored chunk with hour_end >= chunks_from, decoded, by hour_end.
  int64_t chunks_from = 0;
  std::map<int64_t, std::vector<Reading>> chunks;
  // Every stored hourly aggregate with hour_end > hours_after, by hour_end.
  int64_t hours_after = 0;
  std::map<int64_t, HourAggregate> hours;
  // Every stored day of one month (as ReadingStore::Days returns them, in date order); month 0:
  // none kept.
  int year = 0, month = 0;
  std::vector<DayAggregate> month_days;
  LatestReading latest;  // the latest-values row as written
};

class TailCache {
 public:
  static constexpr size_t kDefaultMaxSensors = 2048;

  explicit TailCache(size_t max_sensors = kDefaultMaxSensors) : max_sensors_(max_sensors) {}
  TailCache(const TailCache&) = delete;
  TailCache& operator=(const TailCache&) = delete;

  // The sensor's entry if it was left by the write whose token the store holds now (taken out:
  // the caller holds the sensor's write lock and puts back the entry of its own write).
  std::optional<SensorTail> Take(int64_t sensor_id, int64_t store_token);
  void Put(int64_t sensor_id, SensorTail tail);

  struct Counts {
    int64_t hits = 0;    // Take found a current entry
    int64_t misses = 0;  // no entry, or another write's
  };
  Counts counts() const;

 private:
  const size_t max_sensors_;
  mutable std::mutex mutex_;
  std::unordered_map<int64_t, SensorTail> entries_;
  Counts counts_;
};

// A random token for a write, never 0 (thread-safe).
int64_t NewWriteToken();

}  // namespace ecotown::readings
