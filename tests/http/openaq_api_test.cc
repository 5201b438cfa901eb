// API tests of the OpenAQ v3-compatible read API (/v3/...): the real server on 127.0.0.1, a real
// HTTP client without credentials (open data), a fresh database per test, on SQLite and (with the
// CTest `postgres` fixture) PostgreSQL. Readings come in through POST /api/v1/readings; the
// expected figures are worked out by hand in open_data_fixture.h.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "http/open_data_fixture.h"
#include "http/test_server.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

constexpr int64_t kPm10 = 1, kPm25 = 2, kHumidity = 98, kTemperature = 100;

class OpenAqApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam(), .body_limit = 1024 * 1024});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    officer_ = server_->Login("banpong.officer");
  }

  // Registers a sensor with the session's organisation; returns its id.
  int64_t AddSensor(const BrowserSession& session, json fields) {
    fields.emplace("lat", 13.8152);
    fields.emplace("lon", 99.8768);
    fields.emplace("name", "สถานี " + fields["code"].get<std::string>());
    auto res = client_->Post("/api/v1/sensors", CookieHeaders(session), fields.dump(), "application/json");
    EXPECT_TRUE(res);
    if (!res) return 0;
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res).value("id", int64_t{0});
  }

  void Ingest(const json& batch, const BrowserSession& session) {
    auto res = client_->Post("/api/v1/readings", CookieHeaders(session), batch.dump(), "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }

  // The market sensor of Ban Pong with the readings of open_data_fixture.h; returns its id.
  int64_t AddMarketSensor() {
    const int64_t id = AddSensor(officer_, {{"code", "bp-market-01"},
                                            {"name", "สถานีตลาดบ้านโป่ง"},
                                            {"model", "airgradient"},
                                            {"device_key", "ag-bp-market-01-key"},
                                            {"siting_notes", "หลังบ้านนายสมชาย ซอย 5"},
                                            {"install_date", "2025-05-20"},
                                            {"sample_interval_seconds", kSampleInterval}});
    Ingest(OpenDataReadings("bp-market-01"), officer_);
    return id;
  }

  // An anonymous GET, as an OpenAQ client sends it (with an API key we ignore).
  httplib::Result Get(const std::string& path) { return client_->Get(path, {{"X-API-Key", "any-openaq-key"}}); }

  json GetOk(const std::string& path) {
    auto res = Get(path);
    EXPECT_TRUE(res) << path;
    if (!res) return json();
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*") << path;
    return JsonOf(res);
  }

  static std::string Sensor(int64_t location, int64_t parameter) {
    return "/v3/sensors/" + std::to_string(location * 1000 + parameter);
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
};

void ExpectMeta(const json& body, int64_t page, int64_t limit, int64_t found) {
  ASSERT_TRUE(body.contains("meta")) << body.dump();
  EXPECT_EQ(body["meta"],
            json({{"name", "openaq-api"}, {"website", "/"}, {"page", page}, {"limit", limit}, {"found", found}}));
  ASSERT_TRUE(body["results"].is_array()) << body.dump();
}

void ExpectDatetime(const json& value, const std::string& utc, const std::string& local) {
  EXPECT_EQ(value, json({{"utc", utc}, {"local", local}})) << value.dump();
}

// 422 in FastAPI's shape, with one detail naming (where, name).
void ExpectUnprocessable(const httplib::Result& res, const std::string& where, const std::string& name,
                         const std::string& type = "") {
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422) << res->body;
  const json body = JsonOf(res);
  ASSERT_TRUE(body.contains("detail") && body["detail"].is_array()) << res->body;
  bool named = false;
  for (const auto& d : body["detail"]) {
    if (d["loc"] == json::array({where, name})) {
      named = true;
      EXPECT_FALSE(d.value("msg", "").empty()) << res->body;
      if (!type.empty()) {
        EXPECT_EQ(d.value("type", ""), type) << res->body;
      }
    }
  }
  EXPECT_TRUE(named) << "no detail for " << where << "." << name << ": " << res->body;
}

void ExpectNotFound(const httplib::Result& res, const std::string& detail) {
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << res->body;
  EXPECT_EQ(JsonOf(res), json({{"detail", detail}})) << res->body;
}

TEST_P(OpenAqApiTest, LocationsListPublicSensorsInTheEnvelopeWithPaging) {
  const int64_t market = AddMarketSensor();
  const int64_t bam = AddSensor(officer_, {{"code", "bp-bam-01"}, {"model", "reference-bam"}});
  const int64_t old = AddSensor(officer_, {{"code", "bp-old-01"}, {"model", "sds011"}, {"status", "retired"}});
  const int64_t idle = AddSensor(officer_, {{"code", "bp-idle-01"}, {"model", "sds011"}, {"status", "inactive"}});
  const auto phatong_admin = server_->Login("phatong.admin");
  const int64_t songkhla =
      AddSensor(phatong_admin, {{"code", "pt-01"}, {"model", "sds011"}, {"lat", 7.0061}, {"lon", 100.4681}});
  ASSERT_GT(old, 0);
  ASSERT_GT(idle, 0);

  json all = GetOk("/v3/locations");
  ExpectMeta(all, 1, 100, 3);
  ASSERT_EQ(all["results"].size(), 3u);
  EXPECT_EQ(all["results"][0]["id"], market);
  EXPECT_EQ(all["results"][1]["id"], bam);
  EXPECT_EQ(all["results"][2]["id"], songkhla);
  EXPECT_EQ(all["results"][2]["owner"]["id"], server_->org_id("phatong"));

  json second = GetOk("/v3/locations?limit=2&page=2");
  ExpectMeta(second, 2, 2, 3);
  ASSERT_EQ(second["results"].size(), 1u);
  EXPECT_EQ(second["results"][0]["id"], songkhla);
  json beyond = GetOk("/v3/locations?limit=2&page=3");
  ExpectMeta(beyond, 3, 2, 3);
  EXPECT_TRUE(beyond["results"].empty());

  json monitors = GetOk("/v3/locations?monitor=true");
  ExpectMeta(monitors, 1, 100, 1);
  EXPECT_EQ(monitors["results"][0]["id"], bam);
  EXPECT_EQ(monitors["results"][0]["isMonitor"], true);
  json of_phatong = GetOk("/v3/locations?providers_id=" + std::to_string(server_->org_id("phatong")));
  ExpectMeta(of_phatong, 1, 100, 1);
  json in_box = GetOk("/v3/locations?bbox=100,6.5,101,7.5");
  ExpectMeta(in_box, 1, 100, 1);
  EXPECT_EQ(in_box["results"][0]["id"], songkhla);
  json near = GetOk("/v3/locations?coordinates=13.8152,99.8768&radius=1000");
  ExpectMeta(near, 1, 100, 2);
  EXPECT_EQ(near["results"][0]["distance"], 0.0);
  EXPECT_TRUE(GetOk("/v3/locations?iso=LA")["results"].empty());

  ExpectUnprocessable(Get("/v3/locations?limit=0"), "query", "limit", "greater_than_equal");
  ExpectUnprocessable(Get("/v3/locations?limit=1001"), "query", "limit", "less_than_equal");
  ExpectUnprocessable(Get("/v3/locations?page=abc"), "query", "page", "int_parsing");
  ExpectUnprocessable(Get("/v3/locations?radius=1000"), "query", "coordinates");
  ExpectUnprocessable(Get("/v3/locations?bbox=1,2,3"), "query", "bbox");
  auto both = Get("/v3/locations?limit=0&page=0");
  ASSERT_TRUE(both);
  EXPECT_EQ(JsonOf(both)["detail"].size(), 2u) << both->body;

  // Browsers on other origins ask first, because OpenAQ clients send X-API-Key.
  auto preflight = client_->Options("/v3/locations");
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Headers").find("X-API-Key"), std::string::npos);
}

TEST_P(OpenAqApiTest, LocationCarriesOpenAqFieldsAndNothingPrivate) {
  const int64_t market = AddMarketSensor();
  auto secret = client_->Post("/api/v1/sensors/" + std::to_string(market) + "/secret", CookieHeaders(officer_), "",
                              "application/json");
  ASSERT_TRUE(secret);
  ASSERT_EQ(secret->status, 200) << secret->body;
  const std::string device_secret = JsonOf(secret).value("secret", "");
  ASSERT_FALSE(device_secret.empty());

  auto res = Get("/v3/locations/" + std::to_string(market));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json body = JsonOf(res);
  ExpectMeta(body, 1, 100, 1);
  ASSERT_EQ(body["results"].size(), 1u);
  const json& loc = body["results"][0];

  std::set<std::string> keys;
  for (const auto& [key, value] : loc.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"id", "name", "locality", "timezone", "country", "owner", "provider",
                                         "isMobile", "isMonitor", "instruments", "sensors", "coordinates", "licenses",
                                         "bounds", "distance", "datetimeFirst", "datetimeLast"}));
  const std::string owner = "Test organisation banpong";
  EXPECT_EQ(loc["id"], market);
  EXPECT_EQ(loc["name"], "สถานีตลาดบ้านโป่ง");
  EXPECT_EQ(loc["locality"], owner);
  EXPECT_EQ(loc["timezone"], "Asia/Bangkok");
  EXPECT_EQ(loc["country"], json({{"id", nullptr}, {"code", "TH"}, {"name", "Thailand"}}));
  EXPECT_EQ(loc["owner"], json({{"id", server_->org_id("banpong")}, {"name", owner}}));
  EXPECT_EQ(loc["provider"], loc["owner"]);
  EXPECT_EQ(loc["isMobile"], false);
  EXPECT_EQ(loc["isMonitor"], false);
  EXPECT_EQ(loc["instruments"], json::array({{{"id", 4}, {"name", "AirGradient"}}}));
  EXPECT_EQ(loc["coordinates"], json({{"latitude", 13.8152}, {"longitude", 99.8768}}));
  EXPECT_EQ(loc["bounds"], json::array({99.8768, 13.8152, 99.8768, 13.8152}));
  EXPECT_TRUE(loc["distance"].is_null());
  EXPECT_EQ(loc["licenses"], json::array({{{"id", 41},
                                           {"name", "CC BY 4.0"},
                                           {"attribution", {{"name", owner}, {"url", nullptr}}},
                                           {"dateFrom", "2025-05-20"},
                                           {"dateTo", nullptr}}}));
  ExpectDatetime(loc["datetimeFirst"], "2025-05-31T17:10:00Z", "2025-06-01T00:10:00+07:00");
  ExpectDatetime(loc["datetimeLast"], "2025-06-02T17:00:00Z", "2025-06-03T00:00:00+07:00");
  const json sensors = json::array(
      {{{"id", market * 1000 + kPm10},
        {"name", "pm10 µg/m³"},
        {"parameter", {{"id", 1}, {"name", "pm10"}, {"units", "µg/m³"}, {"displayName", "PM10"}}}},
       {{"id", market * 1000 + kPm25},
        {"name", "pm25 µg/m³"},
        {"parameter", {{"id", 2}, {"name", "pm25"}, {"units", "µg/m³"}, {"displayName", "PM2.5"}}}},
       {{"id", market * 1000 + kHumidity},
        {"name", "relativehumidity %"},
        {"parameter", {{"id", 98}, {"name", "relativehumidity"}, {"units", "%"}, {"displayName", nullptr}}}},
       {{"id", market * 1000 + kTemperature},
        {"name", "temperature c"},
        {"parameter", {{"id", 100}, {"name", "temperature"}, {"units", "c"}, {"displayName", nullptr}}}}});
  EXPECT_EQ(loc["sensors"], sensors);

  // Nothing of the registry beyond what OpenAQ has a field for.
  for (const std::string& secret_text : {std::string("ag-bp-market-01-key"), device_secret,
                                         std::string("หลังบ้านนายสมชาย"), std::string("bp-market-01")}) {
    EXPECT_EQ(res->body.find(secret_text), std::string::npos) << secret_text;
  }
  for (const char* key : {"device", "secret", "siting", "maintenance", "code\":\"bp", "org_id", "status"}) {
    EXPECT_EQ(res->body.find(key), std::string::npos) << key;
  }

  // A location without readings has no sensors and no times yet.
  const int64_t bam = AddSensor(officer_, {{"code", "bp-bam-01"}, {"model", "reference-bam"}});
  const json empty = GetOk("/v3/locations/" + std::to_string(bam))["results"][0];
  EXPECT_EQ(empty["isMonitor"], true);
  EXPECT_TRUE(empty["sensors"].empty());
  EXPECT_TRUE(empty["datetimeFirst"].is_null());
  EXPECT_TRUE(empty["licenses"][0]["dateFrom"].is_null());
}

