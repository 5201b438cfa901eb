// Thai calendar conventions: Buddhist Era years, the government fiscal year, and Thai date text.
//
// Thai government fiscal year N (BE) runs 1 October of year N-1 to 30 September of year N, and
// is named by the BE year in which it ends (Budget Procedures Act B.E. 2561). Thailand uses
// Asia/Bangkok, UTC+7, with no daylight saving. Pure functions; no clock, no I/O.
#pragma once

#include <cstdint>
#include <string>

namespace ecotown::core {

inline constexpr int kBuddhistEraOffset = 543;
inline constexpr int64_t kBangkokUtcOffsetSeconds = 7 * 3600;

struct CivilDate {
  int year = 1970;  // Common Era
  int month = 1;    // 1..12
  int day = 1;      // 1..31
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(int64_t days);

// The local calendar date of a Unix time in Asia/Bangkok.
CivilDate BangkokDateOf(int64_t unix_seconds);

// True when year/month/day names a real day.
bool IsValidDate(int year, int month, int day);

constexpr int ToBuddhistYear(int ce_year) { return ce_year + kBuddhistEraOffset; }
constexpr int ToCommonEraYear(int be_year) { return be_year - kBuddhistEraOffset; }

// The fiscal year (BE) that contains the date: October to December belong to the next year's.
int FiscalYearBe(const CivilDate& date);

struct FiscalYearSpan {
  CivilDate first;  // 1 October of CE year (N-1-543)
  CivilDate last;   // 30 September of CE year (N-543)
};
FiscalYearSpan FiscalYearSpanOf(int fiscal_year_be);

// "26 พฤศจิกายน 2569" (full) or "26 พ.ย. 2569" (abbreviated).
std::string FormatThaiDate(const CivilDate& date, bool abbreviated = false);
// "26 November 2026".
std::string FormatEnglishDate(const CivilDate& date);
// ISO 8601 "2026-11-26T20:42:10Z".
std::string FormatIsoUtc(int64_t unix_seconds);

}  // namespace ecotown::core
