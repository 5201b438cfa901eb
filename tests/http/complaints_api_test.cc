// API tests of resident complaints and Open311 GeoReport v2: the real server on 127.0.0.1, a real
// HTTP client, a fresh database per test, on SQLite and (with the CTest `postgres` fixture)
// PostgreSQL. E-mail to residents is sent by the complaint mailer to the local SMTP sink of the
// notify tests.
#include <gtest/gtest.h>

#include <ctime>
#include <regex>
#include <string>
#include <vector>

#include "http/api.h"
#include "http/public_answer_cache.h"
#include "http/test_server.h"
#include "notify/complaint_mailer.h"
#include "notify/local_servers.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

// Personal data of the test resident: none of it may appear in a public or Open311 answer.
const char* const kName = "Somsri";
const char* const kSurname = "Jaidee";
const char* const kEmail = "somsri.private@example.org";
const char* const kPhone = "0819998877";
const char* const kDevice = "device-7731-secret";

// A minimal JPEG (magic bytes are what counts) as base64.
const char* const kJpegBase64 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA==";
// "GIF89a" + bytes: a forged photo (not JPEG, PNG or WebP).
const char* const kGifBase64 = "R0lGODlhAQABAAAAACw=";

class ComplaintsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam(), .body_limit = 1024 * 1024});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    officer_ = server_->Login("banpong.officer");
  }

  static json Dust() {
    return {{"category", "dust_smoke"},
            {"description", "ฝุ่นดำจากปล่องโรงงานลอยเข้าบ้านทุกเช้า"},
            {"lat", 13.8161},
            {"lon", 99.8735},
            {"address", "ซอยวัดดอนตูม"}};
  }

  httplib::Result File(const json& body, const std::string& org = "banpong") {
    return client_->Post("/api/v1/public/orgs/" + org + "/complaints", body.dump(), "application/json");
  }

  std::string FileOk(const json& body) {
    auto res = File(body);
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res).value("tracking", "");
  }

  httplib::Result Post(const std::string& path, const json& body, const BrowserSession& session) {
    return client_->Post(path, CookieHeaders(session), body.dump(), "application/json");
  }
  httplib::Result Get(const std::string& path, const BrowserSession& session) {
    return client_->Get(path, CookieHeaders(session, false));
  }
  httplib::Result Get(const std::string& path) { return client_->Get(path); }

  // The officer's id of a complaint, found by tracking number.
  int64_t IdOf(const std::string& tracking) {
    auto res = Get("/api/v1/complaints?page_size=200", officer_);
    EXPECT_TRUE(res);
    if (!res) return 0;
    const json list = JsonOf(res);
    for (const auto& item : list["items"]) {
      if (item["tracking"] == tracking) return item["id"].get<int64_t>();
    }
    ADD_FAILURE() << "complaint " << tracking << " not in the officer's list: " << res->body.substr(0, 300);
    return 0;
  }

  httplib::Result Transition(int64_t id, const json& body, const BrowserSession& session) {
    return Post("/api/v1/complaints/" + std::to_string(id) + "/transition", body, session);
  }

  static std::string FieldOf(const httplib::Result& res) {
    if (!res) return "<no answer>";
    return JsonOf(res)["error"].value("field", "<no field: " + std::to_string(res->status) + ">");
  }

  static void ExpectNoPersonalData(const std::string& body) {
    for (const char* secret : {kName, kSurname, kEmail, kPhone, kDevice}) {
      EXPECT_EQ(body.find(secret), std::string::npos) << secret << " leaked in: " << body.substr(0, 400);
    }
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
};

TEST_P(ComplaintsApiTest, AResidentFilesADustComplaintWithoutAnAccountAndFollowsItByTrackingNumber) {
  auto form = Get("/api/v1/public/orgs/banpong/complaint-form");
  ASSERT_TRUE(form);
  ASSERT_EQ(form->status, 200) << form->body;
  const json facts = JsonOf(form);
  EXPECT_EQ(facts["categories"].size(), 7u);
  EXPECT_EQ(facts["categories"][0]["code"], "dust_smoke");
  const std::string consent = facts["consent"]["version"];
  EXPECT_FALSE(facts["consent"]["text_th"].get<std::string>().empty());

  json body = Dust();
  body["name"] = std::string(kName) + " " + kSurname;
  body["email"] = kEmail;
  body["phone"] = kPhone;
  body["consent_version"] = consent;
  body["photos"] = json::array({kJpegBase64});
  auto res = File(body);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const std::string tracking = JsonOf(res)["tracking"];
  EXPECT_TRUE(std::regex_match(tracking, std::regex("BA-25[0-9]{2}-[2-9A-HJKMNP-TV-Z]{5}"))) << tracking;
  ExpectNoPersonalData(res->body);

  // Lower case and spaces around are forgiven.
  std::string typed = tracking;
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto page = Get("/api/v1/public/complaints/" + typed);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  const json status = JsonOf(page);
  EXPECT_EQ(status["tracking"], tracking);
  EXPECT_EQ(status["status"]["code"], "received");
  EXPECT_EQ(status["category"]["name_th"], "ฝุ่นหรือควัน");
  EXPECT_EQ(status["area"]["name_th"], "บ้านโป่ง");
  EXPECT_DOUBLE_EQ(status["lat"].get<double>(), 13.816);
  ExpectNoPersonalData(page->body);
  EXPECT_FALSE(status.contains("photos"));
  EXPECT_FALSE(status.contains("assignee"));

  auto unknown = Get("/api/v1/public/complaints/BA-2569-ZZZZZ");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST_P(ComplaintsApiTest, BadFilingsAreRefusedNamingTheFieldAndNothingIsStored) {
  json b = Dust();
  b["description"] = "";
  EXPECT_EQ(FieldOf(File(b)), "description");
  b["description"] = std::string(4200, 'x');
  EXPECT_EQ(FieldOf(File(b)), "description");
  b = Dust();
  b["category"] = "potholes";
  EXPECT_EQ(FieldOf(File(b)), "category");
  b = Dust();
  b["lat"] = 6.837;  // Phatong, Songkhla: not Ban Pong
  b["lon"] = 100.558;
  EXPECT_EQ(FieldOf(File(b)), "lat");
  b = Dust();
  b["email"] = kEmail;  // no consent
  EXPECT_EQ(FieldOf(File(b)), "consent");
  auto list = Get("/api/v1/complaints", officer_);
  ASSERT_TRUE(list);
  EXPECT_EQ(JsonOf(list)["total"], 0);
}

// A second test because every post, refused or not, takes one of the address's 10 tokens.
TEST_P(ComplaintsApiTest, ForgedPhotosUnknownFieldsAndUnknownOrganisationsAreRefused) {
  json b = Dust();
  b["photos"] = json::array({kJpegBase64, kGifBase64});
  auto forged = File(b);
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 422);
  EXPECT_EQ(FieldOf(forged), "photos[1]");
  b["photos"] = json::array({"not base64 at all!"});
  EXPECT_EQ(FieldOf(File(b)), "photos[0]");
  b["photos"] = json::array({kJpegBase64, kJpegBase64, kJpegBase64, kJpegBase64});
  EXPECT_EQ(FieldOf(File(b)), "photos");
  b = Dust();
  b["colour"] = "red";
  EXPECT_EQ(FieldOf(File(b)), "colour");
  auto not_json = client_->Post("/api/v1/public/orgs/banpong/complaints", "category=dust", "application/json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  auto office = File(Dust(), "ratchaburi-office");
  ASSERT_TRUE(office);
  EXPECT_EQ(office->status, 404);
  auto nowhere = File(Dust(), "atlantis");
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->status, 404);

  auto list = Get("/api/v1/complaints", officer_);
  ASSERT_TRUE(list);
  EXPECT_EQ(JsonOf(list)["total"], 0);
}

