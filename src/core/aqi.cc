#include "core/aqi.h"

#include <array>
#include <climits>
#include <cmath>
#include <string>

namespace ecotown::core {
namespace {

// --- Thai AQI (PCD). Bands: kongkiatchanu/pm2_5 application/views/main/definition.php (PCD 2023
// table), shared/data/codes/th_aqi_breakpoints.csv; red threshold 75.1 µg/m³:
// https://thailand.go.th/issue-focus-detail/001_04_073. PM2.5 in 0.1 µg/m³, PM10 in 1 µg/m³.
constexpr std::array<AqiBand, 4> kThaiPm25Pcd2023 = {{
    {0, 150, 0, 25, 1},
    {151, 250, 26, 50, 2},
    {251, 375, 51, 100, 3},
    {376, 750, 101, 200, 4},
}};
// Pre-June-2023 PM2.5 (whole µg/m³): https://www.cmuccdc.org/calculate ;
// https://airq.ku.ac.th/quality.php ; kongkiatchanu/pm2_5 functions_helper.php calAQIPM25.
constexpr std::array<AqiBand, 4> kThaiPm25PcdBefore2023 = {{
    {0, 25, 0, 25, 1},
    {26, 37, 26, 50, 2},
    {38, 50, 51, 100, 3},
    {51, 90, 101, 200, 4},
}};
// PM10 (whole µg/m³), unchanged in 2023: same sources as the 2023 table.
constexpr std::array<AqiBand, 4> kThaiPm10 = {{
    {0, 50, 0, 25, 1},
    {51, 80, 26, 50, 2},
    {81, 120, 51, 100, 3},
    {121, 180, 101, 200, 4},
}};

constexpr std::string_view kThaiSource2023 =
    "PCD AQI table 2023 as reproduced in kongkiatchanu/pm2_5 application/views/main/definition.php";

// Above 200: the Air4Thai rule (docs/air-quality-method.md), and CCDC's "round(val)-90+200" for
// the old PM2.5 table.
const AqiTable kThaiTablePm25Pcd2023{.id = "th_pcd_2023_pm25",
                                     .scale = AqiScale::kThai,
                                     .pollutant = Pollutant::kPm25,
                                     .units_per_ugm3 = 10,
                                     .bands = kThaiPm25Pcd2023,
                                     .level_above = 5,
                                     .above_anchor = 750,
                                     .above_base = 201,
                                     .above_num = 1,
                                     .above_den = 10,
                                     .source = kThaiSource2023};
const AqiTable kThaiTablePm25PcdBefore2023{
    .id = "th_pcd_before_2023_pm25",
    .scale = AqiScale::kThai,
    .pollutant = Pollutant::kPm25,
    .units_per_ugm3 = 1,
    .bands = kThaiPm25PcdBefore2023,
    .level_above = 5,
    .above_anchor = 90,
    .above_base = 200,
    .above_num = 1,
    .above_den = 1,
    .source = "https://www.cmuccdc.org/calculate ; kongkiatchanu/pm2_5 application/helpers/functions_helper.php"};
const AqiTable kThaiTablePm10{.id = "th_pcd_pm10",
                              .scale = AqiScale::kThai,
                              .pollutant = Pollutant::kPm10,
                              .units_per_ugm3 = 1,
                              .bands = kThaiPm10,
                              .level_above = 5,
                              .above_anchor = 180,
                              .above_base = 201,
                              .above_num = 1,
                              .above_den = 2,
                              .source = kThaiSource2023};

// --- US EPA. 2024 PM2.5: 89 FR 16202 (6 March 2024), rows as in MazamaScience/AirMonitor
// R/utils_aqi.R "PM2.5_2024". Pre-2024 PM2.5 and PM10: 40 CFR 58 App. G Table 2 (PM10 rows as
// corrected by FR Doc. E9-15326, 26 June 2009; old PM2.5 rows as in AirMonitor). PM10 is
// unchanged in 2024 except that its Hazardous rows merge to 425-604 -> 301-500, as for PM2.5
// (our reading of the 2024 TAD: air-quality.md §2.1, §7 item 9).
constexpr std::array<AqiBand, 6> kUsPm25Epa2024 = {{
    {0, 90, 0, 50, 1},
    {91, 354, 51, 100, 2},
    {355, 554, 101, 150, 3},
    {555, 1254, 151, 200, 4},
    {1255, 2254, 201, 300, 5},
    {2255, 3254, 301, 500, 6},
}};
constexpr std::array<AqiBand, 7> kUsPm25EpaBefore2024 = {{
    {0, 120, 0, 50, 1},
    {121, 354, 51, 100, 2},
    {355, 554, 101, 150, 3},
    {555, 1504, 151, 200, 4},
    {1505, 2504, 201, 300, 5},
    {2505, 3504, 301, 400, 6},
    {3505, 5004, 401, 500, 6},
}};
constexpr std::array<AqiBand, 6> kUsPm10Epa2024 = {{
    {0, 54, 0, 50, 1},
    {55, 154, 51, 100, 2},
    {155, 254, 101, 150, 3},
    {255, 354, 151, 200, 4},
    {355, 424, 201, 300, 5},
    {425, 604, 301, 500, 6},
}};
constexpr std::array<AqiBand, 7> kUsPm10EpaBefore2024 = {{
    {0, 54, 0, 50, 1},
    {55, 154, 51, 100, 2},
    {155, 254, 101, 150, 3},
    {255, 354, 151, 200, 4},
    {355, 424, 201, 300, 5},
    {425, 504, 301, 400, 6},
    {505, 604, 401, 500, 6},
}};

const AqiTable kUsTablePm25Epa2024{.id = "us_epa_2024_pm25",
                                   .scale = AqiScale::kUs,
                                   .pollutant = Pollutant::kPm25,
                                   .units_per_ugm3 = 10,
                                   .bands = kUsPm25Epa2024,
                                   .level_above = 6,
                                   .source = "89 FR 16202 (2024); MazamaScience/AirMonitor R/utils_aqi.R"};
const AqiTable kUsTablePm25EpaBefore2024{.id = "us_epa_before_2024_pm25",
                                         .scale = AqiScale::kUs,
                                         .pollutant = Pollutant::kPm25,
                                         .units_per_ugm3 = 10,
                                         .bands = kUsPm25EpaBefore2024,
                                         .level_above = 6,
                                         .source = "40 CFR 58 App. G Table 2; MazamaScience/AirMonitor R/utils_aqi.R"};
const AqiTable kUsTablePm10Epa2024{.id = "us_epa_2024_pm10",
                                   .scale = AqiScale::kUs,
                                   .pollutant = Pollutant::kPm10,
                                   .units_per_ugm3 = 1,
                                   .bands = kUsPm10Epa2024,
                                   .level_above = 6,
                                   .source = "40 CFR 58 App. G Table 2 (PM10 retained in 89 FR 16202)"};
const AqiTable kUsTablePm10EpaBefore2024{.id = "us_epa_before_2024_pm10",
                                         .scale = AqiScale::kUs,
                                         .pollutant = Pollutant::kPm10,
                                         .units_per_ugm3 = 1,
                                         .bands = kUsPm10EpaBefore2024,
                                         .level_above = 6,
                                         .source = "40 CFR 58 App. G Table 2 (FR Doc. E9-15326, 26 June 2009)"};

// --- Categories. Thai names and Air4Thai colours: air-quality.md §1.5 (sutair.sut.ac.th;
// Air4Thai clients' color_id mapping). US names: AirNow; colours: MazamaScience/AirMonitor
// colors_EPA ("Official EPA colors"); Thai names of US categories: CMU CCDC
// (kongkiatchanu/pm2_5 application/controllers/api/Station.php).
constexpr std::array<AqiCategory, 5> kThaiCategories = {{
    {AqiScale::kThai, 1, "th_aqi.level.1", "คุณภาพอากาศดีมาก", "Very good", "#3BCCFF", "th_aqi.advice.1", 0, 25},
    {AqiScale::kThai, 2, "th_aqi.level.2", "คุณภาพอากาศดี", "Good", "#92D050", "th_aqi.advice.2", 26, 50},
    {AqiScale::kThai, 3, "th_aqi.level.3", "ปานกลาง", "Moderate", "#FFFF00", "th_aqi.advice.3", 51, 100},
    {AqiScale::kThai, 4, "th_aqi.level.4", "เริ่มมีผลกระทบต่อสุขภาพ", "Starting to affect health", "#FFA200",
     "th_aqi.advice.4", 101, 200},
    {AqiScale::kThai, 5, "th_aqi.level.5", "มีผลกระทบต่อสุขภาพ", "Affecting health", "#F04646", "th_aqi.advice.5", 201,
     INT_MAX},
}};
constexpr std::array<AqiCategory, 6> kUsCategories = {{
    {AqiScale::kUs, 1, "us_aqi.level.1", "คุณภาพอากาศดี", "Good", "#00E400", "us_aqi.advice.1", 0, 50},
    {AqiScale::kUs, 2, "us_aqi.level.2", "คุณภาพอากาศปานกลาง", "Moderate", "#FFFF00", "us_aqi.advice.2", 51, 100},
    {AqiScale::kUs, 3, "us_aqi.level.3", "คุณภาพอากาศไม่ดีต่อกลุ่มเสี่ยง", "Unhealthy for Sensitive Groups", "#FF7E00",
     "us_aqi.advice.3", 101, 150},
    {AqiScale::kUs, 4, "us_aqi.level.4", "คุณภาพอากาศไม่ดี", "Unhealthy", "#FF0000", "us_aqi.advice.4", 151, 200},
    {AqiScale::kUs, 5, "us_aqi.level.5", "คุณภาพอากาศไม่ดีอย่างยิ่ง", "Very Unhealthy", "#8F3F97", "us_aqi.advice.5", 201,
     300},
    {AqiScale::kUs, 6, "us_aqi.level.6", "คุณภาพอากาศอันตราย", "Hazardous", "#7E0023", "us_aqi.advice.6", 301, INT_MAX},
}};

// floor(num / den) for den > 0 and any sign of num.
int64_t FloorDiv(int64_t num, int64_t den) {
  int64_t q = num / den;
  if ((num % den != 0) && (num < 0)) --q;
  return q;
}

// ilo + (ihi - ilo) * (x - xlo) / (xhi - xlo), rounded half-up, on integers.
Aqi Interpolate(const AqiBand& band, int64_t x) {
  const int64_t num = static_cast<int64_t>(band.aqi_hi - band.aqi_lo) * (x - band.conc_lo);
  const int64_t den = band.conc_hi - band.conc_lo;
  Aqi aqi;
  aqi.level = band.level;
  aqi.concentration_units = x;
  if (den == 0) {
    aqi.value = band.aqi_lo;
    aqi.unrounded = band.aqi_lo;
    return aqi;
  }
  aqi.value = band.aqi_lo + static_cast<int>(FloorDiv(2 * num + den, 2 * den));
  aqi.unrounded = band.aqi_lo + static_cast<double>(num) / static_cast<double>(den);
  return aqi;
}

const AqiBand* FindBand(const AqiTable& table, int64_t x) {
  for (const auto& band : table.bands) {
    if (x >= band.conc_lo && x <= band.conc_hi) return &band;
  }
  return nullptr;
}

Result<int64_t> ConcentrationUnits(const AqiTable& table, int64_t micro, ConcentrationRounding rounding) {
  if (micro < 0) return Status::Invalid("concentration must not be negative", "concentration");
  if (micro > static_cast<int64_t>(kMaxConcentrationUgm3) * kMicroPerUgm3) {
    return Status::Invalid("concentration above the plausible range", "concentration");
  }
  return ToTableUnits(micro, table.units_per_ugm3, rounding);
}

}  // namespace

std::string_view PollutantCode(Pollutant pollutant) {
  switch (pollutant) {
    case Pollutant::kPm25:
      return "pm25";
    case Pollutant::kPm10:
      return "pm10";
  }
  return "pm25";
}

Result<int64_t> ToMicroUgm3(double ugm3) {
  if (!std::isfinite(ugm3)) return Status::Invalid("concentration is not a finite number", "concentration");
  if (ugm3 < 0.0) return Status::Invalid("concentration must not be negative", "concentration");
  if (ugm3 > kMaxConcentrationUgm3) return Status::Invalid("concentration above the plausible range", "concentration");
  return static_cast<int64_t>(std::llround(ugm3 * static_cast<double>(kMicroPerUgm3)));
}

Result<int64_t> ParseMicroUgm3(std::string_view text) {
  const auto invalid = [&] {
    return Status::Invalid("concentration is not a plain decimal number: '" + std::string(text) + "'", "concentration");
  };
  if (text.empty()) return invalid();
  int64_t whole = 0;
  size_t i = 0;
  size_t int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    if (whole > static_cast<int64_t>(kMaxConcentrationUgm3)) return invalid();
    whole = whole * 10 + (text[i] - '0');
  }
  if (int_digits == 0) return invalid();
  int64_t fraction = 0;
  int64_t scale = kMicroPerUgm3;
  if (i < text.size()) {
    if (text[i] != '.') return invalid();
    ++i;
    if (i == text.size()) return invalid();
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9' || scale == 1) return invalid();
      scale /= 10;
      fraction += (text[i] - '0') * scale;
    }
  }
  if (whole > static_cast<int64_t>(kMaxConcentrationUgm3)) return invalid();
  const int64_t micro = whole * kMicroPerUgm3 + fraction;
  if (micro > static_cast<int64_t>(kMaxConcentrationUgm3) * kMicroPerUgm3) return invalid();
  return micro;
}

