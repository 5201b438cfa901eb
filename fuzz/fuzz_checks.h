// Invariants every ingest fuzz target checks besides "no crash, no sanitizer report": a parser
// either returns readings that respect the RawReading contract or an error whose code and text
// can go straight into an API response (valid UTF-8, non-empty).
#pragma once

#include <cmath>
#include <cstdlib>
#include <string_view>

#include "core/status.h"
#include "core/utf8.h"
#include "ingest/parse_util.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::fuzz {

// Aborts (a crash for libFuzzer, a failure for the replay test) when `ok` is false.
inline void Require(bool ok) {
  if (!ok) std::abort();
}

inline void CheckError(const Status& status) {
  Require(!status.ok());
  Require(status.code() == StatusCode::kInvalid || status.code() == StatusCode::kTooLarge);
  Require(!status.message().empty());
  Require(core::IsValidUtf8(status.message()));
  Require(core::IsValidUtf8(status.field()));
}

inline void CheckValue(const std::optional<double>& value, bool allow_nan) {
  if (value) Require(std::isfinite(*value) || (allow_nan && std::isnan(*value)));
}

inline void CheckReading(const readings::RawReading& r, bool allow_nan = false) {
  Require(ingest::IsValidDeviceKey(r.device_key));
  Require(ingest::HasMeasurement(r));
  Require(r.ts >= ingest::kMinTimestamp && r.ts <= ingest::kMaxTimestamp);
  for (const auto* value : {&r.pm1, &r.pm2_5, &r.pm10, &r.pm2_5_b, &r.pm10_b, &r.pm2_5_cf1, &r.pm2_5_cf1_b,
                            &r.temperature_c, &r.humidity_pct, &r.pressure_hpa, &r.co2_ppm}) {
    CheckValue(*value, allow_nan);
  }
  Require(core::IsValidUtf8(r.firmware));
}

inline std::string_view AsText(const uint8_t* data, size_t size) { return {reinterpret_cast<const char*>(data), size}; }

}  // namespace ecotown::fuzz
