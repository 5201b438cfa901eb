#include "core/qa.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace ecotown::core {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(QaTest, PmRangeFlags) {
  struct Row {
    double value;
    QaFlags flags;
  };
  const Row rows[] = {{0.0, 0},
                      {12.5, 0},
                      {1000.0, 0},
                      {1000.1, kQaAboveRange},
                      {-0.1, kQaNegative},
                      {-999, kQaNegative},
                      {kNan, kQaNotFinite},
                      {INFINITY, kQaNotFinite}};
  for (const auto& row : rows) EXPECT_EQ(CheckPmValue(row.value), row.flags) << row.value;
  QaConfig strict;
  strict.pm_max_ugm3 = 500;
  EXPECT_EQ(CheckPmValue(500.1, strict), kQaAboveRange);
}

TEST(QaTest, HumidityFlags) {
  struct Row {
    double rh;
    QaFlags flags;
  };
  const Row rows[] = {{0, 0},
                      {94.9, 0},
                      {95.0, kQaHighHumidity},
                      {100, kQaHighHumidity},
                      {100.1, kQaHumidityInvalid},
                      {-1, kQaHumidityInvalid},
                      {kNan, kQaHumidityInvalid}};
  for (const auto& row : rows) EXPECT_EQ(CheckHumidity(row.rh), row.flags) << row.rh;
}

TEST(QaTest, Pm25AbovePm10BeyondTolerance) {
  EXPECT_EQ(CheckPm25NotAbovePm10(30.0, 40.0), 0u);
  EXPECT_EQ(CheckPm25NotAbovePm10(30.9, 30.0), 0u);  // within 1 µg/m³ (PM10 in whole units)
  EXPECT_EQ(CheckPm25NotAbovePm10(31.1, 30.0), kQaPm25AbovePm10);
  EXPECT_EQ(CheckPm25NotAbovePm10(kNan, 30.0), 0u);
  QaConfig exact;
  exact.pm25_over_pm10_tolerance_ugm3 = 0;
  EXPECT_EQ(CheckPm25NotAbovePm10(30.1, 30.0, exact), kQaPm25AbovePm10);
}

TEST(QaTest, DualChannelPurpleAirRule) {
  struct Row {
    std::optional<double> a, b;
    QaFlags flags;
    std::optional<double> mean;
  };
  const Row rows[] = {
      {10, 20, 0, 15.0},                       // |A-B| 10 > 5 but relative 0.67 <= 0.70
      {30, 34, 0, 32.0},                       // |A-B| 4 <= 5
      {0, 6, kQaChannelDisagreement, {}},      // 6 > 5 and relative 2.0 > 0.70
      {0, 5, 0, 2.5},                          // |A-B| = 5 is not > 5
      {100, 250, kQaChannelDisagreement, {}},  // 150 > 5 and 0.857 > 0.70
      {100, 200, 0, 150.0},                    // 0.667
      {10, {}, kQaChannelMissing, {}},
      {{}, {}, kQaChannelMissing, {}},
      {kNan, 10, kQaChannelMissing, {}},
  };
  for (const auto& row : rows) {
    const auto check = CheckDualChannel(row.a, row.b);
    EXPECT_EQ(check.flags, row.flags) << row.a.value_or(-1) << "/" << row.b.value_or(-1);
    EXPECT_EQ(check.mean, row.mean) << row.a.value_or(-1) << "/" << row.b.value_or(-1);
  }
  EXPECT_EQ(CheckDualChannel(10.0, std::nullopt).single, 10.0);
  EXPECT_EQ(CheckDualChannel(std::nullopt, 7.0).single, 7.0);
}

TEST(QaTest, TimestampsInTheFutureAndClockSkew) {
  const int64_t now = 1767200400;
  EXPECT_EQ(CheckTimestamp(now, now, std::nullopt), 0u);
  EXPECT_EQ(CheckTimestamp(now + 300, now, std::nullopt), 0u);
  EXPECT_EQ(CheckTimestamp(now + 301, now, std::nullopt), kQaFutureTimestamp);
  EXPECT_EQ(CheckTimestamp(now - 86400 * 3, now, std::nullopt), 0u);  // late backfill is allowed
  EXPECT_EQ(CheckTimestamp(now, now, now - 600), 0u);
  EXPECT_EQ(CheckTimestamp(now, now, now - 601), kQaClockSkew);
  EXPECT_EQ(CheckTimestamp(now + 3600, now, now + 3600), kQaFutureTimestamp | kQaClockSkew);
}

TEST(QaTest, StuckValuesFlagEveryMemberOfARunOfThree) {
  const std::vector<double> series = {5, 7, 7, 7, 8, 9, 9, 12, 12, 12, 12, kNan, 12, 12};
  const std::vector<QaFlags> expected = {0,        kQaStuck, kQaStuck, kQaStuck, 0, 0, 0,
                                         kQaStuck, kQaStuck, kQaStuck, kQaStuck, 0, 0, 0};
  EXPECT_EQ(FlagStuckValues(series), expected);
  QaConfig ignore_zero;
  ignore_zero.stuck_ignore_at_or_below_ugm3 = 0.0;
  EXPECT_EQ(FlagStuckValues(std::vector<double>{0, 0, 0, 0}, ignore_zero), std::vector<QaFlags>(4, 0));
  EXPECT_EQ(FlagStuckValues(std::vector<double>{0, 0, 0}), std::vector<QaFlags>(3, kQaStuck));
  EXPECT_TRUE(FlagStuckValues(std::vector<double>{}).empty());
}

TEST(QaTest, SpikesAreIsolatedJumpsNotSmokeEpisodes) {
  const std::vector<double> series = {20, 200, 22, 30, 60, 120, 240, 300, 10, kNan, 500, 10};
  const auto flags = FlagSpikes(series);
  std::vector<QaFlags> expected(series.size(), 0);
  expected[1] = kQaSpike;  // 200 vs neighbours 20, 22
  // The smoke build-up 30 -> 300 rises over hours: not a spike. 300 vs 240 fails the ratio.
  // 500 has a NaN neighbour: not judged.
  EXPECT_EQ(flags, expected);
}

TEST(QaTest, FlagNamesAreStableAndInBitOrder) {
  EXPECT_TRUE(QaFlagNames(0).empty());
  const auto names = QaFlagNames(kQaNegative | kQaStuck | kQaClockSkew);
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "negative");
  EXPECT_EQ(names[1], "stuck");
  EXPECT_EQ(names[2], "clock_skew");
  EXPECT_EQ(QaFlagNames(kQaChannelDisagreement)[0], "channel_disagreement");
  EXPECT_EQ(kQaClockSkew, 1u << 11);  // stored values: never renumber
}

TEST(QaTest, ConfigValidation) {
  EXPECT_TRUE(ValidateQaConfig({}).ok());
  QaConfig bad;
  bad.stuck_run_length = 1;
  EXPECT_EQ(ValidateQaConfig(bad).field(), "stuck_run_length");
  bad = {};
  bad.high_humidity_percent = 120;
  EXPECT_EQ(ValidateQaConfig(bad).field(), "high_humidity_percent");
  bad = {};
  bad.pm_max_ugm3 = kNan;
  EXPECT_EQ(ValidateQaConfig(bad).field(), "pm_max_ugm3");
  bad = {};
  bad.spike_ratio = 0.5;
  EXPECT_EQ(ValidateQaConfig(bad).field(), "spike_ratio");
}

}  // namespace
}  // namespace ecotown::core
