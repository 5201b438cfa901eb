#include "core/standards.h"

#include <array>
#include <cmath>

namespace ecotown::core {
namespace {

constexpr std::string_view kThaiPm25Source =
    "Thai PM2.5 ambient standards revised 2022: 24-h 37.5 (was 50) from 1 June 2023, annual 15 (was 25) from "
    "Royal Gazette publication 9 July 2022 (nationthailand.com/in-focus/40017734 ; /40015916)";
constexpr std::string_view kThaiPm10Source =
    "Thai PM10 ambient standards: 24-h 0.12 mg/m3, annual 0.05 mg/m3 (pcd.go.th/info_serv/reg_std_airsnd01.html ; "
    "env_data.onep.go.th/01_03/52-pm10/)";
constexpr std::string_view kWhoSource =
    "WHO global air quality guidelines (2021), AQG levels and interim targets, as summarised in "
    "shared/data/codes/who_aqg_2021_pm.csv (airclim.org summary, cross-checked with IQAir)";
constexpr std::string_view kWho24hNote = "99th percentile of daily means (3-4 exceedance days per year)";

constexpr CivilDate kThaiPm25DailyChange{2023, 6, 1};
constexpr CivilDate kThaiPm25AnnualChange{2022, 7, 9};

// Each row copies its source; who_aqg_2021_pm.csv is checked against this table by a test.
const std::array<PmLimit, 26> kLimits = {{
    {"th_pm25_24h", LimitKind::kThaiStandard, Pollutant::kPm25, AveragingPeriod::k24Hour, "Thai standard", 37.5,
     kThaiPm25DailyChange, std::nullopt, "", kThaiPm25Source},
    {"th_pm25_24h_before_2023", LimitKind::kThaiStandard, Pollutant::kPm25, AveragingPeriod::k24Hour,
     "Thai standard (until 31 May 2023)", 50.0, std::nullopt, CivilDate{2023, 5, 31}, "", kThaiPm25Source},
    {"th_pm25_annual", LimitKind::kThaiStandard, Pollutant::kPm25, AveragingPeriod::kAnnual, "Thai standard", 15.0,
     kThaiPm25AnnualChange, std::nullopt, "", kThaiPm25Source},
    {"th_pm25_annual_before_2022", LimitKind::kThaiStandard, Pollutant::kPm25, AveragingPeriod::kAnnual,
     "Thai standard (until 8 July 2022)", 25.0, std::nullopt, CivilDate{2022, 7, 8}, "", kThaiPm25Source},
    {"th_pm10_24h", LimitKind::kThaiStandard, Pollutant::kPm10, AveragingPeriod::k24Hour, "Thai standard", 120.0,
     std::nullopt, std::nullopt, "", kThaiPm10Source},
    {"th_pm10_annual", LimitKind::kThaiStandard, Pollutant::kPm10, AveragingPeriod::kAnnual, "Thai standard", 50.0,
     std::nullopt, std::nullopt, "", kThaiPm10Source},
    // WHO 2021, PM2.5.
    {"who2021_pm25_annual_it1", LimitKind::kWhoInterim, Pollutant::kPm25, AveragingPeriod::kAnnual, "WHO IT-1", 35.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm25_annual_it2", LimitKind::kWhoInterim, Pollutant::kPm25, AveragingPeriod::kAnnual, "WHO IT-2", 25.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm25_annual_it3", LimitKind::kWhoInterim, Pollutant::kPm25, AveragingPeriod::kAnnual, "WHO IT-3", 15.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm25_annual_it4", LimitKind::kWhoInterim, Pollutant::kPm25, AveragingPeriod::kAnnual, "WHO IT-4", 10.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm25_annual_aqg", LimitKind::kWhoGuideline, Pollutant::kPm25, AveragingPeriod::kAnnual, "WHO AQG", 5.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm25_24h_it1", LimitKind::kWhoInterim, Pollutant::kPm25, AveragingPeriod::k24Hour, "WHO IT-1", 75.0,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
    {"who2021_pm25_24h_it2", LimitKind::kWhoInterim, Pollutant::kPm25, AveragingPeriod::k24Hour, "WHO IT-2", 50.0,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
    {"who2021_pm25_24h_it3", LimitKind::kWhoInterim, Pollutant::kPm25, AveragingPeriod::k24Hour, "WHO IT-3", 37.5,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
    {"who2021_pm25_24h_it4", LimitKind::kWhoInterim, Pollutant::kPm25, AveragingPeriod::k24Hour, "WHO IT-4", 25.0,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
    {"who2021_pm25_24h_aqg", LimitKind::kWhoGuideline, Pollutant::kPm25, AveragingPeriod::k24Hour, "WHO AQG", 15.0,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
    // WHO 2021, PM10.
    {"who2021_pm10_annual_it1", LimitKind::kWhoInterim, Pollutant::kPm10, AveragingPeriod::kAnnual, "WHO IT-1", 70.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm10_annual_it2", LimitKind::kWhoInterim, Pollutant::kPm10, AveragingPeriod::kAnnual, "WHO IT-2", 50.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm10_annual_it3", LimitKind::kWhoInterim, Pollutant::kPm10, AveragingPeriod::kAnnual, "WHO IT-3", 30.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm10_annual_it4", LimitKind::kWhoInterim, Pollutant::kPm10, AveragingPeriod::kAnnual, "WHO IT-4", 20.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm10_annual_aqg", LimitKind::kWhoGuideline, Pollutant::kPm10, AveragingPeriod::kAnnual, "WHO AQG", 15.0,
     std::nullopt, std::nullopt, "", kWhoSource},
    {"who2021_pm10_24h_it1", LimitKind::kWhoInterim, Pollutant::kPm10, AveragingPeriod::k24Hour, "WHO IT-1", 150.0,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
    {"who2021_pm10_24h_it2", LimitKind::kWhoInterim, Pollutant::kPm10, AveragingPeriod::k24Hour, "WHO IT-2", 100.0,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
    {"who2021_pm10_24h_it3", LimitKind::kWhoInterim, Pollutant::kPm10, AveragingPeriod::k24Hour, "WHO IT-3", 75.0,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
    {"who2021_pm10_24h_it4", LimitKind::kWhoInterim, Pollutant::kPm10, AveragingPeriod::k24Hour, "WHO IT-4", 50.0,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
    {"who2021_pm10_24h_aqg", LimitKind::kWhoGuideline, Pollutant::kPm10, AveragingPeriod::k24Hour, "WHO AQG", 45.0,
     std::nullopt, std::nullopt, kWho24hNote, kWhoSource},
}};

bool InForce(const PmLimit& limit, std::optional<CivilDate> on) {
  if (!on) return !limit.valid_until.has_value();
  const int64_t day = DaysFromCivil(*on);
  if (limit.valid_from && day < DaysFromCivil(*limit.valid_from)) return false;
  if (limit.valid_until && day > DaysFromCivil(*limit.valid_until)) return false;
  return true;
}

}  // namespace

std::string_view AveragingPeriodCode(AveragingPeriod period) {
  switch (period) {
    case AveragingPeriod::k24Hour:
      return "24h";
    case AveragingPeriod::kAnnual:
      return "annual";
  }
  return "24h";
}

std::span<const PmLimit> PmLimits() { return kLimits; }

std::vector<PmLimit> PmLimitsFor(Pollutant pollutant, AveragingPeriod period, std::optional<CivilDate> on) {
  std::vector<PmLimit> out;
  for (const auto& limit : kLimits) {
    if (limit.pollutant == pollutant && limit.period == period && InForce(limit, on)) out.push_back(limit);
  }
  return out;
}

Result<std::vector<Exceedance>> EvaluatePmLimits(Pollutant pollutant, AveragingPeriod period, double mean_ugm3,
                                                 std::optional<CivilDate> on) {
  ASSIGN_OR_RETURN(const int64_t micro, ToMicroUgm3(mean_ugm3));
  const int64_t units_per_ugm3 = pollutant == Pollutant::kPm25 ? 10 : 1;
  const int64_t mean_units = ToTableUnits(micro, units_per_ugm3, ConcentrationRounding::kTruncate);
  std::vector<Exceedance> out;
  for (const auto& limit : PmLimitsFor(pollutant, period, on)) {
    // Limits are exact at 0.1 µg/m³; llround recovers 37.5 -> 375 exactly.
    const int64_t limit_units = std::llround(limit.limit_ugm3 * static_cast<double>(units_per_ugm3));
    Exceedance exceedance;
    exceedance.limit = limit;
    exceedance.exceeded = mean_units > limit_units;
    exceedance.ratio = mean_ugm3 / limit.limit_ugm3;
    out.push_back(exceedance);
  }
  return out;
}

}  // namespace ecotown::core