TEST_P(ComplaintsApiTest, ScriptInATextFieldIsStoredAndReturnedAsText) {
  json b = Dust();
  const std::string script = "<script>alert('x')</script><img src=x onerror=alert(1)> ฝุ่นมาก";
  b["description"] = script;
  b["address"] = "<b>บ้านเลขที่ 5</b>";
  const std::string tracking = FileOk(b);
  auto page = Get("/api/v1/public/complaints/" + tracking);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(JsonOf(page)["description"], script);
  EXPECT_EQ(JsonOf(page)["address"], "<b>บ้านเลขที่ 5</b>");
  auto xml = Get("/open311/v2/requests/" + tracking + ".xml?jurisdiction_id=banpong");
  ASSERT_TRUE(xml);
  ASSERT_EQ(xml->status, 200) << xml->body;
  EXPECT_EQ(xml->body.find("<script>"), std::string::npos);
  EXPECT_NE(xml->body.find("&lt;script&gt;"), std::string::npos);
}

TEST_P(ComplaintsApiTest, AReplayedPostIsNotStoredTwice) {
  json b = Dust();
  b["idempotency_key"] = "2b1f0c7e-9f3d-4c1a-8e55-1a2b3c4d5e6f";
  auto first = File(b);
  auto again = File(b);
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->status, 201);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(JsonOf(again)["tracking"], JsonOf(first)["tracking"]);
  EXPECT_TRUE(JsonOf(again)["replayed"].get<bool>());
  auto list = Get("/api/v1/complaints", officer_);
  ASSERT_TRUE(list);
  EXPECT_EQ(JsonOf(list)["total"], 1);
}

TEST_P(ComplaintsApiTest, TheHoneypotFieldQuietlyDropsAFiling) {
  json b = Dust();
  b["website"] = "http://spam.example";
  auto res = File(b);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  EXPECT_FALSE(JsonOf(res).contains("tracking"));
  auto list = Get("/api/v1/complaints", officer_);
  ASSERT_TRUE(list);
  EXPECT_EQ(JsonOf(list)["total"], 0);
}

TEST_P(ComplaintsApiTest, AFloodFromOneAddressGets429WithRetryAfter) {
  // The default limit is 10 filings at once per address; honeypot posts count too, and store nothing.
  json spam = Dust();
  spam["website"] = "x";
  for (int i = 0; i < 10; ++i) {
    auto res = File(spam);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 202) << "post " << i;
  }
  auto refused = File(Dust());
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(JsonOf(refused)["error"]["code"], "too_many_requests");
  EXPECT_GE(std::stoi(refused->get_header_value("Retry-After")), 1);
  auto open311 =
      client_->Post("/open311/v2/requests.json", "jurisdiction_id=banpong&service_code=noise&lat=13.816&long=99.873",
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(open311);
  EXPECT_EQ(open311->status, 429);
  EXPECT_TRUE(JsonOf(open311).is_array());
  // Reads have their own budget; the officers' API is not limited.
  auto form = Get("/api/v1/public/orgs/banpong/complaint-form");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  auto list = Get("/api/v1/complaints", officer_);
  ASSERT_TRUE(list);
  EXPECT_EQ(JsonOf(list)["total"], 0);
}

