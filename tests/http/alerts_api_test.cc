// Alerts API against the real server, on SQLite and PostgreSQL: rules (create, read, change,
// delete, roles, tenant isolation, field errors), test notices and the alert history, and one
// notice delivered by the running worker to a webhook receiver on 127.0.0.1.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/test_server.h"
#include "notify/local_servers.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

class AlertsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam()});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    officer_ = server_->Login("banpong.officer");
  }

  httplib::Result Post(const std::string& path, const json& body, const BrowserSession& session) {
    return client_->Post(path, CookieHeaders(session), body.dump(), "application/json");
  }
  httplib::Result Patch(const std::string& path, const json& body, const BrowserSession& session) {
    return client_->Patch(path, CookieHeaders(session), body.dump(), "application/json");
  }
  httplib::Result Get(const std::string& path, const BrowserSession& session) {
    return client_->Get(path, CookieHeaders(session, false));
  }

  int64_t AddSensor(const BrowserSession& session, const std::string& code) {
    const json body = {
        {"code", code}, {"name", "โรงเรียน " + code}, {"model", "sds011"}, {"lat", 13.8152}, {"lon", 99.8768}};
    auto res = Post("/api/v1/sensors", body, session);
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return res ? JsonOf(res).value("id", int64_t{0}) : 0;
  }

  static json RuleBody() {
    return {{"name", "ฝุ่นเกินมาตรฐาน"},
            {"kind", "pm25_24h"},
            {"threshold", 37.5},
            {"channels",
             {{"webhooks", {"https://hooks.example.org/banpong"}},
              {"emails", {"env@banpong.go.th"}},
              {"line_to", {"U4af4980629c1d8e1e7e8b3e2f6b0d1a9"}}}},
            {"quiet_hours", {{"start", "22:00"}, {"end", "06:00"}}}};
  }

  json CreateRule(const json& body) {
    auto res = Post("/api/v1/alert-rules", body, officer_);
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res);
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
};

INSTANTIATE_TEST_SUITE_P(http, AlertsApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

void ExpectFieldError(const httplib::Result& res, int status, const std::string& code, const std::string& field) {
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, status) << res->body;
  const json body = JsonOf(res);
  EXPECT_EQ(body["error"].value("code", ""), code) << res->body;
  EXPECT_EQ(body["error"].value("field", ""), field) << res->body;
}

TEST_P(AlertsApiTest, OfficerCreatesReadsChangesAndDeletesARule) {
  const int64_t sensor = AddSensor(officer_, "bp-01");
  json body = RuleBody();
  body["sensor_id"] = sensor;
  const json rule = CreateRule(body);
  ASSERT_TRUE(rule.contains("id")) << rule.dump();
  EXPECT_EQ(rule["name"], "ฝุ่นเกินมาตรฐาน");
  EXPECT_EQ(rule["kind"], "pm25_24h");
  EXPECT_EQ(rule["scale"], nullptr);
  EXPECT_EQ(rule["threshold"], 37.5);
  EXPECT_EQ(rule["sensor_id"], sensor);
  EXPECT_EQ(rule["org_id"], server_->org_id("banpong"));
  EXPECT_EQ(rule["channels"]["emails"], json::array({"env@banpong.go.th"}));
  EXPECT_EQ(rule["quiet_hours"], json({{"start", "22:00"}, {"end", "06:00"}}));
  EXPECT_EQ(rule["enabled"], true);
  const std::string path = "/api/v1/alert-rules/" + std::to_string(rule["id"].get<int64_t>());

  auto listed = Get("/api/v1/alert-rules", officer_);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200);
  ASSERT_EQ(JsonOf(listed)["items"].size(), 1u);
  EXPECT_EQ(JsonOf(listed)["items"][0], rule);

  auto changed = Patch(path,
                       {{"kind", "aqi_level"},
                        {"scale", "us"},
                        {"threshold", 4},
                        {"sensor_id", nullptr},
                        {"quiet_hours", nullptr},
                        {"enabled", false},
                        {"channels", {{"webhooks", json::array()}, {"emails", {"a@b.go.th"}}}}},
                       officer_);
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->status, 200) << changed->body;
  const json after = JsonOf(changed);
  EXPECT_EQ(after["kind"], "aqi_level");
  EXPECT_EQ(after["scale"], "us");
  EXPECT_EQ(after["threshold"], 4);
  EXPECT_EQ(after["sensor_id"], nullptr);
  EXPECT_EQ(after["quiet_hours"], nullptr);
  EXPECT_EQ(after["enabled"], false);
  EXPECT_EQ(after["channels"],
            json({{"webhooks", json::array()}, {"emails", {"a@b.go.th"}}, {"line_to", json::array()}}));
  auto read = Get(path, officer_);
  ASSERT_TRUE(read);
  EXPECT_EQ(JsonOf(read), after);

  auto deleted = client_->Delete(path, CookieHeaders(officer_));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  ExpectFieldError(Get(path, officer_), 404, "not_found", "");
}

