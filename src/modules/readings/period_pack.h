// The packed in-range PM2.5 sums of a period's sub-periods (SubPeriodSum in reading_store.h),
// stored as one blob on the period's row: the hours of a day, the days of a month.
//
// Layout, version 1 (little-endian): u8 version (1), then per sub-period in slot order:
//   u8 slot, u8 has_at_end (0/1), u32 count, f64 sum, [f64 at_end when has_at_end]
// Doubles are the IEEE bits, so sums come back bit-identical. At most 31 sub-periods
// (≤ 682 bytes). Pure functions; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/readings/reading_store.h"

namespace ecotown::readings {

// `sums` in increasing slot order, each slot 0..255 and count 0..2^32-1.
std::string PackSubPeriods(std::span<const SubPeriodSum> sums);
// Appends the sub-periods of `data` to out; Internal (naming the offset) for a truncated or
// corrupt blob. An empty blob holds no sub-periods.
Status UnpackSubPeriods(std::string_view data, std::vector<SubPeriodSum>& out);

}  // namespace ecotown::readings
