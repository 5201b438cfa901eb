#include "http/public_answer_cache.h"

#include <functional>
#include <utility>

#include "http/gzip.h"

namespace ecotown::http {

constexpr size_t kMinGzipBytes = 1024;  // below this, gzip saves less than its header costs to read

PublicAnswerCache::Rebuild::Rebuild(Rebuild&& other) noexcept
    : cache_(std::exchange(other.cache_, nullptr)),
      key_(std::move(other.key_)),
      claim_(other.claim_),
      previous_(std::move(other.previous_)),
      previous_version_(other.previous_version_) {}

PublicAnswerCache::Rebuild& PublicAnswerCache::Rebuild::operator=(Rebuild&& other) noexcept {
  if (this == &other) return *this;
  if (cache_ != nullptr) cache_->EndRebuild(key_, claim_);
  cache_ = std::exchange(other.cache_, nullptr);
  key_ = std::move(other.key_);
  claim_ = other.claim_;
  previous_ = std::move(other.previous_);
  previous_version_ = other.previous_version_;
  return *this;
}

PublicAnswerCache::Rebuild::~Rebuild() {
  if (cache_ != nullptr) cache_->EndRebuild(key_, claim_);
}

PublicAnswerCache::Lookup PublicAnswerCache::Find(const std::string& key, int64_t version, int64_t now) {
  Lookup out;
  if (!enabled()) return out;
  std::shared_ptr<const Response> found;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      ++misses_;
      return out;
    }
    Entry& entry = it->second;
    out.stale = entry.version < version || now > entry.valid_until;
    if (out.stale && entry.rebuilding == 0) {
      // The first request after a change rebuilds; the entry stays to serve the others meanwhile.
      entry.rebuilding = ++last_claim_;
      out.rebuild.emplace(Rebuild(this, key, entry.rebuilding, entry.parts, entry.version));
      ++misses_;
      return out;
    }
    found = entry.response;
    ++(out.stale ? stale_hits_ : hits_);
  }
  out.answer = *found;
  return out;
}

Response PublicAnswerCache::Put(const std::string& key, int64_t version, int64_t valid_until, Response response,
                                std::shared_ptr<const PublicList> parts) {
  if (!enabled()) return response;
  if (!response.shared_body) response.shared_body = std::make_shared<const std::string>(std::move(response.body));
  response.body.clear();
  // Compressed once here, by the request that built the answer, not once per response.
  if (!response.shared_gzip_body && response.shared_body->size() >= kMinGzipBytes) {
    if (auto packed = Gzip(*response.shared_body))
      response.shared_gzip_body = std::make_shared<const std::string>(std::move(*packed));
  }
  auto stored = std::make_shared<const Response>(response);
  std::lock_guard lock(mu_);
  if (parts && parts->patched) ++patches_;
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second.rebuilding = 0;
    // A slower request that read an older version must not replace a newer answer.
    if (it->second.version > version) return response;
  } else if (entries_.size() >= max_entries_) {
    entries_.clear();
  }
  entries_[key] = Entry{version, valid_until, std::move(stored), std::move(parts), 0};
  return response;
}

void PublicAnswerCache::EndRebuild(const std::string& key, uint64_t claim) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.rebuilding == claim) it->second.rebuilding = 0;
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

int64_t PublicAnswerCache::stale_hits() const {
  std::lock_guard lock(mu_);
  return stale_hits_;
}

int64_t PublicAnswerCache::misses() const {
  std::lock_guard lock(mu_);
  return misses_;
}

int64_t PublicAnswerCache::patches() const {
  std::lock_guard lock(mu_);
  return patches_;
}

}  // namespace ecotown::http