TEST_P(ComplaintsApiTest, OfficersWorkAComplaintThroughTheWorkflowAndRefusedMovesNameTheField) {
  const std::string tracking = FileOk(Dust());
  const int64_t id = IdOf(tracking);
  const int64_t officer_id = server_->user_id("banpong.officer");

  EXPECT_EQ(FieldOf(Transition(id, {{"status", "resolved"}}, officer_)), "status");
  EXPECT_EQ(FieldOf(Transition(id, {{"status", "assigned"}}, officer_)), "assignee_user_id");
  EXPECT_EQ(FieldOf(Transition(
                id, {{"status", "assigned"}, {"assignee_user_id", server_->user_id("boekphrai.officer")}}, officer_)),
            "assignee_user_id");
  EXPECT_EQ(FieldOf(Transition(id, {{"status", "flying"}}, officer_)), "status");
  auto executive =
      Transition(id, {{"status", "assigned"}, {"assignee_user_id", officer_id}}, server_->Login("banpong.executive"));
  ASSERT_TRUE(executive);
  EXPECT_EQ(executive->status, 403);
  auto other_lao =
      Transition(id, {{"status", "assigned"}, {"assignee_user_id", officer_id}}, server_->Login("boekphrai.officer"));
  ASSERT_TRUE(other_lao);
  EXPECT_EQ(other_lao->status, 404);

  auto assigned = Transition(id, {{"status", "assigned"}, {"assignee_user_id", officer_id}}, officer_);
  ASSERT_TRUE(assigned);
  ASSERT_EQ(assigned->status, 200) << assigned->body;
  EXPECT_EQ(JsonOf(assigned)["assignee"]["id"], officer_id);
  ASSERT_EQ(Transition(id, {{"status", "investigating"}}, officer_)->status, 200);
  // Links point at records of the same LAO only: a factory of the registry, a real inspection.
  auto factory = Post("/api/v1/factories", {{"name", "โรงสีข้าวทดสอบ"}}, officer_);
  ASSERT_TRUE(factory && factory->status == 201) << (factory ? factory->body : "");
  const int64_t factory_id = JsonOf(factory)["id"].get<int64_t>();
  auto unknown = Post("/api/v1/complaints/" + std::to_string(id) + "/link", {{"inspection_id", 999999}}, officer_);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 422) << unknown->body;
  EXPECT_EQ(JsonOf(unknown)["error"]["field"], "inspection_id");
  auto link = Post("/api/v1/complaints/" + std::to_string(id) + "/link", {{"factory_id", factory_id}}, officer_);
  ASSERT_TRUE(link);
  ASSERT_EQ(link->status, 200) << link->body;
  EXPECT_EQ(JsonOf(link)["factory_id"], factory_id);
  EXPECT_TRUE(JsonOf(link)["inspection_id"].is_null());
  auto note = Post("/api/v1/complaints/" + std::to_string(id) + "/notes",
                   {{"text", "ผู้ร้องเป็นลูกจ้างเก่าของโรงงาน"}, {"public", false}}, officer_);
  ASSERT_TRUE(note);
  ASSERT_EQ(note->status, 201) << note->body;
  EXPECT_EQ(FieldOf(Transition(id, {{"status", "rejected"}}, officer_)), "reason");
  auto resolved =
      Transition(id, {{"status", "resolved"}, {"public_reply", "ตรวจพบและสั่งให้โรงงานปรับปรุงระบบกรองฝุ่นแล้ว"}}, officer_);
  ASSERT_TRUE(resolved);
  ASSERT_EQ(resolved->status, 200) << resolved->body;

  auto detail = Get("/api/v1/complaints/" + std::to_string(id), officer_);
  ASSERT_TRUE(detail);
  const json d = JsonOf(detail);
  EXPECT_EQ(d["status"]["code"], "resolved");
  // received, assigned, investigating, link, note, resolved, reply
  EXPECT_EQ(d["events"].size(), 7u);

  auto page = Get("/api/v1/public/complaints/" + tracking);
  ASSERT_TRUE(page);
  const json p = JsonOf(page);
  EXPECT_EQ(p["status"]["code"], "resolved");
  EXPECT_FALSE(p["resolved_at"].is_null());
  EXPECT_NE(page->body.find("ตรวจพบและสั่งให้โรงงาน"), std::string::npos);
  EXPECT_EQ(page->body.find("ลูกจ้างเก่า"), std::string::npos);  // internal notes stay internal
  EXPECT_EQ(page->body.find("factory"), std::string::npos);

  // Every change is in the audit log.
  auto audit = Get("/api/v1/audit?entity=complaint&limit=100", server_->Login("banpong.admin"));
  ASSERT_TRUE(audit);
  int transitions = 0, links = 0, notes = 0;
  const json entries = JsonOf(audit);
  for (const auto& entry : entries["items"]) {
    transitions += entry["action"] == "transition";
    links += entry["action"] == "link";
    notes += entry["action"] == "internal_note";
  }
  EXPECT_EQ(transitions, 3);
  EXPECT_EQ(links, 1);
  EXPECT_EQ(notes, 1);
}

TEST_P(ComplaintsApiTest, ListsFilterByStatusCategoryOverdueDateAndAreaWithPaging) {
  for (int i = 0; i < 3; ++i) FileOk(Dust());
  json noise = Dust();
  noise["category"] = "noise";
  FileOk(noise);
  auto all = Get("/api/v1/complaints?page_size=2&page=2", officer_);
  ASSERT_TRUE(all);
  EXPECT_EQ(JsonOf(all)["total"], 4);
  EXPECT_EQ(JsonOf(all)["items"].size(), 2u);
  EXPECT_EQ(JsonOf(all)["page"], 2);
  auto dust = Get("/api/v1/complaints?category=dust_smoke&status=received", officer_);
  ASSERT_TRUE(dust);
  EXPECT_EQ(JsonOf(dust)["total"], 3);
  auto overdue = Get("/api/v1/complaints?overdue=true", officer_);
  ASSERT_TRUE(overdue);
  EXPECT_EQ(JsonOf(overdue)["total"], 0);
  auto area = Get("/api/v1/complaints?area=700501", officer_);
  ASSERT_TRUE(area);
  EXPECT_EQ(JsonOf(area)["total"], 4);
  auto old = Get("/api/v1/complaints?from=2020-01-01&to=2020-12-31", officer_);
  ASSERT_TRUE(old);
  EXPECT_EQ(JsonOf(old)["total"], 0);
  EXPECT_EQ(FieldOf(Get("/api/v1/complaints?status=lost", officer_)), "status");
  EXPECT_EQ(FieldOf(Get("/api/v1/complaints?page_size=5000", officer_)), "page_size");
  EXPECT_EQ(FieldOf(Get("/api/v1/complaints?from=2020-02-30", officer_)), "from");
  auto anonymous = Get("/api/v1/complaints");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

TEST_P(ComplaintsApiTest, AMergedDuplicateKeepsResolvingToTheKeptComplaint) {
  const std::string kept = FileOk(Dust());
  const std::string dup = FileOk(Dust());
  const int64_t dup_id = IdOf(dup);
  EXPECT_EQ(FieldOf(Post("/api/v1/complaints/" + std::to_string(dup_id) + "/merge", {{"kept_id", dup_id}}, officer_)),
            "kept_id");
  auto merged = Post("/api/v1/complaints/" + std::to_string(dup_id) + "/merge", {{"kept_id", IdOf(kept)}}, officer_);
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->status, 200) << merged->body;
  auto page = Get("/api/v1/public/complaints/" + dup);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_EQ(JsonOf(page)["status"]["code"], "merged");
  EXPECT_EQ(JsonOf(page)["merged_into"], kept);
  auto open311 = Get("/open311/v2/requests/" + dup + ".json?jurisdiction_id=banpong");
  ASSERT_TRUE(open311);
  EXPECT_EQ(JsonOf(open311)[0]["status"], "closed");
  EXPECT_NE(JsonOf(open311)[0]["status_notes"].get<std::string>().find(kept), std::string::npos);
}

