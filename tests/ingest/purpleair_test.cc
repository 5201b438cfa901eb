// PurpleAir local /json (air-quality.md §4c). The reference gives the field set, not a whole
// body; the samples below use every documented field group with illustrative values.
#include "ingest/purpleair.h"

#include <gtest/gtest.h>

#include <string>

namespace ecotown::ingest {
namespace {

constexpr int64_t kReceivedAt = 1767574800;

constexpr std::string_view kDualChannel =
    R"json({"SensorId":"84:f3:eb:7b:c8:ee","DateTime":"2024/08/20T18:59:56z","Geo":"PurpleAir-c8ee","Mem":19432,"memfrag":12,"memfb":17040,"memcs":768,"Id":4171,"lat":13.7563,"lon":100.5018,"Adc":0.03,"loggingrate":15,"place":"outside","version":"7.02","uptime":86732,"rssi":-61,"period":120,"httpsuccess":1446,"httpsends":1446,"hardwareversion":"2.0","hardwarediscovered":"2.0+BME280+PMSX003-B+PMSX003-A","current_temp_f":88,"current_humidity":52,"current_dewpoint_f":68,"pressure":1006.21,"p25aqic_b":"rgb(255,255,0)","pm2.5_aqi_b":72,"pm1_0_cf_1_b":14.21,"p_0_3_um_b":2631.36,"pm2_5_cf_1_b":23.05,"p_0_5_um_b":763.18,"pm10_0_cf_1_b":26.52,"p_1_0_um_b":131.58,"pm1_0_atm_b":14.21,"p_2_5_um_b":11.4,"pm2_5_atm_b":22.28,"p_5_0_um_b":1.2,"pm10_0_atm_b":25.11,"p_10_0_um_b":0.6,"p25aqic":"rgb(255,255,0)","pm2.5_aqi":70,"pm1_0_cf_1":13.8,"p_0_3_um":2540.1,"pm2_5_cf_1":22.1,"p_0_5_um":740.2,"pm10_0_cf_1":25.3,"p_1_0_um":128.4,"pm1_0_atm":13.8,"p_2_5_um":10.9,"pm2_5_atm":21.6,"p_5_0_um":1.1,"pm10_0_atm":24.4,"p_10_0_um":0.5,"pa_latency":301,"response":201,"response_date":1724180390,"latency":388,"wlstate":"Connected","status_0":2,"status_1":0,"status_2":2,"status_3":2,"status_4":0,"status_5":0,"status_6":2,"status_7":0,"status_8":0,"status_9":0,"ssid":"home"})json";

readings::RawReading ParseOne(std::string_view body) {
  auto result = ParsePurpleAir(body, kReceivedAt);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok() || result->size() != 1) {
    ADD_FAILURE() << "expected one reading";
    return {};
  }
  return std::move(result->front());
}

Status ParseError(std::string_view body) {
  auto result = ParsePurpleAir(body, kReceivedAt);
  EXPECT_FALSE(result.ok()) << "accepted: " << body;
  return result.ok() ? Status::Ok() : result.status();
}

TEST(PurpleAirTest, DualChannelBody) {
  const auto r = ParseOne(kDualChannel);
  EXPECT_EQ(r.device_key, "84:f3:eb:7b:c8:ee");
  EXPECT_EQ(r.ts, 1724180396);  // 2024-08-20T18:59:56Z
  EXPECT_EQ(r.source, readings::Source::kPurpleAir);
  EXPECT_EQ(r.pm1, 13.8);
  EXPECT_EQ(r.pm2_5, 21.6);
  EXPECT_EQ(r.pm10, 24.4);
  EXPECT_EQ(r.pm2_5_b, 22.28);
  EXPECT_EQ(r.pm10_b, 25.11);
  EXPECT_EQ(r.pm2_5_cf1, 22.1);
  EXPECT_EQ(r.pm2_5_cf1_b, 23.05);
  EXPECT_NEAR(*r.temperature_c, 31.111111, 1e-6);  // 88 °F
  EXPECT_EQ(r.humidity_pct, 52.0);
  EXPECT_EQ(r.pressure_hpa, 1006.21);
  EXPECT_EQ(r.signal_dbm, -61);
  EXPECT_EQ(r.firmware, "7.02");
}

TEST(PurpleAirTest, SingleChannelAndMissingValues) {
  const auto r = ParseOne(
      R"({"SensorId":"84:F3:EB:45:32:6B","DateTime":"2020/04/10T19:12:41z","current_temp_f":75,"pm2_5_atm":3,"pm2_5_cf_1":3})");
  EXPECT_EQ(r.device_key, "84:f3:eb:45:32:6b");
  EXPECT_EQ(r.ts, 1586545961);
  EXPECT_EQ(r.pm2_5, 3.0);
  EXPECT_FALSE(r.pm2_5_b.has_value());
  EXPECT_FALSE(r.pm10.has_value());
  EXPECT_FALSE(r.humidity_pct.has_value());
  EXPECT_FALSE(r.pressure_hpa.has_value());
  EXPECT_NEAR(*r.temperature_c, 23.888889, 1e-6);
  // Without DateTime the receive time is used.
  EXPECT_EQ(ParseOne(R"({"SensorId":"84:f3:eb:45:32:6b","pm2_5_atm":3})").ts, kReceivedAt);
  // No measurement: no reading.
  auto none = ParsePurpleAir(R"({"SensorId":"84:f3:eb:45:32:6b","rssi":-70,"pm2_5_atm":null})", kReceivedAt);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(PurpleAirTest, RefusesBadIdsTimesAndTypes) {
  EXPECT_EQ(ParseError(R"({"pm2_5_atm":3})").field(), "SensorId");
  EXPECT_EQ(ParseError(R"({"SensorId":"84f3eb45326b","pm2_5_atm":3})").field(), "SensorId");
  EXPECT_EQ(ParseError(R"({"SensorId":"84:f3:eb:45:32:zz","pm2_5_atm":3})").field(), "SensorId");
  for (const char* time : {"2024-08-20T18:59:56z", "2024/08/20T18:59:56", "2024/02/30T18:59:56z",
                           "2024/08/20 18:59:56z", "2024/08/20T25:59:56z", ""}) {
    SCOPED_TRACE(time);
    EXPECT_EQ(
        ParseError(std::string(R"({"SensorId":"84:f3:eb:45:32:6b","pm2_5_atm":3,"DateTime":")") + time + "\"}").field(),
        "DateTime");
  }
  EXPECT_EQ(ParseError(R"({"SensorId":"84:f3:eb:45:32:6b","pm2_5_atm":"3"})").field(), "pm2_5_atm");
  EXPECT_EQ(ParseError(R"({"SensorId":"84:f3:eb:45:32:6b","pm2_5_atm_b":[3]})").field(), "pm2_5_atm_b");
  EXPECT_EQ(ParseError(R"({"SensorId":"84:f3:eb:45:32:6b","current_temp_f":"hot"})").field(), "current_temp_f");
  EXPECT_EQ(ParseError(R"({"SensorId":"84:f3:eb:45:32:6b","pm2_5_atm":1e999})").code(), StatusCode::kInvalid);
  EXPECT_EQ(ParseError(R"({"SensorId":"84:f3:eb:45:32:6b","pm2_5_atm":3,"rssi":"x"})").field(), "rssi");
}

TEST(PurpleAirTest, TruncatedEmptyInvalidUtf8AndDuplicates) {
  for (size_t length = 0; length < kDualChannel.size(); length += 7) {
    SCOPED_TRACE(length);
    EXPECT_EQ(ParseError(kDualChannel.substr(0, length)).code(), StatusCode::kInvalid);
  }
  EXPECT_EQ(ParseError("").code(), StatusCode::kInvalid);
  EXPECT_NE(ParseError("{\"SensorId\":\"84:f3:eb:45:32:6b\",\"place\":\"\xed\xa0\x80\",\"pm2_5_atm\":3}")
                .message()
                .find("UTF-8"),
            std::string::npos);
  EXPECT_EQ(ParseError(R"({"SensorId":"84:f3:eb:45:32:6b","pm2_5_atm":3,"pm2_5_atm":4})").field(), "pm2_5_atm");
}

}  // namespace
}  // namespace ecotown::ingest
