// The pure parts of calibration: which model applies when, correcting a raw value, image types
// by their bytes, Bangkok days, kind names.
#include "modules/calibration/calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <limits>
#include <string>
#include <vector>

#include "core/correction.h"
#include "modules/calibration/calibration_service.h"
#include "modules/calibration/corrected_value.h"

namespace ecotown::calibration {
namespace {

CalibrationModel LinearModel(double slope, double intercept, std::optional<double> rh_coef = std::nullopt) {
  CalibrationModel model;
  model.kind = ModelKind::kLinear;
  model.slope = slope;
  model.intercept = intercept;
  model.rh_coef = rh_coef;
  return model;
}

CalibrationModel Epa(ModelKind kind) {
  CalibrationModel model;
  model.kind = kind;
  model.slope = kEpaSlope;
  model.intercept = kEpaIntercept;
  model.rh_coef = kEpaRhCoef;
  return model;
}

struct CorrectRow {
  const char* name;
  CalibrationModel model;
  double raw;
  std::optional<double> rh;
  std::optional<double> expected;
};

TEST(CalibrationTest, CorrectAppliesTheModelAndRefusesWhatItCannotCorrect) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const CorrectRow rows[] = {
      {"linear", LinearModel(0.5, 2.0), 40, std::nullopt, 22.0},
      {"linear ignores an RH it does not use", LinearModel(0.5, 2.0), 40, 70.0, 22.0},
      {"linear with RH", LinearModel(0.5, 5.7, -0.08), 40, 70.0, 20.0 - 5.6 + 5.7},
      {"linear with RH term but no RH", LinearModel(0.5, 5.7, -0.08), 40, std::nullopt, std::nullopt},
      {"negative clamped to 0", LinearModel(0.5, -10.0), 4, std::nullopt, 0.0},
      {"EPA 2021", Epa(ModelKind::kEpaBarkjohn2021), 20, 50.0, 11.92},
      {"EPA 2021 without RH", Epa(ModelKind::kEpaBarkjohn2021), 20, std::nullopt, std::nullopt},
      {"EPA extended in smoke", Epa(ModelKind::kEpaExtended2023), 300, 50.0, 289.526},
      {"EPA clamps at 0", Epa(ModelKind::kEpaBarkjohn2021), 0, 95.0, 0.0},
      {"RH above 100", Epa(ModelKind::kEpaBarkjohn2021), 20, 101.0, std::nullopt},
      {"negative raw", LinearModel(1, 0), -1, std::nullopt, std::nullopt},
      {"NaN raw", LinearModel(1, 0), nan, std::nullopt, std::nullopt},
      {"NaN RH", LinearModel(1, 0, 0.1), 10, nan, std::nullopt},
  };
  for (const auto& row : rows) {
    const auto corrected = Correct(row.model, row.raw, row.rh);
    ASSERT_EQ(corrected.has_value(), row.expected.has_value()) << row.name;
    if (row.expected) {
      EXPECT_NEAR(*corrected, *row.expected, 1e-3) << row.name;
    }
  }
  // The extended form is the core formula, not a linear stand-in.
  EXPECT_DOUBLE_EQ(*Correct(Epa(ModelKind::kEpaExtended2023), 235, 50.0), *core::CorrectEpaExtended2023(235, 50));
}

TEST(CalibrationTest, ModelAtPicksTheHighestVersionCoveringTheTime) {
  std::vector<CalibrationModel> models(3);
  models[0].version = 1;
  models[0].valid_from = 100;
  models[0].valid_to = 200;
  models[1].version = 2;
  models[1].valid_from = 200;
  models[1].valid_to = 300;
  models[2].version = 3;
  models[2].valid_from = 400;
  const struct {
    int64_t ts;
    int expected;  // 0: none
  } rows[] = {{99, 0}, {100, 1}, {199, 1}, {200, 2}, {299, 2}, {300, 0}, {399, 0}, {400, 3}, {1'000'000'000, 3}};
  for (const auto& row : rows) {
    const auto model = ModelAt(models, row.ts);
    EXPECT_EQ(model ? model->version : 0, row.expected) << row.ts;
  }
  EXPECT_FALSE(ModelAt({}, 100).has_value());
}

// A complete one-sample hour with these clean means (an empty one is incomplete).
readings::HourAggregate Hour(int64_t hour_end, std::optional<double> pm25, std::optional<double> rh,
                             std::optional<double> pm25_cf1 = std::nullopt) {
  readings::HourAggregate h;
  h.hour_end = hour_end;
  h.expected_samples = 1;
  if (pm25) h.pm25 = {1, *pm25};
  if (rh) h.humidity = {1, *rh};
  if (pm25_cf1) h.pm25_cf1 = {1, *pm25_cf1};
  return h;
}

// The published worked examples of the EPA correction (shared/reference/aq-test-vectors.json,
// "epa_sensor_correction"), through CorrectHour as the sensor page and the CSV export serve them.
TEST(CalibrationTest, CorrectHourMatchesTheSharedEpaVectors) {
  std::ifstream file(std::string(ECOTOWN_SHARED_DIR) + "/reference/aq-test-vectors.json");
  ASSERT_TRUE(file) << "shared/reference/aq-test-vectors.json";
  std::stringstream text;
  text << file.rdbuf();
  const auto vectors = nlohmann::json::parse(text.str())["epa_sensor_correction"];
  std::vector<CalibrationModel> models = {Epa(ModelKind::kEpaExtended2023)};
  models[0].id = 7;
  models[0].version = 2;
  int checked = 0;
  for (const auto& v : vectors) {
    const double raw = v["raw_pm25_ugm3"], rh = v["rh_percent"], expected = v["expected_corrected_ugm3"];
    if (raw == 0) continue;  // AirGradient returns 0 for a raw 0; EPA's formula gives 5.75 − 0.0862·RH
    const auto corrected = CorrectHour(models, Hour(3600, raw, rh));
    ASSERT_TRUE(corrected.value.has_value()) << raw;
    EXPECT_NEAR(*corrected.value, expected, v.value("tolerance", 0.01)) << raw;
    ASSERT_EQ(corrected.model, &models[0]);
    ++checked;
  }
  EXPECT_EQ(checked, 6);
  // Barkjohn 2021 by hand: 0.524·20 − 0.0862·50 + 5.75 = 11.92.
  EXPECT_NEAR(*CorrectHour({Epa(ModelKind::kEpaBarkjohn2021)}, Hour(3600, 20.0, 50.0)).value, 11.92, 1e-9);
}

// An hour of a PurpleAir or AirGradient sensor keeps its CF=1 mean: the EPA kinds correct that
// (Barkjohn 2021 was fitted on CF=1), a linear model the PM2.5 mean it was fitted on.
TEST(CalibrationTest, CorrectHourFeedsTheEpaKindsTheCf1MeanAndLinearThePm25Mean) {
  CalibrationModel epa = Epa(ModelKind::kEpaBarkjohn2021);
  const auto with_cf1 = CorrectHour({epa}, Hour(3600, 30.0, 50.0, 20.0));
  ASSERT_TRUE(with_cf1.value);
  EXPECT_NEAR(*with_cf1.value, 11.92, 1e-9);  // 0.524·20 − 0.0862·50 + 5.75, not from 30
  EXPECT_STREQ(with_cf1.input, "pm2_5_cf1");
  const auto without = CorrectHour({epa}, Hour(3600, 20.0, 50.0));
  EXPECT_NEAR(*without.value, 11.92, 1e-9);
  EXPECT_STREQ(without.input, "pm2_5");
  // CF=1 samples that do not complete the hour: no corrected value rather than the ATM one.
  readings::HourAggregate partial = Hour(3600, 30.0, 50.0, 20.0);
  partial.expected_samples = 4;
  partial.pm25 = {4, 120.0};
  EXPECT_FALSE(CorrectHour({epa}, partial).value.has_value());
  const auto linear = CorrectHour({LinearModel(0.5, 0)}, Hour(3600, 30.0, 50.0, 20.0));
  EXPECT_NEAR(*linear.value, 15.0, 1e-9);
  EXPECT_STREQ(linear.input, "pm2_5");
}

TEST(CalibrationTest, CorrectHourTakesTheModelValidAtTheHoursLastSecond) {
  constexpr int64_t kDay = 86400;
  std::vector<CalibrationModel> models = {LinearModel(3, 0), LinearModel(2, 0), LinearModel(1, 10)};
  models[0].version = 3;  // highest version first, as the store lists them
  models[0].valid_from = 30 * kDay;
  models[1].version = 2;
  models[1].valid_from = 10 * kDay;
  models[1].valid_to = 20 * kDay;
  models[2].version = 1;
  models[2].valid_from = 0;
  models[2].valid_to = 10 * kDay;
  const struct {
    int64_t hour_end;
    std::optional<double> pm25;
    int version;  // 0: no model
    std::optional<double> expected;
  } rows[] = {
      {10 * kDay, 10.0, 1, 20.0},             // (10d − 1h, 10d] still lies in model 1
      {10 * kDay + 3600, 10.0, 2, 20.0},      // wholly after 10d: model 2
      {10 * kDay + 7200, std::nullopt, 2, std::nullopt},  // an incomplete hour: no corrected value
      {25 * kDay, 10.0, 0, std::nullopt},     // between models
      {400 * kDay, 10.0, 3, 30.0},            // open-ended
  };
  for (const auto& row : rows) {
    const auto corrected = CorrectHour(models, Hour(row.hour_end, row.pm25, std::nullopt));
    EXPECT_EQ(corrected.model ? corrected.model->version : 0, row.version) << row.hour_end;
    EXPECT_EQ(corrected.value, row.expected) << row.hour_end;
  }
}

// A day's corrected PM2.5 is the mean of its hours' corrected values under the daily rule (18 of
// 24 hours), with every model that made them: not the model applied to the day's raw mean.
TEST(CalibrationTest, CorrectDaysAveragesTheCorrectedHoursOfEachBangkokDay) {
  constexpr int64_t kH = 3600;
  constexpr int64_t kJune1 = 1748710800;  // 2025-06-01 00:00 Bangkok
  std::vector<CalibrationModel> models = {LinearModel(1, -5), LinearModel(2, 1)};
  models[0].version = 2;
  models[0].valid_from = kJune1 + 12 * kH;  // from noon of 1 June
  models[1].version = 1;
  models[1].valid_from = kJune1;
  models[1].valid_to = kJune1 + 12 * kH;
  std::vector<readings::HourAggregate> hours;
  for (int k = 1; k <= 24; ++k) hours.push_back(Hour(kJune1 - 24 * kH + k * kH, 50.0, std::nullopt));  // 31 May
  for (int k = 1; k <= 24; ++k) hours.push_back(Hour(kJune1 + k * kH, static_cast<double>(k), std::nullopt));
  for (int k = 1; k <= 17; ++k) hours.push_back(Hour(kJune1 + 24 * kH + k * kH, 3.0, std::nullopt));  // 2 June
  hours.push_back(Hour(kJune1 + 24 * kH + 18 * kH, std::nullopt, std::nullopt));  // incomplete
  for (int k = 1; k <= 24; ++k) {  // 4 June: 18 hours that clamp at 0, 6 that do not
    hours.push_back(Hour(kJune1 + 72 * kH + k * kH, k <= 18 ? 2.0 : 29.0, std::nullopt));
  }
  const auto days = CorrectDays(models, hours);
  ASSERT_EQ(days.size(), 4u);
  EXPECT_EQ(days[0].date, "2025-05-31");  // before any model
  EXPECT_EQ(days[0].hours, 0);
  EXPECT_FALSE(days[0].mean.has_value());
  EXPECT_TRUE(days[0].versions.empty());
  EXPECT_EQ(days[1].date, "2025-06-01");  // hours ending 01:00-12:00 under version 1, the rest version 2
  EXPECT_EQ(days[1].day_end, kJune1 + 24 * kH);
  EXPECT_EQ(days[1].hours, 24);
  ASSERT_TRUE(days[1].mean.has_value());
  EXPECT_NEAR(*days[1].mean, (168.0 + 162.0) / 24, 1e-12);  // sum(2k+1, k=1..12) + sum(k-5, k=13..24)
  EXPECT_EQ(days[1].versions, (std::vector<int>{1, 2}));
  EXPECT_EQ(days[2].date, "2025-06-02");  // 17 corrected hours: no daily mean
  EXPECT_EQ(days[2].hours, 17);
  EXPECT_FALSE(days[2].mean.has_value());
  EXPECT_EQ(days[2].versions, (std::vector<int>{2}));
  EXPECT_EQ(days[3].date, "2025-06-04");
  ASSERT_TRUE(days[3].mean.has_value());
  EXPECT_NEAR(*days[3].mean, 6.0, 1e-12);  // (18·0 + 6·24) / 24; the model at the raw mean would give 3.75
}

TEST(CalibrationTest, CorrectReadingFeedsTheEpaKindsCf1AndLinearTheReportedValue) {
  CalibrationModel epa = Epa(ModelKind::kEpaBarkjohn2021);
  epa.version = 1;
  CalibrationModel linear = LinearModel(0.5, 0);
  linear.version = 1;
  readings::Reading purpleair;
  purpleair.ts = 1000;
  purpleair.pm2_5 = 30;      // ATM, channel A
  purpleair.pm2_5_b = 34;    // ATM, channel B
  purpleair.pm2_5_cf1 = 18;  // CF=1, channel A
  purpleair.pm2_5_cf1_b = 22;
  purpleair.humidity_pct = 50;
  // EPA: 0.524·mean(18, 22) − 0.0862·50 + 5.75 = 11.92.
  EXPECT_NEAR(*CorrectReading({epa}, purpleair).value, 11.92, 1e-9);
  EXPECT_STREQ(CorrectReading({epa}, purpleair).input, "pm2_5_cf1");
  EXPECT_STREQ(CorrectReading({linear}, purpleair).input, "pm2_5");
  // Linear: half the A/B mean of the reported PM2.5, the quantity the fit used.
  EXPECT_NEAR(*CorrectReading({linear}, purpleair).value, 16.0, 1e-9);
  // Without CF=1 the EPA kinds take the reported PM2.5: 0.524·20 − 0.0862·50 + 5.75.
  readings::Reading sds;
  sds.ts = 1000;
  sds.pm2_5 = 20;
  sds.humidity_pct = 50;
  EXPECT_NEAR(*CorrectReading({epa}, sds).value, 11.92, 1e-9);
  sds.humidity_pct.reset();
  const auto no_rh = CorrectReading({epa}, sds);
  EXPECT_FALSE(no_rh.value.has_value()) << "EPA needs RH";
  EXPECT_NE(no_rh.model, nullptr);
  EXPECT_EQ(CorrectReading({}, purpleair).model, nullptr);
}

TEST(CalibrationTest, ImageTypesAreToldByTheirBytes) {
  const struct {
    std::string bytes;
    std::string_view expected;
  } rows[] = {
      {std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF", 10), "image/jpeg"},
      {std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16), "image/png"},
      {std::string("RIFF\x24\x00\x00\x00WEBPVP8 ", 16), "image/webp"},
      {"GIF89a..........", ""},
      {"<svg xmlns='http://www.w3.org/2000/svg'/>", ""},
      {std::string("RIFF\x24\x00\x00\x00WAVEfmt ", 16), ""},
      {std::string("\x89PNG", 4), ""},
      {std::string("\xFF\xD8", 2), ""},
      {"", ""},
  };
  for (const auto& row : rows) EXPECT_EQ(DetectImageType(row.bytes), row.expected) << row.bytes;
}

TEST(CalibrationTest, BangkokDayStartIsMidnightInBangkok) {
  EXPECT_EQ(*BangkokDayStart("2025-06-01", "from"), 1'748'710'800);  // 2025-05-31T17:00:00Z
  EXPECT_EQ(*BangkokDayStart("2024-02-29", "from"), 1'709'139'600);
  for (const char* bad : {"2025-02-29", "2025-6-01", "2025/06/01", "20250601", "1969-12-31", "2025-13-01", ""}) {
    const auto day = BangkokDayStart(bad, "valid_from");
    ASSERT_FALSE(day.ok()) << bad;
    EXPECT_EQ(day.status().field(), "valid_from") << bad;
  }
}

TEST(CalibrationTest, KindNamesRoundTripAndMatchTheCoreCorrectionIds) {
  for (ModelKind kind : {ModelKind::kEpaBarkjohn2021, ModelKind::kEpaExtended2023, ModelKind::kLinear}) {
    EXPECT_EQ(*ParseModelKind(ModelKindName(kind)), kind);
  }
  EXPECT_EQ(std::string(ModelKindName(ModelKind::kEpaBarkjohn2021)),
            core::CorrectionModelId(core::CorrectionModel::kEpaBarkjohn2021));
  EXPECT_EQ(std::string(ModelKindName(ModelKind::kEpaExtended2023)),
            core::CorrectionModelId(core::CorrectionModel::kEpaExtended2023));
  EXPECT_EQ(ParseModelKind("hackair").status().field(), "kind");
}

TEST(CalibrationTest, HoursArePairedOnlyWhenBothHaveACompleteMean) {
  const std::vector<readings::HourAggregate> sensor = {Hour(3600, 10, 50), Hour(7200, 20, std::nullopt),
                                                       Hour(10800, std::nullopt, 60), Hour(14400, 40, 70)};
  const std::vector<readings::HourAggregate> reference = {Hour(3600, 8, std::nullopt), Hour(7200, 15, std::nullopt),
                                                          Hour(10800, 22, std::nullopt)};
  const auto plain = PairHours(sensor, reference, false);
  ASSERT_EQ(plain.size(), 2u);  // 14400 has no reference, 10800 no sensor mean
  EXPECT_EQ(plain[0].raw, 10);
  EXPECT_EQ(plain[0].reference, 8);
  EXPECT_FALSE(plain[0].rh.has_value());
  EXPECT_EQ(plain[1].raw, 20);
  const auto humid = PairHours(sensor, reference, true);
  ASSERT_EQ(humid.size(), 1u);  // 7200 has no humidity
  EXPECT_EQ(humid[0].rh, 50);
}

}  // namespace
}  // namespace ecotown::calibration
