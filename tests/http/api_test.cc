// API tests: the real server on 127.0.0.1, a real HTTP client, a fresh database per test, on
// SQLite and (when the CTest `postgres` fixture runs) PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/test_server.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam()});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
  }

  // A second server with other options, on its own fresh database.
  std::unique_ptr<TestServer> StartServerWith(TestServerOptions options) {
    options.backend = GetParam();
    return TestServer::Start(options);
  }

  httplib::Result PostJson(const std::string& path, const json& body, const httplib::Headers& headers) {
    return client_->Post(path, headers, body.dump(), "application/json");
  }
  httplib::Result PostRaw(const std::string& path, const std::string& body, const httplib::Headers& headers) {
    return client_->Post(path, headers, body, "application/json");
  }

  // A valid new-user request in the caller's own organisation.
  static json NewOfficer(const std::string& username) {
    return {{"username", username}, {"role", "officer"}, {"display_name", "เจ้าหน้าที่ใหม่"}};
  }

  std::vector<json> AuditItems(const BrowserSession& session) {
    auto res = client_->Get("/api/v1/audit?limit=500", CookieHeaders(session, false));
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << res->body;
    const json body = JsonOf(res);
    return body.contains("items") ? body["items"].get<std::vector<json>>() : std::vector<json>{};
  }

  // Value of the open-connections gauge in /metrics, read over the test's own connection.
  int OpenConnections() {
    auto res = client_->Get("/metrics");
    if (!res) return -1;
    const std::string name = "ecotown_http_open_connections ";
    const size_t at = res->body.rfind(name);
    return at == std::string::npos ? -1 : std::stoi(res->body.substr(at + name.size()));
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

// The API error body: {"error":{"code":...,"message":...}}, with "field" when one is to blame.
void ExpectError(const httplib::Result& res, int status, const std::string& code, const std::string& field = "") {
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, status) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
  const json body = JsonOf(res);
  ASSERT_TRUE(body.is_object()) << res->body;
  ASSERT_TRUE(body.contains("error") && body["error"].is_object()) << res->body;
  EXPECT_EQ(body["error"].value("code", ""), code) << res->body;
  EXPECT_TRUE(body["error"].contains("message") && body["error"]["message"].is_string()) << res->body;
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  if (!field.empty()) {
    EXPECT_EQ(body["error"].value("field", ""), field) << res->body;
  }
}

// --- Health, readiness, metrics, request ids --------------------------------------------------

TEST_P(ApiTest, HealthzAnswersOk) {
  auto res = client_->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(JsonOf(res), json({{"status", "ok"}}));
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(res->get_header_value("Content-Security-Policy").empty());
}

TEST_P(ApiTest, ReadyzReportsTheDatabaseReachable) {
  auto res = client_->Get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(JsonOf(res), json({{"status", "ready"}, {"database", "ok"}}));
}

