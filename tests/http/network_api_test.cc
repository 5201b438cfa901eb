// The cooperation network API on the real server and both backends: tenant isolation, roles
// (officers write, executives and oversight read), contacts for the LAO's staff only, validation
// naming the field with nothing half-saved, and an action item followed to done.
#include <gtest/gtest.h>

#include <string>

#include "http/test_server.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

class NetworkApiTest : public ::testing::TestWithParam<std::string> {
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
  httplib::Result Put(const std::string& path, const json& body, const BrowserSession& session) {
    return client_->Put(path, CookieHeaders(session), body.dump(), "application/json");
  }
  httplib::Result Get(const std::string& path, const BrowserSession& session) {
    return client_->Get(path, CookieHeaders(session, false));
  }

  static int Status(const httplib::Result& res) { return res ? res->status : 0; }
  static std::string FieldOf(const httplib::Result& res) {
    if (!res) return "<no answer>";
    return JsonOf(res)["error"].value("field", "<no field: " + std::to_string(res->status) + " " + res->body + ">");
  }

  int64_t Created(const httplib::Result& res) {
    EXPECT_TRUE(res);
    if (!res) return 0;
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res).value("id", int64_t{0});
  }

  int64_t AddPartner(const std::string& kind, const std::string& name_th, const BrowserSession& session) {
    return Created(Post("/api/v1/network/partners",
                        {{"kind", kind}, {"name_th", name_th}, {"name_en", "Partner " + kind}, {"phone", "032-111-222"}},
                        session));
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
};

TEST_P(NetworkApiTest, AnotherLaoNeverSeesOrTouchesOurNetwork) {
  const int64_t id = AddPartner("provincial_industry_office", "สำนักงานอุตสาหกรรมจังหวัดราชบุรี", officer_);
  const BrowserSession other = server_->Login("boekphrai.officer");
  auto list = Get("/api/v1/network/partners", other);
  ASSERT_EQ(Status(list), 200);
  EXPECT_TRUE(JsonOf(list)["items"].empty());
  EXPECT_EQ(Status(Get("/api/v1/network/partners/" + std::to_string(id), other)), 404);
  EXPECT_EQ(Status(Put("/api/v1/network/partners/" + std::to_string(id), {{"kind", "other"}, {"name_th", "ยึด"}}, other)),
            404);
  EXPECT_EQ(Status(Post("/api/v1/network/partners/" + std::to_string(id) + "/contacts", {{"name", "x"}}, other)), 404);
  // Boek Phrai's agreement cannot name Ban Pong's partner; nothing is saved.
  const int64_t theirs = AddPartner("school", "โรงเรียนเบิกไพร", other);
  auto mou = Post("/api/v1/network/agreements",
                  {{"title", "MoU"}, {"starts_on", "2026-01-01"}, {"parties", {theirs, id}}}, other);
  EXPECT_EQ(Status(mou), 422);
  EXPECT_EQ(FieldOf(mou), "parties[1]");
  EXPECT_TRUE(JsonOf(Get("/api/v1/network/agreements", other))["items"].empty());
  // And Ban Pong's officer still sees exactly its own partner.
  auto ours = JsonOf(Get("/api/v1/network/partners", officer_));
  ASSERT_EQ(ours["items"].size(), 1u);
  EXPECT_EQ(ours["items"][0]["kind"]["code"], "provincial_industry_office");
}

TEST_P(NetworkApiTest, ViewersReadButOnlyOfficersWriteAndContactsStayWithTheLaosStaff) {
  const int64_t id = AddPartner("regional_environment_office", "สำนักงานสิ่งแวดล้อมภาคที่ 8", officer_);
  const int64_t contact =
      Created(Post("/api/v1/network/partners/" + std::to_string(id) + "/contacts",
                   {{"name", "สุดา ตัวอย่าง"}, {"position", "นักวิชาการ"}, {"phone", "0811112222"}, {"email", "suda@example.org"}},
                   officer_));
  ASSERT_GT(contact, 0);

  const BrowserSession executive = server_->Login("banpong.executive");
  auto seen = Get("/api/v1/network/partners/" + std::to_string(id), executive);
  ASSERT_EQ(Status(seen), 200) << seen->body;
  EXPECT_TRUE(JsonOf(seen)["contacts_visible"].get<bool>());
  EXPECT_EQ(JsonOf(seen)["contacts"][0]["phone"], "0811112222");
  EXPECT_EQ(Status(Post("/api/v1/network/partners", {{"kind", "school"}, {"name_th", "โรงเรียน"}}, executive)), 403);

  const BrowserSession province = server_->Login("ratchaburi.oversight");
  auto overseen = Get("/api/v1/network/partners/" + std::to_string(id), province);
  ASSERT_EQ(Status(overseen), 200) << overseen->body;
  EXPECT_FALSE(JsonOf(overseen)["contacts_visible"].get<bool>());
  EXPECT_EQ(overseen->body.find("0811112222"), std::string::npos);
  EXPECT_EQ(overseen->body.find("suda@"), std::string::npos);
  EXPECT_EQ(Status(Get("/api/v1/network/contacts?org=banpong", province)), 404);
  EXPECT_EQ(Status(Put("/api/v1/network/partners/" + std::to_string(id),
                       {{"kind", "other"}, {"name_th", "เปลี่ยน"}}, province)),
            403);
  auto contacts = Get("/api/v1/network/contacts", officer_);
  ASSERT_EQ(Status(contacts), 200);
  EXPECT_EQ(JsonOf(contacts)["items"].size(), 1u);
  EXPECT_EQ(Status(client_->Get("/api/v1/network/partners")), 401);
}

