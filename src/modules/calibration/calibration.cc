#include "modules/calibration/calibration.h"

#include <array>
#include <cmath>
#include <utility>

#include "core/correction.h"
#include "core/thai_calendar.h"
#include "core/utf8.h"

namespace ecotown::calibration {
namespace {

constexpr std::array<std::pair<ModelKind, const char*>, 3> kKinds = {{
    {ModelKind::kEpaBarkjohn2021, "epa_barkjohn_2021"},
    {ModelKind::kEpaExtended2023, "epa_extended_2023"},
    {ModelKind::kLinear, "linear"},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsPlantowerBased(sensors::Model model) {
  return model == sensors::Model::kPlantowerPms || model == sensors::Model::kPurpleAir ||
         model == sensors::Model::kAirGradient;
}

}  // namespace

const char* ModelKindName(ModelKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "linear";
}

Result<ModelKind> ParseModelKind(std::string_view name) {
  for (const auto& [k, text] : kKinds) {
    if (name == text) return k;
  }
  return Status::Invalid("kind must be one of epa_barkjohn_2021, epa_extended_2023, linear", "kind");
}

Status ValidateLinearCoefficients(double slope, double intercept, std::optional<double> rh_coef) {
  if (!std::isfinite(slope) || slope <= 0 || slope > kMaxSlope) {
    return Status::Invalid("slope must be a number above 0 and at most 10", "slope");
  }
  if (!std::isfinite(intercept) || std::abs(intercept) > kMaxAbsIntercept) {
    return Status::Invalid("intercept must be a number between -200 and 200 µg/m³", "intercept");
  }
  if (rh_coef && (!std::isfinite(*rh_coef) || std::abs(*rh_coef) > kMaxAbsRhCoef)) {
    return Status::Invalid("rh_coef must be a number between -10 and 10 µg/m³ per %RH", "rh_coef");
  }
  return Status::Ok();
}

Status ValidateNotes(std::string_view notes) {
  if (!core::IsValidUtf8(notes) || core::CodePointCount(notes) > 2000) {
    return Status::Invalid("notes must be valid text of at most 2000 characters", "notes");
  }
  return Status::Ok();
}

Status ValidateValidity(int64_t valid_from, std::optional<int64_t> valid_to) {
  if (valid_from < 0) return Status::Invalid("valid_from must not be before 1970", "valid_from");
  if (valid_to && *valid_to <= valid_from) return Status::Invalid("valid_to must be after valid_from", "valid_to");
  return Status::Ok();
}

Status CheckKindFitsSensor(ModelKind kind, const sensors::Sensor& sensor) {
  if (sensors::IsReferenceModel(sensor.model)) {
    return Status::Invalid("a reference monitor is the calibration standard; it is not corrected", "sensor");
  }
  if (kind != ModelKind::kLinear && !IsPlantowerBased(sensor.model)) {
    return Status::Invalid(std::string("the EPA corrections are for Plantower-based sensors (plantower-pms, "
                                       "purpleair, airgradient), not ") +
                               sensors::ModelName(sensor.model),
                           "kind");
  }
  return Status::Ok();
}

bool Covers(const CalibrationModel& model, int64_t ts) {
  return model.valid_from <= ts && (!model.valid_to || ts < *model.valid_to);
}

std::optional<CalibrationModel> ModelAt(const std::vector<CalibrationModel>& models, int64_t ts) {
  const CalibrationModel* best = nullptr;
  for (const auto& model : models) {
    if (Covers(model, ts) && (best == nullptr || model.version > best->version)) best = &model;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::optional<double> Correct(const CalibrationModel& model, double pm25_raw, std::optional<double> rh) {
  if (!std::isfinite(pm25_raw) || pm25_raw < 0) return std::nullopt;
  if (rh && (!std::isfinite(*rh) || *rh < 0 || *rh > 100)) return std::nullopt;
  switch (model.kind) {
    case ModelKind::kEpaBarkjohn2021:
    case ModelKind::kEpaExtended2023: {
      if (!rh) return std::nullopt;
      auto corrected = model.kind == ModelKind::kEpaBarkjohn2021 ? core::CorrectEpaBarkjohn2021(pm25_raw, *rh)
                                                                 : core::CorrectEpaExtended2023(pm25_raw, *rh);
      if (!corrected.ok()) return std::nullopt;
      return *corrected;
    }
    case ModelKind::kLinear: {
      double corrected = model.slope * pm25_raw + model.intercept;
      if (model.rh_coef) {
        if (!rh) return std::nullopt;
        corrected += *model.rh_coef * *rh;
      }
      return corrected < 0 ? 0.0 : corrected;
    }
  }
  return std::nullopt;
}

Result<int64_t> BangkokDayStart(std::string_view date, std::string_view field) {
  const Status bad = Status::Invalid(std::string(field) + " must be a date written YYYY-MM-DD", std::string(field));
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!IsDigit(date[i])) return bad;
  }
  const auto number = [&](size_t at, size_t len) {
    int value = 0;
    for (size_t i = at; i < at + len; ++i) value = value * 10 + (date[i] - '0');
    return value;
  };
  const core::CivilDate civil{number(0, 4), number(5, 2), number(8, 2)};
  if (!core::IsValidDate(civil.year, civil.month, civil.day) || civil.year < 1970) return bad;
  return core::DaysFromCivil(civil) * 86400 - core::kBangkokUtcOffsetSeconds;
}

std::string_view DetectImageType(std::string_view bytes) {
  if (bytes.size() >= 4 && bytes.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)) return "image/jpeg";
  if (bytes.size() >= 16 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8)) return "image/png";
  if (bytes.size() >= 16 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") return "image/webp";
  return {};
}

}  // namespace ecotown::calibration