TEST_P(OpenAqApiTest, UnknownRetiredAndMalformedIdsAreRefusedInOpenAqShape) {
  const int64_t market = AddMarketSensor();
  const int64_t bam = AddSensor(officer_, {{"code", "bp-bam-01"}, {"model", "reference-bam"}});
  ExpectNotFound(Get("/v3/locations/999999"), "Location not found");
  ExpectNotFound(Get("/v3/locations/999999/latest"), "Location not found");
  ExpectNotFound(Get(Sensor(market, 55)), "Sensor not found");             // no such parameter
  ExpectNotFound(Get(Sensor(bam, kPm25) + "/hours"), "Sensor not found");  // measures nothing yet
  ExpectNotFound(Get(Sensor(999999, kPm25) + "/measurements"), "Sensor not found");
  ExpectUnprocessable(Get("/v3/locations/abc"), "path", "locations_id", "int_parsing");
  ExpectUnprocessable(Get("/v3/locations/0"), "path", "locations_id", "greater_than_equal");
  ExpectUnprocessable(Get("/v3/sensors/x/days"), "path", "sensors_id", "int_parsing");

  // Retiring the sensor withdraws it and everything it measured.
  EXPECT_EQ(GetOk(Sensor(market, kPm25) + "/hours")["meta"]["found"], 2 + 20);
  auto retire = client_->Patch("/api/v1/sensors/" + std::to_string(market), CookieHeaders(officer_),
                               json({{"status", "retired"}}).dump(), "application/json");
  ASSERT_TRUE(retire);
  ASSERT_EQ(retire->status, 200) << retire->body;
  ExpectNotFound(Get("/v3/locations/" + std::to_string(market)), "Location not found");
  ExpectNotFound(Get(Sensor(market, kPm25)), "Sensor not found");
  for (const char* series : {"/measurements", "/hours", "/days", "/measurements/hourly", "/measurements/daily"}) {
    ExpectNotFound(Get(Sensor(market, kPm25) + series), "Sensor not found");
  }
  ExpectNotFound(Get("/v3/locations/" + std::to_string(market) + "/latest"), "Location not found");
  EXPECT_EQ(GetOk("/v3/locations")["meta"]["found"], 1);
}