TEST_P(NetworkApiTest, BadInputNamesTheFieldAndSavesNothing) {
  auto empty = Post("/api/v1/network/partners", {{"kind", "school"}, {"name_th", ""}}, officer_);
  EXPECT_EQ(Status(empty), 422);
  EXPECT_EQ(FieldOf(empty), "name_th");
  auto kind = Post("/api/v1/network/partners", {{"kind", "club"}, {"name_th", "ชมรม"}}, officer_);
  EXPECT_EQ(FieldOf(kind), "kind");
  auto email = Post("/api/v1/network/partners", {{"kind", "school"}, {"name_th", "โรงเรียน"}, {"email", "nope"}}, officer_);
  EXPECT_EQ(FieldOf(email), "email");
  auto factory = Post("/api/v1/network/partners", {{"kind", "factory"}, {"name_th", "โรงงาน"}, {"factory_id", 987654}},
                      officer_);
  EXPECT_EQ(Status(factory), 422);
  EXPECT_EQ(FieldOf(factory), "factory_id");
  auto unknown = Post("/api/v1/network/partners", {{"kind", "school"}, {"name_th", "โรงเรียน"}, {"colour", "red"}}, officer_);
  EXPECT_EQ(FieldOf(unknown), "colour");
  EXPECT_TRUE(JsonOf(Get("/api/v1/network/partners", officer_))["items"].empty());

  const int64_t id = AddPartner("community_group", "กลุ่มอาสา", officer_);
  auto backwards = Post("/api/v1/network/agreements",
                        {{"title", "MoU"}, {"starts_on", "2026-06-01"}, {"ends_on", "2026-05-31"}, {"parties", {id}}},
                        officer_);
  EXPECT_EQ(Status(backwards), 422);
  EXPECT_EQ(FieldOf(backwards), "ends_on");
  auto ghost = Post("/api/v1/network/agreements", {{"title", "MoU"}, {"starts_on", "2026-06-01"}, {"parties", {id, 999999}}},
                    officer_);
  EXPECT_EQ(FieldOf(ghost), "parties[1]");
  EXPECT_NE(JsonOf(ghost)["error"]["message"].get<std::string>().find("not found"), std::string::npos);
  EXPECT_TRUE(JsonOf(Get("/api/v1/network/agreements", officer_))["items"].empty());

  auto meeting = Post("/api/v1/network/meetings",
                      {{"title", "ประชุม"}, {"starts_at", 1790000000}, {"attendees", {{{"contact_id", 999999}}}}}, officer_);
  EXPECT_EQ(FieldOf(meeting), "attendees[0].contact_id");
  EXPECT_TRUE(JsonOf(Get("/api/v1/network/meetings", officer_))["items"].empty());
  EXPECT_EQ(Status(Get("/api/v1/network/meetings/424242", officer_)), 404);
  EXPECT_EQ(Status(Post("/api/v1/network/meetings/424242/actions", {{"text", "x"}}, officer_)), 404);
}

