// airrohr "Send to own API" bodies (air-quality.md §4a), the reference example byte-for-byte.
#include "ingest/airrohr.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ingest/ingest_test_data.h"

namespace ecotown::ingest {
namespace {

constexpr int64_t kReceivedAt = 1767574800;

// air-quality.md §4a, "Complete example (SDS011 + BME280; values illustrative, format exact)".
constexpr std::string_view kReferenceBody =
    R"({"esp8266id": "13966475", "software_version": "NRZ-2024-135", "sensordatavalues":[{"value_type":"SDS_P1","value":"23.43"},{"value_type":"SDS_P2","value":"12.70"},{"value_type":"BME280_temperature","value":"31.62"},{"value_type":"BME280_pressure","value":"100845.44"},{"value_type":"BME280_humidity","value":"68.31"},{"value_type":"samples","value":"5234567"},{"value_type":"min_micro","value":"28"},{"value_type":"max_micro","value":"20123"},{"value_type":"interval","value":"145000"},{"value_type":"signal","value":"-67"}]})";

std::string Body(const std::string& values, const std::string& id = R"("esp8266id": "13966475", )") {
  return "{" + id + R"("software_version": "NRZ-2024-135", "sensordatavalues":[)" + values + "]}";
}

readings::RawReading ParseOne(std::string_view body, std::string_view header = "esp8266-13966475") {
  auto result = ParseAirrohr(body, header, kReceivedAt);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok() || result->size() != 1) {
    ADD_FAILURE() << "expected one reading";
    return {};
  }
  return std::move(result->front());
}

Status ParseError(std::string_view body, std::string_view header = "esp8266-13966475") {
  auto result = ParseAirrohr(body, header, kReceivedAt);
  EXPECT_FALSE(result.ok()) << "accepted: " << body;
  return result.ok() ? Status::Ok() : result.status();
}

TEST(AirrohrTest, ReferenceExampleByteForByte) {
  const auto r = ParseOne(kReferenceBody);
  EXPECT_EQ(r.device_key, "esp8266-13966475");
  EXPECT_EQ(r.ts, kReceivedAt);
  EXPECT_EQ(r.source, readings::Source::kAirrohr);
  EXPECT_EQ(r.pm10, 23.43);
  EXPECT_EQ(r.pm2_5, 12.70);
  EXPECT_FALSE(r.pm1.has_value());
  EXPECT_EQ(r.temperature_c, 31.62);
  EXPECT_DOUBLE_EQ(*r.pressure_hpa, 1008.4544);
  EXPECT_EQ(r.humidity_pct, 68.31);
  EXPECT_EQ(r.signal_dbm, -67);
  EXPECT_EQ(r.firmware, "NRZ-2024-135");
}

TEST(AirrohrTest, SharedTestVectorMatchesExpectedParse) {
  const auto vectors = nlohmann::json::parse(
      testing::ReadFileOrFail(testing::SharedDir() / "reference/aq-test-vectors.json"), nullptr, false);
  ASSERT_FALSE(vectors.is_discarded());
  const auto& vector = vectors.at("wire_formats").at("airrohr_custom_api");
  const std::string body = vector.at("body").get<std::string>();
  EXPECT_EQ(body, kReferenceBody);
  const auto& headers = vector.at("headers");
  const auto& expected = vector.at("expected_parse");
  const auto r = ParseOne(body, headers.at("X-Sensor").get<std::string>());
  EXPECT_EQ(r.device_key, expected.at("device_id").get<std::string>());
  EXPECT_DOUBLE_EQ(*r.pm10, expected.at("pm10_ugm3").get<double>());
  EXPECT_DOUBLE_EQ(*r.pm2_5, expected.at("pm25_ugm3").get<double>());
  EXPECT_DOUBLE_EQ(*r.temperature_c, expected.at("temperature_c").get<double>());
  EXPECT_DOUBLE_EQ(*r.pressure_hpa, expected.at("pressure_pa").get<double>() / 100.0);
  EXPECT_DOUBLE_EQ(*r.humidity_pct, expected.at("humidity_percent").get<double>());
  EXPECT_EQ(*r.signal_dbm, expected.at("rssi_dbm").get<int>());
}

TEST(AirrohrTest, DeviceKeyFromHeaderOrChipId) {
  EXPECT_EQ(ParseOne(kReferenceBody, "").device_key, "esp8266-13966475");
  EXPECT_EQ(ParseOne(kReferenceBody, "esp32-13966475").device_key, "esp32-13966475");
  // Without esp8266id the header alone names the device.
  const std::string no_id = Body(R"({"value_type":"SDS_P2","value":"5.00"})", "");
  EXPECT_EQ(ParseOne(no_id, "esp8266-42").device_key, "esp8266-42");
  // A numeric chip id is accepted.
  EXPECT_EQ(ParseOne(Body(R"({"value_type":"SDS_P2","value":"5.00"})", R"("esp8266id": 13966475, )"), "").device_key,
            "esp8266-13966475");
}

TEST(AirrohrTest, RefusesMissingOrConflictingDeviceIds) {
  const std::string no_id = Body(R"({"value_type":"SDS_P2","value":"5.00"})", "");
  EXPECT_EQ(ParseError(no_id, "").field(), "esp8266id");
  EXPECT_EQ(ParseError(kReferenceBody, "esp8266-99").field(), "X-Sensor");
  EXPECT_EQ(ParseError(kReferenceBody, "esp8266 13966475").field(), "X-Sensor");
  EXPECT_EQ(ParseError(kReferenceBody, "esp8266-").field(), "X-Sensor");
  EXPECT_EQ(ParseError(Body(R"({"value_type":"SDS_P2","value":"5"})", R"("esp8266id": "13 96", )"), "").field(),
            "esp8266id");
  EXPECT_EQ(ParseError(Body(R"({"value_type":"SDS_P2","value":"5"})", R"("esp8266id": true, )"), "").field(),
            "esp8266id");
}

TEST(AirrohrTest, NonNumericValueOfKnownTypeNamesTheEntry) {
  const Status error =
      ParseError(Body(R"({"value_type":"SDS_P1","value":"23.43"},{"value_type":"SDS_P2","value":"n/a"})"));
  EXPECT_EQ(error.code(), StatusCode::kInvalid);
  EXPECT_EQ(error.field(), "sensordatavalues[1].value");
  EXPECT_NE(error.message().find("sensordatavalues[1].value"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("n/a"), std::string::npos);
  // "nan" (Arduino String(NAN)), booleans, objects, null: all refused for a known type.
  for (const char* value : {R"("nan")", "true", "{}", "null", R"("")", R"(" 5")", R"("1e999")"}) {
    SCOPED_TRACE(value);
    EXPECT_EQ(ParseError(Body(std::string(R"({"value_type":"BME280_humidity","value":)") + value + "}")).field(),
              "sensordatavalues[0].value");
  }
  // Meta values are checked too, though not stored.
  EXPECT_EQ(ParseError(Body(R"({"value_type":"SDS_P2","value":"5"},{"value_type":"interval","value":"x"})")).field(),
            "sensordatavalues[1].value");
  // Signal must be a whole dBm.
  EXPECT_EQ(ParseError(Body(R"({"value_type":"SDS_P2","value":"5"},{"value_type":"signal","value":"-67.5"})")).field(),
            "sensordatavalues[1].value");
  EXPECT_EQ(ParseError(Body(R"({"value_type":"SDS_P2","value":"5"},{"value_type":"signal","value":"-9999"})")).field(),
            "sensordatavalues[1].value");
}

TEST(AirrohrTest, UnknownValueTypesAreIgnored) {
  const auto r = ParseOne(Body(
      R"({"value_type":"GPS_date","value":"05/01/2026"},{"value_type":"DNMS_noise_LAeq","value":"x"},)"
      R"({"value_type":"SPS30_N05","value":"12.1"},{"value_type":"P1","value":"830.2"},{"value_type":"SDS_P2","value":"7.10"})"));
  EXPECT_EQ(r.pm2_5, 7.10);
  EXPECT_FALSE(r.pm10.has_value());
}

TEST(AirrohrTest, MissingSensorsGiveAbsentFields) {
  // A failed PM sensor simply contributes no entries.
  const auto r =
      ParseOne(Body(R"({"value_type":"temperature","value":"30.10"},{"value_type":"humidity","value":"75.00"})"));
  EXPECT_FALSE(r.pm2_5.has_value());
  EXPECT_FALSE(r.pm10.has_value());
  EXPECT_EQ(r.temperature_c, 30.10);
  EXPECT_EQ(r.humidity_pct, 75.0);
  // Only meta values: no reading.
  auto meta_only = ParseAirrohr(Body(R"({"value_type":"samples","value":"5"},{"value_type":"signal","value":"-70"})"),
                                "esp8266-13966475", kReceivedAt);
  ASSERT_TRUE(meta_only.ok()) << meta_only.status().ToString();
  EXPECT_TRUE(meta_only->empty());
  auto empty_list = ParseAirrohr(Body(""), "", kReceivedAt);
  ASSERT_TRUE(empty_list.ok());
  EXPECT_TRUE(empty_list->empty());
  // No sensordatavalues at all is malformed.
  EXPECT_EQ(ParseError(R"({"esp8266id": "1", "software_version": "NRZ-2024-135"})").field(), "sensordatavalues");
  EXPECT_EQ(ParseError(R"({"esp8266id": "1", "sensordatavalues": {}})").field(), "sensordatavalues");
  EXPECT_EQ(ParseError(Body(R"({"value":"5"})")).field(), "sensordatavalues[0].value_type");
  EXPECT_EQ(ParseError(Body(R"({"value_type":"SDS_P2"})")).field(), "sensordatavalues[0].value");
  EXPECT_EQ(ParseError(Body(R"(["SDS_P2","5"])")).field(), "sensordatavalues[0]");
}

TEST(AirrohrTest, OnePmSensorWinsByPrecedence) {
  // SDS011 before Plantower: PM from SDS only, no PM1 mixed in from the PMS.
  auto r = ParseOne(Body(R"({"value_type":"PMS_P0","value":"3.00"},{"value_type":"PMS_P1","value":"9.00"},)"
                         R"({"value_type":"PMS_P2","value":"6.00"},{"value_type":"SDS_P1","value":"11.00"},)"
                         R"({"value_type":"SDS_P2","value":"8.00"})"));
  EXPECT_EQ(r.pm10, 11.0);
  EXPECT_EQ(r.pm2_5, 8.0);
  EXPECT_FALSE(r.pm1.has_value());
  // Plantower before SPS30, NextPM, HPM, IPS.
  r = ParseOne(Body(R"({"value_type":"SPS30_P0","value":"1"},{"value_type":"SPS30_P2","value":"2"},)"
                    R"({"value_type":"HPM_P2","value":"20"},{"value_type":"PMS_P0","value":"3"},)"
                    R"({"value_type":"PMS_P2","value":"4"},{"value_type":"PMS_P1","value":"5"})"));
  EXPECT_EQ(r.pm1, 3.0);
  EXPECT_EQ(r.pm2_5, 4.0);
  EXPECT_EQ(r.pm10, 5.0);
  r = ParseOne(Body(
      R"({"value_type":"IPS_P2","value":"9"},{"value_type":"NPM_P2","value":"7"},{"value_type":"HPM_P1","value":"8"})"));
  EXPECT_EQ(r.pm2_5, 7.0);
  EXPECT_FALSE(r.pm10.has_value());
  r = ParseOne(Body(
      R"({"value_type":"IPS_P0","value":"1"},{"value_type":"IPS_P1","value":"3"},{"value_type":"IPS_P2","value":"2"})"));
  EXPECT_EQ(r.pm1, 1.0);
  EXPECT_EQ(r.pm2_5, 2.0);
  EXPECT_EQ(r.pm10, 3.0);
}

TEST(AirrohrTest, ClimateSensorsByPrecedence) {
  // BME280 before DHT22; BMP280 (no humidity) after every humidity sensor.
  auto r = ParseOne(
      Body(R"({"value_type":"temperature","value":"30"},{"value_type":"humidity","value":"70"},)"
           R"({"value_type":"BMP280_temperature","value":"33"},{"value_type":"BMP280_pressure","value":"100000"},)"
           R"({"value_type":"BME280_temperature","value":"31"},{"value_type":"BME280_humidity","value":"65"})"));
  EXPECT_EQ(r.temperature_c, 31.0);
  EXPECT_EQ(r.humidity_pct, 65.0);
  EXPECT_EQ(r.pressure_hpa, 1000.0);
  r = ParseOne(
      Body(R"({"value_type":"BMP280_temperature","value":"33"},{"value_type":"SHT3X_temperature","value":"29"},)"
           R"({"value_type":"SHT3X_humidity","value":"80"},{"value_type":"DS18B20_temperature","value":"25"})"));
  EXPECT_EQ(r.temperature_c, 29.0);
  EXPECT_EQ(r.humidity_pct, 80.0);
  r = ParseOne(Body(R"({"value_type":"BMP_temperature","value":"33"},{"value_type":"BMP_pressure","value":"99000"})"));
  EXPECT_EQ(r.temperature_c, 33.0);
  EXPECT_EQ(r.pressure_hpa, 990.0);
  r = ParseOne(Body(R"({"value_type":"SCD30_temperature","value":"27.5"},{"value_type":"SCD30_humidity","value":"60"},)"
                    R"({"value_type":"SCD30_co2_ppm","value":"612"},{"value_type":"HTU21D_humidity","value":"58"})"));
  EXPECT_EQ(r.co2_ppm, 612.0);
  EXPECT_EQ(r.temperature_c, 27.5);
  EXPECT_EQ(r.humidity_pct, 58.0);
}

TEST(AirrohrTest, JsonNumbersAcceptedAsWellAsStrings) {
  const auto r = ParseOne(Body(R"({"value_type":"SDS_P2","value":12.7},{"value_type":"signal","value":-67})"));
  EXPECT_EQ(r.pm2_5, 12.7);
  EXPECT_EQ(r.signal_dbm, -67);
}

TEST(AirrohrTest, HugeButFiniteNumbersAreKeptForQa) {
  const auto r = ParseOne(Body(R"({"value_type":"SDS_P2","value":"1e300"})"));
  EXPECT_EQ(r.pm2_5, 1e300);
  EXPECT_EQ(ParseError(Body(R"({"value_type":"SDS_P2","value":1e999})")).code(), StatusCode::kInvalid);
}

TEST(AirrohrTest, TruncatedBodiesAreRefusedWithPosition) {
  for (size_t length = 0; length < kReferenceBody.size(); ++length) {
    SCOPED_TRACE(length);
    const Status error = ParseError(kReferenceBody.substr(0, length));
    EXPECT_EQ(error.code(), StatusCode::kInvalid);
    if (length > 0) {
      EXPECT_NE(error.message().find("line 1, column"), std::string::npos) << error.message();
    }
  }
  const Status error = ParseError(kReferenceBody.substr(0, 120));
  EXPECT_EQ(error.field().rfind("sensordatavalues[", 0), 0u) << error.ToString();
}

TEST(AirrohrTest, RefusesEmptyNonObjectInvalidUtf8AndDuplicates) {
  EXPECT_NE(ParseError("").message().find("empty"), std::string::npos);
  EXPECT_EQ(ParseError("[]").code(), StatusCode::kInvalid);
  EXPECT_EQ(ParseError(R"("text")").code(), StatusCode::kInvalid);
  const Status utf8 = ParseError(Body(std::string(R"({"value_type":"SDS_P2)") + "\xff" + R"(","value":"5"})"));
  EXPECT_NE(utf8.message().find("UTF-8"), std::string::npos) << utf8.message();
  EXPECT_EQ(ParseError(R"({"esp8266id": "1", "esp8266id": "2", "sensordatavalues":[]})").field(), "esp8266id");
  EXPECT_EQ(ParseError(Body(R"({"value_type":"SDS_P2","value":"5","value":"6"})")).field(),
            "sensordatavalues[0].value");
  const Status twice = ParseError(Body(R"({"value_type":"SDS_P2","value":"5"},{"value_type":"SDS_P2","value":"6"})"));
  EXPECT_EQ(twice.field(), "sensordatavalues[1].value");
  EXPECT_NE(twice.message().find("more than once"), std::string::npos);
  EXPECT_EQ(ParseError(std::string(kMaxAirrohrBodyBytes + 1, ' ')).code(), StatusCode::kTooLarge);
  EXPECT_EQ(ParseError(std::string(100, '[') + std::string(100, ']')).code(), StatusCode::kInvalid);
}

TEST(AirrohrTest, DeviceDataJsonWithAgeIsAccepted) {
  // GET http://<device>/data.json: the same body plus "age".
  const auto r = ParseOne(
      R"({"software_version": "NRZ-2024-135", "age":"97", "sensordatavalues":[{"value_type":"SDS_P1","value":"4.10"}]})",
      "esp8266-13966475");
  EXPECT_EQ(r.pm10, 4.10);
}

}  // namespace
}  // namespace ecotown::ingest
