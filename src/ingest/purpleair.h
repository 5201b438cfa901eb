// PurpleAir local JSON (air-quality.md §4c): what GET http://<sensor-ip>/json (or ?live=true)
// returns, e.g. {"SensorId":"84:f3:eb:7b:c8:ee","DateTime":"2024/08/20T18:59:56z",
// "current_temp_f":88,"current_humidity":31,"pressure":1006.2,"pm2_5_atm":7.8,"pm2_5_atm_b":8.1,...}.
// Channel B fields carry the suffix "_b"; single-channel models have none. The field mapping is
// tabled in docs/ingest-formats.md. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::ingest {

// Largest PurpleAir body accepted (real ones are about 2-3 KiB).
inline constexpr size_t kMaxPurpleAirBodyBytes = 64 * 1024;

// Parses one /json response. device_key = SensorId (the MAC, lower-cased, colons kept:
// "84:f3:eb:7b:c8:ee"); ts = DateTime ("2024/08/20T18:59:56z", UTC), or received_at when the
// body has no DateTime.
//
// Mapping: pm1_0_atm -> pm1, pm2_5_atm -> pm2_5, pm10_0_atm -> pm10, pm2_5_cf_1 -> pm2_5_cf1, the
// same with "_b" -> pm2_5_b, pm10_b, pm2_5_cf1_b; current_temp_f (°F) -> temperature_c (°C);
// current_humidity -> humidity_pct; pressure (hPa) -> pressure_hpa; rssi -> signal_dbm;
// version -> firmware. Note (§4c): the temperature and humidity are measured inside the housing.
//
// Returns one reading, or none when no measurement is present. Invalid, naming the field, for
// malformed JSON, a missing or malformed SensorId, a malformed DateTime, a non-number where a
// mapped number belongs, a repeated key. Unknown fields are ignored. TooLarge above
// kMaxPurpleAirBodyBytes.
Result<std::vector<readings::RawReading>> ParsePurpleAir(std::string_view json, int64_t received_at);

}  // namespace ecotown::ingest
