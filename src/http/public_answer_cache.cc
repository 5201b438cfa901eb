#include "http/public_answer_cache.h"

#include <functional>

namespace ecotown::http {

std::optional<Response> PublicAnswerCache::Find(const std::string& key, int64_t version, int64_t now) {
  if (!enabled()) return std::nullopt;
  std::shared_ptr<const Response> found;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.version >= version && now <= it->second.valid_until) {
      found = it->second.response;
      ++hits_;
    } else {
      // Drop what can never be served again; an entry newer than the caller's version stays.
      if (it != entries_.end() && (it->second.version < version || now > it->second.valid_until)) entries_.erase(it);
      ++misses_;
    }
  }
  if (!found) return std::nullopt;
  return *found;
}

void PublicAnswerCache::Put(const std::string& key, int64_t version, int64_t valid_until, const Response& response) {
  if (!enabled()) return;
  auto stored = std::make_shared<const Response>(response);
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  // A slower request that read an older version must not replace a newer answer.
  if (it != entries_.end() && it->second.version > version) return;
  if (it == entries_.end() && entries_.size() >= max_entries_) entries_.clear();
  entries_[key] = Entry{version, valid_until, std::move(stored)};
}

std::unique_lock<std::mutex> PublicAnswerCache::LockKey(const std::string& key) {
  return std::unique_lock<std::mutex>(build_locks_[std::hash<std::string>{}(key) % build_locks_.size()]);
}

size_t PublicAnswerCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

int64_t PublicAnswerCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

int64_t PublicAnswerCache::misses() const {
  std::lock_guard lock(mu_);
  return misses_;
}

}  // namespace ecotown::http
