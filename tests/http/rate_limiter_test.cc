// The public endpoints' token bucket and the Open311 time parser, without a server.
#include "http/rate_limiter.h"

#include <gtest/gtest.h>

#include "http/complaint_http.h"

namespace ecotown::http {
namespace {

TEST(RateLimiterTest, ABurstThenOneTokenPerRefillIntervalPerAddress) {
  RateLimiter limiter(RateLimit{3, 60});  // 3 at once, then one a minute
  int64_t t = 1'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("192.0.2.1", t)) << i;
  int64_t retry = 0;
  EXPECT_FALSE(limiter.Allow("192.0.2.1", t, &retry));
  EXPECT_EQ(retry, 60);
  EXPECT_TRUE(limiter.Allow("192.0.2.2", t));  // another address has its own bucket
  EXPECT_FALSE(limiter.Allow("192.0.2.1", t + 59'000, &retry));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(limiter.Allow("192.0.2.1", t + 60'000));
  EXPECT_FALSE(limiter.Allow("192.0.2.1", t + 60'001));
  // A long pause refills up to the burst, not beyond.
  t += 24 * 3'600'000;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("192.0.2.1", t)) << i;
  EXPECT_FALSE(limiter.Allow("192.0.2.1", t));
}

TEST(RateLimiterTest, AZeroBurstTurnsTheLimitOff) {
  RateLimiter limiter(RateLimit{0, 0});
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Allow("192.0.2.1", 0));
}

TEST(IsoTimeTest, ZonesDatesAndMalformedValues) {
  const struct {
    const char* text;
    int64_t unix;
  } good[] = {{"2026-01-02T15:15:00Z", 1'767'366'900},
              {"2026-01-02T22:15:00+07:00", 1'767'366'900},
              {"2026-01-02T22:15+0700", 1'767'366'900},
              {"2026-01-02T10:15:00.123-05:00", 1'767'366'900},
              {"2026-01-02", 1'767'286'800}};  // Bangkok midnight
  for (const auto& row : good) {
    auto parsed = ParseIsoTime(row.text, "start_date");
    ASSERT_TRUE(parsed.ok()) << row.text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, row.unix) << row.text;
  }
  for (const char* bad :
       {"yesterday", "2026-02-30", "2026-01-02T25:00:00Z", "2026-01-02T10:00:00", "2026-01-02T10:00Zulu", "2026-1-2"}) {
    EXPECT_EQ(ParseIsoTime(bad, "start_date").status().field(), "start_date") << bad;
  }
  EXPECT_EQ(FormatIsoBangkok(1'767'366'900), "2026-01-02T22:15:00+07:00");
}

}  // namespace
}  // namespace ecotown::http
