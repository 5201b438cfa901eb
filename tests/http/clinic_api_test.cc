// API tests of the pollution clinic: a factory representative files a request for its own
// factory and sees only its own cases; officers accept, record visits, measures, follow-ups and
// measured outcomes and close; bad input names the field and saves nothing; the knowledge base
// answers Thai substring searches. Real server on 127.0.0.1, SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "http/test_server.h"
#include "modules/factories/factory_service.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

std::string BangkokDay(int days) {
  const std::time_t t = std::time(nullptr) + 7 * 3600 + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

class ClinicApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam()});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    officer_ = server_->Login("banpong.officer");
    mill_ = AddFactory("บริษัท โรงโม่หินบ้านโป่ง จำกัด");
    cannery_ = AddFactory("บริษัท อาหารแม่กลอง จำกัด");
    AddRepresentative("mill.rep", mill_);
    AddRepresentative("cannery.rep", cannery_);
    mill_rep_ = server_->Login("mill.rep");
    cannery_rep_ = server_->Login("cannery.rep");
  }

  int64_t AddFactory(const std::string& name) {
    int64_t id = 0;
    auto& rt = server_->runtime();
    Status status = rt.transactor().Write(tenancy::Scope::System("test"), rt.CliInfo(), [&](UnitOfWork& work) -> Status {
      factories::Factory draft;
      draft.org_id = server_->org_id("banpong");
      draft.name = name;
      draft.business = "ทดสอบ";
      ASSIGN_OR_RETURN(const auto factory, factories::FactoryService().Create(work, draft));
      id = factory.id;
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return id;
  }

  void AddRepresentative(const std::string& username, int64_t factory_id) {
    auto& rt = server_->runtime();
    Status status = rt.transactor().Write(tenancy::Scope::System("test"), rt.CliInfo(), [&](UnitOfWork& work) {
      accounts::NewUser user{"banpong", username, tenancy::Role::kFactory, "ผู้แทนโรงงาน", std::string(kTestPassword),
                             factory_id};
      return rt.accounts().CreateUser(work, user).status();
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  httplib::Result Post(const std::string& path, const json& body, const BrowserSession& session) {
    return client_->Post(path, CookieHeaders(session), body.dump(), "application/json");
  }
  httplib::Result Get(const std::string& path, const BrowserSession& session) {
    return client_->Get(path, CookieHeaders(session, false));
  }
  json Ok(const httplib::Result& res, int status = 200) {
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, status) << res->body;
    return JsonOf(res);
  }
  int64_t FileAs(const BrowserSession& session, json body) {
    body["request_text"] = "ฝุ่นจากกองทรายปลิวเข้าบ้านเรือนด้านทิศใต้ช่วงบ่าย ขอคำแนะนำ";
    if (!body.contains("topic")) body["topic"] = "dust";
    return Ok(Post("/api/v1/clinic/cases", body, session), 201).value("id", int64_t{0});
  }
  std::string CasePath(int64_t id, const std::string& tail = "") {
    return "/api/v1/clinic/cases/" + std::to_string(id) + tail;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_, mill_rep_, cannery_rep_;
  int64_t mill_ = 0, cannery_ = 0;
};

void ExpectError(const httplib::Result& res, int status, const std::string& field) {
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, status) << res->body;
  const json body = JsonOf(res);
  ASSERT_TRUE(body.contains("error")) << res->body;
  EXPECT_FALSE(body["error"].value("message", "").empty());
  if (!field.empty()) {
    EXPECT_EQ(body["error"].value("field", ""), field) << res->body;
  }
}

TEST_P(ClinicApiTest, FactoryRepresentativeSeesOnlyItsOwnFactorysCases) {
  const int64_t mine = FileAs(mill_rep_, {{"contact_name", "นายวิชัย"}, {"contact_phone", "081 234 5678"}});
  const int64_t theirs = FileAs(cannery_rep_, {{"topic", "odour"}});
  const int64_t officers = FileAs(officer_, {{"factory_id", cannery_}, {"topic", "water"}});

  // The representative reads its own account (the web shell needs it) but no other user.
  const json me = Ok(Get("/api/v1/me", mill_rep_));
  EXPECT_EQ(me["user"].value("factory_id", int64_t{0}), mill_);
  ExpectError(Get("/api/v1/users/" + std::to_string(server_->user_id("banpong.officer")), mill_rep_), 403, "");

  const json own = Ok(Get("/api/v1/clinic/cases", mill_rep_));
  ASSERT_EQ(own["items"].size(), 1u) << own.dump();
  EXPECT_EQ(own["items"][0].value("id", int64_t{0}), mine);
  EXPECT_EQ(own["items"][0].value("factory_id", int64_t{0}), mill_);
  EXPECT_TRUE(own["items"][0].value("filed_by_factory", false));
  // Another factory's case, even by id or by filter, does not exist for this representative.
  ExpectError(Get(CasePath(theirs), mill_rep_), 404, "");
  ExpectError(Get(CasePath(officers), mill_rep_), 404, "");
  EXPECT_TRUE(Ok(Get("/api/v1/clinic/cases?factory_id=" + std::to_string(cannery_), mill_rep_))["items"].empty());
  ExpectError(Post("/api/v1/clinic/cases", {{"factory_id", cannery_}, {"topic", "dust"},
                                            {"request_text", "ขอคำปรึกษาแทนโรงงานอื่นหนึ่งเรื่อง"}}, mill_rep_),
              404, "");
  // It cannot act on its own case: accepting is the officers' work.
  ExpectError(Post(CasePath(mine, "/status"), {{"status", "accepted"}}, mill_rep_), 403, "");
  // Officers see all three.
  EXPECT_EQ(Ok(Get("/api/v1/clinic/cases", officer_))["items"].size(), 3u);
  // The cannery's representative sees both cases of its factory: its own and the officers'.
  EXPECT_EQ(Ok(Get("/api/v1/clinic/cases", cannery_rep_))["items"].size(), 2u);
  EXPECT_EQ(Ok(Get("/api/v1/clinic/cases?topic=odour", officer_))["items"].size(), 1u);
  // The clinic is not the whole LAO: the representative still reads no sensors or training.
  auto training = Get("/api/v1/training/courses", mill_rep_);
  ASSERT_TRUE(training);
  EXPECT_EQ(training->status, 403);
}

TEST_P(ClinicApiTest, OfficersCarryACaseToAMeasuredCloseAndTheFactorySeesTheResult) {
  const int64_t id = FileAs(mill_rep_, json::object());
  Ok(Post(CasePath(id, "/status"), {{"status", "accepted"}}, officer_));
  Ok(Post(CasePath(id, "/status"), {{"status", "in_progress"}}, officer_));
  Ok(client_->Put(CasePath(id, "/advisers"), CookieHeaders(officer_),
                  json({{"advisers", {server_->user_id("banpong.officer")}}}).dump(), "application/json"));
  Ok(Post(CasePath(id, "/visits"), {{"visited_on", BangkokDay(0)}, {"notes", "กองทรายไม่มีผนังกันลม"},
                                    {"advice", "ทำผนังกันลมสามด้านและคลุมผ้าใบเมื่อไม่ใช้งาน"}}, officer_), 201);
  Ok(Post(CasePath(id, "/measures"), {{"description", "ก่อผนังกันลมสูง 3 เมตร"}, {"owner", "ผู้จัดการโรงงาน"},
                                      {"due_on", BangkokDay(30)}}, officer_), 201);
  Ok(Post(CasePath(id, "/follow-ups"), {{"due_on", BangkokDay(45)}, {"note", "วัดฝุ่นที่รั้วซ้ำ"}}, officer_), 201);
  ExpectError(Post(CasePath(id, "/status"), {{"status", "closed"}}, officer_), 409, "outcomes");
  const json with_outcome = Ok(Post(CasePath(id, "/outcomes"),
                                    {{"indicator", "ฝุ่นละอองรวม (TSP) ที่รั้วด้านใต้ลม"}, {"unit", "มก./ลบ.ม."},
                                     {"before_value", 0.5}, {"before_on", BangkokDay(-20)},
                                     {"after_value", 0.2}, {"after_on", BangkokDay(0)}}, officer_), 201);
  ASSERT_EQ(with_outcome["outcomes"].size(), 1u);
  EXPECT_NEAR(with_outcome["outcomes"][0].value("change_percent", 0.0), -60.0, 1e-9);
  const json closed = Ok(Post(CasePath(id, "/status"), {{"status", "closed"}}, officer_));
  EXPECT_EQ(closed.value("status", ""), "closed");

  const json seen = Ok(Get(CasePath(id), mill_rep_));
  EXPECT_EQ(seen.value("status", ""), "closed");
  EXPECT_EQ(seen["visits"].size(), 1u);
  EXPECT_EQ(seen["measures"].size(), 1u);
  EXPECT_EQ(seen["follow_ups"].size(), 1u);
  EXPECT_EQ(seen["advisers"].size(), 1u);
}

TEST_P(ClinicApiTest, BadInputNamesTheFieldAndNothingIsHalfSaved) {
  ExpectError(Post("/api/v1/clinic/cases", {{"topic", "smoke"}, {"request_text", "ควันดำจากปล่องทุกเช้า"}}, mill_rep_),
              422, "topic");
  ExpectError(Post("/api/v1/clinic/cases", {{"topic", "dust"}, {"request_text", "ฝุ่น"}}, mill_rep_), 422,
              "request_text");
  ExpectError(Post("/api/v1/clinic/cases", {{"topic", "dust"}, {"request_text", "ฝุ่นจากโรงงานปลิวไปไกล"},
                                            {"contact_phone", "โทรหาได้"}}, mill_rep_),
              422, "contact_phone");
  ExpectError(Post("/api/v1/clinic/cases", {{"topic", "dust"}, {"request_text", "ฝุ่นจากโรงงานปลิวไปไกล"}}, officer_),
              422, "factory_id");
  EXPECT_TRUE(Ok(Get("/api/v1/clinic/cases", officer_))["items"].empty());

  const int64_t id = FileAs(mill_rep_, json::object());
  ExpectError(Post(CasePath(id, "/status"), {{"status", "declined"}}, officer_), 422, "reason");
  Ok(Post(CasePath(id, "/status"), {{"status", "accepted"}}, officer_));
  ExpectError(Post(CasePath(id, "/outcomes"), {{"indicator", "เสียง"}, {"unit", "dBA"}, {"before_value", 70},
                                              {"before_on", BangkokDay(0)}, {"after_value", 60},
                                              {"after_on", BangkokDay(-3)}}, officer_),
              422, "after_on");
  ExpectError(Post(CasePath(id, "/outcomes"), {{"indicator", "เสียง"}, {"unit", "dBA"}, {"before_value", "มาก"},
                                              {"before_on", BangkokDay(-3)}, {"after_value", 60},
                                              {"after_on", BangkokDay(0)}}, officer_),
              422, "before_value");
  ExpectError(Post(CasePath(id, "/visits"), {{"visited_on", "2568-01-01"}, {"advice", "x"}}, officer_), 422,
              "visited_on");
  ExpectError(Post(CasePath(id, "/measures"), {{"description", "ติดตั้งตัวเก็บเสียง"}, {"owner", ""},
                                              {"due_on", BangkokDay(10)}}, officer_),
              422, "owner");
  const json after = Ok(Get(CasePath(id), officer_));
  EXPECT_TRUE(after["outcomes"].empty());
  EXPECT_TRUE(after["visits"].empty());
  EXPECT_TRUE(after["measures"].empty());
  EXPECT_EQ(after.value("status", ""), "accepted");
}

TEST_P(ClinicApiTest, KnowledgeBaseFindsThaiTextWithoutSpacesTitleFirst) {
  // q=ไขมัน, percent-encoded.
  const json grease = Ok(Get("/api/v1/clinic/articles?q=%E0%B9%84%E0%B8%82%E0%B8%A1%E0%B8%B1%E0%B8%99", mill_rep_));
  ASSERT_FALSE(grease["items"].empty());
  EXPECT_EQ(grease["items"][0].value("slug", ""), "grease-trap");
  const json article = Ok(Get("/api/v1/clinic/articles/" + std::to_string(grease["items"][0].value("id", int64_t{0})),
                              officer_));
  EXPECT_GT(article.value("body", "").size(), 1000u);
  const json noise = Ok(Get("/api/v1/clinic/articles?topic=noise", officer_));
  ASSERT_EQ(noise["items"].size(), 1u);
  EXPECT_EQ(noise["items"][0].value("topic", ""), "noise");
  ExpectError(Get("/api/v1/clinic/articles?topic=smell", officer_), 422, "topic");
  EXPECT_GE(Ok(Get("/api/v1/clinic/articles", officer_))["items"].size(), 8u);
}

INSTANTIATE_TEST_SUITE_P(http, ClinicApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