TEST_P(ComplaintsApiTest, TheResidentIsEmailedOnEachPublicChangeAndNeverForInternalNotes) {
  SmtpSink sink;
  json b = Dust();
  b["email"] = kEmail;
  b["consent_version"] = "2026-11-v1";
  const std::string tracking = FileOk(b);
  const int64_t id = IdOf(tracking);
  ASSERT_EQ(
      Transition(id, {{"status", "assigned"}, {"assignee_user_id", server_->user_id("banpong.officer")}}, officer_)
          ->status,
      200);
  ASSERT_EQ(Transition(id, {{"status", "investigating"}}, officer_)->status, 200);
  ASSERT_EQ(Post("/api/v1/complaints/" + std::to_string(id) + "/notes",
                 {{"text", "โทรหาเจ้าของโรงงานแล้ว"}, {"public", false}}, officer_)
                ->status,
            201);
  ASSERT_EQ(Transition(id, {{"status", "resolved"}, {"public_reply", "โรงงานซ่อมระบบดักฝุ่นเรียบร้อย"}}, officer_)->status,
            200);

  notify::SmtpSettings smtp;
  smtp.url = sink.url();
  smtp.from = "complaints@banpong.go.th";
  smtp.require_tls = false;
  smtp.timeout_seconds = 5;
  notify::ComplaintMailer mailer(server_->runtime().transactor(), server_->runtime().clock(), smtp);
  const notify::MailReport report = mailer.DrainOnce();
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(report.sent, 4);  // received, assigned, investigating, resolved
  EXPECT_EQ(report.failed, 0);
  const auto mails = sink.WaitFor(4);
  ASSERT_EQ(mails.size(), 4u);
  std::string last_body;
  for (const auto& mail : mails) {
    ASSERT_EQ(mail.rcpt_to.size(), 1u);
    EXPECT_NE(mail.rcpt_to[0].find(kEmail), std::string::npos);
    const auto split = mail.data.find("\r\n\r\n");
    ASSERT_NE(split, std::string::npos);
    last_body = DecodeBase64(mail.data.substr(split + 4));
    EXPECT_NE(last_body.find(tracking), std::string::npos) << last_body;
    EXPECT_EQ(last_body.find("โทรหาเจ้าของโรงงาน"), std::string::npos);
  }
  EXPECT_NE(last_body.find("แก้ไขแล้ว"), std::string::npos) << last_body;
  EXPECT_NE(last_body.find("โรงงานซ่อมระบบดักฝุ่นเรียบร้อย"), std::string::npos);
  // Sent once: a second drain has nothing to send.
  EXPECT_EQ(mailer.DrainOnce().sent, 0);
}

TEST_P(ComplaintsApiTest, ContactDetailsReachOnlyOfficersAndTheirViewIsAudited) {
  json b = Dust();
  b["name"] = std::string(kName) + " " + kSurname;
  b["email"] = kEmail;
  b["phone"] = kPhone;
  b["consent_version"] = "2026-11-v1";
  const std::string tracking = FileOk(b);
  const int64_t id = IdOf(tracking);
  auto detail = Get("/api/v1/complaints/" + std::to_string(id), officer_);
  ASSERT_TRUE(detail);
  ExpectNoPersonalData(detail->body);  // not even in the officer's page until asked
  EXPECT_TRUE(JsonOf(detail)["has_contact"].get<bool>());
  auto executive = Post("/api/v1/complaints/" + std::to_string(id) + "/contact", json::object(),
                        server_->Login("banpong.executive"));
  ASSERT_TRUE(executive);
  EXPECT_EQ(executive->status, 403);
  auto contact = Post("/api/v1/complaints/" + std::to_string(id) + "/contact", json::object(), officer_);
  ASSERT_TRUE(contact);
  ASSERT_EQ(contact->status, 200) << contact->body;
  EXPECT_EQ(JsonOf(contact)["email"], kEmail);
  EXPECT_EQ(JsonOf(contact)["phone"], kPhone);
  auto audit = Get("/api/v1/audit?entity=complaint&limit=100", server_->Login("banpong.admin"));
  ASSERT_TRUE(audit);
  ExpectNoPersonalData(audit->body);
  int views = 0;
  const json entries = JsonOf(audit);
  for (const auto& entry : entries["items"]) views += entry["action"] == "view_personal_data";
  EXPECT_EQ(views, 1);
}

TEST_P(ComplaintsApiTest, PersonalDataNeverAppearInAnyPublicOrOpen311Answer) {
  // An Open311 client sends every personal field the spec allows.
  const std::string form =
      std::string("jurisdiction_id=banpong&service_code=odour&lat=13.816&long=99.873") +
      "&description=%E0%B8%81%E0%B8%A5%E0%B8%B4%E0%B9%88%E0%B8%99%E0%B9%80%E0%B8%AB%E0%B8%A1%E0%B9%87%E0%B8%99" +
      "&first_name=" + kName + "&last_name=" + kSurname + "&email=" + kEmail + "&phone=" + kPhone +
      "&device_id=" + kDevice + "&account_id=acct-991";
  auto posted = client_->Post("/open311/v2/requests.json", form, "application/x-www-form-urlencoded");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 201) << posted->body;
  ExpectNoPersonalData(posted->body);
  EXPECT_EQ(posted->body.find("acct-991"), std::string::npos);
  const std::string id = JsonOf(posted)[0]["service_request_id"];
  // And the web form with contact details.
  json b = Dust();
  b["name"] = kName;
  b["email"] = kEmail;
  b["phone"] = kPhone;
  b["consent_version"] = "2026-11-v1";
  const std::string tracking = FileOk(b);

  for (const std::string& path : std::vector<std::string>{
           "/open311/v2/requests.json?jurisdiction_id=banpong", "/open311/v2/requests.xml?jurisdiction_id=banpong",
           "/open311/v2/requests/" + id + ".json?jurisdiction_id=banpong",
           "/open311/v2/requests/" + tracking + ".xml?jurisdiction_id=banpong",
           "/open311/v2/tokens/" + id + ".json?jurisdiction_id=banpong", "/api/v1/public/complaints/" + id,
           "/api/v1/public/complaints/" + tracking, "/api/v1/public/orgs/banpong/complaints/stats"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
    ExpectNoPersonalData(res->body);
    EXPECT_EQ(res->body.find("acct-991"), std::string::npos) << path;
  }
  // The officer sees the Open311 contact behind the audited route.
  auto contact = Post("/api/v1/complaints/" + std::to_string(IdOf(id)) + "/contact", json::object(), officer_);
  ASSERT_TRUE(contact);
  EXPECT_EQ(JsonOf(contact)["name"], std::string(kName) + " " + kSurname);
  EXPECT_EQ(JsonOf(contact)["device_id"], kDevice);
}

