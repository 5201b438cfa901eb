// Every vector of shared/reference/aq-test-vectors.json that concerns the PM core (Thai AQI,
// US AQI, NowCast, EPA sensor correction, PurpleAir A/B check, completeness), and the Thai AQI
// block of shared/data/codes/test_vectors.json, read at run time so that new vectors are checked
// without code changes. A block or table this test does not understand fails it.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/aq_test_data.h"
#include "core/aqi.h"
#include "core/averaging.h"
#include "core/correction.h"
#include "core/nowcast.h"
#include "core/qa.h"

namespace ecotown::core {
namespace {

using nlohmann::json;

const json& Vectors() {
  static const json vectors = testing::ReadJsonOrFail(testing::SharedDir() / "reference/aq-test-vectors.json");
  return vectors;
}

std::optional<Pollutant> PollutantOf(const std::string& name) {
  if (name == "PM2.5") return Pollutant::kPm25;
  if (name == "PM10") return Pollutant::kPm10;
  return std::nullopt;
}

const json& Block(const char* name) {
  static const json empty = json::array();
  if (!Vectors().contains(name)) {
    ADD_FAILURE() << "aq-test-vectors.json has no block " << name;
    return empty;
  }
  const json& block = Vectors().at(name);
  EXPECT_FALSE(block.empty()) << name;
  return block;
}

TEST(AqVectorsTest, ThaiAqi) {
  for (const auto& vector : Block("thai_aqi")) {
    SCOPED_TRACE(vector.dump());
    const auto pollutant = PollutantOf(vector.at("pollutant").get<std::string>());
    ASSERT_TRUE(pollutant.has_value());
    ASSERT_EQ(vector.value("avg", "24h"), "24h");
    ThaiAqiOptions options;
    if (vector.contains("breakpoints")) {
      ASSERT_EQ(vector.at("breakpoints").get<std::string>().rfind("pre-2023", 0), 0u) << "unknown table";
      options.table = ThaiAqiTable::kPcdBefore2023;
    }
    const auto aqi = ComputeThaiAqi(*pollutant, vector.at("concentration_ugm3").get<double>(), options);
    ASSERT_TRUE(aqi.ok()) << aqi.status().ToString();
    EXPECT_EQ(aqi->level, vector.at("expected_level").get<int>());
    if (vector.at("expected_aqi").is_null()) {
      // "AQI > 200; numeric value above 200 not defined by PCD": the number must be labelled.
      EXPECT_TRUE(aqi->above_table);
      EXPECT_GT(aqi->value, 200);
    } else {
      EXPECT_FALSE(aqi->above_table);
      EXPECT_EQ(aqi->value, vector.at("expected_aqi").get<int>());
    }
  }
}

TEST(AqVectorsTest, ThaiAqiUnroundedExamplesOfCodesTestVectors) {
  const auto vectors = testing::ReadJsonOrFail(testing::SharedDir() / "data/codes/test_vectors.json");
  ASSERT_TRUE(vectors.contains("thai_aqi_pm25_examples"));
  const auto& values = vectors.at("thai_aqi_pm25_examples").at("values");
  ASSERT_FALSE(values.empty());
  for (const auto& vector : values) {
    SCOPED_TRACE(vector.dump());
    const auto aqi = ComputeThaiAqi(Pollutant::kPm25, vector.at("pm25_24h").get<double>());
    ASSERT_TRUE(aqi.ok());
    const double expected = vector.at("aqi").get<double>();
    EXPECT_NEAR(aqi->unrounded, expected, 0.005);  // the file gives 2 decimals
    EXPECT_EQ(aqi->value, static_cast<int>(std::floor(expected + 0.5)));
  }
}

TEST(AqVectorsTest, UsAqi) {
  for (const auto& vector : Block("us_aqi")) {
    SCOPED_TRACE(vector.dump());
    const auto pollutant = PollutantOf(vector.at("pollutant").get<std::string>());
    ASSERT_TRUE(pollutant.has_value());
    const std::string table = vector.at("table").get<std::string>();
    UsAqiOptions options;
    if (table.rfind("pre-2024", 0) == 0) {
      options.table = UsAqiTable::kEpaBefore2024;
    } else {
      ASSERT_EQ(table.rfind("2024", 0), 0u) << "unknown table " << table;
    }
    const auto aqi = ComputeUsAqi(*pollutant, vector.at("concentration_ugm3").get<double>(), options);
    ASSERT_TRUE(aqi.ok()) << aqi.status().ToString();
    EXPECT_EQ(aqi->value, vector.at("expected_aqi").get<int>());
  }
}

TEST(AqVectorsTest, NowCast) {
  for (const auto& vector : Block("nowcast")) {
    SCOPED_TRACE(vector.value("id", ""));
    std::vector<std::optional<double>> hourly;
    for (const auto& value : vector.at("hourly_oldest_to_newest_ugm3")) {
      hourly.push_back(value.is_null() ? std::nullopt : std::optional<double>(value.get<double>()));
    }
    const auto nowcast = ComputeNowCast(Pollutant::kPm25, hourly);
    ASSERT_TRUE(nowcast.ok()) << nowcast.status().ToString();
    if (vector.at("expected_nowcast").is_null()) {
      EXPECT_FALSE(nowcast->value.has_value());
      continue;
    }
    ASSERT_TRUE(nowcast->value.has_value());
    EXPECT_NEAR(*nowcast->value, vector.at("expected_nowcast").get<double>(), vector.at("tolerance").get<double>());
    if (vector.contains("expected_weight")) {
      EXPECT_DOUBLE_EQ(nowcast->weight, vector.at("expected_weight").get<double>());
    }
    if (vector.contains("expected_nowcast_truncated")) {
      EXPECT_DOUBLE_EQ(*nowcast->truncated, vector.at("expected_nowcast_truncated").get<double>());
    }
    if (vector.contains("expected_aqi_2024")) {
      const auto aqi = ComputeNowCastAqi(*nowcast, Pollutant::kPm25);
      ASSERT_TRUE(aqi.ok() && aqi->has_value());
      EXPECT_EQ((*aqi)->value, vector.at("expected_aqi_2024").get<int>());
    }
    if (vector.contains("expected_aqi_pre2024")) {
      const auto aqi = ComputeNowCastAqi(*nowcast, Pollutant::kPm25, {UsAqiTable::kEpaBefore2024});
      ASSERT_TRUE(aqi.ok() && aqi->has_value());
      EXPECT_EQ((*aqi)->value, vector.at("expected_aqi_pre2024").get<int>());
    }
  }
}

TEST(AqVectorsTest, EpaSensorCorrection) {
  for (const auto& vector : Block("epa_sensor_correction")) {
    SCOPED_TRACE(vector.dump());
    const double raw = vector.at("raw_pm25_ugm3").get<double>();
    const double rh = vector.at("rh_percent").get<double>();
    const double expected = vector.at("expected_corrected_ugm3").get<double>();
    const double tolerance = vector.value("tolerance", 1e-9);
    EpaCorrectionOptions options;
    // The raw-0 vector is AirGradient's special case ("returns 0 when raw is 0"), an option here.
    options.zero_when_raw_is_zero = raw == 0.0 && vector.value("note", "").find("AirGradient") != std::string::npos;
    const auto corrected = CorrectEpaExtended2023(raw, rh, options);
    ASSERT_TRUE(corrected.ok()) << corrected.status().ToString();
    EXPECT_NEAR(*corrected, expected, tolerance);
    if (options.zero_when_raw_is_zero) {
      // Without the option EPA's formula applies: 5.75 - 0.0862 RH.
      const auto epa = CorrectEpaExtended2023(raw, rh);
      ASSERT_TRUE(epa.ok());
      EXPECT_NEAR(*epa, 5.75 - 0.0862 * rh, 1e-12);
    }
  }
}

TEST(AqVectorsTest, PurpleAirChannelAgreement) {
  for (const auto& vector : Block("purpleair_ab_qc")) {
    SCOPED_TRACE(vector.dump());
    const auto check =
        CheckDualChannel(vector.at("channel_a_ugm3").get<double>(), vector.at("channel_b_ugm3").get<double>());
    const bool valid = vector.at("expected_valid").get<bool>();
    EXPECT_EQ(check.flags == 0, valid);
    if (vector.at("expected_pm25_ab_mean").is_null()) {
      EXPECT_FALSE(check.mean.has_value());
      EXPECT_EQ(check.flags, kQaChannelDisagreement);
    } else {
      ASSERT_TRUE(check.mean.has_value());
      EXPECT_DOUBLE_EQ(*check.mean, vector.at("expected_pm25_ab_mean").get<double>());
    }
  }
}

TEST(AqVectorsTest, Completeness) {
  constexpr int64_t kEnd = 1767225600;  // 2026-01-01 00:00 UTC, on an hour boundary
  for (const auto& vector : Block("completeness")) {
    SCOPED_TRACE(vector.dump());
    const std::string aggregate = vector.at("aggregate").get<std::string>();
    const bool expected_valid = vector.at("expected_valid").get<bool>();
    if (aggregate == "1h from 2-min samples") {
      const int valid = vector.at("valid_samples").get<int>();
      const int expected = vector.at("expected_samples").get<int>();
      std::vector<Sample> samples;
      for (int i = 0; i < expected; ++i) samples.push_back({kEnd - i * 120, 10.0 + i, i < valid});
      const auto mean = ComputeHourlyMean(samples, kEnd, expected);
      ASSERT_TRUE(mean.ok());
      EXPECT_EQ(mean->value.has_value(), expected_valid);
      EXPECT_EQ(mean->valid_count, valid);
      continue;
    }
    int window = 0;
    if (aggregate == "24h from hourly") {
      window = 24;
    } else if (aggregate == "8h rolling") {
      window = 8;
    } else {
      FAIL() << "unknown aggregate " << aggregate;
    }
    const int valid = vector.at("valid_hours").get<int>();
    std::vector<Sample> hourly;
    for (int i = 0; i < window; ++i) hourly.push_back({kEnd - i * kSecondsPerHour, 20.0, i < valid});
    const auto mean = ComputeMovingMean(hourly, kEnd, window);
    ASSERT_TRUE(mean.ok());
    EXPECT_EQ(mean->value.has_value(), expected_valid);
    EXPECT_EQ(mean->valid_count, valid);
    EXPECT_DOUBLE_EQ(mean->coverage, static_cast<double>(valid) / window);
  }
}

}  // namespace
}  // namespace ecotown::core
