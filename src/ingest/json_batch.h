// Our native batch format for POST /api/v1/readings (docs/ingest-formats.md §"JSON batch"):
//
//   {"readings":[{"sensor":"s0001","ts":"2026-01-05T08:00:00+07:00","pm2_5":12.3,"pm10":20,
//                 "temperature":31.2,"humidity":70}, ...]}
//
// All or nothing: one bad row refuses the whole batch, and nothing of it is accepted. Parsed with
// simdjson: this is the hot HTTP ingest path (measured in docs/ingest-formats.md). Pure function;
// thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::ingest {

// Most rows in one batch, and most bytes in one body.
inline constexpr size_t kMaxJsonBatchRows = 10'000;
inline constexpr size_t kMaxJsonBatchBytes = 8 * 1024 * 1024;

// Parses a batch. Row fields: "sensor" (string, required: our sensor id or the device's key),
// "ts" (required: whole Unix seconds as a number, or a string with ISO 8601 time, 'Z' or an
// offset, naive = Asia/Bangkok, or Unix seconds), and numbers "pm1", "pm2_5", "pm10" (µg/m³),
// "temperature" (°C), "humidity" (%), "pressure" (hPa), "co2" (ppm); null = absent; a row needs
// at least one of these values. source = Source::kJsonBatch, device_key = sensor. Row order is
// kept; duplicate (sensor, ts) pairs are passed on (the store decides).
//
// Invalid, naming the field ("readings[17].pm2_5"), for: malformed JSON (line and column), a
// body that is not {"readings":[...]}, an unknown field at any level, a repeated field, a string
// or other non-number where a number belongs, an out-of-range number, a bad sensor id or time, a
// row without measurement. TooLarge for more than kMaxJsonBatchRows rows or kMaxJsonBatchBytes.
// An empty array is a valid batch of no readings.
Result<std::vector<readings::RawReading>> ParseJsonBatch(std::string_view json);

}  // namespace ecotown::ingest
