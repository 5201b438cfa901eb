#include "modules/sensors/sensor.h"

#include <array>
#include <cmath>
#include <utility>

#include "core/thai_calendar.h"
#include "core/utf8.h"

namespace ecotown::sensors {
namespace {

constexpr std::array<std::pair<Model, const char*>, 8> kModels = {{
    {Model::kSds011, "sds011"},
    {Model::kPlantowerPms, "plantower-pms"},
    {Model::kSps30, "sps30"},
    {Model::kAirGradient, "airgradient"},
    {Model::kPurpleAir, "purpleair"},
    {Model::kReferenceBam, "reference-bam"},
    {Model::kReferenceTeom, "reference-teom"},
    {Model::kOther, "other"},
}};

constexpr std::array<std::pair<SensorStatus, const char*>, 3> kStatuses = {{
    {SensorStatus::kActive, "active"},
    {SensorStatus::kInactive, "inactive"},
    {SensorStatus::kRetired, "retired"},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

const char* ModelName(Model model) {
  for (const auto& [m, name] : kModels) {
    if (m == model) return name;
  }
  return "other";
}

Result<Model> ParseModel(std::string_view name) {
  for (const auto& [m, text] : kModels) {
    if (name == text) return m;
  }
  return Status::Invalid("model must be one of sds011, plantower-pms, sps30, airgradient, purpleair, reference-bam, "
                         "reference-teom, other",
                         "model");
}

bool IsReferenceModel(Model model) { return model == Model::kReferenceBam || model == Model::kReferenceTeom; }

int64_t DefaultSampleInterval(Model model) {
  switch (model) {
    case Model::kSds011: return 145;
    case Model::kPurpleAir: return 120;
    case Model::kReferenceBam:
    case Model::kReferenceTeom: return 3600;
    default: return 60;
  }
}

Status ValidateSampleInterval(int64_t seconds) {
  if (seconds < 10 || seconds > 86400) {
    return Status::Invalid("sample_interval_seconds must be between 10 and 86400", "sample_interval_seconds");
  }
  return Status::Ok();
}

const char* SensorStatusName(SensorStatus status) {
  for (const auto& [s, name] : kStatuses) {
    if (s == status) return name;
  }
  return "active";
}

Result<SensorStatus> ParseSensorStatus(std::string_view name) {
  for (const auto& [s, text] : kStatuses) {
    if (name == text) return s;
  }
  return Status::Invalid("status must be active, inactive or retired", "status");
}

Status ValidateCode(std::string_view code) {
  if (code.empty() || code.size() > 32) return Status::Invalid("code must be 1 to 32 characters", "code");
  for (const char c : code) {
    if (!((c >= 'a' && c <= 'z') || IsDigit(c) || c == '-' || c == '_')) {
      return Status::Invalid("code may contain only a-z, 0-9, '-' and '_'", "code");
    }
  }
  return Status::Ok();
}

Status ValidateName(std::string_view name) {
  if (!core::IsValidUtf8(name) || name.empty() || core::CodePointCount(name) > 200) {
    return Status::Invalid("name must be valid text of 1 to 200 characters", "name");
  }
  return Status::Ok();
}

Status ValidateDeviceKey(std::string_view device_key) {
  if (device_key.empty() || device_key.size() > 64) {
    return Status::Invalid("device_key must be 1 to 64 characters", "device_key");
  }
  for (const char c : device_key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == ':' || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return Status::Invalid("device_key may contain only letters, digits, ':', '.', '_' and '-'", "device_key");
  }
  return Status::Ok();
}

Status ValidatePosition(double lat, double lon) {
  if (!std::isfinite(lat) || lat < kMinLat || lat > kMaxLat) {
    return Status::Invalid("lat must lie inside Thailand (5.6 to 20.5)", "lat");
  }
  if (!std::isfinite(lon) || lon < kMinLon || lon > kMaxLon) {
    return Status::Invalid("lon must lie inside Thailand (97.3 to 105.7)", "lon");
  }
  return Status::Ok();
}

Status ValidateSitingNotes(std::string_view notes) {
  if (!core::IsValidUtf8(notes) || core::CodePointCount(notes) > 2000) {
    return Status::Invalid("siting_notes must be valid text of at most 2000 characters", "siting_notes");
  }
  return Status::Ok();
}

Status ValidateInstallDate(std::string_view date, int64_t now_unix) {
  const Status bad = Status::Invalid("install_date must be a date written YYYY-MM-DD", "install_date");
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(date[i])) return bad;
  }
  auto number = [&](size_t from, size_t count) {
    int value = 0;
    for (size_t i = from; i < from + count; ++i) value = value * 10 + (date[i] - '0');
    return value;
  };
  const core::CivilDate civil{number(0, 4), number(5, 2), number(8, 2)};
  if (!core::IsValidDate(civil.year, civil.month, civil.day)) return bad;
  if (core::DaysFromCivil(civil) > core::DaysFromCivil(core::BangkokDateOf(now_unix))) {
    return Status::Invalid("install_date cannot be in the future", "install_date");
  }
  return Status::Ok();
}

Status ValidateSensor(const Sensor& sensor, int64_t now_unix) {
  RETURN_IF_ERROR(ValidateCode(sensor.code));
  RETURN_IF_ERROR(ValidateName(sensor.name));
  if (sensor.device_key) RETURN_IF_ERROR(ValidateDeviceKey(*sensor.device_key));
  RETURN_IF_ERROR(ValidatePosition(sensor.lat, sensor.lon));
  RETURN_IF_ERROR(ValidateSitingNotes(sensor.siting_notes));
  if (sensor.install_date) RETURN_IF_ERROR(ValidateInstallDate(*sensor.install_date, now_unix));
  RETURN_IF_ERROR(ValidateSampleInterval(sensor.sample_interval_seconds));
  return Status::Ok();
}

}  // namespace ecotown::sensors
