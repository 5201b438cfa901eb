#include "ingest/airrohr.h"

#include <array>
#include <optional>
#include <string>

#include "ingest/json_input.h"
#include "ingest/parse_util.h"

namespace ecotown::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

enum class Quantity { kPm1, kPm25, kPm10, kTemperature, kHumidity, kPressurePa, kCo2, kSignal, kMeta };

// One known value_type (air-quality.md §4a table). `rank` orders sensors of the same quantity:
// the lowest rank that reported wins (docs/ingest-formats.md explains the order).
struct ValueType {
  std::string_view name;
  Quantity quantity;
  int rank;
};

// PM groups: a reading takes pm1/pm2_5/pm10 from one sensor only, never a mix.
// Rank 0 SDS011, 1 Plantower PMS, 2 Sensirion SPS30, 3 Tera NextPM, 4 Honeywell HPM, 5 Piera IPS.
// Climate: humidity-capable sensors first (BME280, SHT3x, HTU21D, DHT22, SCD30), then the
// temperature-only ones (BMP280, BMP180, DS18B20), so temperature and humidity come from the same
// sensor whenever one measures both.
constexpr std::array<ValueType, 38> kValueTypes = {{
    {"SDS_P1", Quantity::kPm10, 0},
    {"SDS_P2", Quantity::kPm25, 0},
    {"PMS_P0", Quantity::kPm1, 1},
    {"PMS_P1", Quantity::kPm10, 1},
    {"PMS_P2", Quantity::kPm25, 1},
    {"SPS30_P0", Quantity::kPm1, 2},
    {"SPS30_P1", Quantity::kPm10, 2},
    {"SPS30_P2", Quantity::kPm25, 2},
    {"NPM_P0", Quantity::kPm1, 3},
    {"NPM_P1", Quantity::kPm10, 3},
    {"NPM_P2", Quantity::kPm25, 3},
    {"HPM_P1", Quantity::kPm10, 4},
    {"HPM_P2", Quantity::kPm25, 4},
    {"IPS_P0", Quantity::kPm1, 5},
    {"IPS_P1", Quantity::kPm10, 5},
    {"IPS_P2", Quantity::kPm25, 5},
    {"BME280_temperature", Quantity::kTemperature, 0},
    {"BME280_humidity", Quantity::kHumidity, 0},
    {"SHT3X_temperature", Quantity::kTemperature, 1},
    {"SHT3X_humidity", Quantity::kHumidity, 1},
    {"HTU21D_temperature", Quantity::kTemperature, 2},
    {"HTU21D_humidity", Quantity::kHumidity, 2},
    {"temperature", Quantity::kTemperature, 3},  // DHT22
    {"humidity", Quantity::kHumidity, 3},        // DHT22
    {"SCD30_temperature", Quantity::kTemperature, 4},
    {"SCD30_humidity", Quantity::kHumidity, 4},
    {"BMP280_temperature", Quantity::kTemperature, 5},
    {"BMP_temperature", Quantity::kTemperature, 6},
    {"DS18B20_temperature", Quantity::kTemperature, 7},
    {"BME280_pressure", Quantity::kPressurePa, 0},
    {"BMP280_pressure", Quantity::kPressurePa, 1},
    {"BMP_pressure", Quantity::kPressurePa, 2},
    {"SCD30_co2_ppm", Quantity::kCo2, 0},
    {"signal", Quantity::kSignal, 0},
    {"samples", Quantity::kMeta, 0},
    {"min_micro", Quantity::kMeta, 0},
    {"max_micro", Quantity::kMeta, 0},
    {"interval", Quantity::kMeta, 0},
}};

const ValueType* FindValueType(std::string_view name, size_t& index) {
  for (size_t i = 0; i < kValueTypes.size(); ++i) {
    if (kValueTypes[i].name == name) {
      index = i;
      return &kValueTypes[i];
    }
  }
  return nullptr;
}

