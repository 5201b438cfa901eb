#include "ingest/parse_util.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace ecotown::ingest {
namespace {

TEST(ParseDecimalTest, AcceptsPlainDecimalsOnly) {
  struct Row {
    const char* text;
    std::optional<double> expected;
  };
  const Row rows[] = {
      {"23.43", 23.43}, {"-67", -67.0},  {"100845.44", 100845.44},
      {"0", 0.0},       {"1e3", 1000.0}, {"12.70", 12.7},
      {"", {}},         {"-", {}},       {"+5", {}},
      {" 5", {}},       {"5 ", {}},      {"inf", {}},
      {"-inf", {}},     {"nan", {}},     {"NaN", {}},
      {"1e999", {}},    {"0x10", {}},    {"1,5", {}},
      {"12abc", {}},    {"1e", {}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    EXPECT_EQ(ParseDecimal(row.text), row.expected);
  }
}

TEST(ParseTimestampTest, IsoAndUnixSeconds) {
  constexpr int64_t kBangkok = 7 * 3600;
  struct Row {
    const char* text;
    std::optional<int64_t> expected;
  };
  const Row rows[] = {
      {"1767574800", 1767574800},
      {"2026-01-05T08:00:00+07:00", 1767574800},
      {"2026-01-05T01:00:00Z", 1767574800},
      {"2026-01-05T01:00:00z", 1767574800},
      {"2026-01-05T08:00:00", 1767574800},  // naive = Bangkok
      {"2026-01-05 08:00:00", 1767574800},
      {"2026-01-05T08:00", 1767574800},
      {"2026-01-05T08:00:00.999+07:00", 1767574800},  // fraction dropped
      {"2026-01-05T08:00:00+0700", 1767574800},
      {"2026-01-05T08:00:00+07", 1767574800},
      {"2026-01-04T20:00:00-05:00", 1767574800},
      {"2024-02-29T00:00:00Z", 1709164800},
      {"2025-02-29T00:00:00Z", {}},
      {"2026-13-01T00:00:00Z", {}},
      {"2026-01-05T24:00:00Z", {}},
      {"2026-01-05T23:59:60Z", {}},
      {"2026-01-05", {}},
      {"2026-01-05T08:00:00+7", {}},
      {"2026-01-05T08:00:00 +07:00", {}},
      {"2026-01-05T08:00:00+15:00", {}},
      {"1970-01-01T00:00:00Z", {}},  // 0 means "no time"
      {"0", {}},
      {"-5", {}},
      {"99999999999999999999", {}},
      {"1767574800.5", {}},
      {"", {}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    EXPECT_EQ(ParseTimestamp(row.text, kBangkok), row.expected);
  }
}

TEST(DeviceKeyTest, PrintableUtf8WithoutControls) {
  EXPECT_TRUE(IsValidDeviceKey("esp8266-13966475"));
  EXPECT_TRUE(IsValidDeviceKey("สถานี 1"));
  EXPECT_FALSE(IsValidDeviceKey(""));
  EXPECT_FALSE(IsValidDeviceKey(" s1"));
  EXPECT_FALSE(IsValidDeviceKey("s1\n"));
  EXPECT_FALSE(
      IsValidDeviceKey(std::string("s\0"
                                   "1",
                                   3)));
  EXPECT_FALSE(IsValidDeviceKey("\xff\xfe"));
  EXPECT_FALSE(IsValidDeviceKey(std::string(kMaxDeviceKeyBytes + 1, 'a')));
}

TEST(QuoteForMessageTest, KeepsMessagesValidUtf8) {
  EXPECT_EQ(QuoteForMessage("abc"), "\"abc\"");
  EXPECT_EQ(QuoteForMessage("a\xff"
                            "b"),
            "\"a\\xffb\"");
  EXPECT_EQ(QuoteForMessage("ไทย"), "\"ไทย\"");
  EXPECT_EQ(QuoteForMessage(std::string(50, 'x'), 10), "\"xxxxxxxxxx...\"");
}

}  // namespace
}  // namespace ecotown::ingest
