#include "core/thai_calendar.h"

#include <array>
#include <cstdio>

namespace ecotown::core {
namespace {

constexpr std::array<const char*, 12> kThaiMonths = {
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"};
constexpr std::array<const char*, 12> kThaiMonthsShort = {
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."};
constexpr std::array<const char*, 12> kEnglishMonths = {
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December"};

int64_t FloorDiv(int64_t a, int64_t b) { return (a >= 0 ? a : a - b + 1) / b; }

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(const CivilDate& date) {
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (date.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

CivilDate BangkokDateOf(int64_t unix_seconds) {
  return CivilFromDays(FloorDiv(unix_seconds + kBangkokUtcOffsetSeconds, 86400));
}

bool IsValidDate(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int limit = kDays[static_cast<size_t>(month - 1)] + (month == 2 && leap ? 1 : 0);
  return day <= limit;
}

int FiscalYearBe(const CivilDate& date) {
  return ToBuddhistYear(date.month >= 10 ? date.year + 1 : date.year);
}

FiscalYearSpan FiscalYearSpanOf(int fiscal_year_be) {
  const int end_ce = ToCommonEraYear(fiscal_year_be);
  return {{end_ce - 1, 10, 1}, {end_ce, 9, 30}};
}

std::string FormatThaiDate(const CivilDate& date, bool abbreviated) {
  const auto& months = abbreviated ? kThaiMonthsShort : kThaiMonths;
  return std::to_string(date.day) + " " + months[static_cast<size_t>(date.month - 1)] + " " +
         std::to_string(ToBuddhistYear(date.year));
}

std::string FormatEnglishDate(const CivilDate& date) {
  return std::to_string(date.day) + " " + kEnglishMonths[static_cast<size_t>(date.month - 1)] + " " +
         std::to_string(date.year);
}

std::string FormatIsoUtc(int64_t unix_seconds) {
  const int64_t days = FloorDiv(unix_seconds, 86400);
  const int64_t secs = unix_seconds - days * 86400;
  const CivilDate d = CivilFromDays(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day,
                static_cast<int>(secs / 3600), static_cast<int>(secs % 3600 / 60), static_cast<int>(secs % 60));
  return buf;
}

}  // namespace ecotown::core