// Lowest-ranked value of a quantity, optionally only from one rank (one PM sensor).
std::optional<double> Pick(const std::array<std::optional<double>, kValueTypes.size()>& values, Quantity quantity,
                           std::optional<int> only_rank = std::nullopt) {
  std::optional<double> best;
  int best_rank = 0;
  for (size_t i = 0; i < kValueTypes.size(); ++i) {
    if (!values[i] || kValueTypes[i].quantity != quantity) continue;
    if (only_rank && kValueTypes[i].rank != *only_rank) continue;
    if (!best || kValueTypes[i].rank < best_rank) {
      best = values[i];
      best_rank = kValueTypes[i].rank;
    }
  }
  return best;
}

bool IsChipId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (const char c : id) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum) return false;
  }
  return true;
}

// "esp8266-13966475", "esp32-...": a base name, '-', the chip id.
bool IsSensorHeader(std::string_view header) {
  const size_t dash = header.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || header.size() > 64) return false;
  for (size_t i = 0; i < dash; ++i) {
    const char c = header[i];
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return IsChipId(header.substr(dash + 1));
}

}  // namespace

Result<std::vector<readings::RawReading>> ParseAirrohr(std::string_view body, std::string_view x_sensor_header,
                                                       int64_t received_at) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(const element root, ParseJson(parser, body, kMaxAirrohrBodyBytes, /*reject_duplicates=*/true));
  simdjson::dom::object object;
  if (root.get_object().get(object)) {
    return Status::Invalid(std::string("expected a JSON object, got ") + JsonTypeName(root.type()));
  }

  readings::RawReading reading;
  reading.source = readings::Source::kAirrohr;
  reading.ts = received_at;

  std::optional<std::string_view> chip_id;
  bool have_values = false;
  std::array<std::optional<double>, kValueTypes.size()> values;
  for (simdjson::dom::key_value_pair field : object) {
    if (field.key == "esp8266id") {
      // The firmware sends the chip id as a string; a number is accepted too.
      std::string id;
      uint64_t number = 0;
      if (field.value.type() == element_type::STRING) {
        ASSIGN_OR_RETURN(const std::string_view text, RequiredString(field.value, "esp8266id"));
        id = std::string(text);
      } else if (!field.value.get_uint64().get(number)) {
        id = std::to_string(number);
      } else {
        return Status::Invalid(std::string("esp8266id: expected a string, got ") + JsonTypeName(field.value.type()),
                               "esp8266id");
      }
      if (!IsChipId(id)) {
        return Status::Invalid("esp8266id: " + QuoteForMessage(id) + " is not a chip id (1-32 letters or digits)",
                               "esp8266id");
      }
      reading.device_key = "esp8266-" + id;
      chip_id = std::string_view(reading.device_key).substr(8);
    } else if (field.key == "software_version") {
      ASSIGN_OR_RETURN(const std::string_view version, RequiredString(field.value, "software_version"));
      if (version.size() > 64 || !IsValidDeviceKey(version)) {
        return Status::Invalid("software_version: " + QuoteForMessage(version) + " is not a firmware version",
                               "software_version");
      }
      reading.firmware = std::string(version);
    } else if (field.key == "sensordatavalues") {
      simdjson::dom::array entries;
      if (field.value.get_array().get(entries)) {
        return Status::Invalid(
            std::string("sensordatavalues: expected an array, got ") + JsonTypeName(field.value.type()),
            "sensordatavalues");
      }
      have_values = true;
      size_t index = 0;
      for (element entry : entries) {
        const std::string path = IndexPath("sensordatavalues", index++);
        simdjson::dom::object pair;
        if (entry.get_object().get(pair)) {
          return Status::Invalid(path + ": expected an object, got " + JsonTypeName(entry.type()), path);
        }
        element type_element;
        if (pair["value_type"].get(type_element)) {
          return Status::Invalid(path + ".value_type: missing", path + ".value_type");
        }
        ASSIGN_OR_RETURN(const std::string_view value_type, RequiredString(type_element, path + ".value_type"));
        size_t type_index = 0;
        const ValueType* known = FindValueType(value_type, type_index);
        if (known == nullptr) continue;  // other sensors (GPS, DNMS, PPD42NS, particle counts)
        const std::string value_path = path + ".value";
        element value_element;
        if (pair["value"].get(value_element)) {
          return Status::Invalid(value_path + ": missing (value_type " + QuoteForMessage(value_type) + ")", value_path);
        }
        const element_type value_kind = value_element.type();
        if (value_kind != element_type::STRING && value_kind != element_type::INT64 &&
            value_kind != element_type::UINT64 && value_kind != element_type::DOUBLE) {
          return Status::Invalid(value_path + ": expected a number as text, got " + JsonTypeName(value_kind) +
                                     " (value_type " + QuoteForMessage(value_type) + ")",
                                 value_path);
        }
        if (known->quantity == Quantity::kSignal) {
          ASSIGN_OR_RETURN(const int dbm, IntegerInRange(value_element, value_path, -200, 100));
          if (reading.signal_dbm) {
            return Status::Invalid(value_path + ": value_type \"signal\" appears more than once", value_path);
          }
          reading.signal_dbm = dbm;
          continue;
        }
        ASSIGN_OR_RETURN(const std::optional<double> number, NumberFromText(value_element, value_path));
        if (!number) {
          return Status::Invalid(value_path + ": missing (value_type " + QuoteForMessage(value_type) + ")", value_path);
        }
        if (known->quantity == Quantity::kMeta) continue;
        if (values[type_index]) {
          return Status::Invalid(value_path + ": value_type " + QuoteForMessage(value_type) + " appears more than once",
                                 value_path);
        }
        values[type_index] = number;
      }
    }
    // Other top-level keys ("age" in the device's own /data.json) carry nothing we store.
  }
  if (!have_values) return Status::Invalid("sensordatavalues: missing", "sensordatavalues");

  if (!x_sensor_header.empty()) {
    if (!IsSensorHeader(x_sensor_header)) {
      return Status::Invalid(
          "X-Sensor header " + QuoteForMessage(x_sensor_header) + " is not a sensor name such as \"esp8266-13966475\"",
          "X-Sensor");
    }
    const std::string_view header_chip = x_sensor_header.substr(x_sensor_header.rfind('-') + 1);
    if (chip_id && *chip_id != header_chip) {
      return Status::Invalid("X-Sensor header " + QuoteForMessage(x_sensor_header) +
                                 " names another chip than esp8266id " + QuoteForMessage(*chip_id),
                             "X-Sensor");
    }
    reading.device_key = std::string(x_sensor_header);
  } else if (!chip_id) {
    return Status::Invalid("no device id: neither an X-Sensor header nor esp8266id", "esp8266id");
  }

  // PM: the best-ranked sensor that reported PM2.5 or PM10, all of its values, nothing else.
  std::optional<int> pm_rank;
  for (size_t i = 0; i < kValueTypes.size(); ++i) {
    const Quantity quantity = kValueTypes[i].quantity;
    if (values[i] && (quantity == Quantity::kPm25 || quantity == Quantity::kPm10) &&
        (!pm_rank || kValueTypes[i].rank < *pm_rank)) {
      pm_rank = kValueTypes[i].rank;
    }
  }
  if (pm_rank) {
    reading.pm1 = Pick(values, Quantity::kPm1, pm_rank);
    reading.pm2_5 = Pick(values, Quantity::kPm25, pm_rank);
    reading.pm10 = Pick(values, Quantity::kPm10, pm_rank);
  }
  reading.temperature_c = Pick(values, Quantity::kTemperature);
  reading.humidity_pct = Pick(values, Quantity::kHumidity);
  if (const auto pascal = Pick(values, Quantity::kPressurePa)) reading.pressure_hpa = *pascal / 100.0;
  reading.co2_ppm = Pick(values, Quantity::kCo2);

  std::vector<readings::RawReading> out;
  if (HasMeasurement(reading)) out.push_back(std::move(reading));
  return out;
}

}  // namespace ecotown::ingest
