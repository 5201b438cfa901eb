#include "core/calibration_fit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace ecotown::core {
namespace {

std::vector<CalibrationPair> Pairs(const std::vector<double>& raw, const std::vector<double>& reference,
                                   const std::vector<double>& rh = {}) {
  std::vector<CalibrationPair> pairs;
  for (size_t i = 0; i < raw.size(); ++i) {
    CalibrationPair pair{raw[i], reference[i], std::nullopt};
    if (!rh.empty()) pair.rh = rh[i];
    pairs.push_back(pair);
  }
  return pairs;
}

// Worked by hand: mean raw 30, mean ref 18.2, Sxx = 1000, Sxy = 510, so slope 0.51 and intercept
// 18.2 − 0.51·30 = 2.9; fitted 8.0 13.1 18.2 23.3 28.4; SSres = 2.70, SStot = 262.8.
TEST(CalibrationFitTest, SimpleLinearFitMatchesTheHandWorkedExample) {
  const auto fit = FitLinearCalibration(Pairs({10, 20, 30, 40, 50}, {8, 13, 19, 22, 29}), false);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->slope, 0.51, 1e-12);
  EXPECT_NEAR(fit->intercept, 2.9, 1e-12);
  EXPECT_FALSE(fit->rh_coef.has_value());
  EXPECT_EQ(fit->stats.n, 5);
  EXPECT_NEAR(fit->stats.r2, 1.0 - 2.7 / 262.8, 1e-12);
  EXPECT_NEAR(fit->stats.rmse, std::sqrt(2.7 / 5.0), 1e-12);
  EXPECT_NEAR(fit->stats.bias, 0.0, 1e-12);
  EXPECT_NEAR(fit->stats.raw_bias, 59.0 / 5.0, 1e-12);  // (2 + 7 + 11 + 18 + 21) / 5
}

// Worked with exact rational normal equations (X'X b = X'y in fractions): intercept 10123/883,
// slope 7311/17660, rh_coef −1469/8830; R² 0.99688391344872, RMSE 0.49449594165735.
TEST(CalibrationFitTest, HumidityFitMatchesTheExactNormalEquations) {
  const auto fit =
      FitLinearCalibration(Pairs({10, 20, 30, 40, 50, 60}, {3, 9, 12, 20, 21, 30}, {80, 60, 70, 50, 65, 40}), true);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->slope, 7311.0 / 17660.0, 1e-12);
  EXPECT_NEAR(fit->intercept, 10123.0 / 883.0, 1e-10);
  ASSERT_TRUE(fit->rh_coef.has_value());
  EXPECT_NEAR(*fit->rh_coef, -1469.0 / 8830.0, 1e-12);
  EXPECT_EQ(fit->stats.n, 6);
  EXPECT_NEAR(fit->stats.r2, 0.9968839134487216, 1e-12);
  EXPECT_NEAR(fit->stats.rmse, 0.4944959416573515, 1e-12);
  EXPECT_NEAR(fit->stats.bias, 0.0, 1e-12);
  EXPECT_NEAR(fit->stats.raw_bias, 115.0 / 6.0, 1e-12);
}

// y = 0.5·raw − 0.08·RH + 5.7 exactly, over a realistic spread of hours: recovered, R² 1, RMSE 0.
TEST(CalibrationFitTest, ExactSyntheticModelIsRecovered) {
  std::vector<CalibrationPair> pairs;
  for (int i = 0; i < 48; ++i) {
    const double raw = 8.0 + 3.7 * i + 11.0 * std::sin(i * 0.9);
    const double rh = 55.0 + 30.0 * std::cos(i * 0.26);
    pairs.push_back({raw, 0.5 * raw - 0.08 * rh + 5.7, rh});
  }
  const auto fit = FitLinearCalibration(pairs, true);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->slope, 0.5, 1e-10);
  EXPECT_NEAR(*fit->rh_coef, -0.08, 1e-10);
  EXPECT_NEAR(fit->intercept, 5.7, 1e-9);
  EXPECT_NEAR(fit->stats.r2, 1.0, 1e-12);
  EXPECT_NEAR(fit->stats.rmse, 0.0, 1e-9);
  EXPECT_EQ(fit->stats.n, 48);

  // Without the humidity term the same data still fits, but worse.
  const auto plain = FitLinearCalibration(pairs, false);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_LT(plain->stats.r2, 1.0 - 1e-6);
  EXPECT_GT(plain->stats.rmse, 0.1);
}

