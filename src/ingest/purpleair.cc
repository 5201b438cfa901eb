#include "ingest/purpleair.h"

#include <optional>
#include <string>

#include "ingest/json_input.h"
#include "ingest/parse_util.h"

namespace ecotown::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "84:F3:EB:7B:C8:EE" -> "84:f3:eb:7b:c8:ee"; nullopt unless six hex pairs separated by ':'.
std::optional<std::string> NormalizeMac(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  std::string mac(text);
  for (size_t i = 0; i < mac.size(); ++i) {
    if (i % 3 == 2) {
      if (mac[i] != ':') return std::nullopt;
    } else {
      if (HexDigit(mac[i]) < 0) return std::nullopt;
      if (mac[i] >= 'A' && mac[i] <= 'F') mac[i] = static_cast<char>(mac[i] - 'A' + 'a');
    }
  }
  return mac;
}

// "2024/08/20T18:59:56z" (UTC) -> Unix seconds.
std::optional<int64_t> ParsePurpleAirTime(std::string_view text) {
  if (text.size() != 20 || text[4] != '/' || text[7] != '/' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      (text[19] != 'z' && text[19] != 'Z')) {
    return std::nullopt;
  }
  // Same shape as ISO 8601 once the separators are swapped.
  std::string iso(text);
  iso[4] = '-';
  iso[7] = '-';
  return ParseIsoTimestamp(iso, 0);
}

}  // namespace

Result<std::vector<readings::RawReading>> ParsePurpleAir(std::string_view json, int64_t received_at) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(const element root, ParseJson(parser, json, kMaxPurpleAirBodyBytes, /*reject_duplicates=*/true));
  simdjson::dom::object object;
  if (root.get_object().get(object)) {
    return Status::Invalid(std::string("expected a JSON object, got ") + JsonTypeName(root.type()));
  }

  readings::RawReading reading;
  reading.source = readings::Source::kPurpleAir;
  reading.ts = received_at;
  std::optional<double> temperature_f;
  bool have_id = false;
  const NumberTarget targets[] = {
      {"pm1_0_atm", &reading.pm1},
      {"pm2_5_atm", &reading.pm2_5},
      {"pm10_0_atm", &reading.pm10},
      {"pm2_5_cf_1", &reading.pm2_5_cf1},
      {"pm2_5_atm_b", &reading.pm2_5_b},
      {"pm10_0_atm_b", &reading.pm10_b},
      {"pm2_5_cf_1_b", &reading.pm2_5_cf1_b},
      {"current_temp_f", &temperature_f},
      {"current_humidity", &reading.humidity_pct},
      {"pressure", &reading.pressure_hpa},
  };
  for (simdjson::dom::key_value_pair field : object) {
    const std::string_view key = field.key;
    std::optional<double>* target = FindTarget(targets, key);
    if (target != nullptr) {
      ASSIGN_OR_RETURN(*target, OptionalNumber(field.value, key));
    } else if (key == "SensorId") {
      ASSIGN_OR_RETURN(const std::string_view id, RequiredString(field.value, "SensorId"));
      auto mac = NormalizeMac(id);
      if (!mac) {
        return Status::Invalid("SensorId: " + QuoteForMessage(id) + " is not a MAC address (aa:bb:cc:dd:ee:ff)",
                               "SensorId");
      }
      reading.device_key = std::move(*mac);
      have_id = true;
    } else if (key == "DateTime") {
      ASSIGN_OR_RETURN(const std::string_view text, RequiredString(field.value, "DateTime"));
      const auto ts = ParsePurpleAirTime(text);
      if (!ts) {
        return Status::Invalid("DateTime: " + QuoteForMessage(text) + " is not a time like \"2024/08/20T18:59:56z\"",
                               "DateTime");
      }
      reading.ts = *ts;
    } else if (key == "rssi") {
      if (field.value.type() != element_type::NULL_VALUE) {
        ASSIGN_OR_RETURN(reading.signal_dbm, IntegerInRange(field.value, "rssi", -200, 100));
      }
    } else if (key == "version") {
      if (field.value.type() != element_type::NULL_VALUE) {
        ASSIGN_OR_RETURN(const std::string_view version, RequiredString(field.value, "version"));
        if (version.size() > 64 || !IsValidDeviceKey(version)) {
          return Status::Invalid("version: " + QuoteForMessage(version) + " is not a firmware version", "version");
        }
        reading.firmware = std::string(version);
      }
    }
  }
  if (!have_id) return Status::Invalid("SensorId: missing", "SensorId");
  if (temperature_f) reading.temperature_c = FahrenheitToCelsius(*temperature_f);

  std::vector<readings::RawReading> out;
  if (HasMeasurement(reading)) out.push_back(std::move(reading));
  return out;
}

}  // namespace ecotown::ingest
