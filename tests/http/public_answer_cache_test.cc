// The cache of rendered public answers: an entry is served only under the version it was built
// for and only until its valid_until; a slower request cannot put back an older answer; the size
// is bounded; 0 entries turns it off.
#include "http/public_answer_cache.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>

namespace ecotown::http {
namespace {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

Response Answer(const std::string& body) { return Response::Json(200, body); }

TEST(PublicAnswerCacheTest, ServesAnAnswerOnlyUnderTheVersionItWasBuiltForOrALaterOne) {
  PublicAnswerCache cache(8);
  EXPECT_FALSE(cache.Find("banpong/open", 3, 1000));
  cache.Put("banpong/open", 3, kForever, Answer("[1]"));
  auto hit = cache.Find("banpong/open", 3, 1000);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, "[1]");
  EXPECT_EQ(hit->status, 200);
  // A reader that read an older version may get the newer answer.
  EXPECT_TRUE(cache.Find("banpong/open", 2, 1000));
  // A write bumped the version: the old answer is never served again.
  EXPECT_FALSE(cache.Find("banpong/open", 4, 1000));
  EXPECT_FALSE(cache.Find("banpong/open", 3, 1000));  // and it was dropped when met
  EXPECT_FALSE(cache.Find("banpong/closed", 3, 1000));
  EXPECT_EQ(cache.hits(), 2);
  EXPECT_EQ(cache.misses(), 4);
}

TEST(PublicAnswerCacheTest, AnAnswerThatDependsOnTheClockEndsAtItsValidUntil) {
  PublicAnswerCache cache(8);
  cache.Put("last-90-days", 1, 5000, Answer("[2]"));
  EXPECT_TRUE(cache.Find("last-90-days", 1, 4999));
  EXPECT_TRUE(cache.Find("last-90-days", 1, 5000));
  EXPECT_FALSE(cache.Find("last-90-days", 1, 5001));
}

TEST(PublicAnswerCacheTest, ASlowerRequestDoesNotPutBackAnOlderAnswer) {
  PublicAnswerCache cache(8);
  cache.Put("k", 7, kForever, Answer("[\"new\"]"));
  cache.Put("k", 6, kForever, Answer("[\"old\"]"));
  auto hit = cache.Find("k", 7, 0);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, "[\"new\"]");
}

TEST(PublicAnswerCacheTest, AFullCacheStartsAgainInsteadOfGrowing) {
  PublicAnswerCache cache(3);
  for (int i = 0; i < 3; ++i) cache.Put("k" + std::to_string(i), 1, kForever, Answer("[]"));
  EXPECT_EQ(cache.size(), 3u);
  cache.Put("k3", 1, kForever, Answer("[3]"));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.Find("k3", 1, 0));
  EXPECT_FALSE(cache.Find("k0", 1, 0));
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
  cache.Put("k", 1, kForever, Answer("[]"));
  EXPECT_FALSE(cache.Find("k", 1, 0));
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace ecotown::http
