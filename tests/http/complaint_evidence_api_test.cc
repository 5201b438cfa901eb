// GET /api/v1/complaints/{id}/evidence on the real server and both backends: sensors with hourly
// readings and factories at known distances around a complaint; ordering, distances against a
// haversine computed here, the time window, the Thai AQI from the stored 24-h mean, and another
// LAO's sensors and factories never appearing.
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <string>

#include "http/test_server.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

constexpr double kLat = 13.8161, kLon = 99.8735;  // the complaint's pin in Ban Pong

double Haversine(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kR = 6'371'008.8, kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a = std::pow(std::sin(dlat / 2), 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::pow(std::sin(dlon / 2), 2);
  return 2 * kR * std::asin(std::sqrt(a));
}

class ComplaintEvidenceApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam(), .body_limit = 1024 * 1024});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    officer_ = server_->Login("banpong.officer");
    other_ = server_->Login("boekphrai.officer");
    // The hour the resident saw it: half past, a day ago.
    hour_ = (static_cast<int64_t>(std::time(nullptr)) / 3600) * 3600 - 86400;
    observed_ = hour_ - 1800;
  }

  httplib::Result Post(const std::string& path, const json& body, const BrowserSession& session) {
    return client_->Post(path, CookieHeaders(session), body.dump(), "application/json");
  }
  httplib::Result Get(const std::string& path, const BrowserSession& session) {
    return client_->Get(path, CookieHeaders(session, false));
  }

  int64_t AddSensor(const BrowserSession& session, const std::string& code, double lat, double lon) {
    auto res = Post("/api/v1/sensors",
                    {{"code", code}, {"name", "จุดตรวจ " + code}, {"model", "other"}, {"device_key", "dev-" + code},
                     {"lat", lat}, {"lon", lon}, {"sample_interval_seconds", 3600}},
                    session);
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return res ? JsonOf(res).value("id", int64_t{0}) : 0;
  }

  // One reading per hour (complete at a 1-hour interval), alternating so none is "stuck".
  void AddHourlyReadings(const BrowserSession& session, const std::string& code, int64_t first_end, int64_t last_end) {
    json rows = json::array();
    for (int64_t ts = first_end; ts <= last_end; ts += 3600) {
      const bool odd = (ts / 3600) % 2;
      rows.push_back({{"sensor", code}, {"ts", ts}, {"pm2_5", odd ? 30.0 : 32.0}, {"pm10", odd ? 40.0 : 42.0}});
    }
    auto res = Post("/api/v1/readings", {{"readings", rows}}, session);
    ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  }

  int64_t AddFactory(const BrowserSession& session, const std::string& name, double lat, double lon) {
    auto res = Post("/api/v1/factories", {{"name", name}, {"business", "ทดสอบ"}, {"lat", lat}, {"lon", lon}}, session);
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return res ? JsonOf(res).value("id", int64_t{0}) : 0;
  }

  // Files a complaint of Ban Pong (with or without a pin) and returns the officer's id of it.
  int64_t FileComplaint(bool with_pin) {
    json body = {{"category", "dust_smoke"},
                 {"description", "ฝุ่นดำจากปล่องโรงงานลอยเข้าบ้านทุกเช้า"},
                 {"observed_at", observed_}};
    if (with_pin) {
      body["lat"] = kLat;
      body["lon"] = kLon;
    } else {
      body["address"] = "ซอยวัดดอนตูม หมู่ 4";  // without a pin the form needs an address
    }
    auto res = client_->Post("/api/v1/public/orgs/banpong/complaints", body.dump(), "application/json");
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    const std::string tracking = res ? JsonOf(res).value("tracking", "") : "";
    auto list = Get("/api/v1/complaints?tracking=" + tracking, officer_);
    EXPECT_TRUE(list && list->status == 200);
    const json items = list ? JsonOf(list)["items"] : json::array();
    return items.empty() ? 0 : items[0]["id"].get<int64_t>();
  }

  json Evidence(int64_t id, const std::string& query, const BrowserSession& session, int expect = 200) {
    auto res = Get("/api/v1/complaints/" + std::to_string(id) + "/evidence" + query, session);
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, expect) << res->body;
    return JsonOf(res);
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_, other_;
  int64_t hour_ = 0, observed_ = 0;
};

