// The ingest endpoints against the real server on both backends: device posts exactly as the
// firmware sends them (Sensor.Community airrohr, AirGradient), device credentials, the JSON batch
// (all or nothing, idempotent), file upload, and refusals visible as ingest events.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "app/import_readings.h"
#include "http/test_server.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

// The firmware's body for the custom API, byte for byte (air-quality.md §4a).
constexpr const char* kAirrohrBody =
    R"({"esp8266id": "13966475", "software_version": "NRZ-2024-135", "sensordatavalues":[{"value_type":"SDS_P1","value":"23.43"},{"value_type":"SDS_P2","value":"12.70"},{"value_type":"BME280_temperature","value":"31.62"},{"value_type":"BME280_pressure","value":"100845.44"},{"value_type":"BME280_humidity","value":"68.31"},{"value_type":"samples","value":"5234567"},{"value_type":"min_micro","value":"28"},{"value_type":"max_micro","value":"20123"},{"value_type":"interval","value":"145000"},{"value_type":"signal","value":"-67"}]})";

// An AirGradient ONE's measures as its client posts them (air-quality.md §4b).
constexpr const char* kAirGradientBody =
    R"({"wifi":-46,"serialno":"ecda3b1eaaaf","rco2":447,"pm01":3,"pm02":7,"pm10":8,"pm02Standard":7,"pm003Count":442,"atmp":25.87,"rhum":43,"tvocIndex":100,"noxIndex":1,"boot":6,"bootCount":6,"ledMode":"pm","firmware":"3.1.1","model":"I-9PSL"})";

class IngestApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam(), .body_limit = 1024 * 1024});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    officer_ = server_->Login("banpong.officer");
  }

  int64_t AddSensor(const std::string& code, const std::string& model, const std::string& device_key) {
    auto res = client_->Post("/api/v1/sensors", CookieHeaders(officer_),
                             json({{"code", code}, {"name", "จุดตรวจ " + code}, {"model", model},
                                   {"device_key", device_key}, {"lat", 13.81}, {"lon", 99.87}})
                                 .dump(),
                             "application/json");
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return res ? JsonOf(res).value("id", int64_t{0}) : 0;
  }

  std::vector<json> Readings(int64_t sensor_id) {
    auto res = client_->Get("/api/v1/sensors/" + std::to_string(sensor_id) + "/readings?from=0&to=4000000000",
                            CookieHeaders(officer_, false));
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    return res ? JsonOf(res)["items"].get<std::vector<json>>() : std::vector<json>{};
  }

  // The ingest events (GET /api/v1/ingest-events) the user `login` sees, newest first.
  json IngestEvents(const std::string& login) {
    auto res = client_->Get("/api/v1/ingest-events?since=0", CookieHeaders(server_->Login(login), false));
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    return res && res->status == 200 ? JsonOf(res)["items"] : json::array();
  }

  // An airrohr request exactly as the firmware writes it, over a plain socket.
  RawConnection::Response PostAirrohr(const std::string& path, const std::string& auth_header = "") {
    RawConnection conn(server_->port());
    const std::string body = kAirrohrBody;
    std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "User-Agent: NRZ-2024-135/13966475/5ccf7f0a1b2c\r\n"
                          "Content-Type: application/json\r\n"
                          "X-Sensor: esp8266-13966475\r\n"
                          "X-MAC-ID: esp8266-5ccf7f0a1b2c\r\n" +
                          auth_header + "Content-Length: " + std::to_string(body.size()) +
                          "\r\nConnection: close\r\n\r\n" + body;
    EXPECT_TRUE(conn.Send(request));
    auto response = conn.ReadResponse();
    EXPECT_TRUE(response.has_value());
    return response.value_or(RawConnection::Response{});
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
};

