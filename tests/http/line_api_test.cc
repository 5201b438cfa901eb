// API tests of the LINE complaint channel: the real server on 127.0.0.1 with webhook bodies built
// and signed exactly as LINE's Messaging API reference shows them, and a local cpp-httplib
// receiver standing in for api.line.me and api-data.line.me (replies, pushes, content). SQLite
// always; PostgreSQL with the CTest fixture.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "http/test_server.h"
#include "modules/complaints/line.h"
#include "modules/complaints/line_service.h"
#include "notify/complaint_mailer.h"
#include "notify/line.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

const char* const kSecret = "8c570fa6dd201bb328f1c1eac23a96d8";
const char* const kToken = "test-channel-access-token-0123456789";
const char* const kUser = "U4af4980629a1b2c3d4e5f6a7b8c9d0e1";
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(2000, 'j');

// What the receiver saw of one call.
struct Seen {
  std::string method, path, authorization, retry_key, body;
};

// api.line.me and api-data.line.me on one local port: records every call; replies and pushes answer
// with the queued answers (then 200); content downloads return kJpeg.
class LineReceiver {
 public:
  LineReceiver() {
    server_.Post("/v2/bot/message/reply", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      std::lock_guard lock(mu_);
      if (reply_answers_.empty()) {
        res.set_content("{}", "application/json");
        return;
      }
      res.status = reply_answers_.front().first;
      res.set_content(reply_answers_.front().second, "application/json");
      reply_answers_.erase(reply_answers_.begin());
    });
    server_.Post("/v2/bot/message/push", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      std::lock_guard lock(mu_);
      res.status = push_answers_.empty() ? 200 : push_answers_.front();
      if (!push_answers_.empty()) push_answers_.erase(push_answers_.begin());
      res.set_content("{}", "application/json");
    });
    server_.Get(R"(/v2/bot/message/(\d+)/content)", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      std::this_thread::sleep_for(std::chrono::milliseconds(content_delay_ms_.load()));
      res.set_content(kJpeg, "image/jpeg");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Connections queue in the listen backlog until the loop runs: no need to wait for it.
  }
  ~LineReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // How long a content download takes (LINE's content host can be slow for a large photo).
  void SetContentDelay(int ms) { content_delay_ms_ = ms; }
  // The next reply call is answered so (then 200 {}).
  void QueueReplyAnswer(int status, std::string body) {
    std::lock_guard lock(mu_);
    reply_answers_.emplace_back(status, std::move(body));
  }
  void QueuePushAnswer(int status) {
    std::lock_guard lock(mu_);
    push_answers_.push_back(status);
  }
  std::vector<Seen> Calls(const std::string& path_part) const {
    std::lock_guard lock(mu_);
    std::vector<Seen> out;
    for (const auto& s : seen_) {
      if (s.path.find(path_part) != std::string::npos) out.push_back(s);
    }
    return out;
  }

 private:
  void Record(const httplib::Request& req) {
    std::lock_guard lock(mu_);
    seen_.push_back({req.method, req.path, req.get_header_value("Authorization"),
                     req.get_header_value("X-Line-Retry-Key"), req.body});
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;         // guarded by mu_
  std::vector<int> push_answers_;  // guarded by mu_
  std::vector<std::pair<int, std::string>> reply_answers_;  // guarded by mu_
  std::atomic<int> content_delay_ms_{0};
};

class LineApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    TestServerOptions options;
    options.backend = GetParam();
    options.body_limit = 1024 * 1024;
    options.line_api_base = line_.url();
    options.line_content_base = line_.url();
    options.public_url = "https://ecotown.example.go.th";
    options.dispatch_interval_seconds = 3600;  // the test drains the outbox itself
    server_ = TestServer::Start(options);
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    admin_ = server_->Login("banpong.admin");
    officer_ = server_->Login("banpong.officer");
  }

  void Connect() {
    auto res = client_->Put(
        "/api/v1/line-connection", CookieHeaders(admin_),
        json({{"channel_id", "1657000001"}, {"channel_secret", kSecret}, {"access_token", kToken}, {"enabled", true}})
            .dump(),
        "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }

  // One event in LINE's documented envelope; `event` holds the type-specific fields.
  json Event(const std::string& id, json event, bool redelivery = false) {
    event["mode"] = "active";
    event["timestamp"] = server_->runtime().clock().NowUnix() * 1000;
    event["source"] = {{"type", "user"}, {"userId", kUser}};
    event["webhookEventId"] = id;
    event["deliveryContext"] = {{"isRedelivery", redelivery}};
    if (event.value("type", "") != "unfollow") event["replyToken"] = "rt-" + id;
    return event;
  }
  static json Message(json message) { return {{"type", "message"}, {"message", std::move(message)}}; }

  static std::string Body(std::vector<json> events) {
    return json({{"destination", "U0123456789abcdef0123456789abcdef"}, {"events", events}}).dump();
  }

  httplib::Result Deliver(const std::string& body, std::optional<std::string> signature = std::nullopt) {
    httplib::Headers headers;
    const std::string sig = signature.value_or(complaints::LineSignature(kSecret, body));
    if (!sig.empty()) headers.emplace("X-Line-Signature", sig);
    return client_->Post("/line/webhook/banpong", headers, body, "application/json");
  }

  // Delivers one event and waits until the inbox worker has answered it (every event of these
  // conversations gets a reply).
  int Send(const std::string& id, json event) {
    auto res = Deliver(Body({Event(id, std::move(event))}));
    EXPECT_TRUE(res);
    if (res && res->status == 200) WaitForReply(id);
    return res ? res->status : 0;
  }

  bool HasReply(const std::string& id) const {
    for (const auto& call : line_.Calls("/reply")) {
      if (json::parse(call.body, nullptr, false).value("replyToken", "") == "rt-" + id) return true;
    }
    return false;
  }
  void WaitForReply(const std::string& id, std::chrono::seconds timeout = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!HasReply(id) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // The text of the reply LINE got for this event's reply token.
  std::string ReplyTo(const std::string& id) {
    for (const auto& call : line_.Calls("/reply")) {
      const json body = json::parse(call.body, nullptr, false);
      if (body.value("replyToken", "") == "rt-" + id) return body["messages"][0]["text"];
    }
    ADD_FAILURE() << "no reply to " << id;
    return "";
  }

  int64_t Count(const std::string& table, const std::string& where = "1=1") {
    auto conn = server_->runtime().db().Acquire();
    if (!conn.ok()) return -1;
    auto row = (*conn)->QueryOne("SELECT COUNT(*) FROM " + table + " WHERE " + where, {});
    return row.ok() ? row->Int(0) : -1;
  }

  // Runs the whole conversation; returns the tracking number from the last reply.
  std::string FileOverLine() {
    EXPECT_EQ(Send("01HZ0000000000000000000001", Message({{"id", "1001"}, {"type", "text"}, {"text", "ร้องเรียน"}})),
              200);
    EXPECT_EQ(
        Send("01HZ0000000000000000000002", {{"type", "postback"}, {"postback", {{"data", "category=dust_smoke"}}}}),
        200);
    EXPECT_EQ(Send("01HZ0000000000000000000003",
                   Message({{"id", "1003"}, {"type", "image"}, {"contentProvider", {{"type", "line"}}}})),
              200);
    EXPECT_EQ(Send("01HZ0000000000000000000004", Message({{"id", "1004"},
                                                          {"type", "location"},
                                                          {"title", "บ้าน"},
                                                          {"address", "ซอยวัดดอนตูม บ้านโป่ง"},
                                                          {"latitude", 13.8161},
                                                          {"longitude", 99.8735}})),
              200);
    EXPECT_EQ(Send("01HZ0000000000000000000005",
                   Message({{"id", "1005"}, {"type", "text"}, {"text", "ฝุ่นดำจากปล่องโรงงานลอยเข้าบ้านทุกเช้า"}})),
              200);
    std::smatch match;
    const std::string reply = ReplyTo("01HZ0000000000000000000005");
    if (!std::regex_search(reply, match, std::regex("[A-Z]{2,4}-25[0-9]{2}-[2-9A-Z]{5}"))) {
      ADD_FAILURE() << "no tracking number in " << reply;
      return "";
    }
    return match.str();
  }

  // Stores events in the inbox as the webhook does, received at `received_at`, without waking
  // the server's worker.
  void StoreEvents(const std::vector<json>& events, int64_t received_at) {
    auto parsed = complaints::ParseLineWebhook(Body(events));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    const Status stored = server_->runtime().transactor().Write(
        tenancy::Scope::System("test"), RequestInfo{"test", "local", received_at}, [&](UnitOfWork& work) -> Status {
          ASSIGN_OR_RETURN(const orgs::Org banpong, work.orgs().FindByCode("banpong"));
          return complaints::AcceptLineEvents(work, banpong, *parsed).status();
        });
    ASSERT_TRUE(stored.ok()) << stored.ToString();
  }

  std::vector<json> PushesTo(const std::string& user) const {
    std::vector<json> out;
    for (const auto& call : line_.Calls("/v2/bot/message/push")) {
      json body = json::parse(call.body, nullptr, false);
      if (body.value("to", "") == user) out.push_back(std::move(body));
    }
    return out;
  }
  void WaitForPushes(size_t count, std::chrono::seconds timeout = std::chrono::seconds(15)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (PushesTo(kUser).size() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  LineReceiver line_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession admin_, officer_;
};

TEST_P(LineApiTest, OnlyTheAdministratorConnectsAndNoGetShowsTheSecretOrToken) {
  auto before = client_->Get("/api/v1/line-connection", CookieHeaders(admin_));
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200) << before->body;
  EXPECT_FALSE(JsonOf(before)["enabled"].get<bool>());
  EXPECT_EQ(JsonOf(before)["webhook_path"], "/line/webhook/banpong");
  auto by_officer = client_->Put("/api/v1/line-connection", CookieHeaders(officer_),
                                 json({{"channel_secret", kSecret}}).dump(), "application/json");
  ASSERT_TRUE(by_officer);
  EXPECT_EQ(by_officer->status, 403);
  auto bad = client_->Put("/api/v1/line-connection", CookieHeaders(admin_), json({{"enabled", true}}).dump(),
                          "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_EQ(JsonOf(bad)["error"]["field"], "channel_id") << bad->body;
  Connect();
  auto after = client_->Get("/api/v1/line-connection", CookieHeaders(admin_));
  ASSERT_TRUE(after);
  EXPECT_TRUE(JsonOf(after)["channel_secret_set"].get<bool>());
  EXPECT_TRUE(JsonOf(after)["access_token_set"].get<bool>());
  EXPECT_EQ(after->body.find(kSecret), std::string::npos);
  EXPECT_EQ(after->body.find(kToken), std::string::npos);
  EXPECT_EQ(Count("audit_log", "entity = 'line_connection'"), 1);
}

TEST_P(LineApiTest, UnsignedForgedAndUnconnectedCallsAreRefusedAndStoreNothing) {
  const std::string body =
      Body({Event("01HZ0000000000000000000A01", Message({{"id", "1"}, {"type", "text"}, {"text", "ร้องเรียน"}}))});
  auto not_connected = Deliver(body);
  ASSERT_TRUE(not_connected);
  EXPECT_EQ(not_connected->status, 404);
  Connect();
  auto unsigned_call = Deliver(body, std::string());
  ASSERT_TRUE(unsigned_call);
  EXPECT_EQ(unsigned_call->status, 401);
  auto forged = Deliver(body, complaints::LineSignature("00000000000000000000000000000000", body));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  auto tampered = Deliver(body, complaints::LineSignature(kSecret, body + " "));
  ASSERT_TRUE(tampered);
  EXPECT_EQ(tampered->status, 401);
  EXPECT_EQ(Count("line_webhook_events"), 0);
  EXPECT_EQ(Count("line_conversations"), 0);
  EXPECT_TRUE(line_.Calls("/reply").empty());

  // LINE's "verify" call: no events, answered 200.
  auto verify = Deliver(Body({}));
  ASSERT_TRUE(verify);
  EXPECT_EQ(verify->status, 200) << verify->body;
  auto malformed = Deliver("{\"events\": 5}");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
}

TEST_P(LineApiTest, AConversationFilesAComplaintWithItsPhotoThroughTheWebFormsRules) {
  Connect();
  const std::string tracking = FileOverLine();
  ASSERT_FALSE(tracking.empty());

  // Replies went to LINE's reply endpoint with each event's token and the channel token.
  const auto replies = line_.Calls("/v2/bot/message/reply");
  ASSERT_EQ(replies.size(), 5u);
  for (const auto& r : replies) EXPECT_EQ(r.authorization, std::string("Bearer ") + kToken);
  const json first = json::parse(replies[0].body);
  EXPECT_EQ(first["replyToken"], "rt-01HZ0000000000000000000001");
  const json& items = first["messages"][0]["quickReply"]["items"];
  ASSERT_EQ(items.size(), 7u);
  EXPECT_EQ(items[0]["action"]["type"], "postback");
  EXPECT_EQ(items[0]["action"]["data"], "category=dust_smoke");
  EXPECT_EQ(items[0]["action"]["label"], "ฝุ่นหรือควัน");
  const json location_ask = json::parse(replies[2].body);
  EXPECT_EQ(location_ask["messages"][0]["quickReply"]["items"][0]["action"]["type"], "location");
  EXPECT_NE(ReplyTo("01HZ0000000000000000000005").find("https://ecotown.example.go.th/#/track/" + tracking),
            std::string::npos);

  // The photo came from the content endpoint with the channel token.
  const auto content = line_.Calls("/content");
  ASSERT_EQ(content.size(), 1u);
  EXPECT_EQ(content[0].method, "GET");
  EXPECT_EQ(content[0].path, "/v2/bot/message/1003/content");
  EXPECT_EQ(content[0].authorization, std::string("Bearer ") + kToken);

  auto list = client_->Get("/api/v1/complaints", CookieHeaders(officer_));
  ASSERT_TRUE(list);
  ASSERT_EQ(JsonOf(list)["items"].size(), 1u) << list->body;
  const json c = JsonOf(list)["items"][0];
  EXPECT_EQ(c["tracking"], tracking);
  EXPECT_EQ(c["source"], "line");
  EXPECT_EQ(c["category"]["code"], "dust_smoke");
  EXPECT_TRUE(c["has_line"].get<bool>());
  EXPECT_EQ(Count("complaint_photos", "size = " + std::to_string(kJpeg.size())), 1);
  EXPECT_EQ(Count("complaints", "address = 'ซอยวัดดอนตูม บ้านโป่ง' AND area_code IS NOT NULL"), 1);
  EXPECT_EQ(Count("line_conversations"), 0);  // done: the draft is gone

  // The user id is personal data: never in a public or Open311 answer.
  auto page = client_->Get("/api/v1/public/complaints/" + tracking);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body.find(kUser), std::string::npos);
  auto open311 = client_->Get("/open311/v2/requests/" + tracking + ".json?jurisdiction_id=banpong");
  ASSERT_TRUE(open311);
  EXPECT_EQ(open311->status, 200);
  EXPECT_EQ(open311->body.find(kUser), std::string::npos);
  auto detail = client_->Get("/api/v1/complaints/" + c["id"].dump(), CookieHeaders(officer_));
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->body.find(kUser), std::string::npos);
}

TEST_P(LineApiTest, ALocationOutsideTheLaoIsRefusedInThaiAndTheStepIsKept) {
  Connect();
  ASSERT_EQ(Send("01HZ0000000000000000000B01", Message({{"id", "1"}, {"type", "text"}, {"text", "complaint"}})), 200);
  ASSERT_EQ(Send("01HZ0000000000000000000B02", Message({{"id", "2"}, {"type", "text"}, {"text", "ไฟไหม้บ้าน"}})), 200);
  EXPECT_NE(ReplyTo("01HZ0000000000000000000B02").find("ไม่พบประเภทนี้"), std::string::npos);
  ASSERT_EQ(Send("01HZ0000000000000000000B03", {{"type", "postback"}, {"postback", {{"data", "category=noise"}}}}),
            200);
  ASSERT_EQ(Send("01HZ0000000000000000000B04", Message({{"id", "4"}, {"type", "text"}, {"text", "ข้าม"}})), 200);
  // Hat Yai, Songkhla: far outside Ratchaburi.
  ASSERT_EQ(Send("01HZ0000000000000000000B05", Message({{"id", "5"},
                                                        {"type", "location"},
                                                        {"address", "หาดใหญ่"},
                                                        {"latitude", 7.0086},
                                                        {"longitude", 100.4747}})),
            200);
  EXPECT_NE(ReplyTo("01HZ0000000000000000000B05").find("นอกพื้นที่"), std::string::npos);
  auto conversation = Count("line_conversations", "step = 'location' AND category = 'noise'");
  EXPECT_EQ(conversation, 1);
  ASSERT_EQ(Send("01HZ0000000000000000000B06", Message({{"id", "6"}, {"type", "text"}, {"text", "ยกเลิก"}})), 200);
  EXPECT_EQ(Count("line_conversations"), 0);
  EXPECT_EQ(Count("complaints"), 0);
}

TEST_P(LineApiTest, ReplayedCallsAreRefusedAndRedeliveriesAreHarmless) {
  Connect();
  const std::string body =
      Body({Event("01HZ0000000000000000000C01", Message({{"id", "1"}, {"type", "text"}, {"text", "ร้องเรียน"}}))});
  auto first = Deliver(body);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  ASSERT_EQ(Send("01HZ0000000000000000000C02", {{"type", "postback"}, {"postback", {{"data", "category=odour"}}}}),
            200);

  // The same signed body again (captured and replayed): refused, nothing changes.
  auto replayed = Deliver(body);
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->status, 409) << replayed->body;
  EXPECT_EQ(Count("line_conversations", "step = 'photo'"), 1);  // not restarted by the replay
  EXPECT_EQ(line_.Calls("/reply").size(), 2u);

  // LINE's own redelivery of a handled event: 200 so that LINE stops, and still nothing changes.
  auto redelivered = Deliver(
      Body({Event("01HZ0000000000000000000C01", Message({{"id", "1"}, {"type", "text"}, {"text", "ร้องเรียน"}}), true)}));
  ASSERT_TRUE(redelivered);
  EXPECT_EQ(redelivered->status, 200) << redelivered->body;
  EXPECT_EQ(Count("line_conversations", "step = 'photo'"), 1);
  EXPECT_EQ(line_.Calls("/reply").size(), 2u);
  EXPECT_EQ(Count("line_webhook_events"), 2);
}

TEST_P(LineApiTest, EachPublicStatusChangeIsPushedOnceAndRetriedAfterA500) {
  Connect();
  const std::string tracking = FileOverLine();
  ASSERT_FALSE(tracking.empty());
  auto list = client_->Get("/api/v1/complaints", CookieHeaders(officer_));
  ASSERT_TRUE(list);
  const int64_t id = JsonOf(list)["items"][0]["id"];
  auto moved =
      client_->Post("/api/v1/complaints/" + std::to_string(id) + "/transition", CookieHeaders(officer_),
                    json({{"status", "assigned"}, {"assignee_user_id", server_->user_id("banpong.officer")}}).dump(),
                    "application/json");
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->status, 200) << moved->body;
  auto note =
      client_->Post("/api/v1/complaints/" + std::to_string(id) + "/notes", CookieHeaders(officer_),
                    json({{"text", "ญาติของผู้ร้องเป็นเจ้าของโรงงาน"}, {"public", false}}).dump(), "application/json");
  ASSERT_TRUE(note);
  ASSERT_EQ(note->status, 201);

  line_.QueuePushAnswer(500);
  notify::MailerOptions options;
  options.backoff_base_seconds = 0;  // retry at once, within this drain
  notify::LineSettings settings;
  settings.api_base = line_.url();
  settings.timeout_seconds = 5;
  notify::ComplaintMailer mailer(server_->runtime().transactor(), server_->runtime().clock(), notify::SmtpSettings{},
                                 options, settings);
  const notify::MailReport report = mailer.DrainOnce();
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(report.retried, 1);
  EXPECT_EQ(report.sent, 1);
  const auto pushes = line_.Calls("/v2/bot/message/push");
  ASSERT_EQ(pushes.size(), 2u);                         // the 500, then the retry
  EXPECT_EQ(pushes[0].retry_key, pushes[1].retry_key);  // so LINE delivers it once
  EXPECT_TRUE(std::regex_match(pushes[0].retry_key,
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_EQ(pushes[1].authorization, std::string("Bearer ") + kToken);
  const json push = json::parse(pushes[1].body);
  EXPECT_EQ(push["to"], kUser);
  const std::string text = push["messages"][0]["text"];
  EXPECT_NE(text.find(tracking), std::string::npos) << text;
  EXPECT_NE(text.find("มอบหมายเจ้าหน้าที่แล้ว"), std::string::npos) << text;
  EXPECT_EQ(text.find("ญาติ"), std::string::npos);  // internal notes are never pushed
  // Delivered: a second drain sends nothing more.
  EXPECT_EQ(mailer.DrainOnce().sent, 0);
  EXPECT_EQ(line_.Calls("/v2/bot/message/push").size(), 2u);
}

// Issue 5: LINE waits 2 seconds for the answer. The webhook answers once the event is stored; the
// photo download (here 3 s) and the reply come after.
TEST_P(LineApiTest, TheWebhookAnswersBeforeTheSlowPhotoDownloadAndRepliesAfter) {
  Connect();
  ASSERT_EQ(Send("01HZ0000000000000000000D01", Message({{"id", "1"}, {"type", "text"}, {"text", "ร้องเรียน"}})), 200);
  ASSERT_EQ(
      Send("01HZ0000000000000000000D02", {{"type", "postback"}, {"postback", {{"data", "category=dust_smoke"}}}}), 200);
  line_.SetContentDelay(3000);
  const auto start = std::chrono::steady_clock::now();
  auto res = Deliver(Body({Event("01HZ0000000000000000000D03",
                                 Message({{"id", "1003"}, {"type", "image"}, {"contentProvider", {{"type", "line"}}}}))}));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(JsonOf(res)["accepted"], 1);
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  EXPECT_FALSE(HasReply("01HZ0000000000000000000D03"));  // the download is still running
  WaitForReply("01HZ0000000000000000000D03");
  EXPECT_EQ(line_.Calls("/content").size(), 1u);
  EXPECT_EQ(Count("line_conversations", "step = 'location' AND photo IS NOT NULL"), 1);
  EXPECT_EQ(Count("line_inbox"), 0);
}

// Issue 5: an event stored but not yet handled when the server stopped (here: stored without
// waking the worker) is handled from the inbox by the worker's next poll, exactly once.
TEST_P(LineApiTest, AnEventLeftInTheInboxIsHandledByTheNextPoll) {
  Connect();
  auto events = complaints::ParseLineWebhook(
      Body({Event("01HZ0000000000000000000E01", Message({{"id", "1"}, {"type", "text"}, {"text", "ร้องเรียน"}}))}));
  ASSERT_TRUE(events.ok());
  auto& runtime = server_->runtime();
  auto org = runtime.transactor().Write(
      tenancy::Scope::System("test"), RequestInfo{"test", "local", runtime.clock().NowUnix()},
      [&](UnitOfWork& work) -> Status {
        ASSIGN_OR_RETURN(const orgs::Org banpong, work.orgs().FindByCode("banpong"));
        return complaints::AcceptLineEvents(work, banpong, *events).status();
      });
  ASSERT_TRUE(org.ok()) << org.ToString();
  EXPECT_EQ(Count("line_inbox"), 1);
  WaitForReply("01HZ0000000000000000000E01");
  EXPECT_TRUE(HasReply("01HZ0000000000000000000E01"));
  EXPECT_EQ(Count("line_inbox"), 0);
  EXPECT_EQ(Count("line_conversations", "step = 'category'"), 1);
  EXPECT_EQ(line_.Calls("/reply").size(), 1u);
}

// Issue 5: two workers (or instances) on one database may both see one user's events; the inbox
// hands out a user's next event only once the one before is taken, so the conversation's steps
// come out in arrival order (here all five wait at once, the photo download is slow, and two
// workers besides the server's own race for them).
TEST_P(LineApiTest, TwoWorkersHandleOneUsersEventsInArrivalOrder) {
  Connect();
  const int64_t now = server_->runtime().clock().NowUnix();
  StoreEvents(
      {Event("01HZ0000000000000000000F01", Message({{"id", "1"}, {"type", "text"}, {"text", "ร้องเรียน"}})),
       Event("01HZ0000000000000000000F02", {{"type", "postback"}, {"postback", {{"data", "category=dust_smoke"}}}}),
       Event("01HZ0000000000000000000F03",
             Message({{"id", "1003"}, {"type", "image"}, {"contentProvider", {{"type", "line"}}}})),
       Event("01HZ0000000000000000000F04", Message({{"id", "1004"},
                                                    {"type", "location"},
                                                    {"title", "บ้าน"},
                                                    {"address", "ซอยวัดดอนตูม บ้านโป่ง"},
                                                    {"latitude", 13.8161},
                                                    {"longitude", 99.8735}})),
       Event("01HZ0000000000000000000F05",
             Message({{"id", "1005"}, {"type", "text"}, {"text", "ฝุ่นดำจากปล่องโรงงานลอยเข้าบ้านทุกเช้า"}}))},
      now);
  ASSERT_EQ(Count("line_inbox"), 5);
  line_.SetContentDelay(400);
  notify::LineMessagingApi api(line_.url(), line_.url(), 10);
  const auto work = [&] {
    complaints::LineWebhook webhook(server_->runtime().transactor(), api, "https://ecotown.example.go.th/");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (Count("line_inbox") > 0 && std::chrono::steady_clock::now() < deadline) {
      // One event per claim, so that the two workers interleave on the one user's events.
      const auto report = webhook.HandlePending(RequestInfo{"line", "local", server_->runtime().clock().NowUnix()}, 1);
      for (const auto& error : report.errors) ADD_FAILURE() << error;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  std::thread one(work), two(work);
  one.join();
  two.join();
  EXPECT_EQ(Count("line_inbox"), 0);

  // Each step answered as the conversation expects: no "please send a photo first" anywhere.
  EXPECT_NE(ReplyTo("01HZ0000000000000000000F01").find("เลือกประเภท"), std::string::npos);
  EXPECT_NE(ReplyTo("01HZ0000000000000000000F02").find("ส่งรูปถ่าย"), std::string::npos);
  EXPECT_NE(ReplyTo("01HZ0000000000000000000F03").find("ได้รับรูปแล้ว"), std::string::npos);
  EXPECT_NE(ReplyTo("01HZ0000000000000000000F05").find("เลขที่เรื่อง"), std::string::npos);
  EXPECT_EQ(line_.Calls("/reply").size(), 5u);
  EXPECT_EQ(line_.Calls("/content").size(), 1u);
  EXPECT_EQ(Count("complaints", "source = 'line' AND address = 'ซอยวัดดอนตูม บ้านโป่ง'"), 1);
  EXPECT_EQ(Count("complaint_photos", "size = " + std::to_string(kJpeg.size())), 1);
  EXPECT_EQ(Count("line_conversations"), 0);
}

// Issue 5: an event that keeps failing is given up after kLineInboxMaxAttempts attempts, kept
// marked failed with its last error for the LAO's administrator (GET /api/v1/line-connection),
// and no longer holds back that user's later events, which are then handled.
TEST_P(LineApiTest, AnEventThatKeepsFailingIsGivenUpAfterTheCapAndTheUsersNextEventGoesOn) {
  Connect();
  const int64_t now = server_->runtime().clock().NowUnix();
  {  // an event that cannot be handled (its stored payload is unreadable), then a good one
    auto conn = server_->runtime().db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE((*conn)
                    ->Query("INSERT INTO line_inbox (org_id, event_id, user_id, payload, received_at) "
                            "SELECT id, '01HZ0000000000000000000J01', $1, '{\"type\": ', $2 FROM orgs "
                            "WHERE code = 'banpong'",
                            {std::string(kUser), now})
                    .ok());
  }
  StoreEvents({Event("01HZ0000000000000000000J02", Message({{"id", "2"}, {"type", "text"}, {"text", "ร้องเรียน"}}))},
              now);
  notify::LineMessagingApi api(line_.url(), line_.url(), 10);
  complaints::LineWebhook webhook(server_->runtime().transactor(), api, "https://ecotown.example.go.th/");
  // Each run is 6 s after the one before (past the 5-s retry wait); until the cap, the user's
  // next event waits behind the failing one.
  int runs = 0;
  for (; runs < complaints::kLineInboxMaxAttempts + 2 && !HasReply("01HZ0000000000000000000J02"); ++runs) {
    if (runs > 0 && runs < complaints::kLineInboxMaxAttempts - 1) {
      EXPECT_EQ(Count("line_inbox", "event_id = '01HZ0000000000000000000J02'"), 1) << "handled at run " << runs;
    }
    webhook.HandlePending(RequestInfo{"line", "local", now + 6 * runs}, 10);
  }
  WaitForReply("01HZ0000000000000000000J02", std::chrono::seconds(5));
  EXPECT_NE(ReplyTo("01HZ0000000000000000000J02").find("เลือกประเภท"), std::string::npos);
  EXPECT_LE(runs, complaints::kLineInboxMaxAttempts + 1);
  EXPECT_EQ(Count("line_inbox", "event_id = '01HZ0000000000000000000J02'"), 0);
  EXPECT_EQ(Count("line_inbox", "event_id = '01HZ0000000000000000000J01' AND failed_at IS NOT NULL AND attempts = " +
                                    std::to_string(complaints::kLineInboxMaxAttempts)),
            1);
  // Given up means given up: later runs do not claim it again.
  webhook.HandlePending(RequestInfo{"line", "local", now + 3600}, 10);
  EXPECT_EQ(Count("line_inbox", "attempts > " + std::to_string(complaints::kLineInboxMaxAttempts)), 0);

  auto shown = client_->Get("/api/v1/line-connection", CookieHeaders(admin_, false));
  ASSERT_TRUE(shown);
  ASSERT_EQ(shown->status, 200) << shown->body;
  const json failed = JsonOf(shown)["failed_events"];
  ASSERT_EQ(failed.size(), 1u) << shown->body;
  EXPECT_EQ(failed[0]["event_id"], "01HZ0000000000000000000J01");
  EXPECT_EQ(failed[0]["attempts"], complaints::kLineInboxMaxAttempts);
  EXPECT_NE(failed[0]["last_error"].get<std::string>().find("unreadable"), std::string::npos);
  EXPECT_EQ(shown->body.find("\"type\": "), std::string::npos);  // not the payload
  // Only the administrator sees them, as the connection.
  auto refused = client_->Get("/api/v1/line-connection", CookieHeaders(officer_, false));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
}

// Issue 5: LINE refuses a spent reply token (400 "Invalid reply token", as its reference
// documents); the same messages then go to the user with the push API, with a retry key.
TEST_P(LineApiTest, ARefusedReplyTokenIsAnsweredWithAPushOfTheSameMessages) {
  Connect();
  line_.QueueReplyAnswer(400, R"({"message":"Invalid reply token"})");
  ASSERT_EQ(Send("01HZ0000000000000000000G01", Message({{"id", "1"}, {"type", "text"}, {"text", "ร้องเรียน"}})), 200);
  WaitForPushes(1);
  const auto pushes = PushesTo(kUser);
  ASSERT_EQ(pushes.size(), 1u);
  const json reply = json::parse(line_.Calls("/reply").at(0).body);
  EXPECT_EQ(pushes[0]["messages"], reply["messages"]);  // with the category buttons
  EXPECT_EQ(pushes[0]["messages"][0]["quickReply"]["items"].size(), 7u);
  const auto call = line_.Calls("/v2/bot/message/push").at(0);
  EXPECT_EQ(call.authorization, std::string("Bearer ") + kToken);
  EXPECT_TRUE(std::regex_match(call.retry_key,
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << call.retry_key;
  EXPECT_EQ(Count("line_conversations", "step = 'category'"), 1);

  // Any other refusal is not a spent token: logged, no push (LINE may have delivered it).
  line_.QueueReplyAnswer(500, R"({"message":"Internal error"})");
  ASSERT_EQ(Send("01HZ0000000000000000000G02", {{"type", "postback"}, {"postback", {{"data", "category=dust_smoke"}}}}),
            200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(PushesTo(kUser).size(), 1u);
  EXPECT_EQ(Count("line_conversations", "step = 'photo'"), 1);
}

// Issue 5: an event handled later than its reply token lives (here stored 90 s ago and left in the
// inbox) is answered with a push at once, without trying the dead token.
TEST_P(LineApiTest, AnEventOlderThanItsReplyTokenIsAnsweredWithAPush) {
  Connect();
  const int64_t now = server_->runtime().clock().NowUnix();
  StoreEvents({Event("01HZ0000000000000000000H01", Message({{"id", "1"}, {"type", "text"}, {"text", "ร้องเรียน"}}))},
              now - complaints::kLineReplyTokenSeconds - 30);
  notify::LineMessagingApi api(line_.url(), line_.url(), 10);
  complaints::LineWebhook webhook(server_->runtime().transactor(), api, "");
  const auto report = webhook.HandlePending(RequestInfo{"line", "local", now}, 10);
  EXPECT_TRUE(report.errors.empty());
  WaitForPushes(1, std::chrono::seconds(5));  // the server's own worker may have taken it first
  EXPECT_EQ(line_.Calls("/reply").size(), 0u);
  const auto pushes = PushesTo(kUser);
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_NE(pushes[0]["messages"][0]["text"].get<std::string>().find("ประเภท"), std::string::npos);
  EXPECT_EQ(Count("line_inbox"), 0);
}

INSTANTIATE_TEST_SUITE_P(http, LineApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

}  // namespace
}  // namespace ecotown::testing
