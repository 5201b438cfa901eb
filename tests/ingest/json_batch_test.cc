// The native batch format of POST /api/v1/readings (docs/ingest-formats.md): all or nothing.
#include "ingest/json_batch.h"

#include <gtest/gtest.h>

#include <string>

namespace ecotown::ingest {
namespace {

std::vector<readings::RawReading> ParseOk(std::string_view body) {
  auto result = ParseJsonBatch(body);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : std::vector<readings::RawReading>{};
}

Status ParseError(std::string_view body) {
  auto result = ParseJsonBatch(body);
  EXPECT_FALSE(result.ok()) << "accepted: " << body.substr(0, 200);
  return result.ok() ? Status::Ok() : result.status();
}

std::string Batch(const std::string& rows) { return R"({"readings":[)" + rows + "]}"; }

TEST(JsonBatchTest, DocumentedExample) {
  const auto rows = ParseOk(
      R"({"readings":[{"sensor":"s0001","ts":"2026-01-05T08:00:00+07:00","pm2_5":12.3,"pm10":20,"temperature":31.2,"humidity":70},)"
      R"({"sensor":"s0002","ts":1767574800,"pm1":4.5,"pm2_5":null,"pressure":1008.2,"co2":415}]})");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].device_key, "s0001");
  EXPECT_EQ(rows[0].ts, 1767574800);
  EXPECT_EQ(rows[0].source, readings::Source::kJsonBatch);
  EXPECT_EQ(rows[0].pm2_5, 12.3);
  EXPECT_EQ(rows[0].pm10, 20.0);
  EXPECT_EQ(rows[0].temperature_c, 31.2);
  EXPECT_EQ(rows[0].humidity_pct, 70.0);
  EXPECT_EQ(rows[1].ts, 1767574800);
  EXPECT_EQ(rows[1].pm1, 4.5);
  EXPECT_FALSE(rows[1].pm2_5.has_value());
  EXPECT_EQ(rows[1].pressure_hpa, 1008.2);
  EXPECT_EQ(rows[1].co2_ppm, 415.0);
}

TEST(JsonBatchTest, TimeForms) {
  for (const char* ts : {R"("2026-01-05T01:00:00Z")", R"("2026-01-05T08:00:00")", R"("1767574800")", "1767574800",
                         "1767574800.0", "1.7675748e9"}) {
    SCOPED_TRACE(ts);
    const auto rows = ParseOk(Batch(std::string(R"({"sensor":"a","pm2_5":1,"ts":)") + ts + "}"));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].ts, 1767574800);
  }
  for (const char* ts : {"1767574800.5", "0", "-5", "1e20", "true", "null", R"("yesterday")", R"("2026-01-05")"}) {
    SCOPED_TRACE(ts);
    EXPECT_EQ(ParseError(Batch(std::string(R"({"sensor":"a","pm2_5":1,"ts":)") + ts + "}")).field(), "readings[0].ts");
  }
}

TEST(JsonBatchTest, OneBadRowRefusesTheBatchNamingIt) {
  std::string rows;
  for (int i = 0; i < 20; ++i) {
    if (i) rows += ",";
    rows += R"({"sensor":"s1","ts":)" + std::to_string(1767574800 + i * 60) + R"(,"pm2_5":)" +
            (i == 17 ? std::string(R"("12.3")") : std::to_string(i)) + "}";
  }
  const Status error = ParseError(Batch(rows));
  EXPECT_EQ(error.code(), StatusCode::kInvalid);
  EXPECT_EQ(error.field(), "readings[17].pm2_5");
  EXPECT_EQ(error.message().rfind("readings[17].pm2_5: expected a number, got a string", 0), 0u) << error.message();
}

TEST(JsonBatchTest, RefusesUnknownRepeatedAndMissingFields) {
  EXPECT_EQ(ParseError(Batch(R"({"sensor":"a","ts":1767574800,"pm25":1})")).field(), "readings[0].pm25");
  EXPECT_EQ(ParseError(Batch(R"({"sensor":"a","ts":1767574800,"pm2_5":1,"pm2_5":2})")).field(), "readings[0].pm2_5");
  EXPECT_EQ(ParseError(Batch(R"({"ts":1767574800,"pm2_5":1})")).field(), "readings[0].sensor");
  EXPECT_EQ(ParseError(Batch(R"({"sensor":"a","pm2_5":1})")).field(), "readings[0].ts");
  EXPECT_EQ(ParseError(Batch(R"({"sensor":"a","ts":1767574800})")).field(), "readings[0]");
  EXPECT_EQ(ParseError(Batch(R"({"sensor":"a","ts":1767574800,"pm2_5":null})")).field(), "readings[0]");
  EXPECT_EQ(ParseError(R"({"readings":[],"source":"x"})").field(), "source");
  EXPECT_EQ(ParseError(R"({"readings":[],"readings":[]})").field(), "readings");
  EXPECT_EQ(ParseError(R"({})").field(), "readings");
  EXPECT_EQ(ParseError(R"({"readings":{}})").field(), "readings");
  EXPECT_EQ(ParseError(R"([])").code(), StatusCode::kInvalid);
  EXPECT_EQ(ParseError(Batch("5")).field(), "readings[0]");
  const Status odd_key = ParseError(Batch("{\"sensor\":\"a\",\"ts\":1767574800,\"pm2_5\":1,\"x\\u0001\":1}"));
  EXPECT_EQ(odd_key.field(), "readings[0].\"x\\x01\"");
}

