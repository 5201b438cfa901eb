#include "core/averaging.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ecotown::core {
namespace {

// 2026-01-01 00:00 in Bangkok (2025-12-31 17:00 UTC).
constexpr int64_t kBangkokNewYear2026 = 1767200400;
constexpr int64_t kHour = kSecondsPerHour;

// Hourly series: `count` hours ending at first_end, first_end + 1 h, ...; value(i), all valid.
template <typename F>
std::vector<Sample> HourlySeries(int64_t first_end, int count, F value) {
  std::vector<Sample> series;
  for (int i = 0; i < count; ++i) series.push_back({first_end + i * kHour, value(i), true});
  return series;
}

TEST(CompletenessTest, SeventyFivePercentInIntegers) {
  struct Row {
    int valid, expected;
    bool ok;
  };
  const Row rows[] = {{18, 24, true}, {17, 24, false}, {23, 30, true}, {22, 30, false}, {6, 8, true},
                      {5, 8, false},  {24, 24, true},  {0, 24, false}, {1, 0, false}};
  for (const auto& row : rows) {
    EXPECT_EQ(MeetsCompleteness(row.valid, row.expected), row.ok) << row.valid << "/" << row.expected;
  }
}

TEST(HourLabelTest, HoursAreLabelledByTheirEnd) {
  const int64_t ten = kBangkokNewYear2026 + 10 * kHour;
  EXPECT_EQ(HourEndingOf(ten), ten);
  EXPECT_EQ(HourEndingOf(ten - kHour + 1), ten);  // 09:00:01 -> 10:00
  EXPECT_EQ(HourEndingOf(ten - 1), ten);
  EXPECT_EQ(HourEndingOf(ten + 1), ten + kHour);
}

TEST(HourLabelTest, HourEndingAtBangkokMidnightIsHour24OfThePreviousDay) {
  EXPECT_EQ(BangkokHourEndingLabel(kBangkokNewYear2026), (HourEndingLabel{{2025, 12, 31}, 24}));
  EXPECT_EQ(BangkokHourEndingLabel(kBangkokNewYear2026 + kHour), (HourEndingLabel{{2026, 1, 1}, 1}));
  EXPECT_EQ(BangkokHourEndingLabel(kBangkokNewYear2026 + 10 * kHour), (HourEndingLabel{{2026, 1, 1}, 10}));
  EXPECT_EQ(BangkokDayEndUnix({2025, 12, 31}), kBangkokNewYear2026);
}

TEST(HourlyMeanTest, NeedsSeventyFivePercentOfExpectedSamples) {
  const int64_t end = kBangkokNewYear2026 + 10 * kHour;
  for (const auto& [valid, expect_value] : {std::pair{23, true}, std::pair{22, false}}) {
    std::vector<Sample> samples;
    for (int i = 0; i < 30; ++i) samples.push_back({end - i * 120, 10.0, i < valid});
    const auto mean = ComputeHourlyMean(samples, end, 30);
    ASSERT_TRUE(mean.ok());
    EXPECT_EQ(mean->value.has_value(), expect_value) << valid;
    EXPECT_EQ(mean->valid_count, valid);
    EXPECT_EQ(mean->expected_count, 30);
    EXPECT_DOUBLE_EQ(mean->coverage, valid / 30.0);
  }
}

TEST(HourlyMeanTest, SampleAtTheHourEndBelongsToThatHourNotTheNext) {
  const int64_t end = kBangkokNewYear2026 + 10 * kHour;
  const std::vector<Sample> samples = {{end - kHour, 100.0, true}, {end - kHour + 1, 10.0, true}, {end, 20.0, true}};
  const auto mean = ComputeHourlyMean(samples, end, 2);
  ASSERT_TRUE(mean.ok() && mean->value);
  EXPECT_DOUBLE_EQ(*mean->value, 15.0);
  EXPECT_DOUBLE_EQ(mean->coverage, 1.0);
}

TEST(HourlyMeanTest, GroupsSamplesIntoHoursInTimeOrder) {
  const int64_t end = kBangkokNewYear2026 + 10 * kHour;
  const std::vector<Sample> samples = {
      {end + 60, 30.0, true}, {end - 60, 10.0, true}, {end, 20.0, true}, {end + 120, 50.0, false}};
  const auto hours = ComputeHourlyMeans(samples, 2);
  ASSERT_TRUE(hours.ok());
  ASSERT_EQ(hours->size(), 2u);
  EXPECT_EQ((*hours)[0].hour_end_unix, end);
  EXPECT_DOUBLE_EQ(*(*hours)[0].mean.value, 15.0);
  EXPECT_EQ((*hours)[1].hour_end_unix, end + kHour);
  EXPECT_FALSE((*hours)[1].mean.value.has_value());  // 1 of 2 expected
  EXPECT_EQ((*hours)[1].mean.valid_count, 1);
}

TEST(HourlyMeanTest, RejectsBadArgumentsAndNonFiniteValidSamples) {
  const int64_t end = kBangkokNewYear2026;
  const std::vector<Sample> ok = {{end, 1.0, true}};
  EXPECT_EQ(ComputeHourlyMean(ok, end, 0).status().code(), StatusCode::kInvalid);
  EXPECT_EQ(ComputeHourlyMean(ok, end, 30, 0).status().code(), StatusCode::kInvalid);
  EXPECT_EQ(ComputeHourlyMean(ok, end, 30, 101).status().code(), StatusCode::kInvalid);
  const std::vector<Sample> nan_valid = {{end, std::nan(""), true}};
  EXPECT_EQ(ComputeHourlyMean(nan_valid, end, 30).status().code(), StatusCode::kInvalid);
  const std::vector<Sample> nan_invalid = {{end, std::nan(""), false}};
  EXPECT_TRUE(ComputeHourlyMean(nan_invalid, end, 30).ok());
}

TEST(MovingMeanTest, TwentyFourHourMeanNeedsEighteenHours) {
  const int64_t end = kBangkokNewYear2026 + 23 * kHour;
  for (const auto& [valid, expect_value] : {std::pair{18, true}, std::pair{17, false}, std::pair{24, true}}) {
    auto hourly = HourlySeries(end - 23 * kHour, 24, [](int i) { return 10.0 + i; });
    for (int i = valid; i < 24; ++i) hourly[static_cast<size_t>(i)].valid = false;
    const auto mean = ComputeMovingMean(hourly, end);
    ASSERT_TRUE(mean.ok());
    EXPECT_EQ(mean->value.has_value(), expect_value) << valid;
    EXPECT_EQ(mean->valid_count, valid);
    if (mean->value) {
      EXPECT_DOUBLE_EQ(*mean->value, 10.0 + (valid - 1) / 2.0);
    }
  }
}

TEST(MovingMeanTest, WindowExcludesTheHourEndingAtItsStart) {
  const int64_t end = kBangkokNewYear2026 + 24 * kHour;
  // 25 hours: the first ends exactly 24 h before `end` and is outside the window.
  const auto hourly = HourlySeries(end - 24 * kHour, 25, [](int i) { return i == 0 ? 1000.0 : 10.0; });
  const auto mean = ComputeMovingMean(hourly, end);
  ASSERT_TRUE(mean.ok() && mean->value);
  EXPECT_DOUBLE_EQ(*mean->value, 10.0);
  EXPECT_EQ(mean->valid_count, 24);
}

TEST(MovingMeanTest, RejectsMisalignedOrDuplicateHours) {
  const int64_t end = kBangkokNewYear2026;
  EXPECT_EQ(ComputeMovingMean(std::vector<Sample>{{end + 1, 1.0, true}}, end).status().code(), StatusCode::kInvalid);
  EXPECT_EQ(ComputeMovingMean(std::vector<Sample>{{end, 1.0, true}, {end, 2.0, true}}, end).status().code(),
            StatusCode::kInvalid);
  EXPECT_EQ(ComputeMovingMean(std::vector<Sample>{{end, 1.0, true}}, end + 5).status().code(), StatusCode::kInvalid);
  EXPECT_EQ(ComputeMovingMean(std::vector<Sample>{{end, 1.0, true}}, end, 0).status().code(), StatusCode::kInvalid);
}

TEST(MovingMeanTest, SeriesEqualsPointwiseMeansAndStartsAfterEighteenHours) {
  const int64_t first = kBangkokNewYear2026 + kHour;
  auto hourly = HourlySeries(first, 40, [](int i) { return 1.0 + i; });
  hourly[30].valid = false;
  const auto series = ComputeMovingMeans(hourly);
  ASSERT_TRUE(series.ok());
  ASSERT_EQ(series->size(), 40u);
  for (size_t i = 0; i < series->size(); ++i) {
    const auto& row = (*series)[i];
    EXPECT_EQ(row.hour_end_unix, first + static_cast<int64_t>(i) * kHour);
    EXPECT_EQ(row.mean.value.has_value(), i >= 17) << i;
    const auto point = ComputeMovingMean(hourly, row.hour_end_unix);
    ASSERT_TRUE(point.ok());
    EXPECT_EQ(point->value, row.mean.value) << i;
    EXPECT_EQ(point->valid_count, row.mean.valid_count) << i;
  }
  EXPECT_DOUBLE_EQ(*(*series)[17].mean.value, 9.5);   // mean of 1..18
  EXPECT_DOUBLE_EQ(*(*series)[23].mean.value, 12.5);  // mean of 1..24
}

TEST(DailyMeanTest, BangkokDayHoldsHoursEnding0100To2400) {
  // Hour ending 00:00 on 1 Jan belongs to 31 Dec; hours ending 01:00 .. 24:00 to 1 Jan.
  auto hourly = HourlySeries(kBangkokNewYear2026, 25, [](int i) { return i == 0 ? 1000.0 : 20.0; });
  const auto day = ComputeDailyMean(hourly, {2026, 1, 1});
  ASSERT_TRUE(day.ok() && day->value);
  EXPECT_DOUBLE_EQ(*day->value, 20.0);
  EXPECT_EQ(day->valid_count, 24);
  const auto eve = ComputeDailyMean(hourly, {2025, 12, 31});
  ASSERT_TRUE(eve.ok());
  EXPECT_FALSE(eve->value.has_value());
  EXPECT_EQ(eve->valid_count, 1);

  const auto days = ComputeDailyMeans(hourly);
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 2u);
  EXPECT_EQ((*days)[0].date, (CivilDate{2025, 12, 31}));
  EXPECT_EQ((*days)[1].date, (CivilDate{2026, 1, 1}));
  EXPECT_EQ((*days)[1].mean.value, day->value);
  EXPECT_FALSE(ComputeDailyMean(hourly, {2026, 2, 30}).ok());
}