TEST_P(ApiTest, HeadAnswersWithHeadersOnly) {
  auto res = client_->Head("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
}

TEST_P(ApiTest, MetricsAreReportedInPrometheusTextFormat) {
  ASSERT_TRUE(client_->Get("/healthz"));
  ASSERT_TRUE(client_->Get("/healthz"));
  auto res = client_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = res->body;
  EXPECT_NE(text.find("# TYPE ecotown_http_requests_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ecotown_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"2xx\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE ecotown_http_request_duration_seconds histogram\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ecotown_http_request_duration_seconds_count{route=\"/healthz\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE ecotown_http_open_connections gauge\n"), std::string::npos) << text;

  // The /metrics request itself is counted once it has been answered.
  auto again = client_->Get("/metrics");
  ASSERT_TRUE(again);
  EXPECT_NE(again->body.find("ecotown_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"2xx\"} 1\n"),
            std::string::npos)
      << again->body;
}

TEST_P(ApiTest, SaneRequestIdIsEchoed) {
  auto res = client_->Get("/healthz", {{"X-Request-Id", "trace-42_abc"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("X-Request-Id"), "trace-42_abc");
}

TEST_P(ApiTest, MissingOrInsaneRequestIdIsReplacedByAGeneratedOne) {
  auto generated = client_->Get("/healthz");
  ASSERT_TRUE(generated);
  const std::string id = generated->get_header_value("X-Request-Id");
  EXPECT_EQ(id.size(), 16u) << id;
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;

  for (const std::string& bad : {std::string("has space"), std::string("<script>"), std::string(65, 'a')}) {
    auto res = client_->Get("/healthz", {{"X-Request-Id", bad}});
    ASSERT_TRUE(res);
    const std::string answered = res->get_header_value("X-Request-Id");
    EXPECT_NE(answered, bad);
    EXPECT_EQ(answered.size(), 16u) << answered;
  }
  auto other = client_->Get("/healthz");
  ASSERT_TRUE(other);
  EXPECT_NE(other->get_header_value("X-Request-Id"), id) << "request ids must differ per request";
}

// --- Login, session cookie, logout ------------------------------------------------------------

TEST_P(ApiTest, LoginSetsHttpOnlyStrictSessionCookieWithoutSecureOnPlainHttp) {
  auto res = PostJson("/api/v1/session", {{"username", "banpong.admin"}, {"password", kTestPassword}}, {});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.rfind("ecotown_session=", 0), 0u) << cookie;
  EXPECT_GT(cookie.find(';'), std::string("ecotown_session=").size()) << "empty session value: " << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  const json body = JsonOf(res);
  EXPECT_EQ(body["user"]["username"], "banpong.admin");
  EXPECT_EQ(body["user"]["org_code"], "banpong");
  EXPECT_FALSE(body.value("csrf_token", "").empty());
  EXPECT_FALSE(body.contains("session_token")) << "the session id travels only in the HttpOnly cookie";
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
}

TEST_P(ApiTest, LoginCookieIsSecureWhenConfigured) {
  auto secure_server = StartServerWith({.cookie_secure = true});
  ASSERT_NE(secure_server, nullptr);
  auto client = secure_server->NewClient();
  auto res = client->Post("/api/v1/session", json({{"username", "banpong.admin"}, {"password", kTestPassword}}).dump(),
                          "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
}

TEST_P(ApiTest, WrongPasswordIsUnauthorizedWithErrorBody) {
  auto res = PostJson("/api/v1/session", {{"username", "banpong.admin"}, {"password", "not-the-password"}}, {});
  ASSERT_NO_FATAL_FAILURE(ExpectError(res, 401, "unauthenticated"));
  EXPECT_TRUE(res->get_header_value("Set-Cookie").empty());
  // An unknown user gets the very same answer (no user enumeration).
  auto unknown = PostJson("/api/v1/session", {{"username", "nobody.here"}, {"password", "not-the-password"}}, {});
  ASSERT_NO_FATAL_FAILURE(ExpectError(unknown, 401, "unauthenticated"));
  EXPECT_EQ(JsonOf(unknown)["error"]["message"], JsonOf(res)["error"]["message"]);
}

TEST_P(ApiTest, SixthFailedLoginIsThrottled) {
  const json wrong = {{"username", "banpong.officer"}, {"password", "not-the-password"}};
  for (int i = 1; i <= 5; ++i) {
    auto res = PostJson("/api/v1/session", wrong, {});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << "attempt " << i << ": " << res->body;
  }
  auto sixth = PostJson("/api/v1/session", wrong, {});
  ASSERT_NO_FATAL_FAILURE(ExpectError(sixth, 429, "too_many_requests"));
  EXPECT_FALSE(sixth->get_header_value("Retry-After").empty());
  // While throttled even the right password is refused.
  auto right = PostJson("/api/v1/session", {{"username", "banpong.officer"}, {"password", kTestPassword}}, {});
  ExpectError(right, 429, "too_many_requests");
  // Other usernames are not affected.
  server_->Login("banpong.admin");
}

TEST_P(ApiTest, MeWithoutCookieIsUnauthorized) {
  ExpectError(client_->Get("/api/v1/me"), 401, "unauthenticated");
  ExpectError(client_->Get("/api/v1/me", {{"Cookie", "ecotown_session=forged-session-id"}}), 401, "unauthenticated");
}

TEST_P(ApiTest, MeWithCookieDescribesTheCaller) {
  const auto session = server_->Login("banpong.officer");
  auto res = client_->Get("/api/v1/me", CookieHeaders(session, false));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json me = JsonOf(res);
  EXPECT_EQ(me["user"]["username"], "banpong.officer");
  EXPECT_EQ(me["role"], "officer");
  EXPECT_EQ(me["org"]["code"], "banpong");
  EXPECT_EQ(me["csrf_token"], session.csrf_token);
  EXPECT_EQ(me["readable_org_ids"], json::array({server_->org_id("banpong")}));
}

TEST_P(ApiTest, LogoutEndsTheSession) {
  const auto session = server_->Login("banpong.admin");
  auto res = client_->Delete("/api/v1/session", CookieHeaders(session));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string cleared = res->get_header_value("Set-Cookie");
  EXPECT_EQ(cleared.rfind("ecotown_session=;", 0), 0u) << cleared;
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;

  ExpectError(client_->Get("/api/v1/me", CookieHeaders(session, false)), 401, "unauthenticated");
  ExpectError(PostJson("/api/v1/users", NewOfficer("after.logout"), CookieHeaders(session)), 401, "unauthenticated");
}

TEST_P(ApiTest, LoginWorksWhileAnotherSessionCookieIsPresent) {
  // A browser that still holds a cookie (live or stale) must be able to log in again: the
  // login form sends no CSRF token and needs none.
  const auto first = server_->Login("banpong.admin");
  auto live =
      client_->Post("/api/v1/session", {{"Cookie", first.cookie}},
                    json({{"username", "banpong.officer"}, {"password", kTestPassword}}).dump(), "application/json");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, 200) << live->body;
  auto stale =
      client_->Post("/api/v1/session", {{"Cookie", "ecotown_session=expired-long-ago"}},
                    json({{"username", "banpong.officer"}, {"password", kTestPassword}}).dump(), "application/json");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 200) << stale->body;
}

// --- CSRF and bearer tokens -------------------------------------------------------------------

TEST_P(ApiTest, CookieWriteWithoutCsrfTokenIsForbidden) {
  const auto session = server_->Login("banpong.admin");
  ExpectError(PostJson("/api/v1/users", NewOfficer("no.csrf"), CookieHeaders(session, false)), 403, "forbidden");
}

TEST_P(ApiTest, CookieWriteWithWrongCsrfTokenIsForbidden) {
  const auto session = server_->Login("banpong.admin");
  const auto other = server_->Login("boekphrai.admin");
  ExpectError(PostJson("/api/v1/users", NewOfficer("wrong.csrf"),
                       {{"Cookie", session.cookie}, {"X-CSRF-Token", "not-the-token"}}),
              403, "forbidden");
  // Another session's valid token does not fit this session.
  ExpectError(PostJson("/api/v1/users", NewOfficer("wrong.csrf"),
                       {{"Cookie", session.cookie}, {"X-CSRF-Token", other.csrf_token}}),
              403, "forbidden");
  ExpectError(PostJson("/api/v1/users", NewOfficer("wrong.csrf"), {{"Cookie", session.cookie}, {"X-CSRF-Token", ""}}),
              403, "forbidden");
}

TEST_P(ApiTest, CookieWriteWithCsrfTokenCreatesTheUser) {
  const auto session = server_->Login("banpong.admin");
  auto res = PostJson("/api/v1/users", NewOfficer("with.csrf"), CookieHeaders(session));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const json user = JsonOf(res);
  EXPECT_EQ(user["username"], "with.csrf");
  EXPECT_EQ(user["org_code"], "banpong");
  EXPECT_EQ(user["role"], "officer");
  EXPECT_FALSE(user.contains("password_hash"));
  auto read = client_->Get("/api/v1/users/" + std::to_string(user["id"].get<int64_t>()), CookieHeaders(session, false));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;
  EXPECT_EQ(JsonOf(read)["username"], "with.csrf");
}

TEST_P(ApiTest, BearerTokenIsShownOnceAndWritesWithoutCsrf) {
  const auto session = server_->Login("banpong.admin");
  auto created = PostJson("/api/v1/tokens", {{"name", "gateway-1"}, {"role", "lao-admin"}}, CookieHeaders(session));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string token = JsonOf(created).value("token", "");
  ASSERT_FALSE(token.empty()) << created->body;

  // The secret is never shown again.
  auto listed = client_->Get("/api/v1/tokens", CookieHeaders(session, false));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  EXPECT_EQ(listed->body.find(token), std::string::npos);
  ASSERT_EQ(JsonOf(listed)["items"].size(), 1u);
  EXPECT_FALSE(JsonOf(listed)["items"][0].contains("token"));

  auto me = client_->Get("/api/v1/me", BearerHeaders(token));
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(JsonOf(me)["token"], "token:gateway-1");
  EXPECT_EQ(JsonOf(me)["org"]["code"], "banpong");

  // Regression: the scheme name is case-insensitive, but "bearer" in lower case was refused.
  auto lower = client_->Get("/api/v1/me", {{"Authorization", "bearer " + token}});
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->status, 200) << lower->body;

  auto write = PostJson("/api/v1/users", NewOfficer("by.token"), BearerHeaders(token));
  ASSERT_TRUE(write);
  ASSERT_EQ(write->status, 201) << write->body;
  // The audit log names the token as the actor.
  auto audit = client_->Get("/api/v1/audit?entity=user", BearerHeaders(token));
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->status, 200) << audit->body;
  const json entries = JsonOf(audit)["items"];
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0]["actor"], "token:gateway-1") << entries[0].dump();
  EXPECT_EQ(entries[0]["after"]["username"], "by.token") << entries[0].dump();
}

