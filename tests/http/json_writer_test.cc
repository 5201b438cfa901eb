// JsonWriter: what it writes must read back, through nlohmann::json, as the values written.
#include "http/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace ecotown::http {
namespace {

using nlohmann::json;

TEST(JsonWriterTest, NestedObjectsAndArraysReadBack) {
  JsonWriter w;
  w.BeginObject().Key("a").Int(-42).Key("list").BeginArray();
  w.Int(1).BeginObject().Key("x").Number(0.1).EndObject().BeginArray().EndArray().Null().Bool(true);
  w.EndArray().Key("empty").BeginObject().EndObject().Key("raw").Raw(R"({"k":[1,2]})").EndObject();
  const std::string text = w.Take();
  const json parsed = json::parse(text);
  EXPECT_EQ(parsed, json::parse(R"({"a":-42,"list":[1,{"x":0.1},[],null,true],"empty":{},"raw":{"k":[1,2]}})"))
      << text;
}

TEST(JsonWriterTest, NumbersRoundTripAndNonFiniteBecomesNull) {
  const double values[] = {0.0, 37.5, 1.0 / 3.0, 25.591493794326237, 1e-300, 1e300, -0.0, 123456789.125};
  for (const double v : values) {
    JsonWriter w;
    w.BeginArray().Number(v).EndArray();
    const std::string text = w.Take();
    EXPECT_EQ(json::parse(text)[0].get<double>(), v) << text;  // bit-exact, not near
  }
  JsonWriter w;
  w.BeginArray().Number(std::nan("")).Number(std::numeric_limits<double>::infinity()).Number(std::nullopt);
  w.Number(std::optional<double>(2.5)).Int(std::numeric_limits<int64_t>::min()).EndArray();
  EXPECT_EQ(w.Take(), "[null,null,null,2.5,-9223372036854775808]");
}

TEST(JsonWriterTest, StringsAreEscapedAndThaiPassesThrough) {
  const std::string tricky = std::string("quote \" back \\ nl \n tab \t cr \r bell \x07 nul ") + '\0' +
                             " <script>ไทย</script>";
  JsonWriter w;
  w.BeginObject().Key("k\"ey").String(tricky).EndObject();
  const std::string text = w.Take();
  EXPECT_NE(text.find("ไทย"), std::string::npos);  // not \u-escaped
  EXPECT_NE(text.find("\\u0007"), std::string::npos);
  EXPECT_NE(text.find("\\u0000"), std::string::npos);
  const json parsed = json::parse(text);
  EXPECT_EQ(parsed.at("k\"ey").get<std::string>(), tricky);
}

}  // namespace
}  // namespace ecotown::http