TEST_P(ComplaintsApiTest, Open311ServiceDiscoveryAndDefinitionsFollowTheSpecification) {
  auto discovery = Get("/open311/v2/discovery.json");
  ASSERT_TRUE(discovery);
  ASSERT_EQ(discovery->status, 200);
  const json d = JsonOf(discovery);
  for (const char* key : {"changeset", "contact", "key_service", "endpoints"}) EXPECT_TRUE(d.contains(key)) << key;
  const json endpoint = d["endpoints"][0];
  for (const char* key : {"specification", "url", "changeset", "type", "formats"}) {
    EXPECT_TRUE(endpoint.contains(key)) << key;
  }
  EXPECT_EQ(endpoint["type"], "production");
  EXPECT_NE(std::find(endpoint["formats"].begin(), endpoint["formats"].end(), "application/json"),
            endpoint["formats"].end());

  auto services = Get("/open311/v2/services.json?jurisdiction_id=banpong");
  ASSERT_TRUE(services);
  ASSERT_EQ(services->status, 200) << services->body;
  const json list = JsonOf(services);
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 7u);
  for (const auto& service : list) {
    for (const char* key : {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}) {
      EXPECT_TRUE(service.contains(key)) << key;
    }
    EXPECT_TRUE(service["metadata"].is_boolean());
    EXPECT_EQ(service["type"], "realtime");
  }
  auto definition = Get("/open311/v2/services/dust_smoke.json?jurisdiction_id=banpong");
  ASSERT_TRUE(definition);
  ASSERT_EQ(definition->status, 200);
  const json def = JsonOf(definition);
  EXPECT_EQ(def["service_code"], "dust_smoke");
  const json attribute = def["attributes"][0];
  for (const char* key : {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}) {
    EXPECT_TRUE(attribute.contains(key)) << key;
  }
  auto xml = Get("/open311/v2/services.xml?jurisdiction_id=banpong");
  ASSERT_TRUE(xml);
  ASSERT_EQ(xml->status, 200);
  EXPECT_EQ(xml->body.rfind("<?xml", 0), 0u);
  EXPECT_NE(xml->body.find("<services><service><description>"), std::string::npos) << xml->body.substr(0, 200);

  // Errors: the spec's list of {code, description} with the HTTP status.
  const auto expect_error = [&](const std::string& path, int status) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, status) << path;
    const json body = JsonOf(res);
    ASSERT_TRUE(body.is_array()) << path << ": " << res->body;
    EXPECT_EQ(body[0]["code"], status);
    EXPECT_TRUE(body[0]["description"].is_string());
  };
  expect_error("/open311/v2/services.json", 400);
  expect_error("/open311/v2/services.json?jurisdiction_id=", 400);  // empty is absent
  expect_error("/open311/v2/services.json?jurisdiction_id=atlantis", 404);
  expect_error("/open311/v2/services/potholes.json?jurisdiction_id=banpong", 404);
  expect_error("/open311/v2/requests/BA-2569-ZZZZZ.json?jurisdiction_id=banpong", 404);
  expect_error("/open311/v2/tokens/BA-2569-ZZZZZ.json?jurisdiction_id=banpong", 404);
  auto xml_error = Get("/open311/v2/services.xml?jurisdiction_id=atlantis");
  ASSERT_TRUE(xml_error);
  EXPECT_NE(xml_error->body.find("<errors><error><code>404</code>"), std::string::npos) << xml_error->body;
}

