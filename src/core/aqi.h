// Air quality indices for particulate matter: the Thai AQI of the Pollution Control Department
// (PCD, Air4Thai) and the US EPA AQI, with their categories, colours and health-advice keys.
//
// Arithmetic is decimal-exact: a concentration is first turned into integer millionths of
// µg/m³, then brought to the table resolution (0.1 µg/m³ for PM2.5 in the current Thai table
// and in the EPA tables, 1 µg/m³ for PM10 and for the pre-2023 Thai PM2.5 table), and the
// index is interpolated and rounded half-up on integers. This reproduces every AQI that PCD
// published in the Air4Thai network sample; IEEE doubles do not (39.3 µg/m³ -> 105.4999...).
// The method, the rule we found and its evidence are in docs/air-quality-method.md.
//
// Pure functions over immutable tables; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/result.h"

namespace ecotown::core {

enum class Pollutant { kPm25, kPm10 };

// Stable lower-case code: "pm25", "pm10".
std::string_view PollutantCode(Pollutant pollutant);

// ---------------------------------------------------------------------------------------------
// Exact decimal concentrations.

// Fixed point: integer millionths of µg/m³.
inline constexpr int64_t kMicroPerUgm3 = 1'000'000;
// Largest concentration accepted, µg/m³. Far above any real ambient value (the device range is
// 0-1000, air-quality.md §3.4); it keeps the fixed-point arithmetic far from overflow.
inline constexpr double kMaxConcentrationUgm3 = 100'000.0;

// The decimal value of a double, to the nearest millionth of µg/m³ (15.1 becomes exactly
// 15.100000 although the double is 15.0999999999999996). Invalid for NaN, infinities, negative
// values and values above kMaxConcentrationUgm3.
Result<int64_t> ToMicroUgm3(double ugm3);

// Parses a plain decimal ("39.3", "120", "0.25"; at most 6 decimals, no sign, no exponent) into
// millionths of µg/m³ without going through a double. Invalid for anything else.
Result<int64_t> ParseMicroUgm3(std::string_view text);

// How a concentration is brought to table resolution.
enum class ConcentrationRounding {
  kTruncate,     // EPA rule (AirNow "The AQI Equation"); our default for the Thai AQI too
  kRoundHalfUp,  // what some third-party Thai implementations do (round() in CCDC code)
};

// micro (millionths of µg/m³) expressed in units of 1/units_per_ugm3 µg/m³.
int64_t ToTableUnits(int64_t micro, int64_t units_per_ugm3, ConcentrationRounding rounding);

// ---------------------------------------------------------------------------------------------
// Tables.

enum class AqiScale { kThai, kUs };

// One linear segment: concentrations conc_lo..conc_hi (inclusive, table units) map to
// aqi_lo..aqi_hi.
struct AqiBand {
  int64_t conc_lo;
  int64_t conc_hi;
  int aqi_lo;
  int aqi_hi;
  int level;  // category level of this segment
};

// A breakpoint table. Bands are contiguous at table resolution (band[i+1].conc_lo ==
// band[i].conc_hi + 1). Above the last band the index follows a scale-specific rule (options).
struct AqiTable {
  std::string_view id;  // stable, e.g. "th_pcd_2023_pm25"
  AqiScale scale;
  Pollutant pollutant;
  int64_t units_per_ugm3;  // 10: table in 0.1 µg/m³; 1: table in whole µg/m³
  std::span<const AqiBand> bands;
  int level_above;  // category of concentrations above the last band
  // Index above the last band (Thai kAir4Thai rule): base + floor((x - anchor) * num / den),
  // x in table units. Unused by the US tables.
  int64_t above_anchor = 0;
  int above_base = 0;
  int64_t above_num = 0;
  int64_t above_den = 1;
  std::string_view source;  // official source the rows copy
};

// ---------------------------------------------------------------------------------------------
// Results.

// An index value with its category.
struct Aqi {
  int value = 0;                    // the index (rounded half-up, or per the above-table rule)
  int level = 0;                    // category level: 1..5 Thai, 1..6 US
  bool above_table = false;         // concentration above the highest published breakpoint: label the
                                    // number in the UI ("> 200" Thai, "Beyond the AQI" US)
  double unrounded = 0.0;           // the index before rounding; for above_table, equals value
  int64_t concentration_units = 0;  // the concentration used, in table units
  friend bool operator==(const Aqi&, const Aqi&) = default;
};

// ---------------------------------------------------------------------------------------------
// Thai AQI (PCD). Input is the 24-h moving average (air-quality.md §1.2).

enum class ThaiAqiTable {
  kPcd2023,        // PM2.5 bands 0-15.0 / 15.1-25.0 / 25.1-37.5 / 37.6-75.0 / >=75.1 (since 1 June 2023)
  kPcdBefore2023,  // PM2.5 bands 0-25 / 26-37 / 38-50 / 51-90 / >=91 (historical data); PM10 unchanged
};

// PCD publishes no breakpoint above AQI 200 ("201 ขึ้นไป").
enum class ThaiAbove200 {
  // The numbers Air4Thai itself publishes, reverse-engineered from 1,191 published station-hours
  // (docs/air-quality-method.md): 201 + floor(C - 75.0) for PM2.5 and 201 + floor((C - 180)/2)
  // for PM10 (C at table resolution). For the pre-2023 PM2.5 table: 200 + (C - 90), the rule of
  // CMU CCDC's calAQIPM25. The number is labelled above_table.
  kAir4Thai,
  // 201 for every concentration in the red band: the category is certain, the number is not.
  kOpenEnded,
};

struct ThaiAqiOptions {
  ThaiAqiTable table = ThaiAqiTable::kPcd2023;
  ThaiAbove200 above_200 = ThaiAbove200::kAir4Thai;
  // PCD publishes concentrations already at table resolution, so its rule cannot be observed;
  // truncation follows EPA and air-quality.md §1.4.
  ConcentrationRounding rounding = ConcentrationRounding::kTruncate;
};

const AqiTable& ThaiAqiTableFor(Pollutant pollutant, ThaiAqiTable table);

// Thai AQI sub-index of a 24-h mean concentration (µg/m³). Invalid for NaN, infinities,
// negative or absurd (> kMaxConcentrationUgm3) concentrations.
Result<Aqi> ComputeThaiAqi(Pollutant pollutant, double ugm3, const ThaiAqiOptions& options = {});
// The same from an exact decimal (millionths of µg/m³, see ParseMicroUgm3).
Result<Aqi> ComputeThaiAqiExact(Pollutant pollutant, int64_t micro, const ThaiAqiOptions& options = {});

// The Thai category level (1..5) of a published index value; 0 for a negative index.
int ThaiAqiLevelOfIndex(int index);

// ---------------------------------------------------------------------------------------------
// US EPA AQI. Daily AQI from the 24-h mean; real-time AQI from the NowCast (nowcast.h).

enum class UsAqiTable {
  kEpa2024,        // 89 FR 16202, in force 6 May 2024
  kEpaBefore2024,  // 40 CFR 58 App. G as of 2012 (historical data)
};

// "AQI values above 500 are considered Beyond the AQI" (AirNow).
enum class UsAbove500 {
  kCapAt500,     // value 500, above_table: the UI shows "Beyond the AQI"
  kExtrapolate,  // extend the last segment without a cap (MazamaScience AirMonitor: 400 -> 649)
};

struct UsAqiOptions {
  UsAqiTable table = UsAqiTable::kEpa2024;
  UsAbove500 above_500 = UsAbove500::kCapAt500;
};

const AqiTable& UsAqiTableFor(Pollutant pollutant, UsAqiTable table);

// US AQI: concentration truncated to 0.1 µg/m³ (PM2.5) or 1 µg/m³ (PM10), linear equation,
// rounded to the nearest integer (half-up). Invalid as for ComputeThaiAqi.
Result<Aqi> ComputeUsAqi(Pollutant pollutant, double ugm3, const UsAqiOptions& options = {});
Result<Aqi> ComputeUsAqiExact(Pollutant pollutant, int64_t micro, const UsAqiOptions& options = {});

// The US category level (1..6) of an index value; 0 for a negative index.
int UsAqiLevelOfIndex(int index);

// ---------------------------------------------------------------------------------------------
// Overall index: the highest sub-index ("AQI = ค่าดัชนีย่อยที่มีค่าสูงสุด", PCD).

struct SubIndex {
  Pollutant pollutant;
  Aqi aqi;
};

// The sub-index with the highest value; on a tie the first. Empty input -> nullopt.
std::optional<SubIndex> HighestSubIndex(std::span<const SubIndex> sub_indices);

// ---------------------------------------------------------------------------------------------
// Categories. Texts that users read are resolved by key in the locale layer; the texts
// themselves are in data/aq/aqi_categories.json (names and health advice, Thai and English).

struct AqiCategory {
  AqiScale scale;
  int level;
  std::string_view key;  // "th_aqi.level.3": locale key of the category name
  std::string_view name_th;
  std::string_view name_en;
  std::string_view colour_hex;  // "#FFFF00": Air4Thai colours (Thai), EPA colours (US)
  std::string_view advice_key;  // "th_aqi.advice.3": locale key of the health advice
  int index_lo;                 // index range of the category
  int index_hi;                 // upper end; the top category has no end (INT_MAX)
};

std::span<const AqiCategory> AqiCategories(AqiScale scale);
// The category of a level (1..5 Thai, 1..6 US); NotFound for any other level.
Result<AqiCategory> AqiCategoryOf(AqiScale scale, int level);

}  // namespace ecotown::core
