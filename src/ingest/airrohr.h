// Sensor.Community "airrohr" firmware, "Send to own API" (air-quality.md §4a): the JSON body
// the firmware POSTs to our endpoint, byte-for-byte as NRZ-2024-135 writes it:
//
//   {"esp8266id": "13966475", "software_version": "NRZ-2024-135", "sensordatavalues":[
//     {"value_type":"SDS_P1","value":"23.43"}, {"value_type":"SDS_P2","value":"12.70"}, ...]}
//
// Values are strings (JSON numbers are accepted too). The value_type mapping, the precedence
// when several PM or climate sensors report, and the ignored types are tabled in
// docs/ingest-formats.md. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::ingest {

// Largest airrohr body accepted (the firmware sends well under 2 KiB).
inline constexpr size_t kMaxAirrohrBodyBytes = 64 * 1024;

// Parses one POST body. x_sensor_header is the X-Sensor request header ("esp8266-13966475",
// "esp32-..."; empty when absent). device_key is that header or, without it,
// "esp8266-" + esp8266id; when both are present they must name the same chip. ts is received_at
// (the firmware sends no time). BME280/BMP280 pressure is converted from Pa to hPa;
// "signal" becomes signal_dbm, "software_version" firmware.
//
// Returns one reading, or none when the payload carries no measurement (only meta values such as
// "signal": every sensor failed). Invalid, naming the field (e.g. "sensordatavalues[3].value"),
// for malformed JSON, a missing or non-array sensordatavalues, an entry without a string
// value_type, a non-numeric value for a known value_type, a known value_type given twice, a
// malformed or mismatching device id. Unknown value_types are ignored. TooLarge above
// kMaxAirrohrBodyBytes.
Result<std::vector<readings::RawReading>> ParseAirrohr(std::string_view body, std::string_view x_sensor_header,
                                                       int64_t received_at);

}  // namespace ecotown::ingest
