#include "core/aqi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/aq_test_data.h"

namespace ecotown::core {
namespace {

struct AqiRow {
  double ugm3;
  int value;
  int level;
  bool above_table = false;
};

void ExpectThai(Pollutant pollutant, const AqiRow& row, const ThaiAqiOptions& options = {}) {
  const auto aqi = ComputeThaiAqi(pollutant, row.ugm3, options);
  ASSERT_TRUE(aqi.ok()) << row.ugm3 << ": " << aqi.status().ToString();
  EXPECT_EQ(aqi->value, row.value) << PollutantCode(pollutant) << " " << row.ugm3;
  EXPECT_EQ(aqi->level, row.level) << PollutantCode(pollutant) << " " << row.ugm3;
  EXPECT_EQ(aqi->above_table, row.above_table) << PollutantCode(pollutant) << " " << row.ugm3;
}

void ExpectUs(Pollutant pollutant, const AqiRow& row, const UsAqiOptions& options = {}) {
  const auto aqi = ComputeUsAqi(pollutant, row.ugm3, options);
  ASSERT_TRUE(aqi.ok()) << row.ugm3 << ": " << aqi.status().ToString();
  EXPECT_EQ(aqi->value, row.value) << PollutantCode(pollutant) << " " << row.ugm3;
  EXPECT_EQ(aqi->level, row.level) << PollutantCode(pollutant) << " " << row.ugm3;
  EXPECT_EQ(aqi->above_table, row.above_table) << PollutantCode(pollutant) << " " << row.ugm3;
}

// --- Thai AQI -------------------------------------------------------------------------------

TEST(ThaiAqiTest, Pm25BandEdgesOfThe2023Table) {
  const AqiRow rows[] = {
      {0.0, 0, 1},   {7.5, 13, 1},   {15.0, 25, 1},  {15.1, 26, 2},  {20.0, 38, 2},  {25.0, 50, 2},
      {25.1, 51, 3}, {37.5, 100, 3}, {37.6, 101, 4}, {50.0, 134, 4}, {75.0, 200, 4}, {75.1, 201, 5, true},
  };
  for (const auto& row : rows) ExpectThai(Pollutant::kPm25, row);
}

TEST(ThaiAqiTest, Pm10BandEdges) {
  const AqiRow rows[] = {
      {0, 0, 1},     {50, 25, 1},   {51, 26, 2},   {65, 38, 2},   {80, 50, 2},         {81, 51, 3},
      {120, 100, 3}, {121, 101, 4}, {150, 150, 4}, {180, 200, 4}, {181, 201, 5, true},
  };
  for (const auto& row : rows) ExpectThai(Pollutant::kPm10, row);
}

TEST(ThaiAqiTest, HalfwayIndexRoundsUpWhereDoublesFallShort) {
  // 99/374 * 1.7 + 101 = 105.5 exactly; in IEEE doubles it is 105.49999999999999.
  ExpectThai(Pollutant::kPm25, {39.3, 106, 4});
  const auto aqi = ComputeThaiAqi(Pollutant::kPm25, 39.3);
  ASSERT_TRUE(aqi.ok());
  EXPECT_DOUBLE_EQ(aqi->unrounded, 105.5);
  // PM10 ties: 25/50 * 1 = 0.5 -> 1, 25/50 * 3 = 1.5 -> 2.
  ExpectThai(Pollutant::kPm10, {1, 1, 1});
  ExpectThai(Pollutant::kPm10, {3, 2, 1});
}

TEST(ThaiAqiTest, ConcentrationIsTruncatedToTableResolutionByDefault) {
  const AqiRow rows[] = {
      {15.09, 25, 1}, {15.05, 25, 1}, {37.55, 100, 3}, {37.59, 100, 3}, {75.05, 200, 4}, {50.05, 134, 4},
  };
  for (const auto& row : rows) ExpectThai(Pollutant::kPm25, row);
  ExpectThai(Pollutant::kPm10, {50.9, 25, 1});
  ExpectThai(Pollutant::kPm10, {120.99, 100, 3});
}

TEST(ThaiAqiTest, RoundHalfUpOptionMovesHalfTenthsUp) {
  ThaiAqiOptions options;
  options.rounding = ConcentrationRounding::kRoundHalfUp;
  ExpectThai(Pollutant::kPm25, {15.05, 26, 2}, options);
  ExpectThai(Pollutant::kPm25, {15.04, 25, 1}, options);
  ExpectThai(Pollutant::kPm25, {37.55, 101, 4}, options);
  ExpectThai(Pollutant::kPm10, {50.5, 26, 2}, options);
  ExpectThai(Pollutant::kPm10, {50.4, 25, 1}, options);
}

TEST(ThaiAqiTest, AboveTwoHundredFollowsAir4ThaiPublishedNumbers) {
  // Pairs observed in the Air4Thai network sample (docs/air-quality-method.md).
  const AqiRow pm25[] = {
      {75.1, 201, 5, true}, {75.9, 201, 5, true},  {76.0, 202, 5, true},  {80.1, 206, 5, true},
      {81.0, 207, 5, true}, {103.7, 229, 5, true}, {123.0, 249, 5, true}, {152.9, 278, 5, true},
  };
  for (const auto& row : pm25) ExpectThai(Pollutant::kPm25, row);
  const AqiRow pm10[] = {
      {181, 201, 5, true}, {182, 202, 5, true}, {183, 202, 5, true}, {184, 203, 5, true}, {290, 256, 5, true},
  };
  for (const auto& row : pm10) ExpectThai(Pollutant::kPm10, row);
}

TEST(ThaiAqiTest, OpenEndedOptionReportsOnlyTheRedCategory) {
  ThaiAqiOptions options;
  options.above_200 = ThaiAbove200::kOpenEnded;
  ExpectThai(Pollutant::kPm25, {152.9, 201, 5, true}, options);
  ExpectThai(Pollutant::kPm10, {400, 201, 5, true}, options);
  ExpectThai(Pollutant::kPm25, {75.0, 200, 4, false}, options);
}

TEST(ThaiAqiTest, PreJune2023TableForHistoricalData) {
  ThaiAqiOptions options;
  options.table = ThaiAqiTable::kPcdBefore2023;
  const AqiRow rows[] = {
      {0, 0, 1},   {25, 25, 1},  {25.9, 25, 1}, {26, 26, 2},  {37, 50, 2},        {38, 51, 3},
      {45, 80, 3}, {50, 100, 3}, {51, 101, 4},  {90, 200, 4}, {91, 201, 5, true}, {100, 210, 5, true},
  };
  for (const auto& row : rows) ExpectThai(Pollutant::kPm25, row, options);
  // PM10 did not change.
  ExpectThai(Pollutant::kPm10, {120, 100, 3}, options);
  // The same 45 µg/m³ is orange under the 2023 table: 120.59 -> 121, as Air4Thai publishes it
  // (325 station-hours with 45.0 -> 121 in the network sample). aq-test-vectors.json's note
  // says 120, which is the truncated index.
  ExpectThai(Pollutant::kPm25, {45, 121, 4});
}

TEST(ThaiAqiTest, RejectsConcentrationsThatAreNotMeasurements) {
  for (double bad : {std::nan(""), -0.1, -999.0, std::numeric_limits<double>::infinity(), 1e6}) {
    const auto aqi = ComputeThaiAqi(Pollutant::kPm25, bad);
    EXPECT_FALSE(aqi.ok()) << bad;
    EXPECT_EQ(aqi.status().code(), StatusCode::kInvalid) << bad;
  }
  EXPECT_FALSE(ComputeThaiAqiExact(Pollutant::kPm10, -1).ok());
}

TEST(ThaiAqiTest, DoubleInputEqualsExactDecimalOnEveryTenth) {
  for (int64_t tenths = 0; tenths <= 3000; ++tenths) {
    const auto from_double = ComputeThaiAqi(Pollutant::kPm25, static_cast<double>(tenths) / 10.0);
    const auto exact = ComputeThaiAqiExact(Pollutant::kPm25, tenths * (kMicroPerUgm3 / 10));
    ASSERT_TRUE(from_double.ok() && exact.ok());
    ASSERT_EQ(*from_double, *exact) << tenths;
  }
}

TEST(ThaiAqiTest, IndexRisesMonotonicallyAndLevelMatchesIndex) {
  for (Pollutant pollutant : {Pollutant::kPm25, Pollutant::kPm10}) {
    int previous = -1;
    for (int64_t tenths = 0; tenths <= 5000; ++tenths) {
      const auto aqi = ComputeThaiAqiExact(pollutant, tenths * (kMicroPerUgm3 / 10));
      ASSERT_TRUE(aqi.ok());
      ASSERT_GE(aqi->value, previous) << PollutantCode(pollutant) << " " << tenths;
      ASSERT_EQ(aqi->level, ThaiAqiLevelOfIndex(aqi->value)) << PollutantCode(pollutant) << " " << tenths;
      previous = aqi->value;
    }
  }
}

// --- US EPA AQI -----------------------------------------------------------------------------

TEST(UsAqiTest, Pm25EveryBreakpointEdgeOf2024Table) {
  const AqiRow rows[] = {
      {0.0, 0, 1},     {9.0, 50, 1},    {9.1, 51, 2},          {35.4, 100, 2},  {35.5, 101, 3},
      {55.4, 150, 3},  {55.5, 151, 4},  {125.4, 200, 4},       {125.5, 201, 5}, {225.4, 300, 5},
      {225.5, 301, 6}, {325.4, 500, 6}, {325.5, 500, 6, true},
  };
  for (const auto& row : rows) ExpectUs(Pollutant::kPm25, row);
}

TEST(UsAqiTest, Pm25EveryBreakpointEdgeOfPre2024Table) {
  UsAqiOptions options;
  options.table = UsAqiTable::kEpaBefore2024;
  const AqiRow rows[] = {
      {0.0, 0, 1},     {12.0, 50, 1},   {12.1, 51, 2},   {35.4, 100, 2},  {35.5, 101, 3},
      {55.4, 150, 3},  {55.5, 151, 4},  {150.4, 200, 4}, {150.5, 201, 5}, {250.4, 300, 5},
      {250.5, 301, 6}, {350.4, 400, 6}, {350.5, 401, 6}, {500.4, 500, 6}, {500.5, 500, 6, true},
  };
  for (const auto& row : rows) ExpectUs(Pollutant::kPm25, row, options);
}

TEST(UsAqiTest, Pm10EveryBreakpointEdge) {
  const AqiRow rows[] = {
      {0, 0, 1},     {54, 50, 1},   {55, 51, 2},   {154, 100, 2}, {155, 101, 3}, {254, 150, 3},       {255, 151, 4},
      {354, 200, 4}, {355, 201, 5}, {424, 300, 5}, {425, 301, 6}, {604, 500, 6}, {605, 500, 6, true},
  };
  for (const auto& row : rows) ExpectUs(Pollutant::kPm10, row);
  UsAqiOptions before;
  before.table = UsAqiTable::kEpaBefore2024;
  ExpectUs(Pollutant::kPm10, {504, 400, 6}, before);
  ExpectUs(Pollutant::kPm10, {505, 401, 6}, before);
  ExpectUs(Pollutant::kPm10, {604, 500, 6}, before);
  // The merged 2024 Hazardous row differs in between (air-quality.md §7 item 9).
  ExpectUs(Pollutant::kPm10, {504, 389, 6});
}

TEST(UsAqiTest, TruncatesConcentrationBeforeTheEquation) {
  ExpectUs(Pollutant::kPm25, {9.04, 50, 1});
  ExpectUs(Pollutant::kPm25, {9.09, 50, 1});
  ExpectUs(Pollutant::kPm25, {9.11, 51, 2});
  ExpectUs(Pollutant::kPm25, {35.49, 100, 2});
  ExpectUs(Pollutant::kPm10, {54.9, 50, 1});
  ExpectUs(Pollutant::kPm10, {154.99, 100, 2});
}

TEST(UsAqiTest, UpperEdgeOfSegmentIsExactWhereDoublesOvershoot) {
  // (150-101)/(55.4-35.5)*(55.4-35.5)+101 is 150.00000000000003 in doubles.
  const auto aqi = ComputeUsAqi(Pollutant::kPm25, 55.4);
  ASSERT_TRUE(aqi.ok());
  EXPECT_EQ(aqi->value, 150);
  EXPECT_EQ(aqi->unrounded, 150.0);
}

TEST(UsAqiTest, BeyondTheIndexIsCappedOrExtrapolatedByOption) {
  ExpectUs(Pollutant::kPm25, {400.0, 500, 6, true});
  UsAqiOptions extrapolate;
  extrapolate.above_500 = UsAbove500::kExtrapolate;
  ExpectUs(Pollutant::kPm25, {400.0, 649, 6, true}, extrapolate);  // MazamaScience/AirMonitor
  ExpectUs(Pollutant::kPm25, {300.0, 449, 6, false}, extrapolate);
}

TEST(UsAqiTest, IndexRisesMonotonicallyAndLevelMatchesIndex) {
  for (Pollutant pollutant : {Pollutant::kPm25, Pollutant::kPm10}) {
    for (UsAqiTable table : {UsAqiTable::kEpa2024, UsAqiTable::kEpaBefore2024}) {
      int previous = -1;
      for (int64_t tenths = 0; tenths <= 7000; ++tenths) {
        const auto aqi = ComputeUsAqiExact(pollutant, tenths * (kMicroPerUgm3 / 10), {table, UsAbove500::kCapAt500});
        ASSERT_TRUE(aqi.ok());
        ASSERT_GE(aqi->value, previous) << tenths;
        ASSERT_EQ(aqi->level, UsAqiLevelOfIndex(aqi->value)) << tenths;
        previous = aqi->value;
      }
    }
  }
}

// --- Tables, decimals, categories ------------------------------------------------------------

TEST(AqiTableTest, BandsAreContiguousAtTableResolution) {
  const AqiTable* tables[] = {
      &ThaiAqiTableFor(Pollutant::kPm25, ThaiAqiTable::kPcd2023),
      &ThaiAqiTableFor(Pollutant::kPm25, ThaiAqiTable::kPcdBefore2023),
      &ThaiAqiTableFor(Pollutant::kPm10, ThaiAqiTable::kPcd2023),
      &UsAqiTableFor(Pollutant::kPm25, UsAqiTable::kEpa2024),
      &UsAqiTableFor(Pollutant::kPm25, UsAqiTable::kEpaBefore2024),
      &UsAqiTableFor(Pollutant::kPm10, UsAqiTable::kEpa2024),
      &UsAqiTableFor(Pollutant::kPm10, UsAqiTable::kEpaBefore2024),
  };
  for (const AqiTable* table : tables) {
    ASSERT_FALSE(table->bands.empty()) << table->id;
    EXPECT_EQ(table->bands.front().conc_lo, 0) << table->id;
    EXPECT_EQ(table->bands.front().aqi_lo, 0) << table->id;
    EXPECT_FALSE(table->source.empty()) << table->id;
    for (size_t i = 1; i < table->bands.size(); ++i) {
      EXPECT_EQ(table->bands[i].conc_lo, table->bands[i - 1].conc_hi + 1) << table->id << " band " << i;
      EXPECT_EQ(table->bands[i].aqi_lo, table->bands[i - 1].aqi_hi + 1) << table->id << " band " << i;
      EXPECT_GE(table->bands[i].level, table->bands[i - 1].level) << table->id;
    }
  }
}

TEST(ConcentrationTest, ParsesPlainDecimalsExactly) {
  struct Row {
    const char* text;
    int64_t micro;
  };
  const Row rows[] = {{"0", 0}, {"39.3", 39'300'000}, {"120", 120'000'000}, {"0.000001", 1}, {"075.10", 75'100'000}};
  for (const auto& row : rows) {
    const auto micro = ParseMicroUgm3(row.text);
    ASSERT_TRUE(micro.ok()) << row.text;
    EXPECT_EQ(*micro, row.micro) << row.text;
  }
  for (const char* bad : {"", ".5", "1.", "-1", "+1", "1e3", "1.2345678", "abc", "1,5", " 1", "100001"}) {
    EXPECT_FALSE(ParseMicroUgm3(bad).ok()) << bad;
  }
}

TEST(ConcentrationTest, DoubleBecomesNearestMillionth) {
  const auto micro = ToMicroUgm3(15.1);  // 15.0999999999999996447...
  ASSERT_TRUE(micro.ok());
  EXPECT_EQ(*micro, 15'100'000);
  EXPECT_EQ(ToTableUnits(15'100'000, 10, ConcentrationRounding::kTruncate), 151);
  EXPECT_EQ(ToTableUnits(15'149'999, 10, ConcentrationRounding::kTruncate), 151);
  EXPECT_EQ(ToTableUnits(15'150'000, 10, ConcentrationRounding::kRoundHalfUp), 152);
  EXPECT_EQ(ToTableUnits(15'149'999, 10, ConcentrationRounding::kRoundHalfUp), 151);
}

TEST(AqiCategoryTest, ThaiAndUsCategoriesCarryKeysNamesAndColours) {
  struct Row {
    AqiScale scale;
    int level;
    const char* colour;
    const char* name_en;
  };
  const Row rows[] = {
      {AqiScale::kThai, 1, "#3BCCFF", "Very good"},
      {AqiScale::kThai, 2, "#92D050", "Good"},
      {AqiScale::kThai, 3, "#FFFF00", "Moderate"},
      {AqiScale::kThai, 4, "#FFA200", "Starting to affect health"},
      {AqiScale::kThai, 5, "#F04646", "Affecting health"},
      {AqiScale::kUs, 1, "#00E400", "Good"},
      {AqiScale::kUs, 2, "#FFFF00", "Moderate"},
      {AqiScale::kUs, 3, "#FF7E00", "Unhealthy for Sensitive Groups"},
      {AqiScale::kUs, 4, "#FF0000", "Unhealthy"},
      {AqiScale::kUs, 5, "#8F3F97", "Very Unhealthy"},
      {AqiScale::kUs, 6, "#7E0023", "Hazardous"},
  };
  for (const auto& row : rows) {
    const auto category = AqiCategoryOf(row.scale, row.level);
    ASSERT_TRUE(category.ok());
    EXPECT_EQ(category->colour_hex, row.colour);
    EXPECT_EQ(category->name_en, row.name_en);
    const std::string prefix = row.scale == AqiScale::kThai ? "th_aqi" : "us_aqi";
    EXPECT_EQ(category->key, prefix + ".level." + std::to_string(row.level));
    EXPECT_EQ(category->advice_key, prefix + ".advice." + std::to_string(row.level));
    EXPECT_FALSE(category->name_th.empty());
  }
  EXPECT_EQ(AqiCategoryOf(AqiScale::kThai, 6).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(AqiCategoryOf(AqiScale::kUs, 0).status().code(), StatusCode::kNotFound);
}

TEST(AqiCategoryTest, LevelOfPublishedIndex) {
  const std::pair<int, int> thai[] = {{0, 1},   {25, 1},  {26, 2},  {50, 2},  {51, 3}, {100, 3},
                                      {101, 4}, {200, 4}, {201, 5}, {278, 5}, {-1, 0}};
  for (const auto& [index, level] : thai) EXPECT_EQ(ThaiAqiLevelOfIndex(index), level) << index;
  const std::pair<int, int> us[] = {{50, 1},  {51, 2},  {100, 2}, {101, 3}, {150, 3}, {151, 4},
                                    {200, 4}, {201, 5}, {300, 5}, {301, 6}, {649, 6}};
  for (const auto& [index, level] : us) EXPECT_EQ(UsAqiLevelOfIndex(index), level) << index;
}

TEST(AqiCategoryTest, LocaleDataFileMatchesTheCategoryTable) {
  const auto json = testing::ReadJsonOrFail(testing::SourceDir() / "data/aq/aqi_categories.json");
  for (const auto& [scale, name] : {std::pair{AqiScale::kThai, "th_aqi"}, std::pair{AqiScale::kUs, "us_aqi"}}) {
    ASSERT_TRUE(json.contains(name)) << name;
    const auto& rows = json.at(name);
    const auto categories = AqiCategories(scale);
    ASSERT_EQ(rows.size(), categories.size()) << name;
    for (size_t i = 0; i < categories.size(); ++i) {
      const auto& row = rows.at(i);
      const auto& category = categories[i];
      EXPECT_EQ(row.value("level", 0), category.level);
      EXPECT_EQ(row.value("key", ""), category.key);
      EXPECT_EQ(row.value("advice_key", ""), category.advice_key);
      EXPECT_EQ(row.value("colour", ""), category.colour_hex);
      EXPECT_EQ(row.at("name").value("th", ""), category.name_th);
      EXPECT_EQ(row.at("name").value("en", ""), category.name_en);
      EXPECT_FALSE(row.at("advice").value("th", "").empty()) << category.advice_key;
      EXPECT_FALSE(row.at("advice").value("en", "").empty()) << category.advice_key;
    }
  }
}

TEST(SubIndexTest, OverallIndexIsTheHighestSubIndex) {
  EXPECT_FALSE(HighestSubIndex({}).has_value());
  const SubIndex subs[] = {
      {Pollutant::kPm25, *ComputeThaiAqi(Pollutant::kPm25, 20.0)},   // 38
      {Pollutant::kPm10, *ComputeThaiAqi(Pollutant::kPm10, 100.0)},  // 75
  };
  const auto overall = HighestSubIndex(subs);
  ASSERT_TRUE(overall.has_value());
  EXPECT_EQ(overall->pollutant, Pollutant::kPm10);
  EXPECT_EQ(overall->aqi.value, 75);
}

}  // namespace
}  // namespace ecotown::core
