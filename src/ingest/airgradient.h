// AirGradient ONE / Open Air measures (air-quality.md §4b): one field set arrives three ways,
//   - POST /sensors/airgradient:<serial>/measures (the device's cloud client, custom httpDomain),
//   - MQTT topic airgradient/readings/<serial> (payload = the local-server JSON),
//   - GET http://airgradient_<serial>.local/measures/current (we poll),
// e.g. {"wifi":-46,"serialno":"ecda3b1eaaaf","rco2":447,"pm01":3,"pm02":7,"pm10":8,"atmp":25.87,
//       "rhum":43,"firmware":"3.1.3",...}. Numbers are JSON numbers. The field mapping is tabled
// in docs/ingest-formats.md. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::ingest {

// Largest AirGradient body accepted (real ones are under 2 KiB).
inline constexpr size_t kMaxAirGradientBodyBytes = 64 * 1024;

// True for an AirGradient serial number: the MAC as 12 lowercase hex digits ("ecda3b1eaaaf").
bool IsAirGradientSerial(std::string_view serial);

// Parses one measures object. `serial` comes from the URL path or MQTT topic (empty when the
// caller has none, as for a polled /measures/current); the body's "serialno", when present,
// must equal it; one of the two must be there. device_key = the serial, ts = received_at (the
// device sends no time).
//
// Mapping: pm01 -> pm1, pm02 -> pm2_5, pm10 -> pm10, pm02Standard (CF=1) -> pm2_5_cf1,
// atmp -> temperature_c, rhum -> humidity_pct, rco2 -> co2_ppm, wifi -> signal_dbm,
// firmware -> firmware. The device's compensated values (pm02Compensated, atmpCompensated,
// rhumCompensated) are ignored: we keep raw values and derive corrections ourselves. Dual-channel
// models ("channels":{"1":{...},"2":{...}}): channel 1 fills pm*, channel 2 pm*_b (the top-level
// PM, a mean of both, is then not used, except pm02Standard when the channels lack it); a lone
// channel fills pm*. null means absent.
//
// Returns one reading, or none when no measurement is present. Invalid, naming the field, for
// malformed JSON, a non-object body, a string or other non-number where a mapped number belongs,
// a bad or mismatching serial, a repeated key. Unknown fields are ignored. TooLarge above
// kMaxAirGradientBodyBytes.
Result<std::vector<readings::RawReading>> ParseAirGradient(std::string_view json, std::string_view serial,
                                                           int64_t received_at);

}  // namespace ecotown::ingest
