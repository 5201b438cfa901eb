#include "ingest/json_batch.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "core/thai_calendar.h"
#include "ingest/json_input.h"
#include "ingest/parse_util.h"

namespace ecotown::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

enum class Field : uint8_t { kSensor, kTs, kPm1, kPm25, kPm10, kTemperature, kHumidity, kPressure, kCo2 };

constexpr std::array<std::pair<std::string_view, Field>, 9> kFields = {{
    {"sensor", Field::kSensor},
    {"ts", Field::kTs},
    {"pm1", Field::kPm1},
    {"pm2_5", Field::kPm25},
    {"pm10", Field::kPm10},
    {"temperature", Field::kTemperature},
    {"humidity", Field::kHumidity},
    {"pressure", Field::kPressure},
    {"co2", Field::kCo2},
}};

std::string RowPath(size_t row) { return IndexPath("readings", row); }

Status FieldError(size_t row, std::string_view key, const std::string& reason) {
  const std::string path = JoinPath(RowPath(row), key);
  return Status::Invalid(path + ": " + reason, path);
}

Result<int64_t> TimestampOf(element value, size_t row) {
  switch (value.type()) {
    case element_type::INT64: {
      int64_t seconds = 0;
      if (!value.get_int64().get(seconds) && seconds >= kMinTimestamp && seconds <= kMaxTimestamp) return seconds;
      break;
    }
    case element_type::DOUBLE: {
      double seconds = 0.0;
      if (!value.get_double().get(seconds) && seconds == std::floor(seconds) &&
          seconds >= static_cast<double>(kMinTimestamp) && seconds <= static_cast<double>(kMaxTimestamp)) {
        return static_cast<int64_t>(seconds);
      }
      break;
    }
    case element_type::STRING: {
      std::string_view text;
      if (value.get_string().get(text)) break;
      if (const auto ts = ParseTimestamp(text, core::kBangkokUtcOffsetSeconds)) return *ts;
      return FieldError(row, "ts",
                        QuoteForMessage(text) + " is not an ISO 8601 time (2026-01-05T08:00:00+07:00) or Unix seconds");
    }
    default:
      return FieldError(row, "ts",
                        std::string("expected Unix seconds or an ISO 8601 string, got ") + JsonTypeName(value.type()));
  }
  return FieldError(row, "ts", "expected whole Unix seconds from 1 to 253402300799");
}

std::optional<double>* MeasurementOf(Field field, readings::RawReading& reading) {
  switch (field) {
    case Field::kPm1:
      return &reading.pm1;
    case Field::kPm25:
      return &reading.pm2_5;
    case Field::kPm10:
      return &reading.pm10;
    case Field::kTemperature:
      return &reading.temperature_c;
    case Field::kHumidity:
      return &reading.humidity_pct;
    case Field::kPressure:
      return &reading.pressure_hpa;
    case Field::kCo2:
      return &reading.co2_ppm;
    case Field::kSensor:
    case Field::kTs:
      break;
  }
  return nullptr;
}

Status ReadRow(element row_element, size_t row, readings::RawReading& reading) {
  simdjson::dom::object row_object;
  if (row_element.get_object().get(row_object)) {
    return Status::Invalid(RowPath(row) + ": expected an object, got " + JsonTypeName(row_element.type()),
                           RowPath(row));
  }
  reading.source = readings::Source::kJsonBatch;
  uint32_t seen = 0;
  for (simdjson::dom::key_value_pair field : row_object) {
    const auto known =
        std::find_if(kFields.begin(), kFields.end(), [&](const auto& f) { return f.first == field.key; });
    if (known == kFields.end()) return FieldError(row, field.key, "unknown field");
    const auto bit = 1u << static_cast<unsigned>(known->second);
    if (seen & bit) return FieldError(row, field.key, "field appears more than once");
    seen |= bit;
    switch (known->second) {
      case Field::kSensor: {
        std::string_view sensor;
        if (field.value.type() != element_type::STRING || field.value.get_string().get(sensor)) {
          return FieldError(row, "sensor", std::string("expected a string, got ") + JsonTypeName(field.value.type()));
        }
        if (!IsValidDeviceKey(sensor)) {
          return FieldError(row, "sensor", QuoteForMessage(sensor) + " is not a valid sensor id");
        }
        reading.device_key.assign(sensor.data(), sensor.size());
        break;
      }
      case Field::kTs: {
        ASSIGN_OR_RETURN(reading.ts, TimestampOf(field.value, row));
        break;
      }
      default: {
        std::optional<double>* target = MeasurementOf(known->second, reading);
        const element_type type = field.value.type();
        if (type == element_type::DOUBLE) {
          double number = 0.0;
          if (!field.value.get_double().get(number)) {
            *target = number;
            break;
          }
        }
        // Integers, null and the errors: the general path names the field.
        ASSIGN_OR_RETURN(*target, OptionalNumber(field.value, JoinPath(RowPath(row), field.key)));
        break;
      }
    }
  }
  if (!(seen & (1u << static_cast<unsigned>(Field::kSensor)))) return FieldError(row, "sensor", "missing");
  if (!(seen & (1u << static_cast<unsigned>(Field::kTs)))) return FieldError(row, "ts", "missing");
  if (!HasMeasurement(reading)) {
    return Status::Invalid(RowPath(row) + ": no measurement (pm1, pm2_5, pm10, temperature, humidity, pressure, co2)",
                           RowPath(row));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<readings::RawReading>> ParseJsonBatch(std::string_view json) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(const element root, ParseJson(parser, json, kMaxJsonBatchBytes, /*reject_duplicates=*/false));
  simdjson::dom::object object;
  if (root.get_object().get(object)) {
    return Status::Invalid(std::string("expected {\"readings\":[...]}, got ") + JsonTypeName(root.type()));
  }
  std::optional<simdjson::dom::array> rows;
  for (simdjson::dom::key_value_pair field : object) {
    if (field.key != "readings") {
      const std::string path = JoinPath("", field.key);
      return Status::Invalid(path + ": unknown field (a batch has only \"readings\")", path);
    }
    if (rows) return Status::Invalid("readings: field appears more than once", "readings");
    simdjson::dom::array array;
    if (field.value.get_array().get(array)) {
      return Status::Invalid(std::string("readings: expected an array, got ") + JsonTypeName(field.value.type()),
                             "readings");
    }
    rows = array;
  }
  if (!rows) return Status::Invalid("readings: missing", "readings");
  const size_t count = rows->size();
  if (count > kMaxJsonBatchRows) {
    return Status::TooLarge("batch of " + std::to_string(count) + " readings exceeds the limit of " +
                            std::to_string(kMaxJsonBatchRows) + "; split it");
  }
  std::vector<readings::RawReading> out;
  out.reserve(count);
  size_t row = 0;
  for (element row_element : *rows) {
    out.emplace_back();
    RETURN_IF_ERROR(ReadRow(row_element, row++, out.back()));
  }
  return out;
}

}  // namespace ecotown::ingest