int64_t ToTableUnits(int64_t micro, int64_t units_per_ugm3, ConcentrationRounding rounding) {
  const int64_t step = kMicroPerUgm3 / units_per_ugm3;
  switch (rounding) {
    case ConcentrationRounding::kTruncate:
      return FloorDiv(micro, step);
    case ConcentrationRounding::kRoundHalfUp:
      return FloorDiv(2 * micro + step, 2 * step);
  }
  return FloorDiv(micro, step);
}

const AqiTable& ThaiAqiTableFor(Pollutant pollutant, ThaiAqiTable table) {
  if (pollutant == Pollutant::kPm10) return kThaiTablePm10;
  return table == ThaiAqiTable::kPcd2023 ? kThaiTablePm25Pcd2023 : kThaiTablePm25PcdBefore2023;
}

Result<Aqi> ComputeThaiAqiExact(Pollutant pollutant, int64_t micro, const ThaiAqiOptions& options) {
  const AqiTable& table = ThaiAqiTableFor(pollutant, options.table);
  ASSIGN_OR_RETURN(const int64_t x, ConcentrationUnits(table, micro, options.rounding));
  if (const AqiBand* band = FindBand(table, x)) return Interpolate(*band, x);
  Aqi aqi;
  aqi.level = table.level_above;
  aqi.above_table = true;
  aqi.concentration_units = x;
  switch (options.above_200) {
    case ThaiAbove200::kAir4Thai:
      aqi.value =
          table.above_base + static_cast<int>(FloorDiv((x - table.above_anchor) * table.above_num, table.above_den));
      break;
    case ThaiAbove200::kOpenEnded:
      aqi.value = 201;
      break;
  }
  aqi.unrounded = aqi.value;
  return aqi;
}