TEST_P(ApiTest, BogusBearerTokenIsUnauthorized) {
  ExpectError(client_->Get("/api/v1/me", BearerHeaders("et_not-a-real-token")), 401, "unauthenticated");
  ExpectError(PostJson("/api/v1/users", NewOfficer("by.bogus"), BearerHeaders("et_not-a-real-token")), 401,
              "unauthenticated");
  ExpectError(client_->Get("/api/v1/me", {{"Authorization", "Basic YWRtaW46YWRtaW4="}}), 401, "unauthenticated");
  // A bad credential is refused even on a public endpoint: the caller meant to authenticate.
  ExpectError(client_->Get("/api/v1/orgs", BearerHeaders("et_not-a-real-token")), 401, "unauthenticated");
}

// --- Tenant isolation and roles ---------------------------------------------------------------

TEST_P(ApiTest, LaoAdminGetsNotFoundForAnotherLaosUser) {
  const auto session = server_->Login("banpong.admin");
  const std::string other = std::to_string(server_->user_id("boekphrai.officer"));
  ExpectError(client_->Get("/api/v1/users/" + other, CookieHeaders(session, false)), 404, "not_found");
  // Same answer as for an id that does not exist at all, so existence does not leak.
  ExpectError(client_->Get("/api/v1/users/987654", CookieHeaders(session, false)), 404, "not_found");
  // Its own organisation's staff are visible.
  auto own = client_->Get("/api/v1/users/" + std::to_string(server_->user_id("banpong.officer")),
                          CookieHeaders(session, false));
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body;
}

TEST_P(ApiTest, LaoAdminListsOnlyItsOwnUsers) {
  const auto session = server_->Login("banpong.admin");
  auto res = client_->Get("/api/v1/users", CookieHeaders(session, false));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  std::set<std::string> usernames;
  const json listed = JsonOf(res);
  for (const auto& user : listed["items"]) {
    EXPECT_EQ(user["org_code"], "banpong") << user.dump();
    usernames.insert(user["username"].get<std::string>());
  }
  EXPECT_EQ(usernames, (std::set<std::string>{"banpong.admin", "banpong.officer", "banpong.executive"}));
}

TEST_P(ApiTest, LaoAdminCannotCreateUsersInAnotherLao) {
  const auto session = server_->Login("banpong.admin");
  json request = NewOfficer("planted.user");
  request["org"] = "boekphrai";
  ExpectError(PostJson("/api/v1/users", request, CookieHeaders(session)), 404, "not_found");
}

TEST_P(ApiTest, LaoAdminAuditShowsOnlyItsOrganisation) {
  // Activity in both LAOs.
  const auto boekphrai = server_->Login("boekphrai.admin");
  auto foreign = PostJson("/api/v1/users", NewOfficer("boekphrai.new"), CookieHeaders(boekphrai));
  ASSERT_TRUE(foreign);
  ASSERT_EQ(foreign->status, 201) << foreign->body;
  const auto banpong = server_->Login("banpong.admin");
  auto own = PostJson("/api/v1/users", NewOfficer("banpong.new"), CookieHeaders(banpong));
  ASSERT_TRUE(own);
  ASSERT_EQ(own->status, 201) << own->body;

  const auto items = AuditItems(banpong);
  ASSERT_FALSE(items.empty());
  bool saw_own = false;
  for (const auto& entry : items) {
    EXPECT_EQ(entry["org_id"], server_->org_id("banpong")) << entry.dump();
    EXPECT_EQ(entry.dump().find("boekphrai"), std::string::npos) << entry.dump();
    if (entry["entity_id"] == std::to_string(JsonOf(own)["id"].get<int64_t>())) saw_own = true;
  }
  EXPECT_TRUE(saw_own);
}

TEST_P(ApiTest, OversightReadsItsProvinceButCannotManageStaff) {
  const auto session = server_->Login("ratchaburi.oversight");
  auto me = client_->Get("/api/v1/me", CookieHeaders(session, false));
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  std::set<int64_t> readable;
  const json described = JsonOf(me);
  for (const auto& id : described["readable_org_ids"]) readable.insert(id.get<int64_t>());
  EXPECT_EQ(readable, (std::set<int64_t>{server_->org_id("ratchaburi-office"), server_->org_id("banpong"),
                                         server_->org_id("boekphrai")}));

  json request = NewOfficer("oversight.made");
  request["org"] = "banpong";
  ExpectError(PostJson("/api/v1/users", request, CookieHeaders(session)), 403, "forbidden");
  // Staff records need the manage-users permission, which the read-only oversight role lacks.
  ExpectError(client_->Get("/api/v1/users", CookieHeaders(session, false)), 403, "forbidden");
}

TEST_P(ApiTest, ExecutiveCannotCreateUsers) {
  const auto session = server_->Login("banpong.executive");
  ExpectError(PostJson("/api/v1/users", NewOfficer("exec.made"), CookieHeaders(session)), 403, "forbidden");
}