TEST(CalibrationFitTest, EvaluateGivesTheStatisticsOfGivenCoefficients) {
  // The EPA 2021 coefficients against data made from them plus a constant offset of 1.
  std::vector<CalibrationPair> pairs;
  for (double raw : {10.0, 25.0, 40.0, 80.0}) pairs.push_back({raw, 0.524 * raw - 0.0862 * 60 + 5.75 - 1.0, 60.0});
  const auto stats = EvaluateCalibration(pairs, 0.524, 5.75, -0.0862);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->n, 4);
  EXPECT_NEAR(stats->bias, 1.0, 1e-12);
  EXPECT_NEAR(stats->rmse, 1.0, 1e-12);
  EXPECT_LT(stats->r2, 1.0);
}

struct RefusalRow {
  const char* name;
  std::vector<CalibrationPair> pairs;
  bool with_humidity;
  const char* field;
};

TEST(CalibrationFitTest, UnfittableDataIsRefusedNamingTheReason) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const RefusalRow rows[] = {
      {"two pairs", Pairs({1, 2}, {1, 2}), false, "pairs"},
      {"three pairs with humidity", Pairs({1, 2, 3}, {1, 2, 3}, {50, 60, 70}), true, "pairs"},
      {"no pairs", {}, false, "pairs"},
      {"NaN raw", Pairs({1, nan, 3, 4}, {1, 2, 3, 4}), false, "raw"},
      {"infinite reference", Pairs({1, 2, 3, 4}, {1, 2, inf, 4}), false, "reference"},
      {"NaN humidity", Pairs({1, 2, 3, 4}, {1, 2, 3, 4}, {50, nan, 60, 70}), true, "rh"},
      {"missing humidity", {{1, 1, 50.0}, {2, 2, std::nullopt}, {3, 3, 60.0}, {4, 5, 70.0}}, true, "rh"},
      {"constant raw", Pairs({12, 12, 12, 12}, {10, 11, 12, 13}), false, "raw"},
      {"constant raw (inexact mean)", Pairs({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, {1, 2, 3, 4, 5, 6, 7}), false, "raw"},
      {"constant humidity", Pairs({1, 2, 3, 4}, {1, 2, 4, 4}, {60, 60, 60, 60}), true, "rh"},
      {"humidity collinear with raw", Pairs({1, 2, 3, 4, 5}, {1, 3, 2, 5, 4}, {12, 14, 16, 18, 20}), true, "rh"},
      {"constant reference", Pairs({1, 2, 3, 4}, {7, 7, 7, 7}), false, "reference"},
  };
  for (const auto& row : rows) {
    const auto fit = FitLinearCalibration(row.pairs, row.with_humidity);
    ASSERT_FALSE(fit.ok()) << row.name;
    EXPECT_EQ(fit.status().code(), StatusCode::kInvalid) << row.name;
    EXPECT_EQ(fit.status().field(), row.field) << row.name << ": " << fit.status().ToString();
    EXPECT_FALSE(fit.status().message().empty()) << row.name;
  }
}

TEST(CalibrationFitTest, MinimumPairCountsAreAccepted) {
  EXPECT_TRUE(FitLinearCalibration(Pairs({1, 2, 3}, {2, 3, 5}), false).ok());
  EXPECT_TRUE(FitLinearCalibration(Pairs({1, 2, 3, 4}, {2, 3, 5, 4}, {50, 70, 60, 40}), true).ok());
}

}  // namespace
}  // namespace ecotown::core
