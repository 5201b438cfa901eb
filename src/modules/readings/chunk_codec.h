// The compact encoding of the readings of one sensor-hour (a chunk).
//
// Layout, version 1 (all integers are LEB128 varints; signed ones zigzag-encoded):
//   u8 version (1), count, then per reading in time order:
//     header: bit 0 flags follow, bit 1 source follows, bit 2 field mask follows
//     (each omitted item repeats the previous reading's; the first reading writes all three)
//     ts delta: seconds after the previous reading (the first: after base_ts)
//     [flags] [source] [field mask: which of the 11 values are present, kField* bits]
//     each present value: token = zigzag(hundredths − previous hundredths of that field) << 1
//       when value × 100 is an exact integer (|v| < 2^50), else token 1 and 8 raw bytes of the
//       IEEE double (NaN, infinities and finer precision survive unchanged).
// Values come back bit-identical to what was encoded: x/100.0 is the correctly rounded decimal,
// the same double the parser produced. About 10 bytes a 1-minute reading with 4 values.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/readings/reading_store.h"

namespace ecotown::readings {

// Appends the encoding of `readings` (sorted by ts, unique, all ts >= base_ts) to out.
void EncodeChunk(std::span<const Reading> readings, int64_t base_ts, std::string& out);
std::string EncodeChunk(std::span<const Reading> readings, int64_t base_ts);

// Decodes a chunk written by EncodeChunk with the same base_ts, appending to out. Internal
// (naming the offset) for truncated or corrupt data.
Status DecodeChunk(std::string_view data, int64_t base_ts, std::vector<Reading>& out);
Result<std::vector<Reading>> DecodeChunk(std::string_view data, int64_t base_ts);

}  // namespace ecotown::readings