INSTANTIATE_TEST_SUITE_P(http, IngestApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

TEST_P(IngestApiTest, AirrohrFirmwarePostIsStoredWithoutRedirectOnBothPaths) {
  const int64_t id = AddSensor("sds-1", "sds011", "esp8266-13966475");
  for (const std::string path : {"/data.php", "/api/v1/ingest/airrohr"}) {
    const auto response = PostAirrohr(path);
    EXPECT_EQ(response.status, 200) << path << " " << response.body;
    EXPECT_EQ(response.headers.count("location"), 0u);
  }
  const auto rows = Readings(id);
  ASSERT_GE(rows.size(), 1u);  // the second post may share the first one's second: a duplicate
  EXPECT_DOUBLE_EQ(rows[0]["pm2_5"].get<double>(), 12.70);
  EXPECT_DOUBLE_EQ(rows[0]["pm10"].get<double>(), 23.43);
  EXPECT_DOUBLE_EQ(rows[0]["temperature"].get<double>(), 31.62);
  EXPECT_DOUBLE_EQ(rows[0]["humidity"].get<double>(), 68.31);
  EXPECT_NEAR(rows[0]["pressure"].get<double>(), 1008.4544, 1e-9);
  EXPECT_EQ(rows[0]["source"], "airrohr");
}

TEST_P(IngestApiTest, DeviceSecretIsRequiredOnceIssuedAndRefusalsAreVisible) {
  const int64_t id = AddSensor("sds-2", "sds011", "esp8266-13966475");
  auto admin = server_->Login("banpong.admin");
  auto secret_res = client_->Post("/api/v1/sensors/" + std::to_string(id) + "/secret", CookieHeaders(admin), "",
                                  "application/json");
  ASSERT_TRUE(secret_res && secret_res->status == 200) << (secret_res ? secret_res->body : "");
  const std::string secret = JsonOf(secret_res)["secret"];

  EXPECT_EQ(PostAirrohr("/data.php").status, 401);
  const std::string wrong = "Authorization: Basic " + std::string("ZXNwODI2Ni0xMzk2NjQ3NTpub3BlCg==") + "\r\n";
  EXPECT_EQ(PostAirrohr("/data.php", wrong).status, 403);
  EXPECT_TRUE(Readings(id).empty());

  // user "device", password = the secret, base64 as the firmware's HTTPClient writes it.
  const std::string plain = "device:" + secret;
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string encoded;
  for (size_t i = 0; i < plain.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(plain[i]) << 16;
    if (i + 1 < plain.size()) n |= static_cast<uint8_t>(plain[i + 1]) << 8;
    if (i + 2 < plain.size()) n |= static_cast<uint8_t>(plain[i + 2]);
    encoded += kAlphabet[(n >> 18) & 63];
    encoded += kAlphabet[(n >> 12) & 63];
    encoded += i + 1 < plain.size() ? kAlphabet[(n >> 6) & 63] : '=';
    encoded += i + 2 < plain.size() ? kAlphabet[n & 63] : '=';
  }
  EXPECT_EQ(PostAirrohr("/data.php", "Authorization: Basic " + encoded + "\r\n").status, 200);
  EXPECT_EQ(Readings(id).size(), 1u);

  auto events = client_->Get("/api/v1/ingest-events", CookieHeaders(admin, false));
  ASSERT_TRUE(events && events->status == 200);
  int unauthorized = 0;
  const json listed = JsonOf(events);
  for (const auto& e : listed["items"]) {
    if (e["kind"] == "unauthorized" && e["device_key"] == "esp8266-13966475") ++unauthorized;
  }
  EXPECT_EQ(unauthorized, 2) << events->body;
  // Another LAO does not see them.
  auto other = server_->Login("boekphrai.officer");
  auto theirs = client_->Get("/api/v1/ingest-events", CookieHeaders(other, false));
  ASSERT_TRUE(theirs && theirs->status == 200);
  EXPECT_TRUE(JsonOf(theirs)["items"].empty());
}

TEST_P(IngestApiTest, UnknownDeviceAndMalformedBodyAreRefusedNamingTheProblem) {
  auto unknown = PostAirrohr("/data.php");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("esp8266-13966475"), std::string::npos);

  AddSensor("sds-3", "sds011", "esp8266-13966475");
  auto bad = client_->Post("/data.php", {{"X-Sensor", "esp8266-13966475"}},
                           R"({"esp8266id":"13966475","sensordatavalues":[{"value_type":"SDS_P2","value":"nan"}]})",
                           "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422) << bad->body;
  EXPECT_EQ(JsonOf(bad)["error"]["field"], "sensordatavalues[0].value");
}

TEST_P(IngestApiTest, AirGradientLegacyPostIsStored) {
  const int64_t id = AddSensor("ag-1", "airgradient", "ecda3b1eaaaf");
  auto res = client_->Post("/sensors/airgradient:ecda3b1eaaaf/measures", kAirGradientBody, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  const auto rows = Readings(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0]["pm2_5"].get<double>(), 7);
  EXPECT_DOUBLE_EQ(rows[0]["co2"].get<double>(), 447);
  EXPECT_DOUBLE_EQ(rows[0]["temperature"].get<double>(), 25.87);

  auto wrong = client_->Post("/sensors/airgradient:ecda3b1eaaaf/measures",
                             R"({"serialno":"aaaaaaaaaaaa","pm02":5})", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 422) << wrong->body;
  auto not_ours = client_->Post("/sensors/purpleair:x/measures", kAirGradientBody, "application/json");
  ASSERT_TRUE(not_ours);
  EXPECT_EQ(not_ours->status, 404);
}

// [qa] in the configuration reaches every ingest path: with pm_max_ugm3 = 200 a value of 300 is
// flagged out of range (kept, not deleted); with the defaults (1000) it is not.
TEST_P(IngestApiTest, ConfiguredQaThresholdsFlagIngestedReadings) {
  core::QaConfig strict;
  strict.pm_max_ugm3 = 200;
  server_ = TestServer::Start({.backend = GetParam(), .body_limit = 1024 * 1024, .qa = strict});
  ASSERT_NE(server_, nullptr);
  client_ = server_->NewClient();
  officer_ = server_->Login("banpong.officer");
  const int64_t id = AddSensor("s1", "other", "gw-s1");
  const json batch = {{"readings", {{{"sensor", "s1"}, {"ts", 1767225600}, {"pm2_5", 300}, {"pm10", 320}}}}};
  auto res = client_->Post("/api/v1/readings", CookieHeaders(officer_), batch.dump(), "application/json");
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  EXPECT_EQ(JsonOf(res)["accepted"], 1);
  EXPECT_EQ(JsonOf(res)["flagged"], 1) << res->body;
  const auto stored = Readings(id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_NE(stored[0].dump().find("above_range"), std::string::npos) << stored[0].dump();
}

TEST_P(IngestApiTest, DefaultQaThresholdsKeepASmokePeakUnflagged) {
  const int64_t id = AddSensor("s1", "other", "gw-s1");
  const json batch = {{"readings", {{{"sensor", "s1"}, {"ts", 1767225600}, {"pm2_5", 300}, {"pm10", 320}}}}};
  auto res = client_->Post("/api/v1/readings", CookieHeaders(officer_), batch.dump(), "application/json");
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  EXPECT_EQ(JsonOf(res)["flagged"], 0) << res->body;
  EXPECT_EQ(Readings(id).at(0).dump().find("above_range"), std::string::npos);
}

TEST_P(IngestApiTest, JsonBatchIsAllOrNothingAndIdempotent) {
  const int64_t id = AddSensor("s1", "other", "gw-s1");
  const json good = {{"readings",
                      {{{"sensor", "s1"}, {"ts", 1767225600}, {"pm2_5", 12.3}, {"pm10", 20}},
                       {{"sensor", "gw-s1"}, {"ts", 1767225660}, {"pm2_5", 12.5}},
                       {{"sensor", "s1"}, {"ts", "2026-01-01T07:02:00+07:00"}, {"pm2_5", 13.0}}}}};
  auto first = client_->Post("/api/v1/readings", CookieHeaders(officer_), good.dump(), "application/json");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(JsonOf(first)["accepted"], 3);
  auto again = client_->Post("/api/v1/readings", CookieHeaders(officer_), good.dump(), "application/json");
  ASSERT_TRUE(again && again->status == 200);
  EXPECT_EQ(JsonOf(again)["accepted"], 0);
  EXPECT_EQ(JsonOf(again)["duplicates"], 3);

  const json bad = {{"readings",
                     {{{"sensor", "s1"}, {"ts", 1767226000}, {"pm2_5", 1}},
                      {{"sensor", "nope"}, {"ts", 1767226000}, {"pm2_5", 1}}}}};
  auto refused = client_->Post("/api/v1/readings", CookieHeaders(officer_), bad.dump(), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422) << refused->body;
  EXPECT_EQ(JsonOf(refused)["error"]["field"], "readings[1]");
  EXPECT_EQ(JsonOf(refused)["summary"]["errors"][0]["index"], 1);
  EXPECT_EQ(Readings(id).size(), 3u);

  auto malformed = client_->Post("/api/v1/readings", CookieHeaders(officer_),
                                 R"({"readings":[{"sensor":"s1","ts":1767226000,"pm2_5":"12"}]})", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 422) << malformed->body;
  EXPECT_EQ(JsonOf(malformed)["error"]["field"], "readings[0].pm2_5");

  // Another LAO cannot write to this sensor by naming its code.
  auto other = server_->Login("boekphrai.officer");
  auto foreign = client_->Post("/api/v1/readings", CookieHeaders(other),
                               json({{"readings", {{{"sensor", "s1"}, {"ts", 1767229000}, {"pm2_5", 1}}}}}).dump(),
                               "application/json");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 422);
  EXPECT_EQ(Readings(id).size(), 3u);

  // Anonymous batches are refused.
  auto anonymous = client_->Post("/api/v1/readings", good.dump(), "application/json");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

// Batches posted at the same time by one caller may be stored in one transaction (group
// commit): each answer still counts exactly its own readings, a refused batch stores nothing and
// does not disturb the others, and nothing is stored twice.
TEST_P(IngestApiTest, ConcurrentBatchesOfOneCallerAreEachAnsweredForTheirOwnReadings) {
  const int64_t s1 = AddSensor("s1", "other", "gw-s1");
  const int64_t s2 = AddSensor("s2", "other", "gw-s2");
  constexpr int kThreads = 6, kRounds = 5;
  // Thread t, round r sends minutes [m, m + 10) of both sensors, m = 5 (t + kThreads r): each
  // batch repeats half of another thread's. Thread 0 also sends one refused batch per round.
  std::vector<std::thread> threads;
  std::atomic<int64_t> accepted{0}, duplicates{0}, answered{0}, refused{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = server_->NewClient();
      for (int r = 0; r < kRounds; ++r) {
        json rows = json::array();
        const int first = 5 * (t + kThreads * r);
        for (int m = first; m < first + 10; ++m) {
          for (const char* sensor : {"s1", "gw-s2"}) {
            rows.push_back({{"sensor", sensor}, {"ts", 1767225600 + 60 * m}, {"pm2_5", 10 + m % 7}});
          }
        }
        auto res = client->Post("/api/v1/readings", CookieHeaders(officer_), json({{"readings", rows}}).dump(),
                                "application/json");
        if (!res || res->status != 200) continue;
        const json summary = JsonOf(res);
        accepted += summary["accepted"].get<int64_t>();
        duplicates += summary["duplicates"].get<int64_t>();
        if (summary["accepted"].get<int64_t>() + summary["duplicates"].get<int64_t>() == 20) ++answered;
        if (t == 0) {
          json bad = {{"readings", {{{"sensor", "s1"}, {"ts", 1767225600 + 60 * (first + 1000)}, {"pm2_5", 1}},
                                    {{"sensor", "nope"}, {"ts", 1767225600}, {"pm2_5", 1}}}}};
          auto no = client->Post("/api/v1/readings", CookieHeaders(officer_), bad.dump(), "application/json");
          if (no && no->status == 422) ++refused;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), kThreads * kRounds);
  EXPECT_EQ(refused.load(), kRounds);
  // Minutes 0 .. 5 (kThreads kRounds - 1) + 9 of two sensors, each stored once.
  const int64_t distinct = 2 * (5 * (kThreads * kRounds - 1) + 10);
  EXPECT_EQ(accepted.load(), distinct);
  EXPECT_EQ(duplicates.load(), int64_t{kThreads} * kRounds * 20 - distinct);
  EXPECT_EQ(static_cast<int64_t>(Readings(s1).size() + Readings(s2).size()), distinct);
}

// The dashboard (GET /api/v1/readings/latest) is kept between requests under the LAO's readings
// change counter: whatever way readings arrive next (a JSON batch, a device post), the next answer
// has them.
TEST_P(IngestApiTest, DashboardAnswerHasTheReadingsOfEveryWayTheyArrive) {
  AddSensor("s1", "other", "gw-s1");
  const int64_t t0 = 1767225600;  // 2026-01-01 00:00 UTC
  const std::string at_end = "/api/v1/readings/latest?end=" + std::to_string(t0 + 3600);
  auto dashboard = [&](const std::string& target) {
    auto res = client_->Get(target, CookieHeaders(officer_, false));
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    std::map<std::string, json> by_code;
    if (res && res->status == 200) {
      const json answer = JsonOf(res);
      for (const auto& item : answer["items"]) by_code[item["code"].get<std::string>()] = item;
    }
    return by_code;
  };
  auto post = [&](std::initializer_list<std::pair<int, double>> minutes) {
    json rows = json::array();
    for (const auto& [minute, pm25] : minutes) rows.push_back({{"sensor", "s1"}, {"ts", t0 + 60 * minute}, {"pm2_5", pm25}});
    auto res = client_->Post("/api/v1/readings", CookieHeaders(officer_), json({{"readings", rows}}).dump(),
                             "application/json");
    ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  };

  EXPECT_EQ(dashboard(at_end).count("s1"), 0u);  // no readings yet
  post({{10, 20.0}, {11, 22.0}});
  auto first = dashboard(at_end);
  ASSERT_EQ(first.count("s1"), 1u);
  EXPECT_EQ(first["s1"]["latest_valid"]["ts"], t0 + 660);
  EXPECT_EQ(first["s1"]["samples_24h"], 2);
  EXPECT_EQ(dashboard(at_end)["s1"], first["s1"]);  // asked again, unchanged

  post({{12, 30.0}});
  auto second = dashboard(at_end);
  EXPECT_EQ(second["s1"]["latest_valid"]["ts"], t0 + 720);
  EXPECT_DOUBLE_EQ(second["s1"]["latest_valid"]["pm2_5"].get<double>(), 30.0);
  EXPECT_EQ(second["s1"]["samples_24h"], 3);
  EXPECT_DOUBLE_EQ(second["s1"]["pm25_24h_raw"].get<double>(), 24.0);

  // A device's own post (the Sensor.Community firmware), stamped now: the dashboard ending this
  // hour has it after it came, though it was asked (and kept) before.
  AddSensor("sds-1", "sds011", "esp8266-13966475");
  EXPECT_EQ(dashboard("/api/v1/readings/latest").count("sds-1"), 0u);
  const auto response = PostAirrohr("/data.php");
  ASSERT_EQ(response.status, 200) << response.body;
  auto now = dashboard("/api/v1/readings/latest");
  ASSERT_EQ(now.count("sds-1"), 1u);
  EXPECT_DOUBLE_EQ(now["sds-1"]["latest_valid"]["pm2_5"].get<double>(), 12.70);
}

TEST_P(IngestApiTest, CsvUploadStoresGoodRowsAndReportsBadOnes) {
  const int64_t id = AddSensor("s2", "other", "gw-s2");
  const std::string csv =
      "sensor_id,ts,pm2_5,pm10\n"
      "s2,1767225600,10.5,20\n"
      "s2,1767225660,abc,20\n"
      "s2,1767225720,11,21\n"
      "ghost,1767225720,11,21\n";
  auto res = client_->Post("/api/v1/readings/import?format=csv", CookieHeaders(officer_), csv, "text/csv");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json summary = JsonOf(res);
  EXPECT_EQ(summary["accepted"], 2);
  EXPECT_EQ(summary["rejected"], 2);
  const std::string listed = summary["errors"].dump();
  EXPECT_NE(listed.find("pm2_5"), std::string::npos) << listed;
  EXPECT_NE(listed.find("ghost"), std::string::npos) << listed;
  EXPECT_EQ(Readings(id).size(), 2u);

  auto bad_format = client_->Post("/api/v1/readings/import?format=xls", CookieHeaders(officer_), csv, "text/csv");
  ASSERT_TRUE(bad_format);
  EXPECT_EQ(bad_format->status, 422);
}

// Issue 3, "the event visible to the LAO admin": an upload with refused rows, and a refused file,
// are ingest events of the uploader's organisation, as on the device and batch paths.
TEST_P(IngestApiTest, CsvUploadRefusalsAreIngestEventsOfTheUploadersLao) {
  AddSensor("s2", "other", "gw-s2");
  const std::string csv =
      "sensor_id,ts,pm2_5,pm10\n"
      "s2,1767225600,10.5,20\n"
      "s2,1767225660,abc,20\n"
      "ghost,1767225720,11,21\n";
  auto rows = client_->Post("/api/v1/readings/import?format=csv", CookieHeaders(officer_), csv, "text/csv");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->status, 200) << rows->body;
  // A clean upload records nothing.
  auto clean = client_->Post("/api/v1/readings/import?format=csv", CookieHeaders(officer_),
                             "sensor_id,ts,pm2_5,pm10\ns2,1767225900,12,22\n", "text/csv");
  ASSERT_TRUE(clean);
  ASSERT_EQ(clean->status, 200) << clean->body;
  // A file that is not readings at all is refused whole.
  auto file = client_->Post("/api/v1/readings/import?format=csv", CookieHeaders(officer_), "name,colour\nx,red\n",
                            "text/csv");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 422) << file->body;
  auto air4thai = client_->Post("/api/v1/readings/import?format=air4thai", CookieHeaders(officer_), "{\"stations\":",
                                "application/json");
  ASSERT_TRUE(air4thai);
  EXPECT_EQ(air4thai->status, 422) << air4thai->body;

  const auto admin = server_->Login("banpong.admin");
  auto events = client_->Get("/api/v1/ingest-events", CookieHeaders(admin, false));
  ASSERT_TRUE(events);
  ASSERT_EQ(events->status, 200) << events->body;
  std::vector<json> uploads;
  const json listed = JsonOf(events);
  for (const auto& e : listed["items"]) {
    if (e["source"] == "csv" || e["source"] == "air4thai") uploads.push_back(e);
  }
  ASSERT_EQ(uploads.size(), 3u) << events->body;
  int with_rows = 0, files = 0;
  for (const auto& e : uploads) {
    EXPECT_EQ(e["kind"], "rejected") << e.dump();
    const std::string message = e["message"];
    if (e["count"] == 2) {
      ++with_rows;
      EXPECT_NE(message.find("2 rows refused"), std::string::npos) << message;
      EXPECT_NE(message.find("line 3"), std::string::npos) << message;  // the first refusal, by file line
      EXPECT_EQ(e["source"], "csv");
    } else {
      ++files;
      EXPECT_EQ(e["count"], 0) << e.dump();
      EXPECT_EQ(message.rfind("file refused: ", 0), 0u) << message;
    }
  }
  EXPECT_EQ(with_rows, 1);
  EXPECT_EQ(files, 2);
  // Another LAO does not see them.
  auto theirs = client_->Get("/api/v1/ingest-events", CookieHeaders(server_->Login("boekphrai.officer"), false));
  ASSERT_TRUE(theirs && theirs->status == 200);
  EXPECT_TRUE(JsonOf(theirs)["items"].empty()) << theirs->body;
}

// Issue 3, "the event visible to the LAO admin": rows that the device transports' sink (MQTT,
// pollers) refuses are ingest events too: of the device's LAO, or of no LAO for an unknown device.
TEST_P(IngestApiTest, DeviceTransportRefusalsAreIngestEvents) {
  const int64_t id = AddSensor("s4", "airgradient", "ecda3b1eaaaf");
  auto sink = server_->runtime().DeviceReadingSink();
  const int64_t now = 1767225600;
  auto reading = [](const std::string& key, int64_t ts) {
    readings::RawReading r;
    r.device_key = key;
    r.ts = ts;
    r.pm2_5 = 12;
    r.source = readings::Source::kMqtt;
    return r;
  };
  // One good reading and one 2 days ahead of the receive time: the good one is stored.
  auto refused = sink({reading("ecda3b1eaaaf", now - 60), reading("ecda3b1eaaaf", now + 2 * 86400)}, now);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->accepted, 1);
  EXPECT_EQ(refused->rejected, 1);
  auto unknown = sink({reading("aaaaaaaaaaaa", now - 60)}, now);
  ASSERT_TRUE(unknown.ok()) << unknown.status().ToString();
  EXPECT_EQ(unknown->rejected, 1);
  auto clean = sink({reading("ecda3b1eaaaf", now - 30)}, now);
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(Readings(id).size(), 2u);

  auto events = client_->Get("/api/v1/ingest-events?since=0", CookieHeaders(server_->Login("banpong.admin"), false));
  ASSERT_TRUE(events);
  ASSERT_EQ(events->status, 200) << events->body;
  const json listed = JsonOf(events);
  ASSERT_EQ(listed["items"].size(), 1u) << events->body;  // the unknown device is no LAO's
  const json& event = listed["items"][0];
  EXPECT_EQ(event["kind"], "rejected");
  EXPECT_EQ(event["source"], "mqtt");
  EXPECT_EQ(event["device_key"], "ecda3b1eaaaf");
  EXPECT_EQ(event["sensor_id"], id);
  EXPECT_EQ(event["count"], 1);
  EXPECT_NE(event["message"].get<std::string>().find("future"), std::string::npos) << event.dump();

  auto all = client_->Get("/api/v1/ingest-events?since=0", CookieHeaders(server_->Login("admin"), false));
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200) << all->body;
  int unknown_devices = 0;
  const json everything = JsonOf(all);
  for (const auto& e : everything["items"]) {
    if (e["kind"] == "unknown_device" && e["device_key"] == "aaaaaaaaaaaa") ++unknown_devices;
  }
  EXPECT_EQ(unknown_devices, 1) << all->body;
}

