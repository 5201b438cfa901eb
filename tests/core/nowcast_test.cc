#include "core/nowcast.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <vector>

namespace ecotown::core {
namespace {

constexpr std::nullopt_t kMissing = std::nullopt;
using Hours = std::vector<std::optional<double>>;

TEST(NowCastTest, AirNowForumExampleWithAMissingHour) {
  // https://forum.airnowtech.org/t/the-nowcast-for-pm2-5-and-pm10/172 via MazamaScience/AirMonitor.
  const Hours hourly = {34.9, 43, 50, 64.9, 69.2, 66.2, 53.7, 48.6, 49.2, 35, kMissing, 21};
  const auto nowcast = ComputeNowCast(Pollutant::kPm25, hourly);
  ASSERT_TRUE(nowcast.ok());
  ASSERT_TRUE(nowcast->value.has_value());
  EXPECT_NEAR(*nowcast->value, 28.409801, 1e-6);
  EXPECT_DOUBLE_EQ(nowcast->weight, 0.5);
  EXPECT_DOUBLE_EQ(*nowcast->truncated, 28.4);
  EXPECT_EQ(nowcast->valid_hours, 11);
  const auto aqi = ComputeNowCastAqi(*nowcast, Pollutant::kPm25);
  ASSERT_TRUE(aqi.ok() && aqi->has_value());
  EXPECT_EQ((*aqi)->value, 87);
}

TEST(NowCastTest, EpaTrainingSlidesExample) {
  const Hours hourly = {50, 80, 75, 90, 82, 53, 64, 74, 21, 10, 16, 13};
  const auto nowcast = ComputeNowCast(Pollutant::kPm25, hourly);
  ASSERT_TRUE(nowcast.ok() && nowcast->value);
  EXPECT_NEAR(*nowcast->value, 17.413919, 1e-5);
  EXPECT_DOUBLE_EQ(nowcast->weight, 0.5);  // 10/90 floored at 0.5
  EXPECT_DOUBLE_EQ(*nowcast->truncated, 17.4);
}

TEST(NowCastTest, WeightIsMinOverMaxAboveTheFloor) {
  const Hours hourly = {8, 10, 9};
  const auto nowcast = ComputeNowCast(Pollutant::kPm25, hourly);
  ASSERT_TRUE(nowcast.ok() && nowcast->value);
  EXPECT_DOUBLE_EQ(nowcast->weight, 0.8);
  // c1 = 9, c2 = 10, c3 = 8: (9 + 0.8*10 + 0.64*8) / (1 + 0.8 + 0.64)
  EXPECT_NEAR(*nowcast->value, (9 + 8 + 5.12) / 2.44, 1e-12);
}

TEST(NowCastTest, ConstantSeriesGivesItsValueAndZerosGiveZero) {
  const auto constant = ComputeNowCast(Pollutant::kPm25, Hours(12, 20.0));
  ASSERT_TRUE(constant.ok() && constant->value);
  EXPECT_DOUBLE_EQ(*constant->value, 20.0);
  EXPECT_DOUBLE_EQ(constant->weight, 1.0);
  const auto zeros = ComputeNowCast(Pollutant::kPm25, Hours(12, 0.0));
  ASSERT_TRUE(zeros.ok() && zeros->value);
  EXPECT_DOUBLE_EQ(*zeros->value, 0.0);
  EXPECT_DOUBLE_EQ(zeros->weight, 1.0);
}

TEST(NowCastTest, NeedsTwoOfTheThreeMostRecentHours) {
  struct Row {
    std::optional<double> c3, c2, c1;  // oldest to newest of the last three
    bool valid;
  };
  const Row rows[] = {
      {10, 10, 10, true},
      {kMissing, 10, 10, true},
      {10, kMissing, 10, true},
      {10, 10, kMissing, true},
      {kMissing, kMissing, 10, false},
      {kMissing, 10, kMissing, false},
      {10, kMissing, kMissing, false},
      {kMissing, kMissing, kMissing, false},
  };
  for (const auto& row : rows) {
    Hours hourly(9, 10.0);
    hourly.push_back(row.c3);
    hourly.push_back(row.c2);
    hourly.push_back(row.c1);
    const auto nowcast = ComputeNowCast(Pollutant::kPm25, hourly);
    ASSERT_TRUE(nowcast.ok());
    EXPECT_EQ(nowcast->value.has_value(), row.valid) << row.c3.has_value() << row.c2.has_value() << row.c1.has_value();
    EXPECT_EQ(nowcast->truncated.has_value(), row.valid);
  }
}

TEST(NowCastTest, MissingHourKeepsTheHoursAgoExponent) {
  // c1 = 20, c2 missing, c3 = 10; w = 0.5: (20 + 0.25*10)/(1 + 0.25) = 18, not (20 + 0.5*10)/1.5.
  const auto nowcast = ComputeNowCast(Pollutant::kPm25, Hours{10, kMissing, 20});
  ASSERT_TRUE(nowcast.ok() && nowcast->value);
  EXPECT_DOUBLE_EQ(*nowcast->value, 18.0);
}

TEST(NowCastTest, UsesOnlyTheLastTwelveHours) {
  Hours twelve = {34.9, 43, 50, 64.9, 69.2, 66.2, 53.7, 48.6, 49.2, 35, kMissing, 21};
  Hours thirteen = twelve;
  thirteen.insert(thirteen.begin(), 900.0);
  const auto a = ComputeNowCast(Pollutant::kPm25, twelve);
  const auto b = ComputeNowCast(Pollutant::kPm25, thirteen);
  ASSERT_TRUE(a.ok() && b.ok() && a->value && b->value);
  EXPECT_DOUBLE_EQ(*a->value, *b->value);
  // A shorter series counts earlier hours as missing.
  const auto short_series = ComputeNowCast(Pollutant::kPm25, Hours{12, 14});
  ASSERT_TRUE(short_series.ok() && short_series->value);
  EXPECT_EQ(short_series->valid_hours, 2);
}

TEST(NowCastTest, Pm10IsTruncatedToWholeMicrograms) {
  const auto nowcast = ComputeNowCast(Pollutant::kPm10, Hours{50, 55.7});
  ASSERT_TRUE(nowcast.ok() && nowcast->value);
  EXPECT_DOUBLE_EQ(*nowcast->truncated, std::floor(*nowcast->value));
  EXPECT_NE(*nowcast->truncated, *nowcast->value);
}

TEST(NowCastTest, NoValidHourGivesNoValueAndNoWeight) {
  const auto empty = ComputeNowCast(Pollutant::kPm25, Hours{});
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->value.has_value());
  EXPECT_EQ(empty->valid_hours, 0);
  EXPECT_EQ(empty->weight, 0.0);
  const auto aqi = ComputeNowCastAqi(*empty, Pollutant::kPm25);
  ASSERT_TRUE(aqi.ok());
  EXPECT_FALSE(aqi->has_value());
}

TEST(NowCastTest, RejectsNegativeAndNonFiniteHours) {
  EXPECT_EQ(ComputeNowCast(Pollutant::kPm25, Hours{10, -1, 10}).status().code(), StatusCode::kInvalid);
  EXPECT_EQ(ComputeNowCast(Pollutant::kPm25, Hours{10, std::nan(""), 10}).status().code(), StatusCode::kInvalid);
  EXPECT_EQ(ComputeNowCast(Pollutant::kPm25, Hours{10, INFINITY, 10}).status().code(), StatusCode::kInvalid);
}

}  // namespace
}  // namespace ecotown::core
