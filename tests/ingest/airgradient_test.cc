// AirGradient measures (air-quality.md §4b): the local/MQTT example verbatim and the dual-channel
// POST example byte-for-byte.
#include "ingest/airgradient.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ingest/ingest_test_data.h"

namespace ecotown::ingest {
namespace {

constexpr int64_t kReceivedAt = 1767574800;

// airgradienthq/arduino docs/local-server.md, as quoted in air-quality.md §4b.
constexpr std::string_view kLocalExample =
    R"({"wifi":-46,"serialno":"ecda3b1eaaaf","rco2":447,"pm01":3,"pm02":7,"pm10":8,"pm003Count":442,"atmp":25.87,"atmpCompensated":24.47,"rhum":43,"rhumCompensated":49,"tvocIndex":100,"tvocRaw":33051,"noxIndex":1,"noxRaw":16307,"boot":6,"bootCount":6,"ledMode":"pm","firmware":"3.1.3","model":"I-9PSL","monitorDisplayCompensatedValues":true})";

// air-quality.md §4b, "Example POST body, dual-channel Open Air" (line breaks as printed).
constexpr std::string_view kDualChannelPost =
    "{\"pm01\":5.5,\"pm02\":12.25,\"pm10\":14,\"pm01Standard\":5.5,\"pm02Standard\":12.25,\"pm10Standard\":14,"
    "\"pm003Count\":812.5,\n \"atmp\":31.4,\"rhum\":71.2,\"channels\":{\"1\":{\"pm01\":5,\"pm02\":12,\"pm10\":14,"
    "\"pm003Count\":800,\"atmp\":31.3,\"rhum\":71,\"firmware\":\"\xE2\x80\xA6\"},\n \"2\":{\"pm01\":6,\"pm02\":12.5,"
    "\"pm10\":14,\"pm003Count\":825,\"atmp\":31.5,\"rhum\":71.4,\"firmware\":\"\xE2\x80\xA6\"}},\n \"tvocIndex\":100,"
    "\"noxIndex\":1,\"boot\":12,\"bootCount\":12,\"wifi\":-61,\"resetReason\":\"\xE2\x80\xA6\",\"freeHeap\":123456}";

readings::RawReading ParseOne(std::string_view body, std::string_view serial = "ecda3b1eaaaf") {
  auto result = ParseAirGradient(body, serial, kReceivedAt);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok() || result->size() != 1) {
    ADD_FAILURE() << "expected one reading";
    return {};
  }
  return std::move(result->front());
}

Status ParseError(std::string_view body, std::string_view serial = "ecda3b1eaaaf") {
  auto result = ParseAirGradient(body, serial, kReceivedAt);
  EXPECT_FALSE(result.ok()) << "accepted: " << body;
  return result.ok() ? Status::Ok() : result.status();
}

TEST(AirGradientTest, LocalAndMqttExampleVerbatim) {
  for (const std::string_view serial : {std::string_view("ecda3b1eaaaf"), std::string_view()}) {
    const auto r = ParseOne(kLocalExample, serial);
    EXPECT_EQ(r.device_key, "ecda3b1eaaaf");
    EXPECT_EQ(r.ts, kReceivedAt);
    EXPECT_EQ(r.source, readings::Source::kAirGradient);
    EXPECT_EQ(r.pm1, 3.0);
    EXPECT_EQ(r.pm2_5, 7.0);
    EXPECT_EQ(r.pm10, 8.0);
    EXPECT_FALSE(r.pm2_5_cf1.has_value());
    EXPECT_FALSE(r.pm2_5_b.has_value());
    EXPECT_EQ(r.temperature_c, 25.87);  // raw atmp, not atmpCompensated
    EXPECT_EQ(r.humidity_pct, 43.0);    // raw rhum, not rhumCompensated
    EXPECT_EQ(r.co2_ppm, 447.0);
    EXPECT_EQ(r.signal_dbm, -46);
    EXPECT_EQ(r.firmware, "3.1.3");
  }
}

TEST(AirGradientTest, SharedTestVectorMatchesExpectedParse) {
  const auto vectors = nlohmann::json::parse(
      testing::ReadFileOrFail(testing::SharedDir() / "reference/aq-test-vectors.json"), nullptr, false);
  ASSERT_FALSE(vectors.is_discarded());
  const auto& vector = vectors.at("wire_formats").at("airgradient_local_or_mqtt");
  const std::string topic = vector.at("topic").get<std::string>();
  const std::string serial = topic.substr(topic.rfind('/') + 1);
  const auto r = ParseOne(vector.at("body").dump(), serial);
  const auto& expected = vector.at("expected_parse");
  // The vector names the device "airgradient:<serial>" (the URL form); our device_key is the
  // serial (modules/readings/raw_reading.h).
  EXPECT_EQ("airgradient:" + r.device_key, expected.at("device_id").get<std::string>());
  EXPECT_EQ(*r.pm2_5, expected.at("pm25_ugm3").get<double>());
  EXPECT_EQ(*r.pm10, expected.at("pm10_ugm3").get<double>());
  EXPECT_EQ(*r.temperature_c, expected.at("temperature_c").get<double>());
  EXPECT_EQ(*r.humidity_pct, expected.at("humidity_percent").get<double>());
  EXPECT_EQ(*r.co2_ppm, expected.at("co2_ppm").get<double>());
  EXPECT_EQ(*r.signal_dbm, expected.at("rssi_dbm").get<int>());
}

TEST(AirGradientTest, DualChannelPostFillsBothChannels) {
  const auto r = ParseOne(kDualChannelPost);
  EXPECT_EQ(r.pm1, 5.0);
  EXPECT_EQ(r.pm2_5, 12.0);
  EXPECT_EQ(r.pm10, 14.0);
  EXPECT_EQ(r.pm2_5_b, 12.5);
  EXPECT_EQ(r.pm10_b, 14.0);
  EXPECT_EQ(r.pm2_5_cf1, 12.25);  // the top level's CF=1 mean: the channels carry none
  EXPECT_FALSE(r.pm2_5_cf1_b.has_value());
  EXPECT_EQ(r.temperature_c, 31.4);
  EXPECT_EQ(r.humidity_pct, 71.2);
  EXPECT_EQ(r.signal_dbm, -61);
  EXPECT_EQ(r.firmware, "");  // the POST's firmware is the PMS module's, per channel
}

TEST(AirGradientTest, ChannelStandardValuesAndLoneChannel) {
  auto r = ParseOne(R"({"pm02":10,"channels":{"1":{"pm02":9,"pm02Standard":11},"2":{"pm02":11,"pm02Standard":13}}})");
  EXPECT_EQ(r.pm2_5, 9.0);
  EXPECT_EQ(r.pm2_5_b, 11.0);
  EXPECT_EQ(r.pm2_5_cf1, 11.0);
  EXPECT_EQ(r.pm2_5_cf1_b, 13.0);
  // Channel 1 failed: channel 2 goes to pm*, nothing to pm*_b.
  r = ParseOne(R"({"pm02":11,"channels":{"2":{"pm02":11,"pm10":15}}})");
  EXPECT_EQ(r.pm2_5, 11.0);
  EXPECT_EQ(r.pm10, 15.0);
  EXPECT_FALSE(r.pm2_5_b.has_value());
  // Empty channel objects: the top level is used.
  r = ParseOne(R"({"pm02":11,"channels":{"1":{},"2":{}}})");
  EXPECT_EQ(r.pm2_5, 11.0);
  EXPECT_EQ(ParseError(R"({"pm02":11,"channels":{"1":{"pm02":"x"}}})").field(), "channels.1.pm02");
  EXPECT_EQ(ParseError(R"({"pm02":11,"channels":[]})").field(), "channels");
  EXPECT_EQ(ParseError(R"({"pm02":11,"channels":{"2":5}})").field(), "channels.2");
}

TEST(AirGradientTest, SerialIsValidatedAndMatched) {
  EXPECT_TRUE(IsAirGradientSerial("ecda3b1eaaaf"));
  EXPECT_FALSE(IsAirGradientSerial("ECDA3B1EAAAF"));
  EXPECT_FALSE(IsAirGradientSerial("ecda3b1eaaa"));
  EXPECT_FALSE(IsAirGradientSerial("ec:da:3b:1e:aa:af"));
  EXPECT_FALSE(IsAirGradientSerial("ecda3b1eaaag"));
  EXPECT_EQ(ParseError(kLocalExample, "ecda3b1eaaa0").field(), "serialno");
  EXPECT_EQ(ParseError(kLocalExample, "ECDA3B1EAAAF").field(), "serial");
  EXPECT_EQ(ParseError(R"({"pm02":7})", "").field(), "serialno");
  EXPECT_EQ(ParseError(R"({"pm02":7,"serialno":"airgradient:ecda3b1eaaaf"})", "").field(), "serialno");
  EXPECT_EQ(ParseError(R"({"pm02":7,"serialno":12})", "").field(), "serialno");
}

TEST(AirGradientTest, StringsWhereNumbersBelongAreRefused) {
  for (const char* field : {"pm01", "pm02", "pm10", "pm02Standard", "atmp", "rhum", "rco2", "wifi"}) {
    SCOPED_TRACE(field);
    const Status error = ParseError(std::string(R"({"pm02":7,")") + field + R"(":"12"})");
    EXPECT_EQ(error.field(), field);
  }
  EXPECT_EQ(ParseError(R"({"pm02":true})").field(), "pm02");
  EXPECT_EQ(ParseError(R"({"pm02":7,"wifi":-46.5})").field(), "wifi");
  EXPECT_EQ(ParseError(R"({"pm02":7,"firmware":3})").field(), "firmware");
  // Fields we do not map are not checked.
  EXPECT_EQ(ParseOne(R"({"pm02":7,"tvocIndex":"x","pm02Compensated":"y"})").pm2_5, 7.0);
}

TEST(AirGradientTest, MissingSensorsAndNulls) {
  auto r = ParseOne(R"({"rco2":612,"pm02":null,"atmp":null})");
  EXPECT_EQ(r.co2_ppm, 612.0);
  EXPECT_FALSE(r.pm2_5.has_value());
  EXPECT_FALSE(r.temperature_c.has_value());
  // Only compensated or health values: no reading.
  auto none = ParseAirGradient(R"({"pm02Compensated":5,"wifi":-50,"boot":3})", "ecda3b1eaaaf", kReceivedAt);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

TEST(AirGradientTest, HugeNumbers) {
  EXPECT_EQ(ParseOne(R"({"pm02":1e300})").pm2_5, 1e300);
  EXPECT_EQ(ParseError(R"({"pm02":1e400})").code(), StatusCode::kInvalid);
  EXPECT_EQ(ParseError(R"({"pm02":7,"wifi":99999999999})").field(), "wifi");
}

TEST(AirGradientTest, TruncatedEmptyInvalidUtf8AndDuplicates) {
  for (size_t length = 0; length < kLocalExample.size(); ++length) {
    SCOPED_TRACE(length);
    EXPECT_EQ(ParseError(kLocalExample.substr(0, length)).code(), StatusCode::kInvalid);
  }
  EXPECT_EQ(ParseError("").code(), StatusCode::kInvalid);
  EXPECT_EQ(ParseError("[1,2]").code(), StatusCode::kInvalid);
  EXPECT_NE(ParseError("{\"pm02\":7,\"model\":\"I-9PSL\xc3\x28\"}").message().find("UTF-8"), std::string::npos);
  EXPECT_EQ(ParseError(R"({"pm02":7,"pm02":8})").field(), "pm02");
  EXPECT_EQ(ParseError(R"({"pm02":7,"boot":1,"boot":2})").field(), "boot");
  EXPECT_EQ(ParseError(R"({"channels":{"1":{"pm02":1},"1":{"pm02":2}}})").field(), "channels.1");
}

}  // namespace
}  // namespace ecotown::ingest