TEST_P(ComplaintEvidenceApiTest, NearestSensorsAndFactoriesWithinTheRadiusInDistanceOrder) {
  const int64_t near_id = AddSensor(officer_, "near", 13.8197, 99.8735);  // about 400 m north
  const int64_t far_id = AddSensor(officer_, "far", 13.8161, 99.8874);    // about 1.5 km east
  AddSensor(other_, "intruder", 13.8170, 99.8735);  // another LAO's, 100 m away: never shown
  AddHourlyReadings(officer_, "near", hour_ - 30 * 3600, hour_ + 10 * 3600);
  AddHourlyReadings(other_, "intruder", hour_ - 30 * 3600, hour_ + 10 * 3600);
  const int64_t mill = AddFactory(officer_, "โรงสีทดสอบ", 13.8089, 99.8735);     // about 800 m south
  const int64_t kiln = AddFactory(officer_, "เตาเผาอิฐทดสอบ", 13.8161, 99.8504);  // about 2.5 km west
  const int64_t far_mill = AddFactory(officer_, "โรงงานไกล", 13.8611, 99.8735);  // about 5 km north
  AddFactory(other_, "โรงงานของเบิกไพร", 13.8165, 99.8740);                      // another LAO's
  const int64_t id = FileComplaint(true);
  ASSERT_GT(id, 0);

  const json e = Evidence(id, "", officer_);  // defaults: 3000 m, ±3 h
  EXPECT_TRUE(e["has_location"].get<bool>());
  EXPECT_EQ(e["radius_m"], 3000.0);
  EXPECT_EQ(e["window_h"], 3);
  EXPECT_EQ(e["observed_at"], observed_);

  // Sensors: only Ban Pong's, nearest first, distances as a haversine computed here.
  ASSERT_EQ(e["sensors"].size(), 2u) << e.dump();
  EXPECT_EQ(e["sensors"][0]["id"], near_id);
  EXPECT_EQ(e["sensors"][1]["id"], far_id);
  EXPECT_NEAR(e["sensors"][0]["distance_m"].get<double>(), Haversine(kLat, kLon, 13.8197, 99.8735), 1.0);
  EXPECT_NEAR(e["sensors"][1]["distance_m"].get<double>(), Haversine(kLat, kLon, 13.8161, 99.8874), 1.0);
  EXPECT_EQ(e["sensors"][0]["direction"], "N");
  EXPECT_EQ(e["sensors"][1]["direction"], "E");
  EXPECT_EQ(e.dump().find("intruder"), std::string::npos);

  // The window: hours ending hour-3h .. hour+3h, each with its mean and coverage.
  const json& hours = e["sensors"][0]["hours"];
  ASSERT_EQ(hours.size(), 7u) << hours.dump();
  EXPECT_EQ(hours.front()["hour_end"], hour_ - 3 * 3600);
  EXPECT_EQ(hours.back()["hour_end"], hour_ + 3 * 3600);
  for (const auto& h : hours) {
    EXPECT_GE(h["hour_end"].get<int64_t>(), e["from_hour_end"].get<int64_t>());
    EXPECT_LE(h["hour_end"].get<int64_t>(), e["to_hour_end"].get<int64_t>());
    const double pm25 = h["pm25"].get<double>();
    EXPECT_TRUE(pm25 == 30.0 || pm25 == 32.0) << pm25;
    EXPECT_DOUBLE_EQ(h["coverage"].get<double>(), 1.0);
  }
  EXPECT_TRUE(e["sensors"][1]["hours"].empty());
  EXPECT_TRUE(e["sensors"][1]["thai_aqi"].is_null());
  // The Thai AQI from the stored 24-h mean of the observed hour: 31 µg/m³ is level 3 (PCD 2023).
  const json& aqi = e["sensors"][0]["thai_aqi"];
  ASSERT_FALSE(aqi.is_null()) << e["sensors"][0].dump();
  EXPECT_EQ(aqi["hour_end"], hour_);
  EXPECT_NEAR(aqi["pm25_24h"].get<double>(), 31.0, 0.5);
  EXPECT_EQ(aqi["level"], 3);

  // Factories within 3 km: the mill then the kiln; the 5 km one and Boek Phrai's never.
  ASSERT_EQ(e["factories"].size(), 2u) << e["factories"].dump();
  EXPECT_EQ(e["factories"][0]["id"], mill);
  EXPECT_EQ(e["factories"][1]["id"], kiln);
  EXPECT_NEAR(e["factories"][0]["distance_m"].get<double>(), Haversine(kLat, kLon, 13.8089, 99.8735), 1.0);
  EXPECT_NEAR(e["factories"][1]["distance_m"].get<double>(), Haversine(kLat, kLon, 13.8161, 99.8504), 1.0);
  EXPECT_EQ(e["factories"][0]["status"], "operating");
  EXPECT_EQ(e["factories"][0]["open_actions"], 0);
  EXPECT_EQ(e.dump().find("เบิกไพร"), std::string::npos);

  // A wider radius takes in the far factory; a narrower window fewer hours.
  const json wide = Evidence(id, "?radius_m=10000&window_h=1", officer_);
  ASSERT_EQ(wide["factories"].size(), 3u);
  EXPECT_EQ(wide["factories"][2]["id"], far_mill);
  EXPECT_EQ(wide["sensors"][0]["hours"].size(), 3u);
  EXPECT_EQ(wide.dump().find("เบิกไพร"), std::string::npos);
}