// A message a device transport refuses whole (the MQTT parser refused its payload) is an ingest
// event of the LAO that registered the device its topic names, and of no LAO otherwise.
TEST_P(IngestApiTest, WholeMessagesRefusedByADeviceTransportAreIngestEvents) {
  const int64_t id = AddSensor("s5", "airgradient", "ecda3b1eaaaf");
  auto refusals = server_->runtime().DeviceRefusalSink();
  const int64_t now = 1767225600;
  refusals(readings::Source::kMqtt, "ecda3b1eaaaf",
           "MQTT message on topic \"airgradient/readings/ecda3b1eaaaf\" (airgradient) refused: not JSON", now);
  refusals(readings::Source::kMqtt, "", "MQTT topic \"x/y\" matches no subscription", now);

  const json listed = IngestEvents("banpong.admin");
  ASSERT_EQ(listed.size(), 1u) << listed.dump();
  const json& event = listed[0];
  EXPECT_EQ(event["kind"], "rejected");
  EXPECT_EQ(event["source"], "mqtt");
  EXPECT_EQ(event["device_key"], "ecda3b1eaaaf");
  EXPECT_EQ(event["sensor_id"], id);
  EXPECT_NE(event["message"].get<std::string>().find("refused: not JSON"), std::string::npos) << event.dump();

  int unattributed = 0;
  const json everything = IngestEvents("admin");
  for (const auto& e : everything) {
    if (e["message"].get<std::string>().find("matches no subscription") != std::string::npos) {
      ++unattributed;
      EXPECT_TRUE(e["sensor_id"].is_null()) << e.dump();
    }
  }
  EXPECT_EQ(unattributed, 1) << everything.dump();
}

