// Corrected PM2.5 as the server serves it: the value of an hour or of a reading under the
// calibration model valid at its time, with the model that made it (docs/air-quality-method.md
// §6.1, "Where corrected values are served"). Nothing corrected is stored. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "modules/calibration/calibration.h"
#include "modules/readings/reading_store.h"

namespace ecotown::calibration {

// A corrected value served next to the raw one, and the model that made it (null when no model
// covers the time; value empty when that model cannot correct the input, e.g. no humidity).
struct CorrectedValue {
  std::optional<double> value;
  const CalibrationModel* model = nullptr;  // points into the models passed in
  // Which PM2.5 went in: "pm2_5" (the reported value, A/B mean) or "pm2_5_cf1" (CF=1, A/B mean).
  const char* input = "pm2_5";
};

// Values are labelled by the end of their period (time-ending hours, readings at their ts), so a
// value labelled t takes the model valid at t − 1 s: a model that starts at midnight applies from
// the first hour that lies wholly after it. Models: any order, as CalibrationStore::List gives.
const CalibrationModel* ModelFor(const std::vector<CalibrationModel>& models, int64_t label_end);

// The hour (hour_end − 1 h, hour_end] from its clean means (empty when the hour is incomplete: no
// corrected value then): the EPA kinds take the CF=1 mean when the hour has one, as for readings
// below; otherwise, and for a linear model, the PM2.5 mean.
CorrectedValue CorrectHour(const std::vector<CalibrationModel>& models, const readings::HourAggregate& hour);

// One stored reading. The EPA kinds take the CF=1 PM2.5 (mean of channels A and B when both are
// there) when the device sends it, as Barkjohn 2021 was fitted on CF=1 (air-quality.md §3.1), and
// otherwise the reading's PM2.5 (A/B mean); a linear model takes the reading's PM2.5 (A/B mean),
// the quantity it was fitted on.
CorrectedValue CorrectReading(const std::vector<CalibrationModel>& models, const readings::Reading& reading);

// One Bangkok day's corrected PM2.5: the mean of its hours' corrected values (CorrectHour) when at
// least 18 of its hours have one (the daily-mean rule, docs/air-quality-method.md §5), else
// empty. `versions` lists the models that corrected its hours: one through the API, whose models
// begin at Bangkok midnight, but the function does not rely on that.
struct CorrectedDay {
  std::string date;     // "YYYY-MM-DD"
  int64_t day_end = 0;  // Unix time of 24:00 Bangkok
  int hours = 0;        // hours with a corrected value
  std::optional<double> mean;
  std::vector<int> versions;  // ascending
};
// Every day that has a stored hour in `hours` (time order, as ReadingStore::Hours returns them),
// in date order.
std::vector<CorrectedDay> CorrectDays(const std::vector<CalibrationModel>& models,
                                      std::span<const readings::HourAggregate> hours);

}  // namespace ecotown::calibration