Result<Aqi> ComputeThaiAqi(Pollutant pollutant, double ugm3, const ThaiAqiOptions& options) {
  ASSIGN_OR_RETURN(const int64_t micro, ToMicroUgm3(ugm3));
  return ComputeThaiAqiExact(pollutant, micro, options);
}

int ThaiAqiLevelOfIndex(int index) {
  if (index < 0) return 0;
  for (const auto& category : kThaiCategories) {
    if (index <= category.index_hi) return category.level;
  }
  return 5;
}

const AqiTable& UsAqiTableFor(Pollutant pollutant, UsAqiTable table) {
  if (pollutant == Pollutant::kPm10) {
    return table == UsAqiTable::kEpa2024 ? kUsTablePm10Epa2024 : kUsTablePm10EpaBefore2024;
  }
  return table == UsAqiTable::kEpa2024 ? kUsTablePm25Epa2024 : kUsTablePm25EpaBefore2024;
}

Result<Aqi> ComputeUsAqiExact(Pollutant pollutant, int64_t micro, const UsAqiOptions& options) {
  const AqiTable& table = UsAqiTableFor(pollutant, options.table);
  ASSIGN_OR_RETURN(const int64_t x, ConcentrationUnits(table, micro, ConcentrationRounding::kTruncate));
  if (const AqiBand* band = FindBand(table, x)) return Interpolate(*band, x);
  const AqiBand& last = table.bands.back();
  switch (options.above_500) {
    case UsAbove500::kCapAt500: {
      Aqi aqi;
      aqi.value = last.aqi_hi;
      aqi.unrounded = last.aqi_hi;
      aqi.level = table.level_above;
      aqi.above_table = true;
      aqi.concentration_units = x;
      return aqi;
    }
    case UsAbove500::kExtrapolate: {
      Aqi aqi = Interpolate(last, x);
      aqi.level = table.level_above;
      aqi.above_table = true;
      return aqi;
    }
  }
  return Status::Internal("unknown UsAbove500 option");
}

Result<Aqi> ComputeUsAqi(Pollutant pollutant, double ugm3, const UsAqiOptions& options) {
  ASSIGN_OR_RETURN(const int64_t micro, ToMicroUgm3(ugm3));
  return ComputeUsAqiExact(pollutant, micro, options);
}

int UsAqiLevelOfIndex(int index) {
  if (index < 0) return 0;
  for (const auto& category : kUsCategories) {
    if (index <= category.index_hi) return category.level;
  }
  return 6;
}

std::optional<SubIndex> HighestSubIndex(std::span<const SubIndex> sub_indices) {
  std::optional<SubIndex> best;
  for (const auto& sub : sub_indices) {
    if (!best || sub.aqi.value > best->aqi.value) best = sub;
  }
  return best;
}

std::span<const AqiCategory> AqiCategories(AqiScale scale) {
  if (scale == AqiScale::kThai) return kThaiCategories;
  return kUsCategories;
}

Result<AqiCategory> AqiCategoryOf(AqiScale scale, int level) {
  for (const auto& category : AqiCategories(scale)) {
    if (category.level == level) return category;
  }
  return Status::NotFound("no AQI category with level " + std::to_string(level));
}

}  // namespace ecotown::core