// `ecotown import readings FILE --org CODE`: refused rows are one ingest event of that LAO, as
// for a web upload; an import without refusals records none.
TEST_P(IngestApiTest, RowsRefusedByTheCliImportAreAnIngestEventOfTheNamedLao) {
  const int64_t id = AddSensor("s6", "other", "gw-s6");
  char path[] = "/tmp/ecotown-import-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  auto import = [&](const std::string& body) {
    std::ofstream(path, std::ios::binary) << body;
    std::ostringstream progress;
    return app::ImportReadings(server_->runtime(), {path, "csv", std::string("banpong"), false}, progress);
  };
  auto report = import("sensor_id,ts,pm2_5\ns6,1767225600,10\nnope,1767225660,11\ns6,yesterday,12\n");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->accepted, 1);
  EXPECT_EQ(report->rejected, 2);
  auto clean = import("sensor_id,ts,pm2_5\ns6,1767225720,13\n");
  std::remove(path);
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean->rejected, 0);
  EXPECT_EQ(Readings(id).size(), 2u);

  const json listed = IngestEvents("banpong.admin");
  ASSERT_EQ(listed.size(), 1u) << listed.dump();
  const json& event = listed[0];
  EXPECT_EQ(event["kind"], "rejected");
  EXPECT_EQ(event["source"], "csv");
  EXPECT_EQ(event["count"], 2);
  const std::string message = event["message"];
  EXPECT_NE(message.find("imported file ecotown-import-"), std::string::npos) << message;
  EXPECT_NE(message.find(": 2 rows refused; "), std::string::npos) << message;
}