// Full days (24 valid hours, value = day of month) for the first `full_days` days of January 2026,
// plus days with only 17 hours after them (not valid).
std::vector<Sample> January(int full_days, int partial_days) {
  std::vector<Sample> hourly;
  for (int d = 0; d < full_days + partial_days; ++d) {
    const int hours = d < full_days ? 24 : 17;
    for (int h = 1; h <= hours; ++h) {
      hourly.push_back({kBangkokNewYear2026 + d * 24 * kHour + h * kHour, static_cast<double>(d + 1), true});
    }
  }
  return hourly;
}

TEST(PeriodMeanTest, MonthNeedsSeventyFivePercentOfDaysAndReportsCoverage) {
  const auto short_month = ComputeMonthlyMean(January(23, 5), 2026, 1);
  ASSERT_TRUE(short_month.ok());
  EXPECT_FALSE(short_month->value.has_value());
  EXPECT_EQ(short_month->valid_count, 23);
  EXPECT_EQ(short_month->expected_count, 31);
  EXPECT_NEAR(short_month->coverage, 23.0 / 31.0, 1e-12);

  const auto month = ComputeMonthlyMean(January(24, 0), 2026, 1);
  ASSERT_TRUE(month.ok() && month->value);
  EXPECT_DOUBLE_EQ(*month->value, 12.5);  // mean of 1..24
  EXPECT_EQ(month->valid_count, 24);

  const auto february = ComputeMonthlyMean(January(24, 0), 2026, 2);
  ASSERT_TRUE(february.ok());
  EXPECT_EQ(february->expected_count, 28);
  EXPECT_EQ(february->valid_count, 0);
  EXPECT_FALSE(ComputeMonthlyMean(January(1, 0), 2026, 13).ok());
}

TEST(PeriodMeanTest, YearCountsEveryDayIncludingLeapDay) {
  const auto year = ComputeAnnualMean(January(31, 0), 2026);
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->expected_count, 365);
  EXPECT_EQ(year->valid_count, 31);
  EXPECT_FALSE(year->value.has_value());
  const auto leap = ComputeAnnualMean(January(31, 0), 2024);
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(leap->expected_count, 366);
  EXPECT_EQ(leap->valid_count, 0);
  // A lower period rule gives the mean with its (low) coverage.
  const auto partial = ComputeAnnualMean(January(31, 0), 2026, 75, 5);
  ASSERT_TRUE(partial.ok() && partial->value);
  EXPECT_DOUBLE_EQ(*partial->value, 16.0);
  EXPECT_NEAR(partial->coverage, 31.0 / 365.0, 1e-12);
}

}  // namespace
}  // namespace ecotown::core