TEST(JsonBatchTest, RefusesBadValues) {
  for (const char* value : {R"("12.3")", "true", "[1]", "{}", R"("NaN")"}) {
    SCOPED_TRACE(value);
    EXPECT_EQ(ParseError(Batch(std::string(R"({"sensor":"a","ts":1767574800,"humidity":)") + value + "}")).field(),
              "readings[0].humidity");
  }
  EXPECT_EQ(ParseError(Batch(R"({"sensor":"","ts":1767574800,"pm2_5":1})")).field(), "readings[0].sensor");
  EXPECT_EQ(ParseError(Batch(R"({"sensor":" a","ts":1767574800,"pm2_5":1})")).field(), "readings[0].sensor");
  EXPECT_EQ(ParseError(Batch(R"({"sensor":"a\n","ts":1767574800,"pm2_5":1})")).field(), "readings[0].sensor");
  EXPECT_EQ(ParseError(Batch(R"({"sensor":7,"ts":1767574800,"pm2_5":1})")).field(), "readings[0].sensor");
  // Huge numbers: finite ones are kept for QA, overflow is refused (with its line and column).
  EXPECT_EQ(ParseOk(Batch(R"({"sensor":"a","ts":1767574800,"pm2_5":1e300})"))[0].pm2_5, 1e300);
  EXPECT_EQ(ParseOk(Batch(R"({"sensor":"a","ts":1767574800,"pm2_5":18446744073709551615})"))[0].pm2_5,
            18446744073709551615.0);
  const Status overflow = ParseError(Batch(R"({"sensor":"a","ts":1767574800,"pm2_5":1e400})"));
  EXPECT_EQ(overflow.field(), "readings[0].pm2_5") << overflow.message();
  EXPECT_NE(overflow.message().find("line 1, column"), std::string::npos) << overflow.message();
}

TEST(JsonBatchTest, MalformedTruncatedEmptyAndInvalidUtf8) {
  const std::string body =
      Batch(R"({"sensor":"a","ts":1767574800,"pm2_5":1},{"sensor":"b","ts":1767574800,"pm2_5":2})");
  for (size_t length = 0; length < body.size(); ++length) {
    SCOPED_TRACE(length);
    EXPECT_EQ(ParseError(std::string_view(body).substr(0, length)).code(), StatusCode::kInvalid);
  }
  const Status truncated = ParseError(std::string_view(body).substr(0, 60));
  EXPECT_EQ(truncated.field(), "readings[1]") << truncated.message();
  const Status in_value = ParseError(std::string_view(body).substr(0, 66));  // inside "b"
  EXPECT_EQ(in_value.field(), "readings[1].sensor") << in_value.message();
  const Status multi_line = ParseError(
      "{\"readings\":[\n  {\"sensor\":\"a\",\"ts\":1767574800,\"pm2_5\":1},\n  {\"sensor\":\"b\" \"ts\":1}\n]}");
  EXPECT_NE(multi_line.message().find("line 3, column"), std::string::npos) << multi_line.message();
  EXPECT_NE(ParseError("").message().find("empty"), std::string::npos);
  EXPECT_NE(
      ParseError("{\"readings\":[{\"sensor\":\"\xc0\xaf\",\"ts\":1767574800,\"pm2_5\":1}]}").message().find("UTF-8"),
      std::string::npos);
  EXPECT_EQ(ParseError(R"({"readings":[]} trailing)").code(), StatusCode::kInvalid);
  EXPECT_TRUE(ParseOk(R"({"readings":[]})").empty());
}

TEST(JsonBatchTest, SizeLimits) {
  std::string rows;
  for (size_t i = 0; i <= kMaxJsonBatchRows; ++i) {
    if (i) rows += ",";
    rows += R"({"sensor":"a","ts":1767574800,"pm2_5":1})";
  }
  EXPECT_EQ(ParseError(Batch(rows)).code(), StatusCode::kTooLarge);
  const size_t cut = rows.rfind(",{");
  EXPECT_EQ(ParseOk(Batch(rows.substr(0, cut))).size(), kMaxJsonBatchRows);
  EXPECT_EQ(ParseError(std::string(kMaxJsonBatchBytes + 1, ' ')).code(), StatusCode::kTooLarge);
}

}  // namespace
}  // namespace ecotown::ingest
