// Rendered public answers (Open311 request lists), kept while the data they come from is
// unchanged, so that a crowd polling the same lists does not rebuild them on every request.
//
// An entry is valid under the organisation's change version (ComplaintStore::ChangeVersion,
// bumped by the database with every committed write to its complaints or their history, by
// any process) and until `valid_until`, for answers that also depend on the clock (a window
// ending now). The caller reads the version first, then either serves an entry built under that
// version or a later one, or builds the answer from data read after it and stores it under that
// version: an answer is never served after a change it does not show. Entries of an older
// version are dropped when met.
//
// After a change, the first request of a key rebuilds it while the others of that key wait for
// it (LockKey) instead of all rebuilding at once.
//
// Bounded: at most `max_entries`; when full, the whole cache is emptied (the keys are few in
// practice: LAOs x filter sets; a scan of many distinct keys only costs the rebuilds). 0 entries
// turns it off. Thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/message.h"

namespace ecotown::http {

class PublicAnswerCache {
 public:
  explicit PublicAnswerCache(size_t max_entries) : max_entries_(max_entries) {}

  bool enabled() const { return max_entries_ > 0; }

  // The answer stored under `key` for this version, if `now` is not past its valid_until.
  std::optional<Response> Find(const std::string& key, int64_t version, int64_t now);
  // Stores `response` under `key` for `version`, valid while now <= valid_until.
  void Put(const std::string& key, int64_t version, int64_t valid_until, const Response& response);
  // Held while building the answer of `key`: a second request of the same key waits, then finds
  // the answer with Find. Do not hold it while waiting for anything but the build itself.
  std::unique_lock<std::mutex> LockKey(const std::string& key);

  size_t size() const;
  int64_t hits() const;
  int64_t misses() const;

 private:
  struct Entry {
    int64_t version = 0;
    int64_t valid_until = 0;
    std::shared_ptr<const Response> response;  // shared: a hit copies it outside the lock
  };

  const size_t max_entries_;
  std::array<std::mutex, 64> build_locks_;  // by hash of the key
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  int64_t hits_ = 0;                                // guarded by mu_
  int64_t misses_ = 0;                              // guarded by mu_
};

}  // namespace ecotown::http