TEST_P(OpenAqApiTest, HoursCarryPeriodCoverageAndSummaryOfCompleteHours) {
  const int64_t market = AddMarketSensor();
  const std::string june1 = "?datetime_from=2025-06-01T00:00:00%2B07:00&datetime_to=2025-06-01T03:00:00%2B07:00";
  const json hours = GetOk(Sensor(market, kPm25) + "/hours" + june1);
  ExpectMeta(hours, 1, 100, 2);  // the hour ending 03:00 has 4 of 6 samples
  ASSERT_EQ(hours["results"].size(), 2u);
  const json& a = hours["results"][0];
  EXPECT_DOUBLE_EQ(a["value"].get<double>(), 15.0);
  EXPECT_EQ(a["flagInfo"], json({{"hasFlags", false}}));
  EXPECT_EQ(a["parameter"]["id"], 2);
  EXPECT_EQ(a["period"]["label"], "1hour");
  EXPECT_EQ(a["period"]["interval"], "01:00:00");
  ExpectDatetime(a["period"]["datetimeFrom"], "2025-05-31T17:00:00Z", "2025-06-01T00:00:00+07:00");
  ExpectDatetime(a["period"]["datetimeTo"], "2025-05-31T18:00:00Z", "2025-06-01T01:00:00+07:00");
  EXPECT_EQ(a["coverage"]["expectedCount"], 6);
  EXPECT_EQ(a["coverage"]["expectedInterval"], "01:00:00");
  EXPECT_EQ(a["coverage"]["observedCount"], 6);
  EXPECT_EQ(a["coverage"]["observedInterval"], "01:00:00");
  EXPECT_EQ(a["coverage"]["percentComplete"], 100);
  EXPECT_EQ(a["coverage"]["percentCoverage"], 100);
  ExpectDatetime(a["coverage"]["datetimeFrom"], "2025-05-31T17:10:00Z", "2025-06-01T00:10:00+07:00");
  ExpectDatetime(a["coverage"]["datetimeTo"], "2025-05-31T18:00:00Z", "2025-06-01T01:00:00+07:00");
  // 10, 12, ..., 20: quartiles between ranks as PERCENTILE_CONT, sd with n - 1 = sqrt(70 / 5).
  EXPECT_DOUBLE_EQ(a["summary"]["min"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(a["summary"]["q25"].get<double>(), 12.5);
  EXPECT_DOUBLE_EQ(a["summary"]["median"].get<double>(), 15.0);
  EXPECT_NEAR(a["summary"]["q98"].get<double>(), 19.8, 1e-9);
  EXPECT_DOUBLE_EQ(a["summary"]["max"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(a["summary"]["avg"].get<double>(), 15.0);
  EXPECT_DOUBLE_EQ(a["summary"]["sd"].get<double>(), std::sqrt(14.0));

  const json& b = hours["results"][1];  // one PM2.5 flagged negative: 5 of 6 clean values
  EXPECT_DOUBLE_EQ(b["value"].get<double>(), 27.2);
  EXPECT_EQ(b["flagInfo"], json({{"hasFlags", true}}));
  EXPECT_EQ(b["coverage"]["observedCount"], 5);
  EXPECT_EQ(b["coverage"]["observedInterval"], "00:50:00");
  EXPECT_EQ(b["coverage"]["percentComplete"], 83);
  EXPECT_EQ(b["coverage"]["percentCoverage"], 83);
  ExpectDatetime(b["coverage"]["datetimeFrom"], "2025-05-31T18:10:00Z", "2025-06-01T01:10:00+07:00");
  EXPECT_DOUBLE_EQ(b["summary"]["min"].get<double>(), 22.0);

  // The PM flag does not touch temperature: all 6 values count.
  const json temperature = GetOk(Sensor(market, kTemperature) + "/hours" + june1);
  ExpectMeta(temperature, 1, 100, 2);
  EXPECT_NEAR(temperature["results"][1]["value"].get<double>(), 30.95, 1e-9);
  EXPECT_EQ(temperature["results"][1]["coverage"]["observedCount"], 6);
  EXPECT_EQ(temperature["results"][1]["parameter"]["units"], "c");

  // Paging, a naive time (Bangkok), the /measurements/hourly alias, the same means as the store.
  const json page2 = GetOk(Sensor(market, kPm25) + "/hours" + june1 + "&limit=1&page=2");
  ExpectMeta(page2, 2, 1, 2);
  EXPECT_EQ(page2["results"], json::array({b}));
  const json naive =
      GetOk(Sensor(market, kPm25) + "/hours?datetime_from=2025-06-01T01:00:00&datetime_to=2025-06-01T02:00:00");
  ExpectMeta(naive, 1, 100, 1);
  EXPECT_EQ(naive["results"], json::array({b}));
  const json later = GetOk(Sensor(market, kPm25) + "/hours?datetime_from=2025-06-01T01:00:00&limit=1");
  ExpectMeta(later, 1, 1, 1 + 20);  // hour B, then the 20 complete hours of 2 June
  EXPECT_EQ(later["results"][0], b);
  EXPECT_EQ(GetOk(Sensor(market, kPm25) + "/measurements/hourly" + june1), hours);
  auto session = client_->Get("/api/v1/sensors/" + std::to_string(market) + "/hours?from=" + std::to_string(kJune1) +
                                  "&to=" + std::to_string(kJune1 + 3 * 3600),
                              CookieHeaders(officer_, false));
  ASSERT_TRUE(session);
  const json stored = JsonOf(session)["items"];
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[1]["pm25"], b["value"]);

  ExpectUnprocessable(Get(Sensor(market, kPm25) + "/hours?datetime_from=yesterday"), "query", "datetime_from");
  ExpectUnprocessable(Get(Sensor(market, kPm25) + "/hours?datetime_from=2025-06-02&datetime_to=2025-06-01"), "query",
                      "datetime_to");
}

TEST_P(OpenAqApiTest, DaysNeedEighteenCompleteHours) {
  const int64_t market = AddMarketSensor();
  const json days = GetOk(Sensor(market, kPm25) + "/days?date_from=2025-06-01&date_to=2025-06-02");
  ExpectMeta(days, 1, 100, 1);  // 1 June has 2 complete hours
  ASSERT_EQ(days["results"].size(), 1u);
  const json& d = days["results"][0];
  EXPECT_DOUBLE_EQ(d["value"].get<double>(), 23.2);
  EXPECT_EQ(d["period"]["label"], "1day");
  EXPECT_EQ(d["period"]["interval"], "24:00:00");
  ExpectDatetime(d["period"]["datetimeFrom"], "2025-06-01T17:00:00Z", "2025-06-02T00:00:00+07:00");
  ExpectDatetime(d["period"]["datetimeTo"], "2025-06-02T17:00:00Z", "2025-06-03T00:00:00+07:00");
  EXPECT_EQ(d["coverage"]["expectedCount"], 24);
  EXPECT_EQ(d["coverage"]["expectedInterval"], "24:00:00");
  EXPECT_EQ(d["coverage"]["observedCount"], 20);
  EXPECT_EQ(d["coverage"]["observedInterval"], "20:00:00");
  EXPECT_EQ(d["coverage"]["percentComplete"], 83);
  EXPECT_EQ(d["coverage"]["percentCoverage"], 83);
  ExpectDatetime(d["coverage"]["datetimeFrom"], "2025-06-01T17:00:00Z", "2025-06-02T00:00:00+07:00");
  ExpectDatetime(d["coverage"]["datetimeTo"], "2025-06-02T17:00:00Z", "2025-06-03T00:00:00+07:00");
  EXPECT_DOUBLE_EQ(d["summary"]["min"].get<double>(), 11.0);
  EXPECT_DOUBLE_EQ(d["summary"]["max"].get<double>(), 34.0);
  EXPECT_EQ(d["flagInfo"], json({{"hasFlags", false}}));

  // The same day through datetime_from / datetime_to and the /measurements/daily alias; other
  // quantities from their own hourly means.
  EXPECT_EQ(GetOk(Sensor(market, kPm25) + "/days?datetime_from=2025-06-02&datetime_to=2025-06-03")["results"],
            days["results"]);
  EXPECT_EQ(GetOk(Sensor(market, kPm25) + "/measurements/daily?date_from=2025-06-02&date_to=2025-06-02"), days);
  EXPECT_NEAR(GetOk(Sensor(market, kPm10) + "/days")["results"][0]["value"].get<double>(), 33.2, 1e-9);
  EXPECT_NEAR(GetOk(Sensor(market, kTemperature) + "/days")["results"][0]["value"].get<double>(), 29.32, 1e-9);
  ExpectMeta(GetOk(Sensor(market, kPm25) + "/days?date_from=2025-06-03"), 1, 100, 0);

  // The store's daily aggregate agrees.
  auto stored = client_->Get("/api/v1/sensors/" + std::to_string(market) + "/days?from=2025-06-02&to=2025-06-02",
                             CookieHeaders(officer_, false));
  ASSERT_TRUE(stored);
  EXPECT_EQ(JsonOf(stored)["items"][0]["pm25"], d["value"]);
}

TEST_P(OpenAqApiTest, MeasurementsAreRawValuesWithoutFlaggedOnes) {
  const int64_t market = AddMarketSensor();
  const std::string june1 = "?datetime_from=2025-06-01T00:00:00%2B07:00&datetime_to=2025-06-01T03:00:00%2B07:00";
  const json pm25 = GetOk(Sensor(market, kPm25) + "/measurements" + june1);
  ExpectMeta(pm25, 1, 100, 15);  // 16 readings, one flagged
  ASSERT_EQ(pm25["results"].size(), 15u);
  std::vector<double> values;
  for (const auto& m : pm25["results"]) values.push_back(m["value"].get<double>());
  EXPECT_EQ(values, (std::vector<double>{10, 12, 14, 16, 18, 20, 22, 24, 28, 30, 32, 34, 36, 38, 40}));
  const json& first = pm25["results"][0];
  EXPECT_EQ(first["flagInfo"], json({{"hasFlags", false}}));
  EXPECT_EQ(first["period"]["label"], "raw");
  EXPECT_EQ(first["period"]["interval"], "00:10:00");
  ExpectDatetime(first["period"]["datetimeFrom"], "2025-05-31T17:00:00Z", "2025-06-01T00:00:00+07:00");
  ExpectDatetime(first["period"]["datetimeTo"], "2025-05-31T17:10:00Z", "2025-06-01T00:10:00+07:00");
  EXPECT_EQ(first["coverage"], json({{"expectedCount", 1},
                                     {"expectedInterval", "00:10:00"},
                                     {"observedCount", 1},
                                     {"observedInterval", "00:10:00"},
                                     {"percentComplete", 100.0},
                                     {"percentCoverage", 100.0},
                                     {"datetimeFrom", first["period"]["datetimeFrom"]},
                                     {"datetimeTo", first["period"]["datetimeTo"]}}));

  // The flagged reading's temperature is a good value and is published.
  ExpectMeta(GetOk(Sensor(market, kTemperature) + "/measurements" + june1), 1, 100, 16);

  const json page4 = GetOk(Sensor(market, kPm25) + "/measurements" + june1 + "&limit=4&page=4");
  ExpectMeta(page4, 4, 4, 15);
  ASSERT_EQ(page4["results"].size(), 3u);
  EXPECT_EQ(page4["results"][0]["value"], 36.0);
  EXPECT_EQ(page4["results"][2]["value"], 40.0);

  // from < ts <= to, also inside an hour.
  const json cut =
      GetOk(Sensor(market, kPm25) +
            "/measurements?datetime_from=2025-06-01T00:20:00%2B07:00&datetime_to=2025-06-01T01:30:00%2B07:00");
  ExpectMeta(cut, 1, 100, 6);  // 00:30 .. 01:20; the reading of 01:30 is flagged
  ASSERT_EQ(cut["results"].size(), 6u);
  EXPECT_EQ(cut["results"][0]["value"], 14.0);
  EXPECT_EQ(cut["results"].back()["value"], 24.0);
  // Everything: 15 on 1 June and 136 on 2 June.
  ExpectMeta(GetOk(Sensor(market, kPm25) + "/measurements?limit=1"), 1, 1, 15 + 136);
}

TEST_P(OpenAqApiTest, LatestAndSensorShowTheNewestCleanValues) {
  const int64_t market = AddMarketSensor();
  const json latest = GetOk("/v3/locations/" + std::to_string(market) + "/latest");
  ExpectMeta(latest, 1, 100, 4);
  ASSERT_EQ(latest["results"].size(), 4u);
  const std::vector<std::pair<int64_t, double>> expected = {
      {kPm10, 46.5}, {kPm25, 36.5}, {kHumidity, 72.0}, {kTemperature, 30.4}};
  for (size_t i = 0; i < expected.size(); ++i) {
    const json& r = latest["results"][i];
    EXPECT_EQ(r["sensorsId"], market * 1000 + expected[i].first);
    EXPECT_EQ(r["locationsId"], market);
    EXPECT_NEAR(r["value"].get<double>(), expected[i].second, 1e-9);
    ExpectDatetime(r["datetime"], "2025-06-02T17:00:00Z", "2025-06-03T00:00:00+07:00");
    EXPECT_EQ(r["coordinates"], json({{"latitude", 13.8152}, {"longitude", 99.8768}}));
  }

  const json sensor = GetOk(Sensor(market, kPm25));
  ExpectMeta(sensor, 1, 100, 1);
  const json& s = sensor["results"][0];
  EXPECT_EQ(s["id"], market * 1000 + kPm25);
  EXPECT_EQ(s["name"], "pm25 µg/m³");
  EXPECT_EQ(s["parameter"]["displayName"], "PM2.5");
  ExpectDatetime(s["datetimeFirst"], "2025-05-31T17:10:00Z", "2025-06-01T00:10:00+07:00");
  ExpectDatetime(s["datetimeLast"], "2025-06-02T17:00:00Z", "2025-06-03T00:00:00+07:00");
  EXPECT_EQ(s["latest"]["value"], 36.5);
  ExpectDatetime(s["latest"]["datetime"], "2025-06-02T17:00:00Z", "2025-06-03T00:00:00+07:00");

  // A newest reading with a flagged PM2.5: the latest PM2.5 is the one before it.
  Ingest({{"readings",
           json::array({{{"sensor", "bp-market-01"}, {"ts", kJune3 + 600}, {"pm2_5", -3.0}, {"temperature", 30.5}}})}},
         officer_);
  const json after = GetOk("/v3/locations/" + std::to_string(market) + "/latest");
  for (const auto& r : after["results"]) {
    if (r["sensorsId"] == market * 1000 + kPm25) {
      EXPECT_EQ(r["value"], 36.5);
      ExpectDatetime(r["datetime"], "2025-06-02T17:00:00Z", "2025-06-03T00:00:00+07:00");
    }
    if (r["sensorsId"] == market * 1000 + kTemperature) {
      EXPECT_EQ(r["value"], 30.5);
      ExpectDatetime(r["datetime"], "2025-06-02T17:10:00Z", "2025-06-03T00:10:00+07:00");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(http, OpenAqApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