TEST_P(ComplaintEvidenceApiTest, RangesAreCheckedAndOnlyTheLaosStaffMayAsk) {
  const int64_t id = FileComplaint(true);
  ASSERT_GT(id, 0);
  EXPECT_EQ(Evidence(id, "?radius_m=50", officer_, 422)["error"]["field"], "radius_m");
  EXPECT_EQ(Evidence(id, "?radius_m=25000", officer_, 422)["error"]["field"], "radius_m");
  EXPECT_EQ(Evidence(id, "?radius_m=abc", officer_, 422)["error"]["field"], "radius_m");
  EXPECT_EQ(Evidence(id, "?window_h=0", officer_, 422)["error"]["field"], "window_h");
  EXPECT_EQ(Evidence(id, "?window_h=25", officer_, 422)["error"]["field"], "window_h");
  EXPECT_EQ(Evidence(id, "?window_h=1.5", officer_, 422)["error"]["field"], "window_h");
  // Another LAO's officer, and the provincial oversight office: not found.
  Evidence(id, "", other_, 404);
  Evidence(id, "", server_->Login("ratchaburi.oversight"), 404);
  // An executive of the LAO is staff: allowed.
  Evidence(id, "", server_->Login("banpong.executive"), 200);
  auto anonymous = client_->Get("/api/v1/complaints/" + std::to_string(id) + "/evidence");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

TEST_P(ComplaintEvidenceApiTest, AComplaintWithoutAPinSaysSo) {
  AddSensor(officer_, "near", 13.8197, 99.8735);
  AddFactory(officer_, "โรงสีทดสอบ", 13.8089, 99.8735);
  const int64_t id = FileComplaint(false);
  ASSERT_GT(id, 0);
  const json e = Evidence(id, "", officer_);
  EXPECT_FALSE(e["has_location"].get<bool>());
  EXPECT_NE(e["message"].get<std::string>().find("no location"), std::string::npos);
  EXPECT_TRUE(e["sensors"].empty());
  EXPECT_TRUE(e["factories"].empty());
}

INSTANTIATE_TEST_SUITE_P(http, ComplaintEvidenceApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
