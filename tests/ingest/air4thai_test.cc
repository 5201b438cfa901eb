// Air4Thai responses (air-quality.md §4e): the real national response in shared/data, spot
// values checked by hand, the older LastUpdate shape, and the hourly history shape (rebuilt
// from the Hat Yai 44t series that was downloaded from getHistoryData.php).
#include "ingest/air4thai.h"

#include <gtest/gtest.h>

#include <ctime>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/csv.h"
#include "ingest/ingest_test_data.h"

namespace ecotown::ingest {
namespace {

std::string RealCurrentResponse() {
  return testing::ReadFileOrFail(testing::SharedDir() / "data/air4thai/getAQI_JSON_20251224_171621_UTC.json");
}

const readings::RawReading* Find(const Air4ThaiReadings& parsed, const std::string& station) {
  for (const auto& reading : parsed.readings) {
    if (reading.device_key == station) return &reading;
  }
  return nullptr;
}

TEST(Air4ThaiTest, RealResponseEveryStationParses) {
  const std::string body = RealCurrentResponse();
  ASSERT_FALSE(body.empty());
  const auto parsed = ParseAir4ThaiCurrent(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->averaging_hours, 24);
  for (const Status& skipped : parsed->skipped) ADD_FAILURE() << skipped.ToString();
  // 186 stations, one of which reports neither PM2.5 nor PM10 (both "-1").
  EXPECT_EQ(parsed->readings.size(), 185u);

  // Independently: every station with a value, its numbers and its local time.
  const auto json = nlohmann::json::parse(body);
  ASSERT_EQ(json.at("stations").size(), 186u);
  size_t checked = 0;
  for (const auto& station : json.at("stations")) {
    const std::string id = station.at("stationID").get<std::string>();
    const auto& last = station.at("AQILast");
    const std::string pm25 = last.at("PM25").at("value").get<std::string>();
    const std::string pm10 = last.at("PM10").at("value").get<std::string>();
    const auto* reading = Find(*parsed, id);
    if (pm25 == "-1" && pm10 == "-1") {
      EXPECT_EQ(reading, nullptr) << id;
      continue;
    }
    ASSERT_NE(reading, nullptr) << id;
    if (pm25 == "-1") {
      EXPECT_FALSE(reading->pm2_5.has_value()) << id;
    } else {
      EXPECT_EQ(*reading->pm2_5, std::stod(pm25)) << id;
    }
    if (pm10 == "-1") {
      EXPECT_FALSE(reading->pm10.has_value()) << id;
    } else {
      EXPECT_EQ(*reading->pm10, std::stod(pm10)) << id;
    }
    std::tm local{};
    std::istringstream when(last.at("date").get<std::string>() + " " + last.at("time").get<std::string>());
    when >> std::get_time(&local, "%Y-%m-%d %H:%M");
    ASSERT_FALSE(when.fail()) << id;
    EXPECT_EQ(reading->ts, static_cast<int64_t>(timegm(&local)) - 7 * 3600) << id;
    EXPECT_EQ(reading->source, readings::Source::kAir4Thai);
    ++checked;
  }
  EXPECT_EQ(checked, 185u);
}

TEST(Air4ThaiTest, RealResponseSpotValuesByHand) {
  const auto parsed = ParseAir4ThaiCurrent(RealCurrentResponse());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  // 119t Thara Public Park, Krabi: 2025-12-25 00:00 ICT = 2025-12-24T17:00:00Z, PM2.5 "13.2", PM10 "-1".
  const auto* krabi = Find(*parsed, "119t");
  ASSERT_NE(krabi, nullptr);
  EXPECT_EQ(krabi->ts, 1766595600);
  EXPECT_EQ(krabi->pm2_5, 13.2);
  EXPECT_FALSE(krabi->pm10.has_value());
  // 54t: 2025-12-24 23:00 ICT = 16:00Z, PM2.5 "36.7", PM10 "83".
  const auto* station54 = Find(*parsed, "54t");
  ASSERT_NE(station54, nullptr);
  EXPECT_EQ(station54->ts, 1766592000);
  EXPECT_EQ(station54->pm2_5, 36.7);
  EXPECT_EQ(station54->pm10, 83.0);
  // bkp112t republished a stale reading of 2025-03-20 04:00 ICT: kept with its own time.
  const auto* stale = Find(*parsed, "bkp112t");
  ASSERT_NE(stale, nullptr);
  EXPECT_EQ(stale->ts, 1742418000);
  EXPECT_EQ(stale->pm2_5, 29.3);
}

constexpr std::string_view kStation =
    R"({"stationID":"35t","nameTH":"ศาลากลางจังหวัดเชียงใหม่","nameEN":"City Hall","areaTH":"","areaEN":"","stationType":"GROUND","lat":"18.840633","long":"98.969661","forecast":[],"AQILast":{"date":"2026-03-01","time":"14:00","PM25":{"color_id":"4","aqi":"143","value":"58.9"},"PM10":{"color_id":"3","aqi":"87","value":"-"},"O3":{"color_id":"0","aqi":"-1","value":"-1"},"AQI":{"color_id":"4","aqi":"143","param":"PM25"}}})";

TEST(Air4ThaiTest, SingleStationObjectAndPlaceholders) {
  const auto parsed = ParseAir4ThaiCurrent(kStation);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->readings.size(), 1u);
  const auto& r = parsed->readings[0];
  EXPECT_EQ(r.device_key, "35t");
  EXPECT_EQ(r.ts, 1772348400);  // 2026-03-01T07:00:00Z
  EXPECT_EQ(r.pm2_5, 58.9);
  EXPECT_FALSE(r.pm10.has_value());  // "-"
}

TEST(Air4ThaiTest, OlderLastUpdateShape) {
  const auto parsed = ParseAir4ThaiCurrent(
      R"({"stations":[{"stationID":"02t","nameEN":"Bansomdejchaopraya","LastUpdate":{"date":"2019-01-14","time":"10:00","PM25":{"value":"75","unit":"µg/m³"},"PM10":{"value":"112","unit":"µg/m³"},"AQI":{"Level":"4","aqi":"171"}}}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->readings.size(), 1u);
  EXPECT_EQ(parsed->readings[0].ts, 1547434800);  // 2019-01-14T03:00:00Z
  EXPECT_EQ(parsed->readings[0].pm2_5, 75.0);
  EXPECT_EQ(parsed->readings[0].pm10, 112.0);
}

TEST(Air4ThaiTest, OneBadStationIsSkippedNamingTheField) {
  const auto parsed = ParseAir4ThaiCurrent(
      R"({"stations":[{"stationID":"01t","AQILast":{"date":"2026-03-01","time":"14:00","PM25":{"value":"abc"}}},)"
      R"({"stationID":"02t","AQILast":{"date":"2026-02-30","time":"14:00","PM25":{"value":"12"}}},)"
      R"({"stationID":"03t","AQILast":{"date":"2026-03-01","time":"14:00","PM25":{"value":12.5}}},)"
      R"({"AQILast":{"date":"2026-03-01","time":"14:00","PM25":{"value":"12"}}},)"
      R"({"stationID":"05t"},)"
      R"({"stationID":"06t","AQILast":{"date":"2026-03-01","time":"14:00","PM25":{"value":"-1"},"PM10":{"value":"-999"}}},)"
      R"("07t"]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->readings.size(), 1u);
  EXPECT_EQ(parsed->readings[0].device_key, "03t");  // a JSON number is accepted too
  EXPECT_EQ(parsed->readings[0].pm2_5, 12.5);
  ASSERT_EQ(parsed->skipped.size(), 5u);
  EXPECT_EQ(parsed->skipped[0].field(), "stations[0].AQILast.PM25.value");
  EXPECT_EQ(parsed->skipped[1].field(), "stations[1].AQILast.date");
  EXPECT_EQ(parsed->skipped[2].field(), "stations[3].stationID");
  EXPECT_EQ(parsed->skipped[3].field(), "stations[4].AQILast");
  EXPECT_EQ(parsed->skipped[4].field(), "stations[6]");
}

TEST(Air4ThaiTest, MalformedResponses) {
  EXPECT_FALSE(ParseAir4ThaiCurrent("").ok());
  EXPECT_FALSE(ParseAir4ThaiCurrent("[]").ok());
  EXPECT_EQ(ParseAir4ThaiCurrent(R"({"stations":{}})").status().field(), "stations");
  EXPECT_EQ(ParseAir4ThaiCurrent(R"({"result":"OK"})").status().field(), "stations");
  EXPECT_EQ(ParseAir4ThaiCurrent(R"({"stations":[],"stations":[]})").status().field(), "stations");
  EXPECT_NE(ParseAir4ThaiCurrent("{\"stations\":[{\"stationID\":\"01t\",\"nameTH\":\"\xe0\xb8\"}]}")
                .status()
                .message()
                .find("UTF-8"),
            std::string::npos);
  const std::string body = RealCurrentResponse();
  for (const size_t length : {size_t{1}, size_t{100}, body.size() / 2, body.size() - 2}) {
    SCOPED_TRACE(length);
    const auto truncated = ParseAir4ThaiCurrent(std::string_view(body).substr(0, length));
    ASSERT_FALSE(truncated.ok());
    EXPECT_NE(truncated.status().message().find("line "), std::string::npos) << truncated.status().message();
  }
}

// The history sample quoted in the research notes (hour-ending labels, JSON numbers).
constexpr std::string_view kHistory =
    R"({"result":"OK","error":"","stations":[{"stationID":"bkp100t","params":["PM25"],"data":[{"DATETIMEDATA":"2026-09-28 14:00:00","PM25":9.3},{"DATETIMEDATA":"2026-09-28 15:00:00","PM25":16},{"DATETIMEDATA":"2026-09-28 16:00:00","PM25":15.4}],"summary":{"PM25":{"max":16,"count":3,"countPercentage":100}}}]})";

TEST(Air4ThaiTest, HistorySample) {
  const auto parsed = ParseAir4ThaiHistory(kHistory);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->averaging_hours, 1);
  ASSERT_EQ(parsed->readings.size(), 3u);
  EXPECT_EQ(parsed->readings[0].device_key, "bkp100t");
  EXPECT_EQ(parsed->readings[0].ts, 1790578800);  // 14:00 ICT = 07:00Z, the hour's end
  EXPECT_EQ(parsed->readings[1].pm2_5, 16.0);
  EXPECT_EQ(parsed->readings[2].pm2_5, 15.4);
  EXPECT_EQ(parsed->readings[2].ts - parsed->readings[0].ts, 7200);
}

TEST(Air4ThaiTest, HistoryErrorsAndSkippedRows) {
  auto refused = ParseAir4ThaiHistory(R"({"result":"Error","error":"stationID not found","stations":[]})");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("stationID not found"), std::string::npos);
  const auto parsed =
      ParseAir4ThaiHistory(R"({"result":"OK","stations":[{"stationID":"44t","data":[)"
                           R"({"DATETIMEDATA":"2024-01-01 01:00:00","PM25":"9.1","PM10":null,"TEMP":0,"RH":0},)"
                           R"({"DATETIMEDATA":"2024-01-01 02:00:00","PM25":"x"},)"
                           R"({"DATETIMEDATA":"2024-01-01 03:00","PM25":5},)"
                           R"({"PM25":5},)"
                           R"({"DATETIMEDATA":"2024-01-01 05:00:00","PM25":null,"O3":12})"
                           R"(]},{"stationID":"45t"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->readings.size(), 1u);
  EXPECT_EQ(parsed->readings[0].pm2_5, 9.1);
  EXPECT_FALSE(parsed->readings[0].temperature_c.has_value());  // TEMP = RH = 0: no meteorology
  ASSERT_EQ(parsed->skipped.size(), 4u);
  EXPECT_EQ(parsed->skipped[0].field(), "stations[0].data[1].PM25");
  EXPECT_EQ(parsed->skipped[1].field(), "stations[0].data[2].DATETIMEDATA");
  EXPECT_EQ(parsed->skipped[2].field(), "stations[0].data[3].DATETIMEDATA");
  EXPECT_EQ(parsed->skipped[3].field(), "stations[1].data");
}

// shared/data/air4thai/hatyai-44t/hourly.csv was saved from getHistoryData.php responses: turn it
// back into that JSON shape (empty cell -> null) and check every value comes back.
TEST(Air4ThaiTest, HatYaiHistoryRoundTrip) {
  std::istringstream csv(testing::ReadFileOrFail(testing::SharedDir() / "data/air4thai/hatyai-44t/hourly.csv"));
  core::CsvReader reader(csv);
  std::vector<std::string> fields;
  ASSERT_TRUE(reader.Next(fields));
  ASSERT_EQ(fields, (std::vector<std::string>{"station_id", "datetime_local", "PM25", "PM10", "O3", "CO", "NO2", "SO2",
                                              "WS", "TEMP", "RH", "WD"}));
  nlohmann::json data = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  while (reader.Next(fields)) {
    nlohmann::json row = {{"DATETIMEDATA", fields[1]}};
    for (size_t i = 2; i < fields.size(); ++i) {
      row[std::string(i == 2    ? "PM25"
                      : i == 3  ? "PM10"
                      : i == 9  ? "TEMP"
                      : i == 10 ? "RH"
                                : "P" + std::to_string(i))] =
          fields[i].empty() ? nlohmann::json(nullptr) : nlohmann::json(std::stod(fields[i]));
    }
    data.push_back(row);
    rows.push_back(fields);
  }
  ASSERT_EQ(rows.size(), 2424u);
  const nlohmann::json response = {
      {"result", "OK"},
      {"error", ""},
      {"stations", {{{"stationID", "44t"}, {"params", {"PM25", "TEMP", "RH"}}, {"data", data}}}}};
  const auto parsed = ParseAir4ThaiHistory(response.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->skipped.empty());
  // A row whose PM2.5 is empty and whose TEMP = RH = 0 carries nothing we keep (3 in this file).
  size_t next = 0, pm25 = 0, meteorology = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const bool no_meteorology = rows[i][9] == "0" && rows[i][10] == "0";
    if (rows[i][2].empty() && no_meteorology) continue;
    ASSERT_LT(next, parsed->readings.size());
    const auto& r = parsed->readings[next++];
    EXPECT_EQ(r.device_key, "44t");
    EXPECT_EQ(r.ts, 1701363600 + static_cast<int64_t>(i) * 3600) << rows[i][1];  // 2023-12-01 00:00 ICT, hourly
    if (rows[i][2].empty()) {
      EXPECT_FALSE(r.pm2_5.has_value());
    } else {
      EXPECT_EQ(*r.pm2_5, std::stod(rows[i][2]));
      ++pm25;
    }
    if (no_meteorology) {
      EXPECT_FALSE(r.temperature_c.has_value());
      EXPECT_FALSE(r.humidity_pct.has_value());
    } else {
      EXPECT_EQ(*r.temperature_c, std::stod(rows[i][9]));
      EXPECT_EQ(*r.humidity_pct, std::stod(rows[i][10]));
      ++meteorology;
    }
  }
  EXPECT_EQ(next, parsed->readings.size());
  EXPECT_EQ(parsed->readings.size(), 2421u);
  EXPECT_EQ(pm25, 2402u);               // SOURCE.md: PM25 non-empty in 2,402 rows
  EXPECT_EQ(meteorology, 2424u - 93u);  // SOURCE.md: TEMP = RH = 0 in 93 rows
}

}  // namespace
}  // namespace ecotown::ingest
