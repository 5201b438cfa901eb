// API tests of checklists, inspections, the offline sync, photos, sign-off and corrective
// actions: the real server on 127.0.0.1, a real HTTP client, a fresh database per test, on
// SQLite and (with the CTest `postgres` fixture) PostgreSQL. Factories and certificates are
// created through their services, as the factories and training areas' own screens would.
#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

#include "http/test_server.h"
#include "modules/accounts/account_service.h"
#include "modules/factories/factory_service.h"
#include "modules/training/training_service.h"
#include "support/pdf_text.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);

class InspectionsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam(), .body_limit = 8 * 1024 * 1024});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    factory1_ = AddFactory("banpong", "โรงงานแป้งมันสำปะหลังบ้านโป่ง");
    factory2_ = AddFactory("banpong", "โรงงานอิฐมอญบ้านโป่ง");
    inspector_id_ = AddUser("banpong.inspector", tenancy::Role::kInspector, std::nullopt);
    AddUser("banpong.rep", tenancy::Role::kFactory, factory1_);
    officer_ = server_->Login("banpong.officer");
    inspector_ = server_->Login("banpong.inspector");
    auto list = Get("/api/v1/checklists", officer_);
    const json templates = JsonOf(list);
    for (const auto& t : templates["items"]) {
      if (t["code"] == "environment") env_id_ = t["id"].get<int64_t>();
    }
    ASSERT_GT(env_id_, 0) << list->body;
  }

  Status System(const WorkFn& fn) {
    auto& rt = server_->runtime();
    return rt.transactor().Write(tenancy::Scope::System("test"), rt.CliInfo(), fn);
  }

  int64_t AddFactory(const std::string& org, const std::string& name) {
    int64_t id = 0;
    Status status = System([&](UnitOfWork& work) -> Status {
      factories::Factory draft;
      draft.org_id = server_->org_id(org);
      draft.name = name;
      ASSIGN_OR_RETURN(const auto f, factories::FactoryService().Create(work, draft));
      id = f.id;
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return id;
  }

  int64_t AddUser(const std::string& username, tenancy::Role role, std::optional<int64_t> factory_id) {
    int64_t id = 0;
    Status status = System([&](UnitOfWork& work) -> Status {
      accounts::NewUser user{"banpong", username, role, "เจ้าหน้าที่ " + username, std::string(kTestPassword), factory_id};
      ASSIGN_OR_RETURN(const auto created, server_->runtime().accounts().CreateUser(work, user));
      id = created.id;
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return id;
  }

  void Certify(int64_t user_id) {
    const int64_t now = server_->runtime().CliInfo().now;
    Status status = System([&](UnitOfWork& work) -> Status {
      training::TrainingService training;
      training::NewCourse course;
      course.org_code = "banpong";
      course.title_th = "หลักสูตรผู้ตรวจโรงงาน";
      course.topic = "การตรวจโรงงาน";
      course.hours = 18;
      course.certifies_inspectors = true;
      course.validity_months = 24;
      ASSIGN_OR_RETURN(const auto c, training.CreateCourse(work, course));
      ASSIGN_OR_RETURN(const auto s, training.CreateSession(work, {c.id, now - 30 * 86400, now - 29 * 86400, "ห้องประชุม", "วิทยากร"}));
      ASSIGN_OR_RETURN(const auto a, training.AddAttendee(work, s.id, {user_id, std::nullopt, std::nullopt}));
      ASSIGN_OR_RETURN(const auto r, training.RecordResult(work, a.id, {true, training::Outcome::kPassed, 90.0}));
      return training.IssueCertificate(work, r.id, std::nullopt).status();
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  httplib::Result Post(const std::string& path, const json& body, const BrowserSession& session) {
    return client_->Post(path, CookieHeaders(session), body.dump(), "application/json");
  }
  httplib::Result Get(const std::string& path, const BrowserSession& session) {
    return client_->Get(path, CookieHeaders(session, false));
  }

  int64_t Plan(int64_t factory_id) {
    auto res = Post("/api/v1/inspections",
                    {{"factory_id", factory_id}, {"template_id", env_id_}, {"inspector_ids", {inspector_id_}},
                     {"planned_date", "2026-12-01"}},
                    officer_);
    EXPECT_TRUE(res);
    if (!res) return 0;
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res).value("id", int64_t{0});
  }

  static std::string Path(int64_t id, const std::string& rest = "") {
    return "/api/v1/inspections/" + std::to_string(id) + rest;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_, inspector_;
  int64_t factory1_ = 0, factory2_ = 0, inspector_id_ = 0, env_id_ = 0;
};

void ExpectError(const httplib::Result& res, int status, const std::string& code, const std::string& field = "") {
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, status) << res->body;
  const json body = JsonOf(res);
  EXPECT_EQ(body["error"].value("code", ""), code) << res->body;
  EXPECT_FALSE(body["error"].value("message", "").empty()) << res->body;
  if (!field.empty()) {
    EXPECT_EQ(body["error"].value("field", ""), field) << res->body;
  }
}

json Answer(const std::string& id, const std::string& key, const json& value, int64_t at = 1'790'000'000) {
  json op = {{"id", id}, {"kind", "answer"}, {"at", at}, {"item_key", key}};
  op.update(value);
  return op;
}

TEST_P(InspectionsApiTest, ScoresInTheInspectionMatchHandComputedValues) {
  const int64_t id = Plan(factory1_);
  auto res = Post(Path(id, "/sync"),
                  {{"ops",
                    {Answer("op-score-00001", "air-01", {{"choice", "yes"}}), Answer("op-score-00002", "air-02", {{"choice", "no"}}),
                     Answer("op-score-00003", "air-03", {{"choice", "na"}}), Answer("op-score-00004", "water-01", {{"choice", "no"}}),
                     Answer("op-score-00005", "water-02", {{"number", 7.2}}), Answer("op-score-00006", "noise-01", {{"number", 74.5}})}}},
                  inspector_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json report = JsonOf(Get(Path(id), officer_));
  const json& sections = report["scores"]["sections"];
  // air (w 1.5): air-01 yes w2, air-02 no w2 -> 50; water (w 1.5): water-01 no w2, water-02 in
  // 5.5..9 w1 -> 33.33; noise (w 1): noise-01 74.5 > 70 -> 0.
  EXPECT_NEAR(sections[0]["score"].get<double>(), 50.0, 1e-9);
  EXPECT_EQ(sections[0]["not_applicable"], 1);
  EXPECT_TRUE(sections[1]["score"].is_null());  // odour: nothing answered
  EXPECT_NEAR(sections[2]["score"].get<double>(), 100.0 / 3.0, 1e-9);
  EXPECT_NEAR(sections[4]["score"].get<double>(), 0.0, 1e-9);
  EXPECT_NEAR(report["scores"]["overall"].get<double>(), (1.5 * 50 + 1.5 * 100.0 / 3.0 + 0) / 4.0, 1e-9);
  EXPECT_EQ(report["status"], "in_progress");
  EXPECT_EQ(report["checklist"]["version"], 1);
  EXPECT_EQ(report["answers"].size(), 6u);
}

TEST_P(InspectionsApiTest, AReplayedSyncReturnsTheSameResultsAndChangesNothing) {
  const int64_t id = Plan(factory1_);
  const json batch = {{"ops",
                       {Answer("6f1c2a8e-0001", "odour-01", {{"choice", "no"}, {"note", "กลิ่นแป้งหมักแรงที่รั้วด้านทิศใต้"}}),
                        {{"id", "6f1c2a8e-0002"}, {"kind", "finding"}, {"at", 1'790'000'100}, {"item_key", "odour-01"},
                         {"severity", "high"}, {"description", "กลิ่นเหม็นรบกวนชุมชนด้านใต้ลม"}},
                        {{"id", "6f1c2a8e-0003"}, {"kind", "action"}, {"at", 1'790'000'200}, {"finding_op", "6f1c2a8e-0002"},
                         {"title", "ปิดฝาบ่อพักน้ำเสียและติดตั้งระบบดูดกลิ่น"}, {"owner", "ผู้จัดการฝ่ายผลิต"}, {"due_date", "2027-01-31"}},
                        {{"id", "6f1c2a8e-0004"}, {"kind", "photo"}, {"at", 1'790'000'300}, {"item_key", "odour-01"},
                         {"data", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="},
                         {"taken_at", 1'790'000'250}, {"lat", 13.81}, {"lon", 99.87}}}}};
  auto first = Post(Path(id, "/sync"), batch, inspector_);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  for (const auto& r : JsonOf(first)["results"]) {
    EXPECT_EQ(r["status"], "applied") << r.dump();
    EXPECT_EQ(r["replayed"], false);
  }
  auto replay = Post(Path(id, "/sync"), batch, inspector_);
  ASSERT_EQ(replay->status, 200) << replay->body;
  const json a = JsonOf(first)["results"], b = JsonOf(replay)["results"];
  ASSERT_EQ(b.size(), a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(b[i]["replayed"], true);
    json x = a[i], y = b[i];
    x.erase("replayed");
    y.erase("replayed");
    EXPECT_EQ(x, y);
  }
  const json report = JsonOf(Get(Path(id), officer_));
  EXPECT_EQ(report["answers"].size(), 1u);
  EXPECT_EQ(report["findings"].size(), 1u);
  EXPECT_EQ(report["photos"].size(), 1u);
  ASSERT_EQ(report["actions"].size(), 1u);
  EXPECT_EQ(report["actions"][0]["finding_id"], report["findings"][0]["id"]);
  // The same photo through the raw upload with its op id: still one photo.
  auto raw = client_->Post(Path(id, "/photos?op=6f1c2a8e-0004&item=odour-01"), CookieHeaders(inspector_), kPng, "image/png");
  ASSERT_EQ(raw->status, 201) << raw->body;
  EXPECT_EQ(JsonOf(raw)["id"], report["photos"][0]["id"]);
  EXPECT_EQ(JsonOf(Get(Path(id), officer_))["photos"].size(), 1u);
}

TEST_P(InspectionsApiTest, MalformedSyncBatchesAreRefusedNamingTheOperationField) {
  const int64_t id = Plan(factory1_);
  ExpectError(Post(Path(id, "/sync"), {{"ops", {{{"kind", "answer"}, {"at", 1}}}}}, inspector_), 422, "invalid", "ops[0].id");
  ExpectError(Post(Path(id, "/sync"), {{"ops", {Answer("short", "air-01", {{"choice", "yes"}})}}}, inspector_), 422, "invalid",
              "ops[0].id");
  ExpectError(Post(Path(id, "/sync"), {{"ops", {Answer("op-colour-0001", "air-01", {{"colour", "red"}})}}}, inspector_), 422,
              "invalid", "ops[0].colour");
  ExpectError(Post(Path(id, "/sync"), {{"ops", {Answer("op-twice-00001", "air-01", {{"choice", "yes"}}),
                                                Answer("op-twice-00001", "air-02", {{"choice", "yes"}})}}},
                   inspector_),
              422, "invalid", "ops");
  EXPECT_EQ(JsonOf(Get(Path(id), officer_))["answers"].size(), 0u);
  // Another LAO's officer cannot see or change it.
  const auto phatong = server_->Login("phatong.admin");
  ExpectError(Post(Path(id, "/sync"), {{"ops", {Answer("op-foreign-0001", "air-01", {{"choice", "yes"}})}}}, phatong), 404,
              "not_found");
}

TEST_P(InspectionsApiTest, APhotoThatIsNotAnImageOrTooLargeIsRefusedNamingTheField) {
  const int64_t id = Plan(factory1_);
  auto pdf = client_->Post(Path(id, "/photos?item=air-01"), CookieHeaders(inspector_), "%PDF-1.7 report", "image/jpeg");
  ExpectError(pdf, 415, "unsupported_media_type", "photo");
  const std::string big = kPng + std::string(5 * 1024 * 1024, 'x');
  auto large = client_->Post(Path(id, "/photos?item=air-01"), CookieHeaders(inspector_), big, "image/png");
  ExpectError(large, 413, "too_large", "photo");
  auto item = client_->Post(Path(id, "/photos?item=no-such-item"), CookieHeaders(inspector_), kPng, "image/png");
  ExpectError(item, 422, "invalid", "item_key");
  auto ok = client_->Post(Path(id, "/photos?item=air-01&taken_at=1790000000&lat=13.81&lon=99.87"), CookieHeaders(inspector_),
                          kPng, "image/png");
  ASSERT_EQ(ok->status, 201) << ok->body;
  const json photo = JsonOf(ok);
  EXPECT_EQ(photo["content_type"], "image/png");
  EXPECT_EQ(photo["taken_at"], 1'790'000'000);
  EXPECT_EQ(photo["lat"], 13.81);
  auto back = Get(photo["url"].get<std::string>(), officer_);
  ASSERT_EQ(back->status, 200);
  EXPECT_EQ(back->body, kPng);
  EXPECT_EQ(back->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(JsonOf(Get(Path(id), officer_))["photos"].size(), 1u);
}

TEST_P(InspectionsApiTest, SignOffByAnUncertifiedUserIsRefusedAndNothingIsSaved) {
  const int64_t id = Plan(factory1_);
  ExpectError(Post(Path(id, "/sign-off"), json::object(), inspector_), 403, "forbidden");
  ExpectError(Post(Path(id, "/sign-off"), json::object(), officer_), 403, "forbidden");
  const json report = JsonOf(Get(Path(id), officer_));
  EXPECT_EQ(report["status"], "planned");
  EXPECT_TRUE(report["sign_off"].is_null());
}

TEST_P(InspectionsApiTest, ASignedOffInspectionCannotChange) {
  const int64_t id = Plan(factory1_);
  Certify(inspector_id_);
  // Unanswered items first: refused naming "answers".
  ExpectError(Post(Path(id, "/sign-off"), json::object(), inspector_), 422, "invalid", "answers");
  const json checklist = JsonOf(Get(Path(id), officer_))["checklist"];
  json ops = json::array();
  int n = 0;
  for (const auto& section : checklist["sections"]) {
    for (const auto& item : section["items"]) {
      const std::string type = item["answer_type"];
      const std::string op_id = "op-all-" + std::to_string(1000 + n++);
      if (type == "yes_no") ops.push_back(Answer(op_id, item["key"], {{"choice", "yes"}}));
      if (type == "score") ops.push_back(Answer(op_id, item["key"], {{"number", item["score_max"]}}));
      if (type == "measure") ops.push_back(Answer(op_id, item["key"], {{"number", item["upper"]}}));
    }
  }
  ASSERT_EQ(Post(Path(id, "/sync"), {{"ops", ops}}, inspector_)->status, 200);
  auto signed_off = Post(Path(id, "/sign-off"), json::object(), inspector_);
  ASSERT_EQ(signed_off->status, 200) << signed_off->body;
  const json report = JsonOf(signed_off);
  EXPECT_EQ(report["status"], "signed_off");
  EXPECT_EQ(report["sign_off"]["user_id"], inspector_id_);
  EXPECT_NEAR(report["scores"]["overall"].get<double>(), 100.0, 1e-9);

  ExpectError(Post(Path(id, "/sync"), {{"ops", {Answer("op-late-000001", "air-01", {{"choice", "no"}})}}}, inspector_), 409,
              "conflict");
  ExpectError(client_->Post(Path(id, "/photos"), CookieHeaders(inspector_), kPng, "image/png"), 409, "conflict");
  ExpectError(Post(Path(id, "/findings"), {{"severity", "low"}, {"description", "หลังลงนาม"}}, inspector_), 409, "conflict");
  ExpectError(Post(Path(id, "/actions"), {{"title", "x"}, {"owner", "y"}, {"due_date", "2027-01-01"}}, inspector_), 409,
              "conflict");
  ExpectError(Post(Path(id, "/sign-off"), json::object(), inspector_), 409, "conflict");
  EXPECT_EQ(JsonOf(Get(Path(id), officer_))["answers"][0]["choice"], "yes");
  // The follow-up is a re-inspection.
  auto next = Post(Path(id, "/reinspect"), {{"planned_date", "2027-02-01"}}, officer_);
  ASSERT_EQ(next->status, 201) << next->body;
  EXPECT_EQ(JsonOf(next)["previous_id"], id);
}

TEST_P(InspectionsApiTest, CancellingKeepsTheAnswersAndRefusesSignedOffOrCancelledOnes) {
  const int64_t planned = Plan(factory1_);
  const int64_t started = Plan(factory2_);
  ASSERT_EQ(
      Post(Path(started, "/sync"), {{"ops", {Answer("op-cancel-0001", "air-01", {{"choice", "no"}})}}}, inspector_)
          ->status,
      200);
  // A reason is required and named; nothing changes.
  ExpectError(Post(Path(started, "/cancel"), json::object(), officer_), 422, "invalid", "reason");
  ExpectError(Post(Path(started, "/cancel"), {{"reason", "   "}}, officer_), 422, "invalid", "reason");
  ExpectError(Post(Path(started, "/cancel"), {{"reason", std::string(501, 'x')}}, officer_), 422, "invalid", "reason");
  EXPECT_EQ(JsonOf(Get(Path(started), officer_))["status"], "in_progress");
  // Another LAO cannot; a factory representative cannot.
  ExpectError(Post(Path(started, "/cancel"), {{"reason", "x"}}, server_->Login("phatong.admin")), 404, "not_found");
  ExpectError(Post(Path(started, "/cancel"), {{"reason", "x"}}, server_->Login("banpong.rep")), 403, "forbidden");

  auto cancelled = Post(Path(started, "/cancel"), {{"reason", "โรงงานหยุดเดินเครื่องจักรชั่วคราว"}}, officer_);
  ASSERT_EQ(cancelled->status, 200) << cancelled->body;
  EXPECT_EQ(JsonOf(cancelled)["status"], "cancelled");
  EXPECT_EQ(JsonOf(cancelled)["cancel_reason"], "โรงงานหยุดเดินเครื่องจักรชั่วคราว");
  EXPECT_EQ(JsonOf(cancelled)["cancelled_by"], "banpong.officer");
  EXPECT_TRUE(JsonOf(cancelled)["cancelled_at"].is_number());
  const json report = JsonOf(Get(Path(started), officer_));
  EXPECT_EQ(report["status"], "cancelled");
  ASSERT_EQ(report["answers"].size(), 1u);
  EXPECT_EQ(report["answers"][0]["choice"], "no");
  // Read-only now, and only once.
  ExpectError(
      Post(Path(started, "/sync"), {{"ops", {Answer("op-cancel-0002", "air-02", {{"choice", "yes"}})}}}, inspector_),
      409, "conflict");
  ExpectError(Post(Path(started, "/cancel"), {{"reason", "อีกครั้ง"}}, officer_), 409, "conflict");
  // The report still prints what was recorded, marked cancelled with the reason.
  auto pdf = Get(Path(started, "/report.pdf"), officer_);
  ASSERT_EQ(pdf->status, 200);
  const std::string text = PdfText(pdf->body);
  // pdftotext moves the tone mark of "นี้" after the next vowel: look for the words after it.
  EXPECT_NE(text.find(Squeeze("ยกเลิก")), std::string::npos) << text;
  EXPECT_NE(text.find(Squeeze("โรงงานหยุดเดินเครื่องจักรชั่วคราว")), std::string::npos) << text;
  Certify(inspector_id_);
  ExpectError(Post(Path(started, "/sign-off"), json::object(), inspector_), 409, "conflict");

  // A planned one (no answers) can be cancelled too; the list shows it as cancelled.
  ASSERT_EQ(Post(Path(planned, "/cancel"), {{"reason", "เลื่อนไปปีงบประมาณหน้า"}}, officer_)->status, 200);
  const json list = JsonOf(Get("/api/v1/inspections?status=cancelled", officer_));
  EXPECT_EQ(list["items"].size(), 2u) << list.dump();

  // Audited with the reason.
  const json audit = JsonOf(Get("/api/v1/audit?entity=inspection&limit=500", server_->Login("banpong.admin")));
  int cancels = 0;
  for (const auto& entry : audit["items"]) {
    if (entry.value("action", "") != "cancel") continue;
    ++cancels;
    EXPECT_NE(entry.dump().find("cancel_reason"), std::string::npos) << entry.dump();
  }
  EXPECT_EQ(cancels, 2) << audit.dump();
}

TEST_P(InspectionsApiTest, AFactoryRepresentativeSeesOnlyItsOwnFactorysOpenActions) {
  const int64_t a = Plan(factory1_);
  const int64_t b = Plan(factory2_);
  const json own = JsonOf(Post(Path(a, "/actions"), {{"title", "ติดตั้งฝาปิดบ่อพักน้ำเสีย"}, {"owner", "ผู้จัดการโรงงาน"}, {"due_date", "2027-01-15"}}, officer_));
  const json done = JsonOf(Post(Path(a, "/actions"), {{"title", "ส่งบัญชีสารเคมี"}, {"owner", "จป."}, {"due_date", "2026-01-15"}}, officer_));
  const json other = JsonOf(Post(Path(b, "/actions"), {{"title", "คลุมกองดิน"}, {"owner", "เจ้าของ"}, {"due_date", "2026-01-01"}}, officer_));
  ASSERT_EQ(Post("/api/v1/actions/" + std::to_string(done["id"].get<int64_t>()) + "/close", {{"note", "ได้รับบัญชีแล้ว"}}, officer_)->status, 200);

  const auto rep = server_->Login("banpong.rep");
  const json mine = JsonOf(Get("/api/v1/actions?status=closed&factory_id=" + std::to_string(factory2_), rep));
  ASSERT_EQ(mine["items"].size(), 1u) << mine.dump();
  EXPECT_EQ(mine["items"][0]["id"], own["id"]);
  ExpectError(Get("/api/v1/actions/" + std::to_string(other["id"].get<int64_t>()), rep), 404, "not_found");
  ExpectError(Get("/api/v1/actions/" + std::to_string(done["id"].get<int64_t>()), rep), 404, "not_found");
  EXPECT_EQ(Get("/api/v1/actions/" + std::to_string(own["id"].get<int64_t>()), rep)->status, 200);
  ExpectError(Get(Path(a), rep), 403, "forbidden");  // inspections are the LAO's records
  ExpectError(Post("/api/v1/actions/" + std::to_string(own["id"].get<int64_t>()) + "/close", {{"note", "ทำแล้ว"}}, rep), 403,
              "forbidden");

  // Officers filter by factory, status and overdue.
  const json overdue = JsonOf(Get("/api/v1/actions?overdue=true", officer_));
  ASSERT_EQ(overdue["items"].size(), 1u) << overdue.dump();
  EXPECT_EQ(overdue["items"][0]["id"], other["id"]);
  EXPECT_EQ(overdue["items"][0]["overdue"], true);
  EXPECT_EQ(JsonOf(Get("/api/v1/actions?factory_id=" + std::to_string(factory1_), officer_))["items"].size(), 2u);
  EXPECT_EQ(JsonOf(Get("/api/v1/actions?status=closed", officer_))["items"].size(), 1u);
  ExpectError(Get("/api/v1/actions?status=pending", officer_), 422, "invalid", "status");
}

TEST_P(InspectionsApiTest, LaoAdminsCopyAndVersionChecklistsAndInspectionsKeepTheirVersion) {
  const auto admin = server_->Login("banpong.admin");
  ExpectError(Post("/api/v1/checklists/" + std::to_string(env_id_) + "/copy", {{"code", "env-bp"}}, officer_), 403, "forbidden");
  auto copy = Post("/api/v1/checklists/" + std::to_string(env_id_) + "/copy", {{"code", "env-bp"}}, admin);
  ASSERT_EQ(copy->status, 201) << copy->body;
  const json v1 = JsonOf(copy);
  EXPECT_EQ(v1["version"], 1);
  EXPECT_EQ(v1["shared"], false);
  auto planned = Post("/api/v1/inspections", {{"factory_id", factory1_}, {"template_id", v1["id"]}, {"inspector_ids", {inspector_id_}},
                                               {"planned_date", "2026-12-02"}}, officer_);
  ASSERT_EQ(planned->status, 201) << planned->body;
  json sections = v1["sections"];
  sections[0]["items"].erase(0);
  auto v2 = Post("/api/v1/checklists/" + std::to_string(v1["id"].get<int64_t>()) + "/versions",
                 {{"title_th", "แบบตรวจสิ่งแวดล้อม เทศบาลเมืองบ้านโป่ง"}, {"sections", sections}}, admin);
  ASSERT_EQ(v2->status, 201) << v2->body;
  EXPECT_EQ(JsonOf(v2)["version"], 2);
  EXPECT_EQ(JsonOf(v2)["items_count"], v1["items_count"].get<int>() - 1);
  const json inspection = JsonOf(Get(Path(JsonOf(planned)["id"].get<int64_t>()), officer_));
  EXPECT_EQ(inspection["checklist"]["version"], 1);
  EXPECT_EQ(inspection["checklist"]["items_count"], v1["items_count"]);
  json bad = sections;
  bad[0]["items"][0]["weight"] = -1;
  ExpectError(Post("/api/v1/checklists/" + std::to_string(JsonOf(v2)["id"].get<int64_t>()) + "/versions",
                   {{"title_th", "x"}, {"sections", bad}}, admin),
              422, "invalid", "sections[0].items[0].weight");
  ExpectError(Post("/api/v1/checklists/" + std::to_string(env_id_) + "/versions", {{"title_th", "x"}, {"sections", sections}}, admin),
              403, "forbidden");
}

std::string BackendOf(const ::testing::TestParamInfo<std::string>& param) { return param.param; }

// A finding with an overdue corrective action, as the phone syncs it.
json FindingWithAction(const std::string& prefix, const std::string& due_date) {
  return {{"ops",
           {Answer(prefix + "-answer", "air-01", {{"choice", "no"}, {"note", "ฝุ่นฟุ้งออกนอกรั้ว"}}),
            {{"id", prefix + "-finding"}, {"kind", "finding"}, {"at", 1'790'000'100}, {"item_key", "air-01"},
             {"severity", "high"}, {"description", "ฝุ่นจากลานกองวัตถุดิบรบกวนชุมชน"}},
            {{"id", prefix + "-action"}, {"kind", "action"}, {"at", 1'790'000'200}, {"finding_op", prefix + "-finding"},
             {"title", "ปิดคลุมกองวัตถุดิบและฉีดพรมน้ำ"}, {"owner", "ผู้จัดการโรงงาน"}, {"due_date", due_date}}}}};
}

TEST_P(InspectionsApiTest, InspectionReportPdfInThaiAndEnglish) {
  const int64_t id = Plan(factory1_);
  auto synced = Post(Path(id, "/sync"), FindingWithAction("pdf-000001", "2027-01-31"), inspector_);
  ASSERT_TRUE(synced && synced->status == 200) << (synced ? synced->body : "no answer");
  auto pdf = Get(Path(id, "/report.pdf"), officer_);
  ASSERT_TRUE(pdf);
  ASSERT_EQ(pdf->status, 200) << pdf->body.substr(0, 300);
  EXPECT_EQ(pdf->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(pdf->body.rfind("%PDF-", 0), 0u);
  const std::string thai = PdfText(pdf->body);
  // pdftotext reads a table row cell by cell, so texts that wrap in a cell are checked in part.
  for (const char* expected : {"รายงานผลการตรวจสถานประกอบการ", "ฝุ่นจากลานกองวัตถุดิบ", "ปิดคลุมกองวัตถุดิบ", "31 มกราคม",
                               "ฉบับร่าง ยังไม่ได้ลงนามรับรองผลการตรวจ"}) {
    EXPECT_NE(thai.find(Squeeze(expected)), std::string::npos) << expected << "\n" << thai;
  }
  auto english = Get(Path(id, "/report.pdf?lang=en"), officer_);
  ASSERT_TRUE(english && english->status == 200);
  EXPECT_NE(PdfText(english->body).find("Factoryinspectionreport"), std::string::npos);
  ExpectError(Get(Path(id, "/report.pdf?lang=fr"), officer_), 422, "invalid", "lang");
  // Another LAO's officer does not learn that the inspection exists.
  auto other = server_->Login("boekphrai.officer");
  ExpectError(Get(Path(id, "/report.pdf"), other), 404, "not_found");
}

TEST_P(InspectionsApiTest, InspectionsAndActionsExportAsCsvAndXlsx) {
  const int64_t id = Plan(factory1_);
  Plan(factory2_);
  auto synced = Post(Path(id, "/sync"), FindingWithAction("export-0001", "2027-02-28"), inspector_);
  ASSERT_TRUE(synced && synced->status == 200);
  auto csv = Get("/api/v1/inspections/export?format=csv&factory_id=" + std::to_string(factory1_), officer_);
  ASSERT_TRUE(csv && csv->status == 200) << (csv ? csv->body : "");
  EXPECT_NE(csv->get_header_value("Content-Disposition").find("inspections.csv"), std::string::npos);
  EXPECT_NE(csv->body.find("id,factory_id,factory,checklist"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("\r\n" + std::to_string(id) + ","), std::string::npos) << csv->body;
  EXPECT_EQ(std::count(csv->body.begin(), csv->body.end(), '\n'), 2) << "header and one inspection of factory 1";
  auto actions = Get("/api/v1/actions/export?format=csv&status=open", officer_);
  ASSERT_TRUE(actions && actions->status == 200);
  EXPECT_NE(actions->body.find("ปิดคลุมกองวัตถุดิบและฉีดพรมน้ำ"), std::string::npos) << actions->body;
  auto xlsx = Get("/api/v1/actions/export?format=xlsx", officer_);
  ASSERT_TRUE(xlsx && xlsx->status == 200);
  EXPECT_EQ(xlsx->body.rfind("PK", 0), 0u) << "an XLSX file is a zip archive";
  ExpectError(Get("/api/v1/inspections/export?format=pdf", officer_), 422, "invalid", "format");
  ExpectError(Get("/api/v1/actions/export?format=csv&status=maybe", officer_), 422, "invalid", "status");
}

TEST_P(InspectionsApiTest, FactoryTimelineGivesComplianceAnExecutiveUnderstands) {
  // Nothing known yet: not inspected, no reasons.
  auto empty = JsonOf(Get("/api/v1/factories/" + std::to_string(factory2_) + "/timeline", officer_));
  EXPECT_EQ(empty["compliance"]["level"], "not_inspected") << empty.dump();
  EXPECT_TRUE(empty["compliance"]["reasons"].empty());

  // An overdue corrective action makes the factory non-compliant, and says why in Thai and English.
  const int64_t id = Plan(factory1_);
  auto synced = Post(Path(id, "/sync"), FindingWithAction("timeline-01", "2020-01-31"), inspector_);
  ASSERT_TRUE(synced && synced->status == 200) << (synced ? synced->body : "");
  auto res = Get("/api/v1/factories/" + std::to_string(factory1_) + "/timeline", officer_);
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "");
  const json t = JsonOf(res);
  EXPECT_EQ(t["compliance"]["level"], "non_compliant") << t.dump();
  EXPECT_EQ(t["compliance"]["reasons"][0]["code"], "overdue_actions");
  EXPECT_FALSE(t["compliance"]["reasons"][0]["th"].get<std::string>().empty());
  EXPECT_EQ(t["facts"]["overdue_actions"], 1);
  bool planned = false, overdue = false;
  for (const auto& e : t["events"]) {
    planned = planned || (e["kind"] == "inspection_planned" && e["ref_id"] == id);
    overdue = overdue || (e["kind"] == "action_due" && e["status"] == "overdue" && e["date"] == "2020-01-31");
  }
  EXPECT_TRUE(planned && overdue) << t["events"].dump();
  // Newest first.
  for (size_t i = 1; i < t["events"].size(); ++i) {
    EXPECT_GE(t["events"][i - 1]["date"].get<std::string>(), t["events"][i]["date"].get<std::string>());
  }

  // Signed off by a certified inspector: the last score is known and the visit is on the timeline.
  // Sign-off needs every item answered: the rest compliant.
  json rest = json::array();
  const json checklist = JsonOf(Get("/api/v1/checklists/" + std::to_string(env_id_), officer_));
  int n = 0;
  for (const auto& section : checklist["sections"]) {
    for (const auto& item : section["items"]) {
      if (item["key"] == "air-01") continue;
      const std::string type = item["answer_type"];
      json value;
      if (type == "yes_no") value = {{"choice", "yes"}};
      else if (type == "score") value = {{"number", item["score_max"]}};
      else if (type == "measure") value = {{"number", item.contains("lower") && item["lower"].is_number() ? item["lower"] : json(0)}};
      else value = {{"text", "เรียบร้อย"}};
      rest.push_back(Answer("timeline-rest-" + std::to_string(n++), item["key"], value));
    }
  }
  rest.push_back({{"id", "timeline-photo"}, {"kind", "photo"}, {"at", 1'790'000'300}, {"item_key", "air-01"},
                  {"data", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="},
                  {"taken_at", 1'790'000'250}});  // the evidence a non-compliant item needs
  auto answered = Post(Path(id, "/sync"), {{"ops", rest}}, inspector_);
  ASSERT_TRUE(answered && answered->status == 200) << (answered ? answered->body : "");
  Certify(inspector_id_);
  auto signed_off = Post(Path(id, "/sign-off"), json::object(), inspector_);
  ASSERT_TRUE(signed_off && signed_off->status == 200) << (signed_off ? signed_off->body : "");
  const json after = JsonOf(Get("/api/v1/factories/" + std::to_string(factory1_) + "/timeline", officer_));
  EXPECT_EQ(after["last_inspection_id"], id);
  EXPECT_TRUE(after["facts"]["last_score"].is_number()) << after.dump();
  EXPECT_EQ(after["facts"]["open_critical_findings"], 1);
  EXPECT_EQ(after["compliance"]["level"], "non_compliant");

  // Outside the LAO: not found; a factory representative reads its actions on its own screen.
  ExpectError(Get("/api/v1/factories/" + std::to_string(factory1_) + "/timeline", server_->Login("boekphrai.officer")),
              404, "not_found");
  AddUser("timeline.rep", tenancy::Role::kFactory, factory1_);
  ExpectError(Get("/api/v1/factories/" + std::to_string(factory1_) + "/timeline", server_->Login("timeline.rep")), 403,
              "forbidden");
}

INSTANTIATE_TEST_SUITE_P(Backends, InspectionsApiTest, ::testing::Values("sqlite", "postgres"), BackendOf);

}  // namespace
}  // namespace ecotown::testing