TEST_P(NetworkApiTest, AnActionItemIsFollowedToDone) {
  const int64_t industry = AddPartner("provincial_industry_office", "สำนักงานอุตสาหกรรมจังหวัดราชบุรี", officer_);
  const int64_t school = AddPartner("school", "โรงเรียนบ้านโป่ง", officer_);
  const int64_t mou = Created(Post("/api/v1/network/agreements",
                                   {{"title", "MoU เมืองอุตสาหกรรมเชิงนิเวศ"},
                                    {"signed_on", "2026-01-15"},
                                    {"starts_on", "2026-01-15"},
                                    {"ends_on", "2099-01-14"},
                                    {"parties", {industry, school}}},
                                   officer_));
  auto agreement = JsonOf(Get("/api/v1/network/agreements/" + std::to_string(mou), officer_));
  EXPECT_EQ(agreement["status"], "active");
  EXPECT_EQ(agreement["parties"].size(), 2u);

  const int64_t meeting =
      Created(Post("/api/v1/network/meetings",
                   {{"title", "ประชุมคณะทำงาน ครั้งที่ 1"},
                    {"starts_at", 1790000000},
                    {"place", "ห้องประชุมเทศบาล"},
                    {"agenda", "1. ฝุ่น PM2.5"},
                    {"attendees", {{{"partner_id", industry}, {"attended", true}}, {{"partner_id", school}, {"attended", false}}}}},
                   officer_));
  auto action = Post("/api/v1/network/meetings/" + std::to_string(meeting) + "/actions",
                     {{"text", "ตรวจโรงงานร่วมกัน"}, {"owner_partner_id", industry}, {"due_on", "2020-01-31"}}, officer_);
  const int64_t action_id = Created(action);
  EXPECT_TRUE(JsonOf(action)["overdue"].get<bool>());
  auto overdue = JsonOf(Get("/api/v1/network/actions?overdue=true", officer_));
  ASSERT_EQ(overdue["items"].size(), 1u);

  // A viewer cannot tick it; another LAO cannot even find it.
  EXPECT_EQ(Status(Post("/api/v1/network/actions/" + std::to_string(action_id) + "/status", {{"status", "done"}},
                        server_->Login("banpong.executive"))),
            403);
  EXPECT_EQ(Status(Post("/api/v1/network/actions/" + std::to_string(action_id) + "/status", {{"status", "done"}},
                        server_->Login("boekphrai.officer"))),
            404);
  auto bad = Post("/api/v1/network/actions/" + std::to_string(action_id) + "/status",
                  {{"status", "open"}, {"done_on", "2026-01-01"}}, officer_);
  EXPECT_EQ(FieldOf(bad), "done_on");

  auto done = Post("/api/v1/network/actions/" + std::to_string(action_id) + "/status",
                   {{"status", "done"}, {"note", "ตรวจแล้ว"}}, officer_);
  ASSERT_EQ(Status(done), 200) << done->body;
  EXPECT_EQ(JsonOf(done)["status"], "done");
  EXPECT_FALSE(JsonOf(done)["done_on"].is_null());
  EXPECT_FALSE(JsonOf(done)["overdue"].get<bool>());

  auto detail = JsonOf(Get("/api/v1/network/meetings/" + std::to_string(meeting), officer_));
  EXPECT_EQ(detail["open_actions"], 0);
  ASSERT_EQ(detail["actions"].size(), 1u);
  EXPECT_EQ(detail["actions"][0]["note"], "ตรวจแล้ว");
  EXPECT_EQ(detail["attendees"][1]["attended"], false);
  EXPECT_TRUE(JsonOf(Get("/api/v1/network/actions?status=open", officer_))["items"].empty());
  auto partner = JsonOf(Get("/api/v1/network/partners/" + std::to_string(industry), officer_));
  EXPECT_EQ(partner["agreements"].size(), 1u);
  EXPECT_EQ(partner["meetings"].size(), 1u);

  // The changes are in the LAO's audit log.
  auto audit = Get("/api/v1/audit?entity=network_action", server_->Login("banpong.admin"));
  ASSERT_EQ(Status(audit), 200) << audit->body;
  EXPECT_EQ(JsonOf(audit)["items"].size(), 2u);
}

