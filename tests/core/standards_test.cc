#include "core/standards.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "core/aq_test_data.h"
#include "core/csv.h"

namespace ecotown::core {
namespace {

std::optional<PmLimit> LimitById(std::string_view id) {
  for (const auto& limit : PmLimits()) {
    if (limit.id == id) return limit;
  }
  return std::nullopt;
}

TEST(PmLimitsTest, ThaiStandardsAreTheNationalValues) {
  struct Row {
    const char* id;
    double value;
  };
  const Row rows[] = {
      {"th_pm25_24h", 37.5},    {"th_pm25_annual", 15.0},          {"th_pm10_24h", 120.0},
      {"th_pm10_annual", 50.0}, {"th_pm25_24h_before_2023", 50.0}, {"th_pm25_annual_before_2022", 25.0}};
  for (const auto& row : rows) {
    const auto limit = LimitById(row.id);
    ASSERT_TRUE(limit.has_value()) << row.id;
    EXPECT_EQ(limit->limit_ugm3, row.value) << row.id;
    EXPECT_EQ(limit->kind, LimitKind::kThaiStandard);
    EXPECT_FALSE(limit->source.empty());
  }
}

TEST(PmLimitsTest, WhoRowsEqualTheSharedWhoCsv) {
  const auto path = testing::SharedDir() / "data/codes/who_aqg_2021_pm.csv";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "required reference file is missing: " << path;
  CsvReader reader(in);
  std::vector<std::string> fields;
  ASSERT_TRUE(reader.Next(fields));
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < fields.size(); ++i) column[fields[i]] = i;
  int checked = 0;
  while (reader.Next(fields)) {
    const std::string pollutant = fields[column.at("pollutant")] == "PM2.5" ? "pm25" : "pm10";
    const std::string period = fields[column.at("averaging_time")] == "annual" ? "annual" : "24h";
    ASSERT_EQ(fields[column.at("unit")], "ug/m3");
    const std::pair<const char*, const char*> levels[] = {{"interim_target_1", "it1"},
                                                          {"interim_target_2", "it2"},
                                                          {"interim_target_3", "it3"},
                                                          {"interim_target_4", "it4"},
                                                          {"aqg_level", "aqg"}};
    for (const auto& [csv_column, suffix] : levels) {
      const std::string id = "who2021_" + pollutant + "_" + period + "_" + suffix;
      const auto limit = LimitById(id);
      ASSERT_TRUE(limit.has_value()) << id;
      EXPECT_EQ(limit->limit_ugm3, std::stod(fields[column.at(csv_column)])) << id;
      EXPECT_EQ(limit->kind, std::string(suffix) == "aqg" ? LimitKind::kWhoGuideline : LimitKind::kWhoInterim);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 20);
  EXPECT_EQ(PmLimits().size(), 26u);  // 20 WHO + 6 Thai: no row the CSV does not back
}

TEST(PmLimitsTest, ThaiPm25StandardChangedOnFirstJune2023) {
  const auto thai = [](std::optional<CivilDate> on, AveragingPeriod period) {
    std::vector<double> values;
    for (const auto& limit : PmLimitsFor(Pollutant::kPm25, period, on)) {
      if (limit.kind == LimitKind::kThaiStandard) values.push_back(limit.limit_ugm3);
    }
    return values;
  };
  EXPECT_EQ(thai(CivilDate{2023, 5, 31}, AveragingPeriod::k24Hour), std::vector<double>{50.0});
  EXPECT_EQ(thai(CivilDate{2023, 6, 1}, AveragingPeriod::k24Hour), std::vector<double>{37.5});
  EXPECT_EQ(thai(std::nullopt, AveragingPeriod::k24Hour), std::vector<double>{37.5});
  EXPECT_EQ(thai(CivilDate{2022, 7, 8}, AveragingPeriod::kAnnual), std::vector<double>{25.0});
  EXPECT_EQ(thai(CivilDate{2022, 7, 9}, AveragingPeriod::kAnnual), std::vector<double>{15.0});
  EXPECT_EQ(PmLimitsFor(Pollutant::kPm10, AveragingPeriod::k24Hour).size(), 6u);  // Thai + 5 WHO
}

bool Exceeds(Pollutant pollutant, AveragingPeriod period, double mean, std::string_view id) {
  const auto result = EvaluatePmLimits(pollutant, period, mean);
  EXPECT_TRUE(result.ok());
  if (!result.ok()) return false;
  for (const auto& exceedance : *result) {
    if (exceedance.limit.id == id) return exceedance.exceeded;
  }
  ADD_FAILURE() << id << " not evaluated";
  return false;
}

TEST(ExceedanceTest, BoundariesAtTableResolution) {
  struct Row {
    Pollutant pollutant;
    AveragingPeriod period;
    double mean;
    const char* id;
    bool exceeded;
  };
  const Row rows[] = {
      {Pollutant::kPm25, AveragingPeriod::k24Hour, 37.5, "th_pm25_24h", false},
      {Pollutant::kPm25, AveragingPeriod::k24Hour, 37.55, "th_pm25_24h", false},  // truncated to 37.5
      {Pollutant::kPm25, AveragingPeriod::k24Hour, 37.6, "th_pm25_24h", true},
      {Pollutant::kPm25, AveragingPeriod::kAnnual, 15.0, "th_pm25_annual", false},
      {Pollutant::kPm25, AveragingPeriod::kAnnual, 15.1, "th_pm25_annual", true},
      {Pollutant::kPm10, AveragingPeriod::k24Hour, 120.0, "th_pm10_24h", false},
      {Pollutant::kPm10, AveragingPeriod::k24Hour, 120.9, "th_pm10_24h", false},
      {Pollutant::kPm10, AveragingPeriod::k24Hour, 121.0, "th_pm10_24h", true},
      {Pollutant::kPm10, AveragingPeriod::kAnnual, 50.0, "th_pm10_annual", false},
      {Pollutant::kPm10, AveragingPeriod::kAnnual, 51.0, "th_pm10_annual", true},
      {Pollutant::kPm25, AveragingPeriod::k24Hour, 15.0, "who2021_pm25_24h_aqg", false},
      {Pollutant::kPm25, AveragingPeriod::k24Hour, 15.1, "who2021_pm25_24h_aqg", true},
      {Pollutant::kPm25, AveragingPeriod::kAnnual, 5.1, "who2021_pm25_annual_aqg", true},
      {Pollutant::kPm10, AveragingPeriod::k24Hour, 45.0, "who2021_pm10_24h_aqg", false},
      {Pollutant::kPm10, AveragingPeriod::k24Hour, 46.0, "who2021_pm10_24h_aqg", true},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(Exceeds(row.pollutant, row.period, row.mean, row.id), row.exceeded) << row.id << " " << row.mean;
  }
  const auto result = EvaluatePmLimits(Pollutant::kPm25, AveragingPeriod::k24Hour, 75.0);
  ASSERT_TRUE(result.ok());
  EXPECT_DOUBLE_EQ(result->front().ratio, 2.0);
}

TEST(ExceedanceTest, ExceedingThaiDailyStandardIsThaiAqiAboveHundred) {
  for (int64_t tenths = 0; tenths <= 2500; ++tenths) {
    const double mean = static_cast<double>(tenths) / 10.0;
    const bool pm25 = Exceeds(Pollutant::kPm25, AveragingPeriod::k24Hour, mean, "th_pm25_24h");
    const bool pm10 = Exceeds(Pollutant::kPm10, AveragingPeriod::k24Hour, mean, "th_pm10_24h");
    ASSERT_EQ(pm25, ComputeThaiAqi(Pollutant::kPm25, mean)->value > 100) << mean;
    ASSERT_EQ(pm10, ComputeThaiAqi(Pollutant::kPm10, mean)->value > 100) << mean;
  }
}

TEST(ExceedanceTest, RejectsMeansThatAreNotConcentrations) {
  EXPECT_EQ(EvaluatePmLimits(Pollutant::kPm25, AveragingPeriod::k24Hour, -1).status().code(), StatusCode::kInvalid);
  EXPECT_EQ(EvaluatePmLimits(Pollutant::kPm25, AveragingPeriod::k24Hour, std::nan("")).status().code(),
            StatusCode::kInvalid);
}

}  // namespace
}  // namespace ecotown::core