TEST_P(AlertsApiTest, ViewersReadOtherLaosSeeNothing) {
  const json rule = CreateRule(RuleBody());
  const std::string path = "/api/v1/alert-rules/" + std::to_string(rule.value("id", int64_t{0}));
  const auto executive = server_->Login("banpong.executive");
  auto read = Get(path, executive);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  ExpectFieldError(Post("/api/v1/alert-rules", RuleBody(), executive), 403, "forbidden", "");
  ExpectFieldError(Patch(path, {{"enabled", false}}, executive), 403, "forbidden", "");
  ExpectFieldError(Post(path + "/test", json::object(), executive), 403, "forbidden", "");
  // The provincial office oversees Ban Pong and reads its rules.
  const auto oversight = server_->Login("ratchaburi.oversight");
  auto overseen = Get("/api/v1/alert-rules", oversight);
  ASSERT_TRUE(overseen);
  EXPECT_EQ(JsonOf(overseen)["items"].size(), 1u);
  // Phatong's admin neither sees nor changes it.
  const auto phatong = server_->Login("phatong.admin");
  ExpectFieldError(Get(path, phatong), 404, "not_found", "");
  ExpectFieldError(client_->Delete(path, CookieHeaders(phatong)), 404, "not_found", "");
  auto theirs = Get("/api/v1/alert-rules", phatong);
  ASSERT_TRUE(theirs);
  EXPECT_TRUE(JsonOf(theirs)["items"].empty());
  auto history = Get("/api/v1/alerts", phatong);
  ASSERT_TRUE(history);
  EXPECT_EQ(history->status, 200);
}

TEST_P(AlertsApiTest, BadInputIsRefusedNamingTheField) {
  const auto phatong = server_->Login("phatong.admin");
  const int64_t foreign_sensor = AddSensor(phatong, "pt-01");
  struct Case {
    const char* what;
    std::function<void(json&)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"unknown field", [](json& b) { b["colour"] = "red"; }, "colour"},
      {"unknown kind", [](json& b) { b["kind"] = "pm10_24h"; }, "kind"},
      {"missing name", [](json& b) { b.erase("name"); }, "name"},
      {"threshold as text", [](json& b) { b["threshold"] = "37.5"; }, "threshold"},
      {"threshold too high", [](json& b) { b["threshold"] = 2000; }, "threshold"},
      {"scale on a pm25 rule", [](json& b) { b["scale"] = "th"; }, "scale"},
      {"aqi rule without scale",
       [](json& b) {
         b["kind"] = "aqi_level";
         b["threshold"] = 3;
       },
       "scale"},
      {"bad scale", [](json& b) { b["scale"] = "eu"; }, "scale"},
      {"channels not an object", [](json& b) { b["channels"] = json::array(); }, "channels"},
      {"no channel at all", [](json& b) { b["channels"] = json::object(); }, "channels"},
      {"unknown channel", [](json& b) { b["channels"]["sms"] = {"0812345678"}; }, "channels.sms"},
      {"bad e-mail", [](json& b) { b["channels"]["emails"] = {"not-an-address"}; }, "channels.emails"},
      {"e-mail list of numbers",
       [](json& b) {
         b["channels"]["emails"] = {1, 2};
       },
       "channels.emails"},
      {"bad webhook", [](json& b) { b["channels"]["webhooks"] = {"javascript:alert(1)"}; }, "channels.webhooks"},
      {"bad LINE id", [](json& b) { b["channels"]["line_to"] = {"@banpong"}; }, "channels.line_to"},
      {"bad quiet start", [](json& b) { b["quiet_hours"]["start"] = "25:00"; }, "quiet_hours.start"},
      {"quiet end missing", [](json& b) { b["quiet_hours"].erase("end"); }, "quiet_hours.end"},
      {"empty quiet period", [](json& b) { b["quiet_hours"]["end"] = "22:00"; }, "quiet_hours.end"},
      {"quiet extra field", [](json& b) { b["quiet_hours"]["days"] = "mon"; }, "quiet_hours.days"},
      {"sensor of another LAO", [&](json& b) { b["sensor_id"] = foreign_sensor; }, "sensor_id"},
      {"sensor id zero", [](json& b) { b["sensor_id"] = 0; }, "sensor_id"},
  };
  for (const auto& c : cases) {
    json body = RuleBody();
    c.change(body);
    SCOPED_TRACE(c.what);
    ExpectFieldError(Post("/api/v1/alert-rules", body, officer_), 422, "invalid", c.field);
  }
  const json rule = CreateRule(RuleBody());
  const std::string path = "/api/v1/alert-rules/" + std::to_string(rule.value("id", int64_t{0}));
  ExpectFieldError(Patch(path, {{"threshold", -5}}, officer_), 422, "invalid", "threshold");
  ExpectFieldError(Patch(path, {{"channels", nullptr}}, officer_), 422, "invalid", "channels");
  ExpectFieldError(Patch(path, {{"nmae", "typo"}}, officer_), 422, "invalid", "nmae");
  ExpectFieldError(Patch("/api/v1/alert-rules/99999", {{"enabled", false}}, officer_), 404, "not_found", "");
  ExpectFieldError(Get("/api/v1/alerts?kind=boom", officer_), 422, "invalid", "kind");
  ExpectFieldError(Get("/api/v1/alerts?from=15/06/2568", officer_), 422, "invalid", "from");
  ExpectFieldError(Get("/api/v1/alerts?from=2025-06-16&to=2025-06-15", officer_), 422, "invalid", "from");
  ExpectFieldError(Get("/api/v1/alerts?limit=0", officer_), 422, "invalid", "limit");
}

