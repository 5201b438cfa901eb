#include "modules/calibration/corrected_value.h"

#include <algorithm>

#include "modules/readings/aggregate.h"

namespace ecotown::calibration {

const CalibrationModel* ModelFor(const std::vector<CalibrationModel>& models, int64_t label_end) {
  const CalibrationModel* best = nullptr;
  for (const auto& model : models) {
    if (Covers(model, label_end - 1) && (best == nullptr || model.version > best->version)) best = &model;
  }
  return best;
}

CorrectedValue CorrectHour(const std::vector<CalibrationModel>& models, const readings::HourAggregate& hour) {
  CorrectedValue out;
  out.model = ModelFor(models, hour.hour_end);
  if (out.model == nullptr) return out;
  std::optional<double> input = hour.pm25_mean();
  if (out.model->kind != ModelKind::kLinear && hour.pm25_cf1.count > 0) {
    input = hour.pm25_cf1_mean();
    out.input = "pm2_5_cf1";
  }
  if (input) out.value = Correct(*out.model, *input, hour.humidity.mean());
  return out;
}

namespace {

std::optional<double> ChannelMean(const std::optional<double>& a, const std::optional<double>& b) {
  if (a && b) return (*a + *b) / 2;
  return a;
}

}  // namespace

CorrectedValue CorrectReading(const std::vector<CalibrationModel>& models, const readings::Reading& reading) {
  CorrectedValue out;
  out.model = ModelFor(models, reading.ts);
  if (out.model == nullptr) return out;
  std::optional<double> input = ChannelMean(reading.pm2_5, reading.pm2_5_b);
  if (out.model->kind != ModelKind::kLinear && reading.pm2_5_cf1) {
    input = ChannelMean(reading.pm2_5_cf1, reading.pm2_5_cf1_b);
    out.input = "pm2_5_cf1";
  }
  if (input) out.value = Correct(*out.model, *input, reading.humidity_pct);
  return out;
}

std::vector<CorrectedDay> CorrectDays(const std::vector<CalibrationModel>& models,
                                      std::span<const readings::HourAggregate> hours) {
  std::vector<CorrectedDay> days;
  for (const auto& of_day : readings::SplitByDay(hours)) {
    CorrectedDay& day =
        days.emplace_back(CorrectedDay{readings::DayKey(of_day.date), of_day.day_end, 0, std::nullopt, {}});
    double sum = 0;
    for (const auto& hour : of_day.hours) {
      const CorrectedValue corrected = CorrectHour(models, hour);
      if (!corrected.value) continue;
      ++day.hours;
      sum += *corrected.value;
      const int version = corrected.model->version;
      if (std::find(day.versions.begin(), day.versions.end(), version) == day.versions.end()) {
        day.versions.insert(std::upper_bound(day.versions.begin(), day.versions.end(), version), version);
      }
    }
    if (day.hours >= readings::kHoursPerDayForMean) day.mean = sum / day.hours;
  }
  return days;
}

}  // namespace ecotown::calibration
