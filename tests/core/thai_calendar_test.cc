#include "core/thai_calendar.h"

#include <gtest/gtest.h>

namespace ecotown::core {
namespace {

TEST(ThaiCalendarTest, DaysFromCivilRoundTrips) {
  for (int64_t days = -800000; days <= 800000; days += 997) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(days)), days);
  }
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({2000, 3, 1}), 11017);
}

TEST(ThaiCalendarTest, BangkokDateCrossesMidnightAtSeventeenUtc) {
  // 2026-11-26 16:59:59 UTC is 23:59:59 in Bangkok; one second later it is the 27th.
  EXPECT_EQ(BangkokDateOf(1795712399), (CivilDate{2026, 11, 26}));
  EXPECT_EQ(BangkokDateOf(1795712400), (CivilDate{2026, 11, 27}));
}

struct FiscalRow {
  CivilDate date;
  int fiscal_year_be;
};

TEST(ThaiCalendarTest, FiscalYearStartsFirstOfOctober) {
  const FiscalRow rows[] = {
      {{2025, 9, 30}, 2568},  // last day of FY 2568
      {{2025, 10, 1}, 2569},  // first day of FY 2569
      {{2026, 1, 1}, 2569},
      {{2026, 9, 30}, 2569},
      {{2026, 10, 1}, 2570},
      {{2026, 11, 26}, 2570},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(FiscalYearBe(row.date), row.fiscal_year_be) << row.date.year << "-" << row.date.month;
  }
}

TEST(ThaiCalendarTest, FiscalYearSpanIsOctoberToSeptember) {
  const auto span = FiscalYearSpanOf(2569);
  EXPECT_EQ(span.first, (CivilDate{2025, 10, 1}));
  EXPECT_EQ(span.last, (CivilDate{2026, 9, 30}));
}

TEST(ThaiCalendarTest, FormatsBuddhistEraDates) {
  EXPECT_EQ(FormatThaiDate({2026, 11, 26}), "26 พฤศจิกายน 2569");
  EXPECT_EQ(FormatThaiDate({2023, 6, 1}, true), "1 มิ.ย. 2566");
  EXPECT_EQ(FormatEnglishDate({2026, 11, 26}), "26 November 2026");
  EXPECT_EQ(ToBuddhistYear(2026), 2569);
  EXPECT_EQ(ToCommonEraYear(2566), 2023);
}

TEST(ThaiCalendarTest, ValidatesDates) {
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
  EXPECT_FALSE(IsValidDate(2025, 2, 29));
  EXPECT_FALSE(IsValidDate(1900, 2, 29));
  EXPECT_TRUE(IsValidDate(2000, 2, 29));
  EXPECT_FALSE(IsValidDate(2025, 4, 31));
  EXPECT_FALSE(IsValidDate(2025, 13, 1));
}

TEST(ThaiCalendarTest, FormatsIsoUtc) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1795712400), "2026-11-26T17:00:00Z");
}

}  // namespace
}  // namespace ecotown::core