TEST_P(IngestApiTest, AggregatesAndStatusAreServedForTheMap) {
  const int64_t id = AddSensor("s3", "other", "gw-s3");
  json rows = json::array();
  // 3 complete hours of 1-minute data ending 2026-01-01 10:00 Bangkok.
  const int64_t end = 1767236400;
  // Alternating values (a constant would be flagged as a stuck sensor): each hour's mean is 40.
  for (int64_t ts = end - 3 * 3600 + 60; ts <= end; ts += 60) {
    rows.push_back({{"sensor", "s3"}, {"ts", ts}, {"pm2_5", (ts / 60) % 2 ? 39.5 : 40.5}});
  }
  auto res = client_->Post("/api/v1/readings", CookieHeaders(officer_), json({{"readings", rows}}).dump(),
                           "application/json");
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "");
  auto hours = client_->Get("/api/v1/sensors/" + std::to_string(id) + "/hours?from=" + std::to_string(end - 4 * 3600) +
                                "&to=" + std::to_string(end),
                            CookieHeaders(officer_, false));
  ASSERT_TRUE(hours && hours->status == 200) << (hours ? hours->body : "");
  const auto items = JsonOf(hours)["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2]["hour_end"], end);
  EXPECT_NEAR(items[2]["pm25"].get<double>(), 40.0, 1e-9);
  EXPECT_DOUBLE_EQ(items[2]["coverage"].get<double>(), 1.0);

  auto now = client_->Get("/api/v1/sensors/" + std::to_string(id) + "/now", CookieHeaders(officer_, false));
  ASSERT_TRUE(now && now->status == 200) << (now ? now->body : "");
  const json status = JsonOf(now);
  EXPECT_NEAR(status["pm25_hour"].get<double>(), 40.0, 1e-9);
  EXPECT_NEAR(status["pm25_nowcast"].get<double>(), 40.0, 1e-9);
  EXPECT_TRUE(status["pm25_24h"].is_null());  // 3 of 24 hours
  EXPECT_EQ(status["us_aqi"]["aqi"], 112);    // NowCast 40.0 µg/m³ -> 112 (EPA 2024 table)
  EXPECT_TRUE(status["stale"].get<bool>());   // long ago relative to the server clock

  // Another LAO cannot read it.
  auto other = server_->Login("boekphrai.officer");
  auto foreign = client_->Get("/api/v1/sensors/" + std::to_string(id) + "/hours", CookieHeaders(other, false));
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 404);
}

}  // namespace
}  // namespace ecotown::testing
