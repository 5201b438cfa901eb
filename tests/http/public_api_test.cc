// API tests of the public air page (GET /api/v1/public/orgs/{code}/air): the real server on
// 127.0.0.1, a real HTTP client without credentials, a fresh database per test, on SQLite and
// (with the CTest `postgres` fixture) PostgreSQL. Hourly readings come in through the JSON batch
// endpoint, as a data logger's would, stamped relative to the real clock the server reads.
#include <gtest/gtest.h>

#include <ctime>
#include <set>
#include <string>

#include "http/test_server.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

constexpr int64_t kHour = 3600;

class PublicApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam(), .body_limit = 1024 * 1024});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    officer_ = server_->Login("banpong.officer");
    phatong_ = server_->Login("phatong.admin");
    // The newest whole hour at or before now: readings are stamped on hour ends.
    hour0_ = static_cast<int64_t>(std::time(nullptr)) / kHour * kHour;
  }

  // Registers an hourly sensor of the session's organisation; returns its id.
  int64_t AddSensor(const BrowserSession& session, const std::string& code, bool maintenance = false) {
    json body = {{"code", code},
                 {"name", "จุดวัด " + code},
                 {"model", "sds011"},
                 {"lat", 13.8152},
                 {"lon", 99.8768},
                 {"sample_interval_seconds", kHour},
                 {"device_key", "dev-" + code},
                 {"siting_notes", "หลังคาบ้านเลขที่ 12 (ข้อมูลภายใน)"}};
    if (maintenance) body["maintenance"] = true;
    auto res = client_->Post("/api/v1/sensors", CookieHeaders(session), body.dump(), "application/json");
    EXPECT_TRUE(res);
    if (!res) return 0;
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res).value("id", int64_t{0});
  }

  // `hours` hourly readings ending `ends_before` hours before hour0_, around `level` µg/m³
  // (varied so that no value repeats: repeats are flagged as a stuck sensor).
  void Ingest(const BrowserSession& session, const std::string& code, double level, int hours = 30,
              int ends_before = 0) {
    json rows = json::array();
    for (int k = 0; k < hours; ++k) {
      const int64_t ts = hour0_ - (ends_before + k) * kHour;
      rows.push_back(
          {{"sensor", code}, {"ts", ts}, {"pm2_5", level + 0.1 * (k % 7)}, {"pm10", level * 1.5 + 0.1 * (k % 5)}});
    }
    auto res = client_->Post("/api/v1/readings", CookieHeaders(session), json({{"readings", rows}}).dump(),
                             "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }

  json PublicAir(const std::string& code, int expected_status = 200) {
    auto res = client_->Get("/api/v1/public/orgs/" + code + "/air");  // no cookie, no token
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, expected_status) << res->body;
    return JsonOf(res);
  }

  static const json* SensorByCode(const json& body, const std::string& code) {
    for (const auto& s : body["sensors"]) {
      if (s["code"] == code) return &s;
    }
    return nullptr;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
  BrowserSession phatong_;
  int64_t hour0_ = 0;
};

TEST_P(PublicApiTest, AnswersWithoutLoginTheLevelOfTheWorstReportingSensorAndItsAdvice) {
  AddSensor(officer_, "bp-school");
  AddSensor(officer_, "bp-market");
  Ingest(officer_, "bp-school", 20.0);  // Thai AQI level 2
  Ingest(officer_, "bp-market", 45.0);  // level 4

  const json body = PublicAir("banpong");
  EXPECT_EQ(body["org"]["code"], "banpong");
  EXPECT_FALSE(body["org"]["name_th"].get<std::string>().empty());
  ASSERT_EQ(body["sensors"].size(), 2u) << body.dump();
  ASSERT_TRUE(body["level"].is_object()) << body.dump();
  EXPECT_EQ(body["level"]["level"], 4);
  EXPECT_EQ(body["level"]["sensor_code"], "bp-market");
  EXPECT_EQ(body["level"]["advice_key"], "th_aqi.advice.4");
  EXPECT_EQ(body["level"]["level_key"], "th_aqi.level.4");
  EXPECT_EQ(body["level"]["color"], "#FFA200");
  EXPECT_NEAR(body["level"]["pm25_24h"].get<double>(), 45.3, 0.2);

  const json* school = SensorByCode(body, "bp-school");
  ASSERT_NE(school, nullptr);
  EXPECT_EQ((*school)["thai_aqi"]["level"], 2);
  EXPECT_FALSE((*school)["stale"].get<bool>());
  EXPECT_EQ((*school)["last_reading_at"], hour0_);
  // The last 24 hourly means (23 when now is inside an hour: the current hour has no reading yet).
  const auto& hours = (*school)["hours"];
  ASSERT_GE(hours.size(), 23u);
  ASSERT_LE(hours.size(), 24u);
  EXPECT_EQ(hours.back()["hour_end"], hour0_);
  for (const auto& h : hours) {
    ASSERT_TRUE(h["pm25"].is_number()) << h.dump();
    EXPECT_NEAR(h["pm25"].get<double>(), 20.3, 0.31);
  }
}

TEST_P(PublicApiTest, ShowsNothingPrivate) {
  AddSensor(officer_, "bp-school");
  Ingest(officer_, "bp-school", 20.0);
  auto res = client_->Get("/api/v1/public/orgs/banpong/air");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  for (const char* secret : {"device_key", "dev-bp-school", "received_at", "siting", "หลังคาบ้านเลขที่", "flags",
                             "\"latest\"", "source", "csrf", "username"}) {
    EXPECT_EQ(res->body.find(secret), std::string::npos) << secret << " in " << res->body;
  }
}

TEST_P(PublicApiTest, StaleAndMaintenanceSensorsDoNotSetTheLevelAndInactiveOnesAreLeftOut) {
  AddSensor(officer_, "bp-school");
  AddSensor(officer_, "bp-hospital", /*maintenance=*/true);
  AddSensor(officer_, "bp-old");
  const int64_t inactive = AddSensor(officer_, "bp-spare");
  Ingest(officer_, "bp-school", 12.0);                                // level 1, reporting
  Ingest(officer_, "bp-hospital", 120.0);                             // level 5 but in maintenance
  Ingest(officer_, "bp-old", 90.0, /*hours=*/26, /*ends_before=*/4);  // level 5 but silent for 4 hours
  Ingest(officer_, "bp-spare", 200.0);
  auto patched = client_->Patch("/api/v1/sensors/" + std::to_string(inactive), CookieHeaders(officer_),
                                json({{"status", "inactive"}}).dump(), "application/json");
  ASSERT_TRUE(patched);
  ASSERT_EQ(patched->status, 200) << patched->body;

  const json body = PublicAir("banpong");
  ASSERT_TRUE(body["level"].is_object()) << body.dump();
  EXPECT_EQ(body["level"]["level"], 1);
  EXPECT_EQ(body["level"]["sensor_code"], "bp-school");
  std::set<std::string> codes;
  for (const auto& s : body["sensors"]) codes.insert(s["code"].get<std::string>());
  EXPECT_EQ(codes, (std::set<std::string>{"bp-school", "bp-hospital", "bp-old"}));
  EXPECT_TRUE((*SensorByCode(body, "bp-old"))["stale"].get<bool>());
  EXPECT_EQ((*SensorByCode(body, "bp-old"))["thai_aqi"]["level"], 5);
  EXPECT_TRUE((*SensorByCode(body, "bp-hospital"))["maintenance"].get<bool>());
}

TEST_P(PublicApiTest, EachPageShowsOnlyItsOwnOrganisation) {
  AddSensor(officer_, "bp-school");
  AddSensor(phatong_, "pt-office");
  Ingest(officer_, "bp-school", 20.0);
  Ingest(phatong_, "pt-office", 60.0);

  const json banpong = PublicAir("banpong");
  ASSERT_EQ(banpong["sensors"].size(), 1u) << banpong.dump();
  EXPECT_EQ(banpong["sensors"][0]["code"], "bp-school");
  EXPECT_EQ(banpong["level"]["level"], 2);
  const json phatong = PublicAir("phatong");
  ASSERT_EQ(phatong["sensors"].size(), 1u) << phatong.dump();
  EXPECT_EQ(phatong["sensors"][0]["code"], "pt-office");
  EXPECT_EQ(phatong["level"]["level"], 4);

  // A signed-in user of another organisation reads the same public page, nothing more.
  auto res = client_->Get("/api/v1/public/orgs/banpong/air", CookieHeaders(phatong_, false));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(JsonOf(res)["sensors"].size(), 1u);
}

TEST_P(PublicApiTest, AnOrganisationWithoutDataHasNoLevel) {
  const json empty = PublicAir("boekphrai");
  EXPECT_TRUE(empty["level"].is_null()) << empty.dump();
  EXPECT_TRUE(empty["sensors"].empty());

  // A sensor that never reported is listed with no index.
  AddSensor(officer_, "bp-new");
  const json fresh = PublicAir("banpong");
  EXPECT_TRUE(fresh["level"].is_null()) << fresh.dump();
  ASSERT_EQ(fresh["sensors"].size(), 1u);
  EXPECT_TRUE(fresh["sensors"][0]["thai_aqi"].is_null());
  EXPECT_TRUE(fresh["sensors"][0]["last_reading_at"].is_null());
  EXPECT_TRUE(fresh["sensors"][0]["hours"].empty());
}

TEST_P(PublicApiTest, UnknownOrganisationIsNotFoundAndTheRouteIsReadOnly) {
  auto res = client_->Get("/api/v1/public/orgs/no-such-lao/air");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << res->body;
  EXPECT_EQ(JsonOf(res)["error"]["code"], "not_found");

  auto post = client_->Post("/api/v1/public/orgs/banpong/air", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405) << post->body;
}

INSTANTIATE_TEST_SUITE_P(http, PublicApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