// Issue 5: DELETE on each record; a named partner is archived, restored, and deleted once free.
TEST_P(NetworkApiTest, RecordsAreDeletedAndANamedPartnerIsArchivedUntilNothingNamesIt) {
  const auto del = [&](const std::string& path, const BrowserSession& session) {
    return client_->Delete(path, CookieHeaders(session));
  };
  const int64_t partner = AddPartner("community_group", "กลุ่มอาสาเฝ้าระวังฝุ่น", officer_);
  const int64_t contact = Created(Post("/api/v1/network/partners/" + std::to_string(partner) + "/contacts",
                                       {{"name", "สมศรี ทดสอบ"}, {"phone", "0812345678"}}, officer_));
  const int64_t meeting = Created(Post("/api/v1/network/meetings",
                                       {{"title", "ประชุมกลุ่มอาสา"},
                                        {"starts_at", 1767225600},
                                        {"attendees", {{{"contact_id", contact}}}}},
                                       officer_));
  const int64_t action = Created(Post("/api/v1/network/meetings/" + std::to_string(meeting) + "/actions",
                                      {{"text", "ติดตั้งเครื่องวัดฝุ่น"}, {"owner_partner_id", partner}}, officer_));
  const std::string partner_path = "/api/v1/network/partners/" + std::to_string(partner);

  // A reader may not delete; another LAO, or an id that is no number, finds nothing.
  EXPECT_EQ(Status(del(partner_path, server_->Login("banpong.executive"))), 403);
  EXPECT_EQ(Status(del(partner_path, server_->Login("boekphrai.officer"))), 404);
  EXPECT_EQ(Status(del("/api/v1/network/meetings/abc", officer_)), 404);

  auto archived = del(partner_path, officer_);
  ASSERT_EQ(Status(archived), 200) << archived->body;
  EXPECT_EQ(JsonOf(archived)["outcome"], "archived");
  EXPECT_TRUE(JsonOf(Get("/api/v1/network/partners", officer_))["items"].empty());
  auto listed = JsonOf(Get("/api/v1/network/partners?archived=true", officer_));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_TRUE(listed["items"][0]["archived_at"].is_number());
  EXPECT_EQ(FieldOf(Get("/api/v1/network/partners?archived=yes", officer_)), "archived");
  EXPECT_EQ(Status(del(partner_path, officer_)), 409);
  auto restored = Post(partner_path + "/restore", json::object(), officer_);
  ASSERT_EQ(Status(restored), 200) << restored->body;
  EXPECT_TRUE(JsonOf(restored)["archived_at"].is_null());
  EXPECT_EQ(Status(Post(partner_path + "/restore", json::object(), officer_)), 409);

  EXPECT_EQ(Status(del("/api/v1/network/contacts/" + std::to_string(contact), officer_)), 200);
  EXPECT_EQ(Status(del("/api/v1/network/actions/" + std::to_string(action), officer_)), 200);
  EXPECT_EQ(Status(Get("/api/v1/network/meetings/" + std::to_string(meeting), officer_)), 200);
  EXPECT_EQ(Status(del("/api/v1/network/meetings/" + std::to_string(meeting), officer_)), 200);
  EXPECT_EQ(Status(Get("/api/v1/network/meetings/" + std::to_string(meeting), officer_)), 404);
  EXPECT_EQ(Status(del("/api/v1/network/meetings/" + std::to_string(meeting), officer_)), 404);
  auto deleted = del(partner_path, officer_);
  ASSERT_EQ(Status(deleted), 200) << deleted->body;
  EXPECT_EQ(JsonOf(deleted)["outcome"], "deleted");
  EXPECT_EQ(Status(Get(partner_path, officer_)), 404);
}

