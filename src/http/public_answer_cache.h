// Rendered answers polled by many (Open311 request lists, the readings dashboard), kept while the
// data they come from is unchanged, so that a crowd polling the same answer does not rebuild it on
// every request. The dashboard's version is ReadingStore::ChangeVersion, and it never serves a
// stale answer (it rebuilds instead).
//
// An entry is current under the organisation's change version (ComplaintStore::ChangeVersion,
// bumped by the database with every committed write to its complaints or their history, by
// any process) and until `valid_until`, for answers that also depend on the clock (a window
// ending now). The caller reads the version first, then either serves an entry built under that
// version or a later one, or builds the answer from data read after it and stores it under that
// version.
//
// After a change, exactly one request of a key rebuilds it (Lookup::rebuild), and the requests of
// that key that arrive during the rebuild get the previous answer at once (Lookup::stale) instead
// of waiting: a filing never makes a crowd of pollers queue. Staleness is bounded by one rebuild:
// a request that finds no rebuild under way rebuilds itself, so a client polling after a change
// sees it unless its poll overlaps another request's rebuild, and then sees it on the next poll
// after that rebuild. A key with no answer yet has nothing to serve: there the first request
// builds and the others wait for it (LockKey).
//
// A list answer may be stored with its parts (public_list.h): the request chosen to rebuild it then
// gets the previous parts and their version (Rebuild::previous), to update them with the
// complaints changed since instead of reading the whole list anew.
//
// Answers are stored with a shared body (Response::shared_body): a hit copies the headers only.
// Answers of 1 KB or more are also stored gzip-compressed (Response::shared_gzip_body), for the
// server to send to clients that accept gzip: a 1,000-request list shrinks ~8x.
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
#include "http/public_list.h"

namespace ecotown::http {

class PublicAnswerCache {
 public:
  // The claim of the one request that rebuilds a changed key. Put under it ends the rebuild;
  // dropping it without a Put (the build failed) lets the next request of the key rebuild.
  class Rebuild {
   public:
    Rebuild(Rebuild&& other) noexcept;
    Rebuild& operator=(Rebuild&& other) noexcept;
    Rebuild(const Rebuild&) = delete;
    ~Rebuild();

    // The parts of the answer being replaced (null when it was stored without), and the version
    // they were built for.
    const std::shared_ptr<const PublicList>& previous() const { return previous_; }
    int64_t previous_version() const { return previous_version_; }

   private:
    friend class PublicAnswerCache;
    Rebuild(PublicAnswerCache* cache, std::string key, uint64_t claim, std::shared_ptr<const PublicList> previous,
            int64_t previous_version)
        : cache_(cache),
          key_(std::move(key)),
          claim_(claim),
          previous_(std::move(previous)),
          previous_version_(previous_version) {}
    PublicAnswerCache* cache_;
    std::string key_;
    uint64_t claim_;
    std::shared_ptr<const PublicList> previous_;
    int64_t previous_version_ = 0;
  };

  struct Lookup {
    std::optional<Response> answer;  // serve this: current, or stale while another request rebuilds
    bool stale = false;              // answer predates the version asked for (or its valid_until)
    std::optional<Rebuild> rebuild;  // no answer: this request rebuilds the changed key
  };

  explicit PublicAnswerCache(size_t max_entries) : max_entries_(max_entries) {}

  bool enabled() const { return max_entries_ > 0; }

  // What to do for `key` at `version` and `now`: an answer to serve, or nothing (build it and Put
  // it), with `rebuild` set when this request was chosen to rebuild a changed key.
  Lookup Find(const std::string& key, int64_t version, int64_t now);
  // Stores `response` under `key` for `version`, valid while now <= valid_until, and ends a
  // rebuild of the key. The body moves into a shared buffer, and is gzip-compressed once into
  // another; returns the response with them (to send). Turned off, returns `response` as it is.
  // `parts`: the answer's list parts, handed to the next rebuild of the key.
  Response Put(const std::string& key, int64_t version, int64_t valid_until, Response response,
               std::shared_ptr<const PublicList> parts = nullptr);
  // Held while building the answer of a key that has none yet: a second request of the same key
  // waits, then finds the answer with Find. Do not hold it while waiting for anything but the build.
  std::unique_lock<std::mutex> LockKey(const std::string& key);

  size_t size() const;
  int64_t hits() const;        // current answers served
  int64_t stale_hits() const;  // previous answers served during a rebuild
  int64_t misses() const;      // answers built
  int64_t patches() const;     // of them, list answers updated from their previous parts

 private:
  struct Entry {
    int64_t version = 0;
    int64_t valid_until = 0;
    std::shared_ptr<const Response> response;  // shared: a hit copies it outside the lock
    std::shared_ptr<const PublicList> parts;   // the list the answer renders, when stored with it
    uint64_t rebuilding = 0;                   // the claim of the request rebuilding it; 0: none
  };

  void EndRebuild(const std::string& key, uint64_t claim);

  const size_t max_entries_;
  std::array<std::mutex, 64> build_locks_;  // by hash of the key
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  uint64_t last_claim_ = 0;                         // guarded by mu_
  int64_t hits_ = 0;                                // guarded by mu_
  int64_t stale_hits_ = 0;                          // guarded by mu_
  int64_t misses_ = 0;                              // guarded by mu_
  int64_t patches_ = 0;                             // guarded by mu_
};

}  // namespace ecotown::http