TEST_P(ApiTest, EveryWriteIsAuditedWithActorAndBeforeAfter) {
  const auto session = server_->Login("banpong.admin");
  httplib::Headers headers = CookieHeaders(session);
  headers.emplace("X-Request-Id", "audit-check-1");
  auto created = PostJson("/api/v1/users", NewOfficer("audited.user"), headers);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string user_id = std::to_string(JsonOf(created)["id"].get<int64_t>());
  auto token = PostJson("/api/v1/tokens", {{"name", "audited-token"}}, CookieHeaders(session));
  ASSERT_TRUE(token);
  ASSERT_EQ(token->status, 201) << token->body;
  auto renamed = client_->Patch("/api/v1/users/" + user_id, CookieHeaders(session),
                                json({{"display_name", "ชื่อใหม่"}}).dump(), "application/json");
  ASSERT_TRUE(renamed);
  ASSERT_EQ(renamed->status, 200) << renamed->body;
  const std::string token_id = std::to_string(JsonOf(token)["id"].get<int64_t>());
  auto revoked = client_->Delete("/api/v1/tokens/" + token_id, CookieHeaders(session));
  ASSERT_TRUE(revoked);
  ASSERT_EQ(revoked->status, 200) << revoked->body;

  const json* user_entry = nullptr;
  const json* update_entry = nullptr;
  const json* token_entry = nullptr;
  const json* revoke_entry = nullptr;
  const json* login_entry = nullptr;
  const auto items = AuditItems(session);
  for (const auto& entry : items) {
    const bool the_user = entry["entity"] == "user" && entry["entity_id"] == user_id;
    const bool the_token = entry["entity"] == "api_token" && entry["entity_id"] == token_id;
    if (the_user && entry["action"] == "create") user_entry = &entry;
    if (the_user && entry["action"] == "update") update_entry = &entry;
    if (the_token && entry["action"] == "create") token_entry = &entry;
    if (the_token && entry["action"] == "revoke") revoke_entry = &entry;
    if (entry["entity"] == "session" && entry["action"] == "login") login_entry = &entry;
  }
  ASSERT_NE(user_entry, nullptr) << json(items).dump();
  EXPECT_EQ((*user_entry)["action"], "create");
  EXPECT_EQ((*user_entry)["actor"], "banpong.admin");
  EXPECT_EQ((*user_entry)["request_id"], "audit-check-1");
  EXPECT_EQ((*user_entry)["ip"], "127.0.0.1");
  EXPECT_TRUE((*user_entry)["before"].is_null());
  ASSERT_TRUE((*user_entry)["after"].is_object()) << user_entry->dump();
  EXPECT_EQ((*user_entry)["after"]["username"], "audited.user");
  EXPECT_EQ((*user_entry)["after"]["role"], "officer");
  EXPECT_EQ((*user_entry)["after"].dump().find(kTestPassword), std::string::npos);

  ASSERT_NE(update_entry, nullptr) << json(items).dump();
  EXPECT_EQ((*update_entry)["actor"], "banpong.admin");
  EXPECT_EQ((*update_entry)["before"]["display_name"], "เจ้าหน้าที่ใหม่") << update_entry->dump();
  EXPECT_EQ((*update_entry)["after"]["display_name"], "ชื่อใหม่") << update_entry->dump();

  ASSERT_NE(revoke_entry, nullptr) << json(items).dump();
  EXPECT_EQ((*revoke_entry)["action"], "revoke");
  EXPECT_EQ((*revoke_entry)["actor"], "banpong.admin");

  ASSERT_NE(token_entry, nullptr) << json(items).dump();
  EXPECT_EQ((*token_entry)["actor"], "banpong.admin");
  EXPECT_EQ((*token_entry)["after"]["name"], "audited-token");
  EXPECT_EQ(token_entry->dump().find(JsonOf(token)["token"].get<std::string>()), std::string::npos)
      << "the token secret must not reach the audit log";

  ASSERT_NE(login_entry, nullptr) << json(items).dump();
  EXPECT_EQ((*login_entry)["actor"], "banpong.admin");

  auto logout = client_->Delete("/api/v1/session", CookieHeaders(session));
  ASSERT_TRUE(logout);
  ASSERT_EQ(logout->status, 200);
  bool saw_logout = false;
  for (const auto& entry : AuditItems(server_->Login("banpong.admin"))) {
    saw_logout = saw_logout || (entry["action"] == "logout" && entry["actor"] == "banpong.admin");
  }
  EXPECT_TRUE(saw_logout);
}

// --- Bad input --------------------------------------------------------------------------------

TEST_P(ApiTest, MalformedJsonIsBadRequestNamingTheBody) {
  const auto session = server_->Login("banpong.admin");
  ExpectError(PostRaw("/api/v1/users", R"({"username": "x.y", "role": )", CookieHeaders(session)), 400, "invalid",
              "body");
  ExpectError(PostRaw("/api/v1/users", "", CookieHeaders(session)), 400, "invalid", "body");
  ExpectError(PostRaw("/api/v1/session", "username=admin&password=x", {}), 400, "invalid", "body");
}

TEST_P(ApiTest, NonObjectJsonIsBadRequest) {
  const auto session = server_->Login("banpong.admin");
  for (const char* body : {"[1,2,3]", "\"text\"", "42", "null", "true"}) {
    SCOPED_TRACE(body);
    ExpectError(PostRaw("/api/v1/users", body, CookieHeaders(session)), 400, "invalid", "body");
  }
}

TEST_P(ApiTest, InvalidUtf8IsBadRequest) {
  const auto session = server_->Login("banpong.admin");
  const std::string body = "{\"username\":\"bad.\xff\xfe\",\"role\":\"officer\"}";
  ExpectError(PostRaw("/api/v1/users", body, CookieHeaders(session)), 400, "invalid", "body");
  const std::string overlong = "{\"username\":\"x\xc0\xaf\",\"role\":\"officer\"}";  // overlong '/'
  ExpectError(PostRaw("/api/v1/users", overlong, CookieHeaders(session)), 400, "invalid", "body");
}

TEST_P(ApiTest, UnknownFieldIsUnprocessableNamingIt) {
  const auto session = server_->Login("banpong.admin");
  json request = NewOfficer("extra.field");
  request["is_superuser"] = true;
  ExpectError(PostJson("/api/v1/users", request, CookieHeaders(session)), 422, "invalid", "is_superuser");
}

TEST_P(ApiTest, MissingFieldIsUnprocessableNamingIt) {
  const auto session = server_->Login("banpong.admin");
  ExpectError(PostJson("/api/v1/users", {{"role", "officer"}}, CookieHeaders(session)), 422, "invalid", "username");
  ExpectError(PostJson("/api/v1/users", {{"username", "no.role"}}, CookieHeaders(session)), 422, "invalid", "role");
  ExpectError(PostJson("/api/v1/users", {{"username", nullptr}, {"role", "officer"}}, CookieHeaders(session)), 422,
              "invalid", "username");
}

TEST_P(ApiTest, WrongTypeIsUnprocessableNamingTheField) {
  const auto session = server_->Login("banpong.admin");
  ExpectError(PostJson("/api/v1/users", {{"username", 12345}, {"role", "officer"}}, CookieHeaders(session)), 422,
              "invalid", "username");
  ExpectError(PostJson("/api/v1/users", {{"username", "typed.user"}, {"role", {"officer"}}}, CookieHeaders(session)),
              422, "invalid", "role");
  ExpectError(PostJson("/api/v1/users", {{"username", "typed.user"}, {"role", "officer"}, {"factory_id", "7"}},
                       CookieHeaders(session)),
              422, "invalid", "factory_id");
  ExpectError(PostJson("/api/v1/users", {{"username", "typed.user"}, {"role", "wizard"}}, CookieHeaders(session)), 422,
              "invalid", "role");
}

TEST_P(ApiTest, OversizedBodyIsPayloadTooLarge) {
  const auto session = server_->Login("banpong.admin");
  json request = NewOfficer("big.body");
  request["display_name"] = std::string(100 * 1024, 'x');  // over the 64 KiB limit of the fixture
  auto res = PostJson("/api/v1/users", request, CookieHeaders(session));
  ExpectError(res, 413, "too_large");

  // Announced by Content-Length alone: refused before the body is sent.
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(
      raw.Send("POST /api/v1/users HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
               "Content-Length: 1000000\r\n\r\n"));
  auto answer = raw.ReadResponse();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 413);
  EXPECT_EQ(json::parse(answer->body, nullptr, false)["error"]["code"], "too_large") << answer->body;

  // The server is still healthy and the user was not created.
  auto list = client_->Get("/api/v1/users", CookieHeaders(session, false));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->body.find("big.body"), std::string::npos);

  // Regression: requests refused by the server itself were missing from metrics and access log.
  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ecotown_http_requests_total{route=\"other\",method=\"POST\",status=\"4xx\"} 2\n"),
            std::string::npos)
      << metrics->body;
}