TEST_P(AlertsApiTest, TestNoticeIsQueuedToEveryTargetAndShowsInTheHistory) {
  const int64_t sensor = AddSensor(officer_, "bp-01");
  json body = RuleBody();
  body["sensor_id"] = sensor;
  const json rule = CreateRule(body);
  const std::string path = "/api/v1/alert-rules/" + std::to_string(rule.value("id", int64_t{0}));
  auto queued = Post(path + "/test", json::object(), officer_);
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->status, 202) << queued->body;
  const json notice = JsonOf(queued);
  EXPECT_EQ(notice["kind"], "test");
  EXPECT_EQ(notice["rule_id"], rule["id"]);
  EXPECT_EQ(notice["sensor"]["code"], "bp-01");
  EXPECT_NE(notice["message"]["th"].get<std::string>().find("ทดสอบ"), std::string::npos);
  ASSERT_EQ(notice["deliveries"].size(), 3u);
  std::set<std::string> channels;
  for (const auto& d : notice["deliveries"]) {
    channels.insert(d["channel"].get<std::string>());
    EXPECT_EQ(d["status"], "pending");
    EXPECT_EQ(d["attempts"], 0);
  }
  EXPECT_EQ(channels, (std::set<std::string>{"webhook", "email", "line"}));

  auto history = Get("/api/v1/alerts", officer_);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->status, 200);
  const json page = JsonOf(history);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["id"], notice["id"]);
  EXPECT_EQ(page["items"][0]["deliveries"].size(), 3u);
  EXPECT_EQ(page["next_before"], nullptr);

  EXPECT_EQ(JsonOf(Get("/api/v1/alerts?kind=test&sensor=" + std::to_string(sensor), officer_))["items"].size(), 1u);
  EXPECT_EQ(JsonOf(Get("/api/v1/alerts?kind=fire", officer_))["items"].size(), 0u);
  EXPECT_EQ(JsonOf(Get("/api/v1/alerts?from=2000-01-01&to=2000-01-02", officer_))["items"].size(), 0u);
  EXPECT_EQ(JsonOf(Get("/api/v1/alerts?from=2000-01-01", officer_))["items"].size(), 1u);
  auto limited = JsonOf(Get("/api/v1/alerts?limit=1", officer_));
  EXPECT_EQ(limited["next_before"], notice["id"]);
  EXPECT_TRUE(
      JsonOf(Get("/api/v1/alerts?before=" + std::to_string(notice["id"].get<int64_t>()), officer_))["items"].empty());
  // Executives read the history too.
  EXPECT_EQ(JsonOf(Get("/api/v1/alerts", server_->Login("banpong.executive")))["items"].size(), 1u);
}

TEST_P(AlertsApiTest, RunningWorkerDeliversTheTestNoticeToTheWebhook) {
  HttpReceiver receiver;
  json body = RuleBody();
  body["channels"] = {{"webhooks", {receiver.url("/ecotown")}}};
  const json rule = CreateRule(body);
  auto queued =
      Post("/api/v1/alert-rules/" + std::to_string(rule.value("id", int64_t{0})) + "/test", json::object(), officer_);
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->status, 202);
  // The worker drains the outbox every alerts.dispatch_interval_seconds (10 s by default).
  const auto requests = receiver.WaitFor(1, std::chrono::seconds(25));
  ASSERT_EQ(requests.size(), 1u);
  const json sent = json::parse(requests[0].body);
  EXPECT_EQ(sent["type"], "alert.test");
  EXPECT_EQ(sent["alert"]["id"], JsonOf(queued)["id"]);
  // The history then shows the delivery as sent.
  json delivery;
  for (int i = 0; i < 50; ++i) {
    delivery = JsonOf(Get("/api/v1/alerts", officer_))["items"][0]["deliveries"][0];
    if (delivery["status"] == "sent") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(delivery["status"], "sent") << delivery.dump();
  EXPECT_EQ(delivery["attempts"], 1);
}

}  // namespace
}  // namespace ecotown::testing
