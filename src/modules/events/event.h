// Live-update events: small notices ("this record changed", later "a new reading") that the UI
// receives over server-sent events. They are rows in the database, written in the same
// transaction as the change they announce, so every instance sharing the database sees them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace ecotown::events {

struct Event {
  int64_t id = 0;
  int64_t at = 0;                 // Unix seconds
  std::optional<int64_t> org_id;  // whose event it is; nullopt for public, system-wide events
  std::string topic;              // "change", ...
  std::string payload_json;       // a JSON object, no personal data
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  virtual Result<int64_t> Publish(const Event& event) = 0;
  // Events with id > after_id, oldest first, at most limit.
  virtual Result<std::vector<Event>> After(int64_t after_id, int limit) = 0;
  virtual Result<int64_t> LatestId() = 0;
  // Removes events older than `before` (Unix seconds); returns how many.
  virtual Result<int64_t> DeleteOlderThan(int64_t before) = 0;
};

}  // namespace ecotown::events