TEST_P(ApiTest, RefusalAfterAHeadRequestStillHasItsBody) {
  // Regression: a refusal on a keep-alive connection whose previous request was HEAD went out
  // without its body (but with its Content-Length), so the client waited for bytes never sent.
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Send("HEAD /healthz HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto head = raw.ReadResponse(5000, /*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  ASSERT_TRUE(raw.Send("POST /api/v1/users HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000\r\n\r\n"));
  auto refused = raw.ReadResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
  EXPECT_EQ(json::parse(refused->body, nullptr, false)["error"]["code"], "too_large") << refused->body;
}

TEST_P(ApiTest, OversizedHeadersAreRefused) {
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(
      raw.Send("GET /healthz HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(20 * 1024, 'p') + "\r\n\r\n"));
  auto answer = raw.ReadResponse();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 431);
  EXPECT_TRUE(raw.ClosedByServer());
}

TEST_P(ApiTest, DeeplyNestedJsonIsRefusedAndTheServerLives) {
  const auto session = server_->Login("banpong.admin");
  const int depth = 30000;  // within the fixture's 64 KiB body limit
  ExpectError(PostRaw("/api/v1/users", std::string(depth, '[') + std::string(depth, ']'), CookieHeaders(session)), 400,
              "invalid", "body");
  const std::string nested = R"({"username":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
  ExpectError(PostRaw("/api/v1/users", nested, CookieHeaders(session)), 422, "invalid", "username");
  auto health = client_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_P(ApiTest, OversizedBodyIsAnsweredToAClientThatSendsItAllBeforeReading) {
  // Regression: the server answered 413 as soon as it saw Content-Length and then closed both
  // directions with the body still arriving; the client's TCP stack got a reset and the 413 was
  // lost (write error) for any body larger than the socket buffers. cpp-httplib, like most
  // simple clients, sends the whole body before it reads.
  const std::string body = "{\"display_name\":\"" + std::string(8 * 1024 * 1024, 'x') + "\"}";
  for (int i = 0; i < 3; ++i) {
    auto client = server_->NewClient();
    auto res = client->Post("/api/v1/users", body, "application/json");
    ExpectError(res, 413, "too_large");
  }
}

TEST_P(ApiTest, MarkupAndSqlInStringsAreStoredAndReturnedVerbatim) {
  const auto session = server_->Login("banpong.admin");
  const std::string hostile =
      "<script>alert(1)</script>'; DROP TABLE users;-- \"quoted\" \\ นักวิชาการ 🌫️";
  json request = NewOfficer("hostile.name");
  request["display_name"] = hostile;
  auto created = PostJson("/api/v1/users", request, CookieHeaders(session));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(created->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(JsonOf(created)["display_name"], hostile);

  auto read = client_->Get("/api/v1/users/" + std::to_string(JsonOf(created)["id"].get<int64_t>()),
                           CookieHeaders(session, false));
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200) << read->body;
  EXPECT_EQ(JsonOf(read)["display_name"], hostile);
  // The users table is still there and still complete.
  auto list = client_->Get("/api/v1/users", CookieHeaders(session, false));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(JsonOf(list)["items"].size(), 4u);
}

// --- Routing ----------------------------------------------------------------------------------

TEST_P(ApiTest, UnknownEndpointIsNotFoundJson) {
  ExpectError(client_->Get("/api/v1/no-such-thing"), 404, "not_found");
  ExpectError(client_->Post("/api/v2/users", "{}", "application/json"), 404, "not_found");
  ExpectError(client_->Get("/no/such/page.html"), 404, "not_found");
}

TEST_P(ApiTest, WebUiIsServedButNothingOutsideItsDirectory) {
  auto index = client_->Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<html"), std::string::npos);
  for (const char* path : {"/../CMakeLists.txt", "/%2e%2e/CMakeLists.txt", "/..%2fCMakeLists.txt",
                           "/vendor/sarabun/../../../CMakeLists.txt", "/%2e%2e/%2e%2e/etc/passwd"}) {
    SCOPED_TRACE(path);
    RawConnection raw(server_->port());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: test\r\n\r\n"));
    auto answer = raw.ReadResponse();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 404);
    EXPECT_EQ(answer->body.find("project(ecotown"), std::string::npos);
  }
}

TEST_P(ApiTest, WrongMethodIsMethodNotAllowedWithAllowHeader) {
  auto res = client_->Put("/api/v1/users", "{}", "application/json");
  ASSERT_NO_FATAL_FAILURE(ExpectError(res, 405, "method_not_allowed"));
  const std::string allow = res->get_header_value("Allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("POST"), std::string::npos) << allow;
  EXPECT_EQ(allow.find("PUT"), std::string::npos) << allow;

  auto health = client_->Delete("/healthz");
  ASSERT_NO_FATAL_FAILURE(ExpectError(health, 405, "method_not_allowed"));
  EXPECT_EQ(health->get_header_value("Allow"), "GET");
}

// --- No partial writes ------------------------------------------------------------------------

TEST_P(ApiTest, DuplicateUsernameIsConflictAndWritesNothing) {
  const auto session = server_->Login("banpong.admin");
  const size_t audit_before = AuditItems(session).size();

  json duplicate = NewOfficer("banpong.officer");
  duplicate["display_name"] = "ซ้ำ";
  ExpectError(PostJson("/api/v1/users", duplicate, CookieHeaders(session)), 409, "conflict", "username");
  // A user the caller cannot see is still a conflict (usernames are global), with the same answer.
  ExpectError(PostJson("/api/v1/users", NewOfficer("boekphrai.officer"), CookieHeaders(session)), 409, "conflict",
              "username");
  // Invalid content found deep in the service (password policy) writes nothing either.
  json weak = NewOfficer("weak.password");
  weak["password"] = "short";
  ExpectError(PostJson("/api/v1/users", weak, CookieHeaders(session)), 422, "invalid", "password");

  EXPECT_EQ(AuditItems(session).size(), audit_before);
  auto list = client_->Get("/api/v1/users", CookieHeaders(session, false));
  ASSERT_TRUE(list);
  EXPECT_EQ(JsonOf(list)["items"].size(), 3u) << list->body;
  const json listed = JsonOf(list);
  for (const auto& user : listed["items"]) {
    if (user["username"] == "banpong.officer") {
      EXPECT_NE(user["display_name"], "ซ้ำ");
    }
  }
}

// --- Connections ------------------------------------------------------------------------------

TEST_P(ApiTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(raw.Send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"));
    auto answer = raw.ReadResponse();
    ASSERT_TRUE(answer) << "request " << i << " on the same connection got no answer";
    EXPECT_EQ(answer->status, 200);
    EXPECT_NE(answer->headers["connection"], "close");
  }
  // Two requests sent back to back (pipelined) are answered in order.
  ASSERT_TRUE(raw.Send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\nGET /api/v1/nope HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto first = raw.ReadResponse();
  auto second = raw.ReadResponse();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 404);
  // "Connection: close" is honoured.
  ASSERT_TRUE(raw.Send("GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"));
  auto last = raw.ReadResponse();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 200);
  EXPECT_TRUE(raw.ClosedByServer());

  // The client library's own keep-alive connection: several requests, one connection.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client_->Get("/healthz"));
  // The closed raw connection is released asynchronously on the server's I/O thread; give it a
  // moment on a loaded machine before counting.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (OpenConnections() != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(OpenConnections(), 1);
}

TEST_P(ApiTest, MalformedHttpIsBadRequestAndCloses) {
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Send("THIS IS NOT HTTP\r\n\r\n"));
  auto answer = raw.ReadResponse();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_TRUE(raw.ClosedByServer());
  // Still serving.
  auto res = client_->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_P(ApiTest, StopAnswersInFlightRequestsThenRunReturns) {
  constexpr int kRequests = 4;
  const std::string login = json({{"username", "banpong.officer"}, {"password", kTestPassword}}).dump();
  std::vector<std::future<int>> answers;
  for (int i = 0; i < kRequests; ++i) {
    answers.push_back(std::async(std::launch::async, [this, &login] {
      auto client = server_->NewClient();
      auto res = client->Post("/api/v1/session", login, "application/json");
      return res ? res->status : -1;
    }));
  }
  const uint16_t port = server_->port();
  // Logins take tens of milliseconds (Argon2id). Once every request's connection is open, stop.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (OpenConnections() < kRequests + 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  server_->server().Stop();

  auto stopped = std::async(std::launch::async, [this] { server_->server().Wait(); });
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "Run() did not return";
  for (auto& answer : answers) EXPECT_EQ(answer.get(), 200);
  // No longer accepting.
  RawConnection late(port);
  EXPECT_FALSE(late.connected() && late.Send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n") && late.ReadResponse(500));
}

TEST_P(ApiTest, StopEndsOpenEventStreams) {
  const auto session = server_->Login("banpong.officer");
  RawConnection stream(server_->port());
  ASSERT_TRUE(stream.connected());
  ASSERT_TRUE(stream.Send("GET /api/v1/events HTTP/1.1\r\nHost: test\r\nCookie: " + session.cookie + "\r\n\r\n"));
  auto head = stream.ReadResponse();
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["content-type"], "text/event-stream; charset=utf-8");

  server_->server().Stop();
  auto stopped = std::async(std::launch::async, [this] { server_->server().Wait(); });
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "an event stream held Stop()";
  EXPECT_TRUE(stream.ClosedByServer());
}

TEST_P(ApiTest, EventStreamDeliversAChangeMadeThroughTheApi) {
  const auto admin = server_->Login("banpong.admin");
  const auto officer = server_->Login("banpong.officer");
  RawConnection stream(server_->port());
  ASSERT_TRUE(stream.connected());
  ASSERT_TRUE(stream.Send("GET /api/v1/events HTTP/1.1\r\nHost: test\r\nCookie: " + officer.cookie + "\r\n\r\n"));
  auto head = stream.ReadResponse();
  ASSERT_TRUE(head && head->status == 200);
  ASSERT_TRUE(stream.ReadUntil("retry: 3000\n\n"));  // the subscription exists from here on

  auto created = PostJson("/api/v1/users", NewOfficer("live.update"), CookieHeaders(admin));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = std::to_string(JsonOf(created)["id"].get<int64_t>());
  auto frame = stream.ReadUntil("\n\n", 10000);
  ASSERT_TRUE(frame) << "no event within 10 s";
  EXPECT_NE(frame->find("event: change\n"), std::string::npos) << *frame;
  EXPECT_NE(frame->find(R"("entity":"user")"), std::string::npos) << *frame;
  EXPECT_NE(frame->find(R"("entity_id":")" + id + "\""), std::string::npos) << *frame;
  // The notice names the record, never its content.
  EXPECT_EQ(frame->find("live.update"), std::string::npos) << *frame;
}

TEST_P(ApiTest, HeadOfTheEventStreamAnswersWithoutStreaming) {
  const auto officer = server_->Login("banpong.officer");
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Send("HEAD /api/v1/events HTTP/1.1\r\nHost: test\r\nCookie: " + officer.cookie + "\r\n\r\n"));
  auto head = raw.ReadResponse(5000, true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["content-type"], "text/event-stream; charset=utf-8");
  // The connection is free for the next request, as after any HEAD.
  ASSERT_TRUE(raw.Send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto next = raw.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_P(ApiTest, EventStreamOfAnotherLaoStaysSilent) {
  const auto admin = server_->Login("banpong.admin");
  const auto other = server_->Login("boekphrai.admin");
  RawConnection stream(server_->port());
  ASSERT_TRUE(stream.connected());
  ASSERT_TRUE(stream.Send("GET /api/v1/events HTTP/1.1\r\nHost: test\r\nCookie: " + other.cookie + "\r\n\r\n"));
  ASSERT_TRUE(stream.ReadResponse());
  ASSERT_TRUE(stream.ReadUntil("retry: 3000\n\n"));
  auto created = PostJson("/api/v1/users", NewOfficer("quiet.one"), CookieHeaders(admin));
  ASSERT_TRUE(created && created->status == 201);
  EXPECT_FALSE(stream.ReadUntil("event: change", 2000)) << "Boek Phrai heard of a Ban Pong change";
}

TEST_P(ApiTest, AdminDisablesAUserAndTheirSessionEnds) {
  const auto admin = server_->Login("banpong.admin");
  const auto officer = server_->Login("banpong.officer");
  const std::string path = "/api/v1/users/" + std::to_string(server_->user_id("banpong.officer"));
  auto res = client_->Patch(path, CookieHeaders(admin), R"({"active":false,"display_name":"ย้ายไปแล้ว"})",
                            "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(JsonOf(res)["active"], false);
  EXPECT_EQ(JsonOf(res)["display_name"], "ย้ายไปแล้ว");
  ExpectError(client_->Get("/api/v1/me", CookieHeaders(officer, false)), 401, "unauthenticated");
  ExpectError(client_->Post("/api/v1/session", R"({"username":"banpong.officer","password":"correct-horse-battery"})",
                            "application/json"),
              401, "unauthenticated");
  // The change is audited with before and after.
  bool audited = false;
  for (const auto& item : AuditItems(admin)) {
    if (item["action"] == "update" && item["entity"] == "user") {
      audited = item["before"]["active"] == true && item["after"]["active"] == false;
    }
  }
  EXPECT_TRUE(audited);
}

TEST_P(ApiTest, NobodyLocksThemselvesOut) {
  const auto admin = server_->Login("banpong.admin");
  const std::string self = "/api/v1/users/" + std::to_string(server_->user_id("banpong.admin"));
  ExpectError(client_->Patch(self, CookieHeaders(admin), R"({"active":false})", "application/json"), 422, "invalid",
              "active");
  ExpectError(client_->Patch(self, CookieHeaders(admin), R"({"role":"officer"})", "application/json"), 422, "invalid",
              "role");
  ExpectError(client_->Patch(self, CookieHeaders(admin), R"({"role":"mayor"})", "application/json"), 422, "invalid",
              "role");
}

TEST_P(ApiTest, LaoAdminCannotChangeAnotherLaosUser) {
  const auto admin = server_->Login("banpong.admin");
  const std::string path = "/api/v1/users/" + std::to_string(server_->user_id("boekphrai.admin"));
  ExpectError(client_->Patch(path, CookieHeaders(admin), R"({"active":false})", "application/json"), 404, "not_found");
  const auto executive = server_->Login("banpong.executive");
  const std::string officer = "/api/v1/users/" + std::to_string(server_->user_id("banpong.officer"));
  ExpectError(client_->Patch(officer, CookieHeaders(executive), R"({"active":false})", "application/json"), 403,
              "forbidden");
}

struct AqiCalcRow {
  const char* query;
  int aqi;
  int level;
  const char* color;
};

TEST_P(ApiTest, AqiCalculatorAnswersThaiAndUsIndices) {
  // Band edges of the PCD 2023 table and the EPA 2024 table (see docs/air-quality-method.md).
  const AqiCalcRow rows[] = {
      {"scale=th&pollutant=pm25&concentration=15.0", 25, 1, "#3BCCFF"},
      {"scale=th&pollutant=pm25&concentration=15.1", 26, 2, "#92D050"},
      {"scale=th&pollutant=pm25&concentration=37.5", 100, 3, "#FFFF00"},
      {"scale=th&pollutant=pm25&concentration=37.6", 101, 4, "#FFA200"},
      {"scale=th&pollutant=pm10&concentration=120", 100, 3, "#FFFF00"},
      {"scale=us&pollutant=pm25&concentration=9.0", 50, 1, "#00E400"},
      {"scale=us&pollutant=pm25&concentration=35.5", 101, 3, "#FF7E00"},
  };
  for (const auto& row : rows) {
    auto res = client_->Get(std::string("/api/v1/aqi/calc?") + row.query);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << row.query << ": " << res->body;
    const json body = JsonOf(res);
    EXPECT_EQ(body["aqi"], row.aqi) << row.query;
    EXPECT_EQ(body["level"], row.level) << row.query;
    EXPECT_EQ(body["color"], row.color) << row.query;
    EXPECT_TRUE(body["category"].is_string() && !body["category"].get<std::string>().empty()) << row.query;
  }
  auto thai = JsonOf(client_->Get("/api/v1/aqi/calc?scale=th&pollutant=pm25&concentration=40"));
  EXPECT_EQ(thai["category"], "เริ่มมีผลกระทบต่อสุขภาพ");
  auto english = JsonOf(client_->Get("/api/v1/aqi/calc?scale=th&pollutant=pm25&concentration=40&lang=en"));
  EXPECT_EQ(english["category"], "Starting to affect health");
}

TEST_P(ApiTest, AqiCalculatorNamesTheBadParameter) {
  ExpectError(client_->Get("/api/v1/aqi/calc?pollutant=pm25&concentration=1"), 422, "invalid", "scale");
  ExpectError(client_->Get("/api/v1/aqi/calc?scale=eu&pollutant=pm25&concentration=1"), 422, "invalid", "scale");
  ExpectError(client_->Get("/api/v1/aqi/calc?scale=th&pollutant=o3&concentration=1"), 422, "invalid", "pollutant");
  ExpectError(client_->Get("/api/v1/aqi/calc?scale=th&pollutant=pm25&concentration=abc"), 422, "invalid",
              "concentration");
  ExpectError(client_->Get("/api/v1/aqi/calc?scale=th&pollutant=pm25&concentration=-3"), 422, "invalid",
              "concentration");
  ExpectError(client_->Get("/api/v1/aqi/calc?scale=th&pollutant=pm25&concentration=1&table=who"), 422, "invalid",
              "table");
}

// --- Sensor registry ----------------------------------------------------------------------------

json NewSensorBody(const std::string& code, const std::string& device_key) {
  return {{"code", code},         {"name", "โรงเรียนบ้านโป่ง"}, {"model", "sds011"},
          {"device_key", device_key}, {"lat", 13.8152},          {"lon", 99.8768},
          {"install_date", "2024-11-15"}};
}

TEST_P(ApiTest, SensorsAreRegisteredListedReadAndChanged) {
  const auto session = server_->Login("banpong.officer");
  auto created = PostJson("/api/v1/sensors", NewSensorBody("bp-school-01", "esp8266-13966475"), CookieHeaders(session));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const json sensor = JsonOf(created);
  EXPECT_EQ(sensor["code"], "bp-school-01");
  EXPECT_EQ(sensor["name"], "โรงเรียนบ้านโป่ง");
  EXPECT_EQ(sensor["model"], "sds011");
  EXPECT_EQ(sensor["is_reference"], false);
  EXPECT_EQ(sensor["device_key"], "esp8266-13966475");
  EXPECT_EQ(sensor["org_id"], server_->org_id("banpong"));
  EXPECT_EQ(sensor["status"], "active");
  EXPECT_EQ(sensor["maintenance"], false);
  EXPECT_EQ(sensor["siting_notes"], "");
  EXPECT_EQ(sensor["install_date"], "2024-11-15");
  const std::string path = "/api/v1/sensors/" + std::to_string(sensor["id"].get<int64_t>());

  json reference = NewSensorBody("bp-bam-01", "44t");
  reference["model"] = "reference-bam";
  reference["status"] = "inactive";
  auto bam = PostJson("/api/v1/sensors", reference, CookieHeaders(session));
  ASSERT_TRUE(bam);
  ASSERT_EQ(bam->status, 201) << bam->body;
  EXPECT_EQ(JsonOf(bam)["is_reference"], true);

  auto got = client_->Get(path, CookieHeaders(session, false));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  EXPECT_EQ(JsonOf(got), sensor);

  auto patched = client_->Patch(path, CookieHeaders(session),
                                json({{"maintenance", true}, {"siting_notes", "ย้ายไปหลังคาโรงอาหาร"}, {"lat", 13.8160}})
                                    .dump(),
                                "application/json");
  ASSERT_TRUE(patched);
  ASSERT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(JsonOf(patched)["maintenance"], true);
  EXPECT_EQ(JsonOf(patched)["siting_notes"], "ย้ายไปหลังคาโรงอาหาร");
  EXPECT_EQ(JsonOf(patched)["lat"], 13.8160);
  EXPECT_EQ(JsonOf(patched)["name"], "โรงเรียนบ้านโป่ง");
  EXPECT_EQ(JsonOf(patched)["device_key"], "esp8266-13966475");

  auto active = client_->Get("/api/v1/sensors?status=active", CookieHeaders(session, false));
  ASSERT_TRUE(active);
  ASSERT_EQ(active->status, 200) << active->body;
  ASSERT_EQ(JsonOf(active)["items"].size(), 1u);
  EXPECT_EQ(JsonOf(active)["items"][0]["code"], "bp-school-01");
  auto all = client_->Get("/api/v1/sensors", CookieHeaders(session, false));
  ASSERT_TRUE(all);
  EXPECT_EQ(JsonOf(all)["items"].size(), 2u);
  ExpectError(client_->Get("/api/v1/sensors?status=broken", CookieHeaders(session, false)), 422, "invalid", "status");

  // Every write is in the audit log, with before and after for the change.
  const auto admin = server_->Login("banpong.admin");
  int creates = 0, updates = 0;
  for (const auto& entry : AuditItems(admin)) {
    if (entry["entity"] != "sensor") continue;
    if (entry["action"] == "create") ++creates;
    if (entry["action"] == "update") {
      ++updates;
      EXPECT_FALSE(entry["before"].is_null()) << entry.dump();
      EXPECT_FALSE(entry["after"].is_null()) << entry.dump();
    }
  }
  EXPECT_EQ(creates, 2);
  EXPECT_EQ(updates, 1);
}

TEST_P(ApiTest, AnotherLaosSensorIsNotFound) {
  const auto boekphrai = server_->Login("boekphrai.admin");
  auto foreign = PostJson("/api/v1/sensors", NewSensorBody("bk-01", "ecda3b1eaaaf"), CookieHeaders(boekphrai));
  ASSERT_TRUE(foreign);
  ASSERT_EQ(foreign->status, 201) << foreign->body;
  const std::string path = "/api/v1/sensors/" + std::to_string(JsonOf(foreign)["id"].get<int64_t>());

  const auto banpong = server_->Login("banpong.admin");
  ExpectError(client_->Get(path, CookieHeaders(banpong, false)), 404, "not_found");
  ExpectError(client_->Get("/api/v1/sensors/987654", CookieHeaders(banpong, false)), 404, "not_found");
  ExpectError(client_->Patch(path, CookieHeaders(banpong), R"({"name":"planted"})", "application/json"), 404,
              "not_found");
  ExpectError(PostJson(path + "/secret", json::object(), CookieHeaders(banpong)), 404, "not_found");
  json into = NewSensorBody("planted-01", "esp8266-1");
  into["org"] = "boekphrai";
  ExpectError(PostJson("/api/v1/sensors", into, CookieHeaders(banpong)), 404, "not_found");
  auto listed = client_->Get("/api/v1/sensors", CookieHeaders(banpong, false));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  EXPECT_TRUE(JsonOf(listed)["items"].empty()) << listed->body;
  // Nothing changed.
  auto own = client_->Get(path, CookieHeaders(boekphrai, false));
  ASSERT_TRUE(own);
  EXPECT_EQ(JsonOf(own)["name"], "โรงเรียนบ้านโป่ง");

  const auto executive = server_->Login("banpong.executive");
  ExpectError(PostJson("/api/v1/sensors", NewSensorBody("exec-01", "esp8266-2"), CookieHeaders(executive)), 403,
              "forbidden");
}

TEST_P(ApiTest, BadSensorInputIsRefusedNamingTheField) {
  const auto session = server_->Login("banpong.admin");
  const auto headers = CookieHeaders(session);
  json unknown = NewSensorBody("s-01", "esp8266-1");
  unknown["colour"] = "green";
  ExpectError(PostJson("/api/v1/sensors", unknown, headers), 422, "invalid", "colour");
  json outside = NewSensorBody("s-01", "esp8266-1");
  outside["lat"] = 1.29;  // Singapore
  ExpectError(PostJson("/api/v1/sensors", outside, headers), 422, "invalid", "lat");
  json missing = NewSensorBody("s-01", "esp8266-1");
  missing.erase("lon");
  ExpectError(PostJson("/api/v1/sensors", missing, headers), 422, "invalid", "lon");
  json model = NewSensorBody("s-01", "esp8266-1");
  model["model"] = "toaster";
  ExpectError(PostJson("/api/v1/sensors", model, headers), 422, "invalid", "model");
  json date = NewSensorBody("s-01", "esp8266-1");
  date["install_date"] = "2024-13-01";
  ExpectError(PostJson("/api/v1/sensors", date, headers), 422, "invalid", "install_date");
  json code = NewSensorBody("S 01", "esp8266-1");
  ExpectError(PostJson("/api/v1/sensors", code, headers), 422, "invalid", "code");

  auto created = PostJson("/api/v1/sensors", NewSensorBody("s-01", "esp8266-1"), headers);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  ExpectError(PostJson("/api/v1/sensors", NewSensorBody("s-01", "esp8266-2"), headers), 409, "conflict", "code");
  // The device_key is taken across organisations.
  const auto phatong = server_->Login("phatong.admin");
  ExpectError(PostJson("/api/v1/sensors", NewSensorBody("pt-01", "esp8266-1"), CookieHeaders(phatong)), 409,
              "conflict", "device_key");

  const std::string path = "/api/v1/sensors/" + std::to_string(JsonOf(created)["id"].get<int64_t>());
  ExpectError(client_->Patch(path, headers, R"({"code":"renamed"})", "application/json"), 422, "invalid", "code");
  ExpectError(client_->Patch(path, headers, R"({"lon":110.0})", "application/json"), 422, "invalid", "lon");
  // An explicit null removes the device_key.
  auto cleared = client_->Patch(path, headers, R"({"device_key":null})", "application/json");
  ASSERT_TRUE(cleared);
  ASSERT_EQ(cleared->status, 200) << cleared->body;
  EXPECT_TRUE(JsonOf(cleared)["device_key"].is_null());
}

TEST_P(ApiTest, SensorSecretIsShownOnceAndNeverInReads) {
  const auto session = server_->Login("banpong.officer");
  auto created = PostJson("/api/v1/sensors", NewSensorBody("s-01", "esp8266-13966475"), CookieHeaders(session));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string path = "/api/v1/sensors/" + std::to_string(JsonOf(created)["id"].get<int64_t>());
  EXPECT_EQ(created->body.find("secret"), std::string::npos);

  auto rotated = PostJson(path + "/secret", json::object(), CookieHeaders(session));
  ASSERT_TRUE(rotated);
  ASSERT_EQ(rotated->status, 200) << rotated->body;
  const std::string secret = JsonOf(rotated).value("secret", "");
  ASSERT_GE(secret.size(), 32u) << rotated->body;
  auto again = PostJson(path + "/secret", json::object(), CookieHeaders(session));
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_NE(JsonOf(again).value("secret", ""), secret);

  for (const std::string& read : {path, std::string("/api/v1/sensors")}) {
    auto res = client_->Get(read, CookieHeaders(session, false));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->body.find("secret"), std::string::npos) << res->body;
    EXPECT_EQ(res->body.find(secret), std::string::npos);
  }
  const auto executive = server_->Login("banpong.executive");
  ExpectError(PostJson(path + "/secret", json::object(), CookieHeaders(executive)), 403, "forbidden");
}

INSTANTIATE_TEST_SUITE_P(http, ApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