// Issue 5: an archived partner (or a contact of one) cannot be picked for a new agreement, meeting,
// action item or contact; the records that named it before keep it when they are edited.
TEST_P(NetworkApiTest, AnArchivedPartnerIsRefusedInNewRecordsButKeptInOldOnes) {
  const int64_t old = AddPartner("community_group", "กลุ่มอาสาเดิม", officer_);
  const int64_t school = AddPartner("school", "โรงเรียนบ้านโป่ง", officer_);
  const int64_t old_contact =
      Created(Post("/api/v1/network/partners/" + std::to_string(old) + "/contacts", {{"name", "สมชาย เดิม"}}, officer_));
  const int64_t teacher = Created(
      Post("/api/v1/network/partners/" + std::to_string(school) + "/contacts", {{"name", "ครูสมหญิง"}}, officer_));
  const int64_t mou =
      Created(Post("/api/v1/network/agreements",
                   {{"title", "MoU เดิม"}, {"starts_on", "2026-01-01"}, {"parties", {old, school}}}, officer_));
  const json attendees = {{{"partner_id", old}, {"attended", true}}, {{"contact_id", old_contact}, {"attended", true}}};
  const int64_t meeting =
      Created(Post("/api/v1/network/meetings",
                   {{"title", "ประชุมเดิม"}, {"starts_at", 1767225600}, {"attendees", attendees}}, officer_));
  const std::string actions_path = "/api/v1/network/meetings/" + std::to_string(meeting) + "/actions";
  const int64_t action = Created(
      Post(actions_path, {{"text", "งานเดิม"}, {"owner_partner_id", old}, {"owner_contact_id", old_contact}}, officer_));
  auto archived = client_->Delete("/api/v1/network/partners/" + std::to_string(old), CookieHeaders(officer_));
  ASSERT_EQ(Status(archived), 200);
  ASSERT_EQ(JsonOf(archived)["outcome"], "archived");

  // New records may not name it, nor its contact; the error names the field and nothing is saved.
  auto mou2 = Post("/api/v1/network/agreements",
                   {{"title", "MoU ใหม่"}, {"starts_on", "2026-02-01"}, {"parties", {school, old}}}, officer_);
  EXPECT_EQ(Status(mou2), 422);
  EXPECT_EQ(FieldOf(mou2), "parties[1]");
  EXPECT_NE(JsonOf(mou2)["error"].value("message", "").find("archived"), std::string::npos) << mou2->body;
  EXPECT_EQ(JsonOf(Get("/api/v1/network/agreements", officer_))["items"].size(), 1u);
  EXPECT_EQ(FieldOf(Post("/api/v1/network/meetings",
                         {{"title", "ประชุมใหม่"}, {"starts_at", 1767312000}, {"attendees", {{{"partner_id", old}}}}},
                         officer_)),
            "attendees[0].partner_id");
  EXPECT_EQ(FieldOf(Post("/api/v1/network/meetings",
                         {{"title", "ประชุมใหม่"},
                          {"starts_at", 1767312000},
                          {"attendees", {{{"partner_id", school}}, {{"contact_id", old_contact}}}}},
                         officer_)),
            "attendees[1].contact_id");
  EXPECT_EQ(JsonOf(Get("/api/v1/network/meetings", officer_))["items"].size(), 1u);
  EXPECT_EQ(FieldOf(Post(actions_path, {{"text", "งานใหม่"}, {"owner_partner_id", old}}, officer_)), "owner_partner_id");
  EXPECT_EQ(FieldOf(Post(actions_path, {{"text", "งานใหม่"}, {"owner_contact_id", old_contact}}, officer_)),
            "owner_contact_id");
  EXPECT_EQ(
      FieldOf(Post("/api/v1/network/partners/" + std::to_string(old) + "/contacts", {{"name", "คนใหม่"}}, officer_)),
      "partner_id");
  EXPECT_EQ(FieldOf(Put("/api/v1/network/contacts/" + std::to_string(teacher),
                        {{"name", "ครูสมหญิง"}, {"partner_id", old}}, officer_)),
            "partner_id");
  EXPECT_EQ(JsonOf(Get("/api/v1/network/actions", officer_))["items"].size(), 1u);
  EXPECT_EQ(JsonOf(Get("/api/v1/network/contacts", officer_))["items"].size(), 2u);
  // An existing action item cannot be handed to it either.
  const int64_t school_action =
      Created(Post(actions_path, {{"text", "งานโรงเรียน"}, {"owner_partner_id", school}}, officer_));
  EXPECT_EQ(FieldOf(Put("/api/v1/network/actions/" + std::to_string(school_action),
                        {{"text", "งานโรงเรียน"}, {"owner_partner_id", old}}, officer_)),
            "owner_partner_id");

  // The old records keep it when edited.
  auto mou_edit = Put("/api/v1/network/agreements/" + std::to_string(mou),
                      {{"title", "MoU เดิม (แก้ไข)"}, {"starts_on", "2026-01-01"}, {"parties", {old, school}}}, officer_);
  ASSERT_EQ(Status(mou_edit), 200) << mou_edit->body;
  EXPECT_EQ(JsonOf(mou_edit)["parties"].size(), 2u);
  auto meeting_edit =
      Put("/api/v1/network/meetings/" + std::to_string(meeting),
          {{"title", "ประชุมเดิม (แก้ไข)"}, {"starts_at", 1767225600}, {"attendees", attendees}}, officer_);
  ASSERT_EQ(Status(meeting_edit), 200) << meeting_edit->body;
  EXPECT_EQ(JsonOf(meeting_edit)["attendees"].size(), 2u);
  auto action_edit =
      Put("/api/v1/network/actions/" + std::to_string(action),
          {{"text", "งานเดิม (แก้ไข)"}, {"owner_partner_id", old}, {"owner_contact_id", old_contact}}, officer_);
  ASSERT_EQ(Status(action_edit), 200) << action_edit->body;

  // Restored, it may be named again.
  ASSERT_EQ(Status(Post("/api/v1/network/partners/" + std::to_string(old) + "/restore", json::object(), officer_)),
            200);
  Created(Post("/api/v1/network/agreements",
               {{"title", "MoU ใหม่"}, {"starts_on", "2026-02-01"}, {"parties", {school, old}}}, officer_));
}

INSTANTIATE_TEST_SUITE_P(http, NetworkApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
