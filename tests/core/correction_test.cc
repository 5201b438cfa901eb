#include "core/correction.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ecotown::core {
namespace {

struct CorrectionRow {
  double raw;
  double rh;
  double expected;
};

TEST(EpaCorrectionTest, Barkjohn2021LinearForm) {
  const CorrectionRow rows[] = {{20, 50, 11.92}, {10, 70, 5.24 - 6.034 + 5.75}, {100, 80, 52.4 - 6.896 + 5.75}};
  for (const auto& row : rows) {
    const auto corrected = CorrectEpaBarkjohn2021(row.raw, row.rh);
    ASSERT_TRUE(corrected.ok());
    EXPECT_NEAR(*corrected, row.expected, 1e-9) << row.raw << " " << row.rh;
  }
}

TEST(EpaCorrectionTest, ExtendedFormPerSegment) {
  // Worked from air-quality.md §3.2; the same rows are in aq-test-vectors.json.
  const CorrectionRow rows[] = {
      {20, 50, 11.92},    {30, 50, 17.16},   {40, 50, (0.786 * 0.5 + 0.524 * 0.5) * 40 - 4.31 + 5.75},
      {50, 50, 40.74},    {100, 80, 77.454}, {235, 50, 200.042},
      {300, 50, 289.526},
  };
  for (const auto& row : rows) {
    const auto corrected = CorrectEpaExtended2023(row.raw, row.rh);
    ASSERT_TRUE(corrected.ok());
    EXPECT_NEAR(*corrected, row.expected, 1e-3) << row.raw;
  }
}

TEST(EpaCorrectionTest, ExtendedFormIsContinuousAtEverySegmentJoin) {
  for (double join : {30.0, 50.0, 210.0, 260.0}) {
    for (double rh : {0.0, 50.0, 95.0}) {
      const auto left = CorrectEpaExtended2023(std::nextafter(join, 0.0), rh, {false, false, false});
      const auto right = CorrectEpaExtended2023(join, rh, {false, false, false});
      ASSERT_TRUE(left.ok() && right.ok());
      EXPECT_NEAR(*left, *right, 1e-9) << join << " " << rh;
    }
  }
}

TEST(EpaCorrectionTest, NegativeResultIsClampedToZeroByDefault) {
  // 0.524*1 - 0.0862*100 + 5.75 = -2.346
  const auto clamped = CorrectEpaBarkjohn2021(1, 100);
  ASSERT_TRUE(clamped.ok());
  EXPECT_EQ(*clamped, 0.0);
  EpaCorrectionOptions raw_formula;
  raw_formula.clamp_negative_to_zero = false;
  const auto negative = CorrectEpaBarkjohn2021(1, 100, raw_formula);
  ASSERT_TRUE(negative.ok());
  EXPECT_NEAR(*negative, -2.346, 1e-9);
}

TEST(EpaCorrectionTest, ZeroRawGivesZeroOnlyWithTheAirGradientOption) {
  const auto epa = CorrectEpaExtended2023(0, 50);
  ASSERT_TRUE(epa.ok());
  EXPECT_NEAR(*epa, 1.44, 1e-9);
  EpaCorrectionOptions airgradient;
  airgradient.zero_when_raw_is_zero = true;
  const auto zero = CorrectEpaExtended2023(0, 50, airgradient);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*zero, 0.0);
}

TEST(EpaCorrectionTest, HumidityOutsideRangeIsInvalidUnlessClamped) {
  for (double rh : {-1.0, 100.5, std::nan("")}) {
    EXPECT_EQ(CorrectEpaExtended2023(20, rh).status().code(), StatusCode::kInvalid) << rh;
  }
  EpaCorrectionOptions clamp;
  clamp.clamp_humidity = true;
  const auto clamped = CorrectEpaBarkjohn2021(20, 104, clamp);
  const auto at_100 = CorrectEpaBarkjohn2021(20, 100);
  ASSERT_TRUE(clamped.ok() && at_100.ok());
  EXPECT_EQ(*clamped, *at_100);
  EXPECT_FALSE(CorrectEpaBarkjohn2021(20, std::nan(""), clamp).ok());
}

TEST(EpaCorrectionTest, RejectsNegativeOrNonFiniteRaw) {
  EXPECT_EQ(CorrectEpaBarkjohn2021(-1, 50).status().code(), StatusCode::kInvalid);
  EXPECT_EQ(CorrectEpaExtended2023(INFINITY, 50).status().code(), StatusCode::kInvalid);
}

TEST(HumidityCorrectionTest, KappaKoehlerGrowthFactor) {
  const CorrectionRow rows[] = {{50, 50, 50 / 1.2}, {50, 90, 50 / 2.8}, {50, 0, 50}};
  for (const auto& row : rows) {
    const auto corrected = CorrectKappaKoehler(row.raw, row.rh, 0.33);
    ASSERT_TRUE(corrected.ok());
    EXPECT_NEAR(*corrected, row.expected, 1e-9) << row.rh;
  }
  EXPECT_FALSE(CorrectKappaKoehler(50, 100, 0.33).ok());  // diverges at saturation
  EXPECT_FALSE(CorrectKappaKoehler(50, 50, -0.1).ok());
  EXPECT_FALSE(CorrectKappaKoehler(50, 50, std::nan("")).ok());
}

TEST(HumidityCorrectionTest, HackAirSds011Form) {
  const auto pm25 = CorrectHackAir(Pollutant::kPm25, 50, 100);
  const auto pm10 = CorrectHackAir(Pollutant::kPm10, 50, 100);
  const auto dry = CorrectHackAir(Pollutant::kPm25, 50, 0);
  ASSERT_TRUE(pm25.ok() && pm10.ok() && dry.ok());
  EXPECT_NEAR(*pm25, 50 / 1.48756, 1e-9);
  EXPECT_NEAR(*pm10, 50 / 1.81559, 1e-9);
  EXPECT_EQ(*dry, 50.0);
  EXPECT_FALSE(CorrectHackAir(Pollutant::kPm25, 50, 101).ok());
}

TEST(CorrectionModelTest, IdsAreStable) {
  EXPECT_EQ(CorrectionModelId(CorrectionModel::kEpaBarkjohn2021), "epa_barkjohn_2021");
  EXPECT_EQ(CorrectionModelId(CorrectionModel::kEpaExtended2023), "epa_extended_2023");
  EXPECT_EQ(CorrectionModelId(CorrectionModel::kKappaKoehler), "kappa_koehler_crilley_2018");
  EXPECT_EQ(CorrectionModelId(CorrectionModel::kHackAir), "hackair_sds011");
}

}  // namespace
}  // namespace ecotown::core