TEST_P(ComplaintsApiTest, Open311ClientsPostARequestAndReadItBackWithFilters) {
  const auto post = [&](const std::string& form) {
    return client_->Post("/open311/v2/requests.json", form, "application/x-www-form-urlencoded");
  };
  auto created = post(
      "jurisdiction_id=banpong&service_code=noise&lat=13.8161&long=99.8735&description=loud+drums+every+night"
      "&attribute%5Bobserved_datetime%5D=2026-01-02T22%3A15%3A00%2B07%3A00");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const json answer = JsonOf(created);
  ASSERT_TRUE(answer.is_array());
  const std::string id = answer[0]["service_request_id"];
  EXPECT_TRUE(answer[0].contains("service_notice"));
  EXPECT_TRUE(answer[0].contains("account_id"));
  const std::string web = FileOk(Dust());

  auto one = Get("/open311/v2/requests/" + id + ".json?jurisdiction_id=banpong");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->status, 200) << one->body;
  const json r = JsonOf(one)[0];
  for (const char* key : {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                          "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}) {
    EXPECT_TRUE(r.contains(key)) << key;
  }
  EXPECT_EQ(r["status"], "open");
  EXPECT_EQ(r["service_code"], "noise");
  EXPECT_EQ(r["description"], "loud drums every night");
  EXPECT_TRUE(std::regex_match(r["requested_datetime"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00)")));
  auto token = Get("/open311/v2/tokens/" + id + ".json?jurisdiction_id=banpong");
  ASSERT_TRUE(token);
  EXPECT_EQ(JsonOf(token)[0]["service_request_id"], id);

  const auto ids_of = [&](const std::string& query) {
    std::vector<std::string> ids;
    auto res = Get("/open311/v2/requests.json?jurisdiction_id=banpong" + query);
    EXPECT_TRUE(res);
    if (!res) return ids;
    EXPECT_EQ(res->status, 200) << query << ": " << res->body;
    for (const auto& item : JsonOf(res)) ids.push_back(item["service_request_id"]);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  std::vector<std::string> both = {id, web};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(ids_of(""), both);
  EXPECT_EQ(ids_of("&service_code=noise"), std::vector<std::string>{id});
  EXPECT_EQ(ids_of("&service_code=noise,dust_smoke"), both);
  EXPECT_EQ(ids_of("&status=closed"), std::vector<std::string>{});
  EXPECT_EQ(ids_of("&status=open"), both);
  EXPECT_EQ(ids_of("&status="), both);  // empty is absent
  EXPECT_EQ(ids_of("&service_request_id=" + web + "&service_code=noise"), std::vector<std::string>{web});  // overrides
  EXPECT_EQ(ids_of("&start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z"), std::vector<std::string>{});
  auto span =
      Get("/open311/v2/"
          "requests.json?jurisdiction_id=banpong&start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z");
  ASSERT_TRUE(span);
  EXPECT_EQ(span->status, 400);
  auto bad_date = Get("/open311/v2/requests.json?jurisdiction_id=banpong&start_date=yesterday");
  ASSERT_TRUE(bad_date);
  EXPECT_EQ(bad_date->status, 400);
  EXPECT_TRUE(JsonOf(bad_date).is_array());

  // POST errors.
  const auto status_of = [&](const std::string& form) {
    auto res = post(form);
    return res ? res->status : 0;
  };
  EXPECT_EQ(status_of("jurisdiction_id=banpong&lat=13.8161&long=99.8735"), 400);  // no service_code
  EXPECT_EQ(status_of("jurisdiction_id=banpong&service_code=noise"), 400);        // no location
  EXPECT_EQ(status_of("jurisdiction_id=banpong&service_code=potholes&lat=13.8&long=99.8"), 404);
  EXPECT_EQ(status_of("service_code=noise&lat=13.8161&long=99.8735"), 400);                        // no jurisdiction
  EXPECT_EQ(status_of("jurisdiction_id=banpong&service_code=noise&lat=6.837&long=100.558"), 400);  // outside
  EXPECT_EQ(status_of("jurisdiction_id=banpong&service_code=noise&address_string=x&api_key=wrong"), 403);
}

// The Open311 lists are cached rendered (http/public_answer_cache.h) for the crowds that poll
// them: every public change, by this server or by any other writer of the database, shows on the
// very next poll, in JSON and XML and under each filter.
TEST_P(ComplaintsApiTest, PolledOpen311ListsShowEveryChangeOnTheNextPoll) {
  const std::string tracking = FileOk(Dust());
  const int64_t id = IdOf(tracking);
  const auto poll = [&](const std::string& query) {
    auto res = Get("/open311/v2/requests" + query);
    EXPECT_TRUE(res);
    if (!res) return std::string();
    EXPECT_EQ(res->status, 200) << query << ": " << res->body;
    return res->body;
  };
  const auto notes_of = [&](const std::string& query) {
    const json list = json::parse(poll(query));
    for (const auto& item : list) {
      if (item["service_request_id"] == tracking) return item["status_notes"].get<std::string>();
    }
    return std::string("<not listed>");
  };
  const std::string all = ".json?jurisdiction_id=banpong";
  const std::string open = ".json?jurisdiction_id=banpong&status=open";
  const std::string closed = ".json?jurisdiction_id=banpong&status=closed";
  const std::string xml = ".xml?jurisdiction_id=banpong";
  EXPECT_NE(notes_of(all).find("Received"), std::string::npos);
  EXPECT_NE(notes_of(open).find("Received"), std::string::npos);
  EXPECT_EQ(notes_of(closed), "<not listed>");
  EXPECT_NE(poll(xml).find("Received"), std::string::npos);
  EXPECT_EQ(poll(all), poll(all));  // unchanged: the same answer

  const int64_t officer_id = server_->user_id("banpong.officer");
  ASSERT_EQ(Transition(id, {{"status", "assigned"}, {"assignee_user_id", officer_id}}, officer_)->status, 200);
  EXPECT_NE(notes_of(all).find("Assigned"), std::string::npos);
  EXPECT_NE(poll(xml).find("Assigned"), std::string::npos);

  auto reply = Post("/api/v1/complaints/" + std::to_string(id) + "/notes",
                    {{"text", "เจ้าหน้าที่จะลงพื้นที่พรุ่งนี้เช้า"}, {"public", true}}, officer_);
  ASSERT_TRUE(reply);
  ASSERT_LT(reply->status, 300) << reply->body;
  EXPECT_NE(notes_of(all).find("เจ้าหน้าที่จะลงพื้นที่พรุ่งนี้เช้า"), std::string::npos);

  ASSERT_EQ(Transition(id, {{"status", "investigating"}}, officer_)->status, 200);
  ASSERT_EQ(Transition(id, {{"status", "resolved"}, {"public_reply", "สั่งปิดคลุมกองวัตถุดิบแล้ว"}}, officer_)->status, 200);
  EXPECT_EQ(notes_of(open), "<not listed>");
  EXPECT_NE(notes_of(closed).find("สั่งปิดคลุมกองวัตถุดิบแล้ว"), std::string::npos);
  EXPECT_NE(poll(xml).find("Resolved"), std::string::npos);

  // A new filing is listed at once.
  const std::string second = FileOk(Dust());
  EXPECT_NE(poll(open).find(second), std::string::npos);
  EXPECT_NE(poll(all).find(second), std::string::npos);

  // A write that does not go through this server (another instance, the CLI, a repair by hand).
  {
    auto conn = server_->runtime().db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE((*conn)->ExecScript("UPDATE complaints SET description = 'แก้ไขจากระบบอื่น' WHERE tracking = '" +
                                    tracking + "'")
                    .ok());
  }
  EXPECT_NE(poll(all).find("แก้ไขจากระบบอื่น"), std::string::npos);
  EXPECT_NE(poll(xml).find("แก้ไขจากระบบอื่น"), std::string::npos);
  // Other LAOs' lists are not touched by any of it.
  EXPECT_EQ(poll(".json?jurisdiction_id=boekphrai"), "[]");
}

// Issue 5 item 8: after a change, a cached Open311 list is updated with the complaints the change
// touched instead of being read anew, and the update is byte for byte the list read anew, in JSON
// and XML, for every filter the crowd polls with, after filings, status changes, public replies,
// merges and rejections. The lists are read through an Api that shares this server's database:
// one with a cache (watched: every rebuild after the first reads must be an update), one without.
TEST_P(ComplaintsApiTest, AnUpdatedOpen311ListIsTheListReadAnew) {
  auto answers = std::make_shared<http::PublicAnswerCache>(64);
  auto& runtime = server_->runtime();
  const auto deps = [&](std::shared_ptr<http::PublicAnswerCache> cache) {
    return http::ApiDeps{
        runtime.transactor(), runtime.accounts(), runtime.clock(), nullptr, nullptr, nullptr, nullptr, nullptr,
        std::move(cache)};
  };
  http::Api cached(http::ApiOptions{}, deps(answers));
  http::ApiOptions no_cache;
  no_cache.public_cache_entries = 0;
  http::Api anew(no_cache, deps(nullptr));
  const auto read = [](http::Api& api, const std::string& target) {
    http::Request request;
    request.method = "GET";
    request.target = "/open311/v2/requests" + target;
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    request.query = http::ParseQuery(request.target.substr(question + 1));
    request.remote_ip = "127.0.0.1";
    http::Response response = api.Handle(request);
    EXPECT_EQ(response.status, 200) << target << ": " << response.Body();
    return std::string(response.Body());
  };

  std::vector<std::string> trackings;
  for (int i = 0; i < 4; ++i) trackings.push_back(FileOk(Dust()));
  json odour = Dust();
  odour["category"] = "odour";
  trackings.push_back(FileOk(odour));
  const std::string a = "?jurisdiction_id=banpong";
  // The last week: a window whose end moves with the clock (start_date only).
  char week[40];
  const std::time_t week_ago = std::time(nullptr) - 7 * 86400;
  std::strftime(week, sizeof week, "%Y-%m-%dT00:00:00%%2B07:00", std::gmtime(&week_ago));
  const std::vector<std::string> lists = {
      ".json" + a,
      ".json" + a + "&status=open",
      ".json" + a + "&status=closed",
      ".json" + a + "&service_code=odour&status=open",
      ".json" + a + "&service_code=dust_smoke,open_burning",
      ".json" + a + "&start_date=" + week,
      ".json" + a + "&start_date=2020-01-01T00:00:00%2B07:00&end_date=2020-03-01T00:00:00%2B07:00",
      ".json" + a + "&service_request_id=" + trackings[0] + "," + trackings[4],
      ".xml" + a,
      ".xml" + a + "&status=open",
  };
  const auto expect_same = [&](const std::string& after) {
    for (const auto& list : lists) EXPECT_EQ(read(cached, list), read(anew, list)) << after << ": " << list;
  };
  expect_same("the first reads");
  const int64_t built = answers->misses();
  EXPECT_EQ(answers->patches(), 0);

  const std::string filed = FileOk(odour);
  expect_same("a filing");
  EXPECT_NE(read(cached, lists[3]).find(filed), std::string::npos);
  const int64_t officer_id = server_->user_id("banpong.officer");
  const int64_t first = IdOf(trackings[0]);
  ASSERT_EQ(Transition(first, {{"status", "assigned"}, {"assignee_user_id", officer_id}}, officer_)->status, 200);
  expect_same("an assignment");
  auto note = Post("/api/v1/complaints/" + std::to_string(first) + "/notes",
                   {{"text", "เจ้าหน้าที่จะลงพื้นที่พรุ่งนี้เช้า"}, {"public", true}}, officer_);
  ASSERT_TRUE(note);
  ASSERT_LT(note->status, 300) << note->body;
  expect_same("a public reply");
  ASSERT_EQ(Transition(first, {{"status", "investigating"}}, officer_)->status, 200);
  ASSERT_EQ(Transition(first, {{"status", "resolved"}, {"public_reply", "สั่งปิดคลุมกองวัตถุดิบแล้ว"}}, officer_)->status,
            200);
  expect_same("a resolution");
  auto merged = Post("/api/v1/complaints/" + std::to_string(IdOf(trackings[2])) + "/merge",
                     {{"kept_id", IdOf(trackings[1])}}, officer_);
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->status, 200) << merged->body;
  expect_same("a merge");
  ASSERT_EQ(Transition(IdOf(trackings[4]), {{"status", "rejected"}, {"reason", "อยู่นอกเขตรับผิดชอบ"}}, officer_)
                ->status,
            200);
  expect_same("a rejection");
  {  // a write by another process
    auto conn = runtime.db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(
        (*conn)->ExecScript("UPDATE complaints SET description = 'แก้ไขจากระบบอื่น' WHERE tracking = '" + trackings[3] + "'")
            .ok());
  }
  expect_same("a write by hand");
  EXPECT_NE(read(cached, lists[0]).find("แก้ไขจากระบบอื่น"), std::string::npos);

  // Every rebuild since the first reads was an update of the previous list.
  EXPECT_GT(answers->patches(), 20);
  EXPECT_EQ(answers->misses() - built, answers->patches());
}

TEST_P(ComplaintsApiTest, PolledOpen311ListsGoGzippedToClientsThatAcceptIt) {
  for (int i = 0; i < 3; ++i) FileOk(Dust());  // a list of more than 1 KB
  const std::string path = "/open311/v2/requests.json?jurisdiction_id=banpong";
  auto plain = Get(path);
  ASSERT_TRUE(plain);
  ASSERT_EQ(plain->status, 200) << plain->body;
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_EQ(plain->get_header_value("Vary"), "Accept-Encoding");
  EXPECT_EQ(JsonOf(plain).size(), 3u);

  auto gzip_client = server_->NewClient();
  gzip_client->set_decompress(false);  // the bytes as sent
  const httplib::Headers accepts = {{"Accept-Encoding", "gzip, deflate, br"}};
  auto packed = gzip_client->Get(path, accepts);
  ASSERT_TRUE(packed);
  ASSERT_EQ(packed->status, 200);
  EXPECT_EQ(packed->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(packed->get_header_value("Vary"), "Accept-Encoding");
  EXPECT_LT(packed->body.size(), plain->body.size());
  EXPECT_EQ(Gunzip(packed->body), plain->body);

  // After a change, the request that rebuilds the list sends the new list compressed too.
  const std::string fourth = FileOk(Dust());
  auto rebuilt = gzip_client->Get(path, accepts);
  ASSERT_TRUE(rebuilt);
  EXPECT_EQ(rebuilt->get_header_value("Content-Encoding"), "gzip");
  EXPECT_NE(Gunzip(rebuilt->body).find(fourth), std::string::npos);
  // A client that refuses gzip gets the plain list.
  auto refused = gzip_client->Get(path, {{"Accept-Encoding", "gzip;q=0, identity"}});
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->has_header("Content-Encoding"));
  EXPECT_NE(refused->body.find(fourth), std::string::npos);
}

TEST_P(ComplaintsApiTest, AnLaoCanRequireAnOpen311ApiKey) {
  const auto admin = server_->Login("banpong.admin");
  auto settings = client_->Put("/api/v1/complaint-settings", CookieHeaders(admin),
                               json({{"open311_anonymous_post", false}}).dump(), "application/json");
  ASSERT_TRUE(settings);
  ASSERT_EQ(settings->status, 200) << settings->body;
  const std::string form =
      "jurisdiction_id=banpong&service_code=wastewater&address_string=%E0%B8%84%E0%B8%A5%E0%B8%AD%E0%B8%87";
  auto anonymous = client_->Post("/open311/v2/requests.json", form, "application/x-www-form-urlencoded");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 403);
  EXPECT_TRUE(JsonOf(anonymous).is_array());
  auto token = Post("/api/v1/tokens", {{"name", "traffy-bridge"}, {"role", "officer"}}, admin);
  ASSERT_TRUE(token);
  ASSERT_EQ(token->status, 201) << token->body;
  const std::string key = JsonOf(token)["token"];
  auto keyed =
      client_->Post("/open311/v2/requests.json", form + "&api_key=" + key, "application/x-www-form-urlencoded");
  ASSERT_TRUE(keyed);
  EXPECT_EQ(keyed->status, 201) << keyed->body;
  // A key of another LAO is not valid here.
  auto other =
      Post("/api/v1/tokens", {{"name", "boekphrai-app"}, {"role", "officer"}}, server_->Login("boekphrai.admin"));
  ASSERT_TRUE(other);
  auto foreign =
      client_->Post("/open311/v2/requests.json", form + "&api_key=" + JsonOf(other)["token"].get<std::string>(),
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
}

TEST_P(ComplaintsApiTest, SettingsChangeDeadlinesAndOnlyAnAdministratorMayChangeThem) {
  auto by_officer = client_->Put("/api/v1/complaint-settings", CookieHeaders(officer_),
                                 json({{"deadline_days", {{"dust_smoke", 2}}}}).dump(), "application/json");
  ASSERT_TRUE(by_officer);
  EXPECT_EQ(by_officer->status, 403);
  const auto admin = server_->Login("banpong.admin");
  auto zero = client_->Put("/api/v1/complaint-settings", CookieHeaders(admin),
                           json({{"deadline_days", {{"noise", 0}}}}).dump(), "application/json");
  ASSERT_TRUE(zero);
  EXPECT_EQ(FieldOf(zero), "deadline_days.noise");
  auto unknown = client_->Put("/api/v1/complaint-settings", CookieHeaders(admin),
                              json({{"deadline_days", {{"potholes", 3}}}}).dump(), "application/json");
  EXPECT_EQ(FieldOf(unknown), "deadline_days.potholes");
  auto ok = client_->Put(
      "/api/v1/complaint-settings", CookieHeaders(admin),
      json({{"deadline_days", {{"dust_smoke", 2}}}, {"retention_days", 90}, {"tracking_prefix", "BP"}}).dump(),
      "application/json");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  auto filed = File(Dust());
  ASSERT_TRUE(filed);
  const json f = JsonOf(filed);
  EXPECT_EQ(f["deadline_at"].get<int64_t>() - f["created_at"].get<int64_t>(), 2 * 86400);
  EXPECT_EQ(f["tracking"].get<std::string>().rfind("BP-", 0), 0u);
  auto run = Post("/api/v1/complaint-retention/run", json::object(), admin);
  ASSERT_TRUE(run);
  ASSERT_EQ(run->status, 200) << run->body;
  EXPECT_EQ(JsonOf(run)["erased"], 0);  // nothing is 90 days old yet
  auto run_by_officer = Post("/api/v1/complaint-retention/run", json::object(), officer_);
  ASSERT_TRUE(run_by_officer);
  EXPECT_EQ(run_by_officer->status, 403);
}

// A first run over years of complaints erased ~60,000 in one transaction that kept every filing
// waiting (up to 107 s on PostgreSQL): the worker now erases in batches, one transaction each.
TEST_P(ComplaintsApiTest, TheRetentionWorkerErasesABacklogInBatches) {
  for (int i = 0; i < 5; ++i) {
    json b = Dust();
    b["email"] = "resident" + std::to_string(i) + "@example.org";
    b["consent_version"] = "2026-11-v1";
    ASSERT_FALSE(FileOk(b).empty());
  }
  {  // filed two years ago: past the default retention of 365 days
    auto conn = server_->runtime().db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE((*conn)->ExecScript("UPDATE complaints SET created_at = created_at - 730 * 86400").ok());
  }
  notify::ComplaintMailer mailer(server_->runtime().transactor(), server_->runtime().clock(), notify::SmtpSettings{});
  notify::ComplaintWorkerOptions options;
  options.retention_batch = 2;
  notify::ComplaintWorker worker(server_->runtime().transactor(), server_->runtime().clock(), mailer, options);
  EXPECT_EQ(worker.RetentionNow(), 5);  // three transactions: 2, 2 and 1
  EXPECT_EQ(worker.RetentionNow(), 0);
  auto conn = server_->runtime().db().Acquire();
  ASSERT_TRUE(conn.ok());
  auto left = (*conn)->Query("SELECT COUNT(*) FROM complaints WHERE contact_email IS NOT NULL");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->rows.at(0).Int(0), 0);
}

TEST_P(ComplaintsApiTest, TheTransparencyPageCountsByCategoryMonthAndArea) {
  FileOk(Dust());
  json noise = Dust();
  noise["category"] = "noise";
  const std::string resolved = FileOk(noise);
  const int64_t id = IdOf(resolved);
  ASSERT_EQ(
      Transition(id, {{"status", "assigned"}, {"assignee_user_id", server_->user_id("banpong.officer")}}, officer_)
          ->status,
      200);
  ASSERT_EQ(Transition(id, {{"status", "investigating"}}, officer_)->status, 200);
  ASSERT_EQ(Transition(id, {{"status", "resolved"}}, officer_)->status, 200);
  auto stats = Get("/api/v1/public/orgs/banpong/complaints/stats");
  ASSERT_TRUE(stats);
  ASSERT_EQ(stats->status, 200) << stats->body;
  const json s = JsonOf(stats);
  EXPECT_EQ(s["total"], 2);
  EXPECT_EQ(s["open"], 1);
  EXPECT_EQ(s["by_category"][0]["key"], "dust_smoke");
  EXPECT_EQ(s["by_category"][0]["count"], 1);
  EXPECT_EQ(s["by_month"].size(), 1u);
  EXPECT_EQ(s["by_area"][0]["name_th"], "บ้านโป่ง");
  EXPECT_EQ(s["by_area"][0]["count"], 2);
  EXPECT_TRUE(s["median_hours_to_resolve"].is_number());
  EXPECT_DOUBLE_EQ(s["resolved_within_deadline_share"].get<double>(), 1.0);
  EXPECT_EQ(s["points"].size(), 2u);
  EXPECT_DOUBLE_EQ(s["points"][0]["lat"].get<double>(), 13.816);
  auto bad = Get("/api/v1/public/orgs/banpong/complaints/stats?from=2026-13-01");
  ASSERT_TRUE(bad);
  EXPECT_EQ(FieldOf(bad), "from");
}

INSTANTIATE_TEST_SUITE_P(http, ComplaintsApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
