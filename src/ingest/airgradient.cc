#include "ingest/airgradient.h"

#include <optional>
#include <string>

#include "ingest/json_input.h"
#include "ingest/parse_util.h"

namespace ecotown::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// PM values of one Plantower channel (or of the top level).
struct Channel {
  std::optional<double> pm1, pm2_5, pm10, pm2_5_cf1;
  bool Empty() const { return !pm1 && !pm2_5 && !pm10 && !pm2_5_cf1; }
};

// Reads the mapped fields of an object (top level or channel) at `prefix`. Fields the device
// also sends (counts, TVOC/NOx, boot, compensated values, ...) are skipped unread.
Status ReadMeasures(simdjson::dom::object object, std::string_view prefix, Channel& pm,
                    std::optional<double>& temperature, std::optional<double>& humidity) {
  const NumberTarget targets[] = {{"pm01", &pm.pm1},      {"pm02", &pm.pm2_5},
                                  {"pm10", &pm.pm10},     {"pm02Standard", &pm.pm2_5_cf1},
                                  {"atmp", &temperature}, {"rhum", &humidity}};
  for (simdjson::dom::key_value_pair field : object) {
    std::optional<double>* target = FindTarget(targets, field.key);
    if (target == nullptr) continue;
    ASSIGN_OR_RETURN(*target, OptionalNumber(field.value, JoinPath(prefix, field.key)));
  }
  return Status::Ok();
}

}  // namespace

bool IsAirGradientSerial(std::string_view serial) {
  if (serial.size() != 12) return false;
  for (const char c : serial) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::vector<readings::RawReading>> ParseAirGradient(std::string_view json, std::string_view serial,
                                                           int64_t received_at) {
  if (!serial.empty() && !IsAirGradientSerial(serial)) {
    return Status::Invalid("serial " + QuoteForMessage(serial) + " is not 12 lowercase hex digits", "serial");
  }
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(const element root, ParseJson(parser, json, kMaxAirGradientBodyBytes, /*reject_duplicates=*/true));
  simdjson::dom::object object;
  if (root.get_object().get(object)) {
    return Status::Invalid(std::string("expected a JSON object, got ") + JsonTypeName(root.type()));
  }

  readings::RawReading reading;
  reading.source = readings::Source::kAirGradient;
  reading.ts = received_at;

  Channel top;
  RETURN_IF_ERROR(ReadMeasures(object, "", top, reading.temperature_c, reading.humidity_pct));
  std::optional<std::string_view> body_serial;
  Channel channels[2];
  for (simdjson::dom::key_value_pair field : object) {
    if (field.key == "rco2") {
      ASSIGN_OR_RETURN(reading.co2_ppm, OptionalNumber(field.value, "rco2"));
    } else if (field.key == "wifi") {
      if (field.value.type() != element_type::NULL_VALUE) {
        if (field.value.type() == element_type::STRING) {
          return Status::Invalid("wifi: expected a number, got a string", "wifi");
        }
        ASSIGN_OR_RETURN(reading.signal_dbm, IntegerInRange(field.value, "wifi", -200, 100));
      }
    } else if (field.key == "firmware") {
      if (field.value.type() != element_type::NULL_VALUE) {
        ASSIGN_OR_RETURN(const std::string_view firmware, RequiredString(field.value, "firmware"));
        if (firmware.size() > 64 || !IsValidDeviceKey(firmware)) {
          return Status::Invalid("firmware: " + QuoteForMessage(firmware) + " is not a firmware version", "firmware");
        }
        reading.firmware = std::string(firmware);
      }
    } else if (field.key == "serialno") {
      ASSIGN_OR_RETURN(body_serial, RequiredString(field.value, "serialno"));
      if (!IsAirGradientSerial(*body_serial)) {
        return Status::Invalid("serialno: " + QuoteForMessage(*body_serial) + " is not 12 lowercase hex digits",
                               "serialno");
      }
    } else if (field.key == "channels") {
      simdjson::dom::object channel_objects;
      if (field.value.get_object().get(channel_objects)) {
        return Status::Invalid(std::string("channels: expected an object, got ") + JsonTypeName(field.value.type()),
                               "channels");
      }
      for (simdjson::dom::key_value_pair channel : channel_objects) {
        if (channel.key != "1" && channel.key != "2") continue;  // no model has more than two
        const std::string path = JoinPath("channels", channel.key);
        simdjson::dom::object channel_object;
        if (channel.value.get_object().get(channel_object)) {
          return Status::Invalid(path + ": expected an object, got " + JsonTypeName(channel.value.type()), path);
        }
        // Per-channel temperature and humidity are read for validation; the top level's mean is kept.
        std::optional<double> channel_temperature, channel_humidity;
        RETURN_IF_ERROR(ReadMeasures(channel_object, path, channels[channel.key == "1" ? 0 : 1], channel_temperature,
                                     channel_humidity));
        if (!reading.temperature_c) reading.temperature_c = channel_temperature;
        if (!reading.humidity_pct) reading.humidity_pct = channel_humidity;
      }
    }
  }

  if (!serial.empty() && body_serial && *body_serial != serial) {
    return Status::Invalid("serialno " + QuoteForMessage(*body_serial) + " does not match the serial " +
                               QuoteForMessage(serial) + " of the URL or topic",
                           "serialno");
  }
  if (serial.empty() && !body_serial) {
    return Status::Invalid("no serial: neither the URL/topic nor the body (serialno) names the device", "serialno");
  }
  reading.device_key = std::string(serial.empty() ? *body_serial : serial);

  const Channel* first = &top;
  const Channel* second = nullptr;
  if (!channels[0].Empty() && !channels[1].Empty()) {
    first = &channels[0];
    second = &channels[1];
  } else if (!channels[0].Empty()) {
    first = &channels[0];
  } else if (!channels[1].Empty()) {
    first = &channels[1];
  }
  reading.pm1 = first->pm1;
  reading.pm2_5 = first->pm2_5;
  reading.pm10 = first->pm10;
  reading.pm2_5_cf1 = first->pm2_5_cf1;
  // The POST body's channel objects carry no CF=1 values; its top level does (their mean), and
  // that is what the EPA correction averages anyway (air-quality.md §3.1).
  if (!reading.pm2_5_cf1 && first != &top) reading.pm2_5_cf1 = top.pm2_5_cf1;
  if (second != nullptr) {
    reading.pm2_5_b = second->pm2_5;
    reading.pm10_b = second->pm10;
    reading.pm2_5_cf1_b = second->pm2_5_cf1;
  }

  std::vector<readings::RawReading> out;
  if (HasMeasurement(reading)) out.push_back(std::move(reading));
  return out;
}

}  // namespace ecotown::ingest
