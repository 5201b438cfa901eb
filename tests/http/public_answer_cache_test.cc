// The cache of rendered public answers: an entry is current only under the version it was built
// for and only until its valid_until; after a change one request rebuilds while the others get
// the previous answer; a slower request cannot put back an older answer; the size is bounded;
// 0 entries turns it off.
#include "http/public_answer_cache.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>

namespace ecotown::http {
namespace {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

Response Answer(const std::string& body) { return Response::Json(200, body); }

std::string BodyOf(const PublicAnswerCache::Lookup& found) {
  return found.answer ? std::string(found.answer->Body()) : "<none>";
}

TEST(PublicAnswerCacheTest, ServesAnAnswerAsCurrentOnlyUnderTheVersionItWasBuiltForOrALaterOne) {
  PublicAnswerCache cache(8);
  auto first = cache.Find("banpong/open", 3, 1000);
  EXPECT_FALSE(first.answer);
  EXPECT_FALSE(first.rebuild);  // nothing to rebuild: a key without an answer is built under LockKey
  cache.Put("banpong/open", 3, kForever, Answer("[1]"));
  auto hit = cache.Find("banpong/open", 3, 1000);
  ASSERT_TRUE(hit.answer);
  EXPECT_FALSE(hit.stale);
  EXPECT_EQ(hit.answer->Body(), "[1]");
  EXPECT_EQ(hit.answer->status, 200);
  // A reader that read an older version may get the newer answer.
  EXPECT_EQ(BodyOf(cache.Find("banpong/open", 2, 1000)), "[1]");
  // A write bumped the version: the first request after it rebuilds, nothing is served to it.
  auto changed = cache.Find("banpong/open", 4, 1000);
  EXPECT_FALSE(changed.answer);
  EXPECT_TRUE(changed.rebuild);
  EXPECT_FALSE(cache.Find("banpong/closed", 3, 1000).answer);
  EXPECT_EQ(cache.hits(), 2);
  EXPECT_EQ(cache.misses(), 3);
}

TEST(PublicAnswerCacheTest, WhileOneRequestRebuildsAChangedKeyTheOthersGetThePreviousAnswerAtOnce) {
  PublicAnswerCache cache(8);
  cache.Put("k", 1, kForever, Answer("[\"before\"]"));
  auto rebuilder = cache.Find("k", 2, 0);
  ASSERT_TRUE(rebuilder.rebuild);
  ASSERT_FALSE(rebuilder.answer);
  // Requests arriving during the rebuild: the previous answer, marked stale, and no second rebuild.
  for (int i = 0; i < 3; ++i) {
    auto other = cache.Find("k", 2, 0);
    EXPECT_TRUE(other.stale);
    EXPECT_FALSE(other.rebuild);
    EXPECT_EQ(BodyOf(other), "[\"before\"]");
  }
  EXPECT_EQ(cache.stale_hits(), 3);
  // The rebuild stores the new answer and gets it back to send; from then on it is current.
  Response sent = cache.Put("k", 2, kForever, Answer("[\"after\"]"));
  EXPECT_EQ(sent.Body(), "[\"after\"]");
  rebuilder.rebuild.reset();  // the claim ends after the Put: harmless
  auto next = cache.Find("k", 2, 0);
  EXPECT_FALSE(next.stale);
  EXPECT_EQ(BodyOf(next), "[\"after\"]");
  // A later change: again exactly one rebuild (staleness is bounded by one rebuild).
  auto later = cache.Find("k", 3, 0);
  EXPECT_TRUE(later.rebuild);
  auto meanwhile = cache.Find("k", 3, 0);
  EXPECT_FALSE(meanwhile.rebuild);
  EXPECT_EQ(BodyOf(meanwhile), "[\"after\"]");
}

TEST(PublicAnswerCacheTest, AFailedRebuildLetsTheNextRequestRebuild) {
  PublicAnswerCache cache(8);
  cache.Put("k", 1, kForever, Answer("[]"));
  {
    auto failed = cache.Find("k", 2, 0);
    ASSERT_TRUE(failed.rebuild);
    EXPECT_FALSE(cache.Find("k", 2, 0).rebuild);
  }  // dropped without a Put
  auto next = cache.Find("k", 2, 0);
  EXPECT_TRUE(next.rebuild);
  EXPECT_FALSE(next.answer);
}

TEST(PublicAnswerCacheTest, AHitSharesTheStoredBodyInsteadOfCopyingIt) {
  PublicAnswerCache cache(8);
  Response sent = cache.Put("k", 1, kForever, Answer(std::string(100000, 'x')));
  EXPECT_TRUE(sent.body.empty());
  ASSERT_TRUE(sent.shared_body);
  auto a = cache.Find("k", 1, 0);
  auto b = cache.Find("k", 1, 0);
  ASSERT_TRUE(a.answer && b.answer);
  EXPECT_EQ(a.answer->shared_body.get(), sent.shared_body.get());
  EXPECT_EQ(b.answer->shared_body.get(), sent.shared_body.get());
  EXPECT_EQ(a.answer->Body().size(), 100000u);
}

TEST(PublicAnswerCacheTest, AnAnswerThatDependsOnTheClockEndsAtItsValidUntil) {
  PublicAnswerCache cache(8);
  cache.Put("last-90-days", 1, 5000, Answer("[2]"));
  EXPECT_FALSE(cache.Find("last-90-days", 1, 4999).stale);
  EXPECT_FALSE(cache.Find("last-90-days", 1, 5000).stale);
  auto late = cache.Find("last-90-days", 1, 5001);
  EXPECT_FALSE(late.answer);
  EXPECT_TRUE(late.rebuild);
}

TEST(PublicAnswerCacheTest, ASlowerRequestDoesNotPutBackAnOlderAnswer) {
  PublicAnswerCache cache(8);
  cache.Put("k", 7, kForever, Answer("[\"new\"]"));
  Response sent = cache.Put("k", 6, kForever, Answer("[\"old\"]"));
  EXPECT_EQ(sent.Body(), "[\"old\"]");  // its own request still gets what it built
  auto hit = cache.Find("k", 7, 0);
  EXPECT_FALSE(hit.stale);
  EXPECT_EQ(BodyOf(hit), "[\"new\"]");
}

TEST(PublicAnswerCacheTest, AFullCacheStartsAgainInsteadOfGrowing) {
  PublicAnswerCache cache(3);
  for (int i = 0; i < 3; ++i) cache.Put("k" + std::to_string(i), 1, kForever, Answer("[]"));
  EXPECT_EQ(cache.size(), 3u);
  cache.Put("k3", 1, kForever, Answer("[3]"));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.Find("k3", 1, 0).answer);
  EXPECT_FALSE(cache.Find("k0", 1, 0).answer);
}

TEST(PublicAnswerCacheTest, OneRequestBuildsAKeyWhileTheOthersOfThatKeyWait) {
  PublicAnswerCache cache(8);
  auto building = cache.LockKey("banpong/open");
  ASSERT_TRUE(building.owns_lock());
  bool other_got_it = true;
  std::thread other([&] {
    std::unique_lock<std::mutex> second(*building.mutex(), std::try_to_lock);
    other_got_it = second.owns_lock();
  });
  other.join();
  EXPECT_FALSE(other_got_it);
  building.unlock();
  EXPECT_TRUE(cache.LockKey("banpong/open").owns_lock());
}

TEST(PublicAnswerCacheTest, ZeroEntriesTurnsItOff) {
  PublicAnswerCache cache(0);
  EXPECT_FALSE(cache.enabled());
  Response sent = cache.Put("k", 1, kForever, Answer("[]"));
  EXPECT_EQ(sent.Body(), "[]");
  EXPECT_FALSE(cache.Find("k", 1, 0).answer);
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace ecotown::http
