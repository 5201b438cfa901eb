// API tests of the factory registry: factories (validation, duplicates, tenancy, the factory
// representative), the type list, licences and expiry reminders, emission sources and outlets with
// their units, sensitive receptors near a factory, the DIW-shaped CSV import with its row report,
// and the CSV/XLSX export. The real server on 127.0.0.1, a fresh database per test, on SQLite and
// (with the CTest `postgres` fixture) PostgreSQL.
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/thai_calendar.h"
#include "http/test_server.h"
#include "notify/licence_reminder_mailer.h"
#include "notify/local_servers.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

// YYYY-MM-DD of today + days in Bangkok (the server's calendar for reminders).
std::string DateIn(int days) {
  const core::CivilDate d =
      core::CivilFromDays(core::DaysFromCivil(core::BangkokDateOf(std::time(nullptr))) + days);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buffer;
}

json SampleFactory(const std::string& name, const std::string& running) {
  return {{"name", name},
          {"registration_no", "3-9(6)-" + running + "/60รบ"},
          {"type_code", "00906"},
          {"category", 3},
          {"business", "ทำมันเส้น"},
          {"operator_name", "บริษัท ทดสอบ จำกัด"},
          {"workers", 20},
          {"horsepower", 150.5},
          {"subdistrict_code", "700501"},
          {"lat", 13.816},
          {"lon", 99.873},
          {"registered_on", "2017-03-01"}};
}

class FactoriesApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam(), .body_limit = 1024 * 1024});
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
  httplib::Result Delete(const std::string& path, const BrowserSession& session) {
    return client_->Delete(path, CookieHeaders(session));
  }

  int64_t AddFactory(const json& body, const BrowserSession& session) {
    auto res = Post("/api/v1/factories", body, session);
    EXPECT_TRUE(res);
    if (!res) return 0;
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res).value("id", int64_t{0});
  }

  static std::string FactoryPath(int64_t id, const std::string& tail = "") {
    return "/api/v1/factories/" + std::to_string(id) + tail;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
};

TEST_P(FactoriesApiTest, RegisterReadUpdateAndListFactories) {
  const int64_t id = AddFactory(SampleFactory("โรงงานทดสอบหนึ่ง", "1"), officer_);
  ASSERT_GT(id, 0);
  auto got = Get(FactoryPath(id), officer_);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  const json f = JsonOf(got);
  EXPECT_EQ(f["name"], "โรงงานทดสอบหนึ่ง");
  EXPECT_EQ(f["type_display"], "9(6)");
  EXPECT_EQ(f["category"], 3);
  EXPECT_EQ(f["horsepower"], 150.5);
  EXPECT_EQ(f["status"], "operating");

  json change = SampleFactory("โรงงานทดสอบหนึ่ง (เปลี่ยนชื่อ)", "1");
  change["status"] = "suspended";
  auto put = Put(FactoryPath(id), change, officer_);
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(JsonOf(put)["status"], "suspended");

  AddFactory(SampleFactory("Second Plant", "2"), officer_);
  auto list = Get("/api/v1/factories?q=second", officer_);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  ASSERT_EQ(JsonOf(list)["items"].size(), 1u);
  list = Get("/api/v1/factories?status=suspended", officer_);
  ASSERT_EQ(JsonOf(list)["items"].size(), 1u);
  list = Get("/api/v1/factories?limit=1", officer_);
  const json page = JsonOf(list);
  ASSERT_EQ(page["items"].size(), 1u);
  ASSERT_TRUE(page["next_after"].is_number());
  list = Get("/api/v1/factories?limit=1&after=" + std::to_string(page["next_after"].get<int64_t>()), officer_);
  ASSERT_EQ(JsonOf(list)["items"].size(), 1u);
  EXPECT_EQ(JsonOf(list)["items"][0]["id"], id);
  EXPECT_TRUE(JsonOf(list)["next_after"].is_null());
}

TEST_P(FactoriesApiTest, BadInputAnswers422NamingTheFieldAndDuplicates409) {
  struct Case {
    const char* field;
    json value;
  };
  for (const Case& c : std::vector<Case>{{"registration_no", "3-9(6)-1/60"},
                                         {"registration_no14", "9070000012600"},
                                         {"type_code", "09999"},
                                         {"lat", 25.0},
                                         {"lon", 110.0},
                                         {"category", 5},
                                         {"registered_on", "2560-01-01"}}) {
    json body = SampleFactory("โรงงานผิด", "9");
    body[c.field] = c.value;
    auto res = Post("/api/v1/factories", body, officer_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 422) << c.field << ": " << res->body;
    EXPECT_EQ(JsonOf(res)["error"]["field"], c.field) << res->body;
  }
  json unknown = SampleFactory("โรงงานผิด", "9");
  unknown["colour"] = "red";
  auto res = Post("/api/v1/factories", unknown, officer_);
  EXPECT_EQ(res->status, 422);

  ASSERT_GT(AddFactory(SampleFactory("โรงงานเดิม", "5"), officer_), 0);
  res = Post("/api/v1/factories", SampleFactory("โรงงานซ้ำ", "5"), officer_);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409) << res->body;
  EXPECT_EQ(JsonOf(res)["error"]["field"], "registration_no");
  auto list = Get("/api/v1/factories", officer_);
  EXPECT_EQ(JsonOf(list)["items"].size(), 1u);
}

TEST_P(FactoriesApiTest, AnotherLaoAndAFactoryRepresentativeSeeOnlyWhatIsTheirs) {
  const int64_t mine = AddFactory(SampleFactory("โรงงานของผู้แทน", "11"), officer_);
  const int64_t other = AddFactory(SampleFactory("โรงงานอื่น", "12"), officer_);
  ASSERT_GT(mine, 0);
  ASSERT_GT(other, 0);
  ASSERT_EQ(Post(FactoryPath(other, "/licences"), {{"kind", "ph_hazardous_business"}, {"number", "1/2568"}}, officer_)
                ->status,
            201);

  auto elsewhere = server_->Login("boekphrai.officer");
  EXPECT_EQ(Get(FactoryPath(mine), elsewhere)->status, 404);
  EXPECT_EQ(JsonOf(Get("/api/v1/factories", elsewhere))["items"].size(), 0u);

  // The LAO admin creates the representative's account, bound to one factory.
  auto admin = server_->Login("banpong.admin");
  auto created = Post("/api/v1/users",
                      {{"username", "factory.rep"},
                       {"role", "factory"},
                       {"display_name", "ผู้แทนโรงงาน"},
                       {"password", kTestPassword},
                       {"factory_id", mine}},
                      admin);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  // The binding is checked: another LAO's factory, an unknown one, or a staff role with a factory.
  auto other_admin = server_->Login("boekphrai.admin");
  auto refused = Post("/api/v1/users", {{"username", "rep.elsewhere"}, {"role", "factory"}, {"factory_id", mine}},
                      other_admin);
  EXPECT_EQ(refused->status, 422) << refused->body;
  EXPECT_EQ(JsonOf(refused)["error"]["field"], "factory_id");
  refused = Post("/api/v1/users", {{"username", "rep.unknown"}, {"role", "factory"}, {"factory_id", 999999}}, admin);
  EXPECT_EQ(JsonOf(refused)["error"]["field"], "factory_id");
  refused = Post("/api/v1/users", {{"username", "officer.f"}, {"role", "officer"}, {"factory_id", mine}}, admin);
  EXPECT_EQ(JsonOf(refused)["error"]["field"], "factory_id");
  auto rep = server_->Login("factory.rep");
  auto own = Get(FactoryPath(mine), rep);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body;
  EXPECT_EQ(Get(FactoryPath(other), rep)->status, 404);
  EXPECT_EQ(Get(FactoryPath(other, "/licences"), rep)->status, 404);
  const json listed = JsonOf(Get("/api/v1/factories", rep));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["id"], mine);
  EXPECT_EQ(JsonOf(Get("/api/v1/licences/expiring?days=3650", rep))["items"].size(), 0u);
  EXPECT_EQ(Post("/api/v1/factories", SampleFactory("ของผู้แทน", "13"), rep)->status, 403);
  EXPECT_EQ(Put(FactoryPath(mine), SampleFactory("แก้เอง", "11"), rep)->status, 403);
}

TEST_P(FactoriesApiTest, LicencesWithExpiryAndReminders) {
  const int64_t id = AddFactory(SampleFactory("โรงงานใบอนุญาต", "21"), officer_);
  auto soon = Post(FactoryPath(id, "/licences"),
                   {{"kind", "ph_hazardous_business"},
                    {"number", "12/2568"},
                    {"issuer", "เทศบาลเมืองบ้านโป่ง"},
                    {"issued_on", DateIn(-355)},
                    {"expires_on", DateIn(10)}},
                   officer_);
  ASSERT_TRUE(soon);
  ASSERT_EQ(soon->status, 201) << soon->body;
  ASSERT_EQ(Post(FactoryPath(id, "/licences"), {{"kind", "factory_rg4"}, {"number", "3-9(6)-21/60รบ"}}, officer_)
                ->status,
            201);
  ASSERT_EQ(Post(FactoryPath(id, "/licences"),
                 {{"kind", "ph_notification_certificate"}, {"number", "5/2568"}, {"expires_on", DateIn(200)}},
                 officer_)
                ->status,
            201);
  ASSERT_EQ(Post(FactoryPath(id, "/licences"),
                 {{"kind", "ph_notification_certificate"}, {"number", "4/2567"}, {"expires_on", DateIn(-3)}},
                 officer_)
                ->status,
            201);
  const json expiring = JsonOf(Get("/api/v1/licences/expiring?days=30", officer_));
  ASSERT_EQ(expiring["items"].size(), 1u) << expiring.dump();
  EXPECT_EQ(expiring["items"][0]["number"], "12/2568");
  EXPECT_EQ(expiring["items"][0]["factory_name"], "โรงงานใบอนุญาต");
  EXPECT_EQ(JsonOf(Get("/api/v1/licences/expiring?days=365", officer_))["items"].size(), 2u);
  EXPECT_EQ(JsonOf(Get(FactoryPath(id, "/licences"), officer_))["items"].size(), 4u);

  auto bad = Post(FactoryPath(id, "/licences"),
                  {{"kind", "ph_hazardous_business"}, {"number", "x"}, {"issued_on", "2025-06-01"},
                   {"expires_on", "2025-05-01"}},
                  officer_);
  EXPECT_EQ(bad->status, 422);
  EXPECT_EQ(JsonOf(bad)["error"]["field"], "expires_on");
  bad = Post(FactoryPath(id, "/licences"), {{"kind", "driving"}, {"number", "x"}}, officer_);
  EXPECT_EQ(JsonOf(bad)["error"]["field"], "kind");
  EXPECT_EQ(Get("/api/v1/licences/expiring?days=-1", officer_)->status, 422);

  const int64_t licence = JsonOf(soon)["id"];
  auto renewed = Put("/api/v1/licences/" + std::to_string(licence),
                     {{"kind", "ph_hazardous_business"}, {"number", "12/2568"}, {"expires_on", DateIn(375)}}, officer_);
  ASSERT_EQ(renewed->status, 200) << renewed->body;
  EXPECT_EQ(JsonOf(Get("/api/v1/licences/expiring?days=30", officer_))["items"].size(), 0u);
  EXPECT_EQ(Delete("/api/v1/licences/" + std::to_string(licence), officer_)->status, 200);
  EXPECT_EQ(JsonOf(Get(FactoryPath(id, "/licences"), officer_))["items"].size(), 3u);
}

TEST_P(FactoriesApiTest, EmissionSourcesAndOutletsKeepValidatedUnits) {
  const int64_t id = AddFactory(SampleFactory("โรงงานปล่อง", "31"), officer_);
  auto stack = Post(FactoryPath(id, "/emission-sources"),
                    {{"name", "ปล่องหม้อไอน้ำ"},
                     {"stack_height_m", 30},
                     {"inner_diameter_m", 1.2},
                     {"exit_velocity_m_s", 12},
                     {"exit_temperature_c", 150},
                     {"fuel", "แกลบ"},
                     {"pollutants", {{{"pollutant", "pm"}, {"rate_g_s", 0.5}}, {{"pollutant", "so2"}, {"rate_g_s", 1.1}}}}},
                    officer_);
  ASSERT_TRUE(stack);
  ASSERT_EQ(stack->status, 201) << stack->body;
  EXPECT_NEAR(JsonOf(stack)["exit_temperature_k"].get<double>(), 423.15, 1e-9);
  const json sources = JsonOf(Get(FactoryPath(id, "/emission-sources"), officer_));
  ASSERT_EQ(sources["items"].size(), 1u);
  EXPECT_EQ(sources["items"][0]["pollutants"].size(), 2u);

  struct Case {
    json body;
    const char* field;
  };
  const json base = {{"name", "ปล่อง"}, {"stack_height_m", 30}, {"inner_diameter_m", 1.2},
                     {"exit_velocity_m_s", 12}, {"exit_temperature_k", 420}};
  auto with = [&](const char* key, json value) {
    json b = base;
    b[key] = std::move(value);
    return b;
  };
  json both = with("exit_temperature_c", 150);
  for (const Case& c : std::vector<Case>{{with("stack_height_m", -5), "stack_height_m"},
                                         {with("inner_diameter_m", 0), "inner_diameter_m"},
                                         {with("exit_velocity_m_s", 500), "exit_velocity_m_s"},
                                         {with("exit_temperature_k", 20), "exit_temperature_k"},
                                         {both, "exit_temperature_k"},
                                         {with("pollutants", {{{"pollutant", "smoke"}, {"rate_g_s", 1}}}),
                                          "pollutants[0].pollutant"},
                                         {with("pollutants", {{{"pollutant", "pm"}, {"rate_g_s", -1}}}),
                                          "pollutants[0].rate_g_s"},
                                         {with("lat", 30.0), "lon"}}) {
    auto res = Post(FactoryPath(id, "/emission-sources"), c.body, officer_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 422) << c.field << ": " << res->body;
    EXPECT_EQ(JsonOf(res)["error"]["field"], c.field) << res->body;
  }
  EXPECT_EQ(JsonOf(Get(FactoryPath(id, "/emission-sources"), officer_))["items"].size(), 1u);

  auto outlet = Post(FactoryPath(id, "/outlets"),
                     {{"name", "จุดระบาย 1"}, {"receiving_water", "แม่น้ำแม่กลอง"}, {"lat", 13.815}, {"lon", 99.874},
                      {"treatment", "บ่อปรับเสถียร"}, {"flow_m3_day", 80}},
                     officer_);
  ASSERT_EQ(outlet->status, 201) << outlet->body;
  auto bad = Post(FactoryPath(id, "/outlets"), {{"name", "x"}, {"flow_m3_day", -1}}, officer_);
  EXPECT_EQ(JsonOf(bad)["error"]["field"], "flow_m3_day");
  const std::string outlet_path = "/api/v1/outlets/" + std::to_string(JsonOf(outlet)["id"].get<int64_t>());
  auto changed = Put(outlet_path, {{"name", "จุดระบาย 1"}, {"flow_m3_day", 95}}, officer_);
  ASSERT_EQ(changed->status, 200) << changed->body;
  EXPECT_EQ(JsonOf(changed)["flow_m3_day"], 95);
  EXPECT_EQ(Delete(outlet_path, officer_)->status, 200);
  EXPECT_EQ(JsonOf(Get(FactoryPath(id, "/outlets"), officer_))["items"].size(), 0u);
  auto elsewhere = server_->Login("boekphrai.officer");
  EXPECT_EQ(Get(FactoryPath(id, "/emission-sources"), elsewhere)->status, 404);
}

TEST_P(FactoriesApiTest, ReceptorsWithinADistanceNearestFirst) {
  const int64_t id = AddFactory(SampleFactory("โรงงานกลาง", "41"), officer_);  // 13.816, 99.873
  struct R {
    const char* kind;
    const char* name;
    double lat, lon;
  };
  // 0.001 degree of latitude is about 111 m.
  for (const R& r : std::vector<R>{{"school", "โรงเรียนใกล้", 13.818, 99.873},
                                   {"temple", "วัดใกล้สุด", 13.8165, 99.873},
                                   {"hospital", "โรงพยาบาลไกล", 13.836, 99.873},
                                   {"market", "ตลาดกลาง", 13.816, 99.878}}) {
    auto res = Post("/api/v1/receptors", {{"kind", r.kind}, {"name", r.name}, {"lat", r.lat}, {"lon", r.lon},
                                          {"people", 100}},
                    officer_);
    ASSERT_EQ(res->status, 201) << res->body;
  }
  auto near = Get(FactoryPath(id, "/receptors?within_m=1000"), officer_);
  ASSERT_EQ(near->status, 200) << near->body;
  const json items = JsonOf(near)["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["name"], "วัดใกล้สุด");
  EXPECT_NEAR(items[0]["distance_m"].get<double>(), 56, 1);
  EXPECT_EQ(items[1]["name"], "โรงเรียนใกล้");
  EXPECT_NEAR(items[1]["distance_m"].get<double>(), 222, 1);
  EXPECT_EQ(items[2]["name"], "ตลาดกลาง");
  EXPECT_NEAR(items[2]["distance_m"].get<double>(), 540, 2);
  EXPECT_EQ(JsonOf(Get(FactoryPath(id, "/receptors?within_m=3000"), officer_))["items"].size(), 4u);
  EXPECT_EQ(Get(FactoryPath(id, "/receptors?within_m=0"), officer_)->status, 422);
  EXPECT_EQ(JsonOf(Get("/api/v1/receptors", officer_))["items"].size(), 4u);

  auto bad = Post("/api/v1/receptors", {{"kind", "zoo"}, {"name", "x"}, {"lat", 13.8}, {"lon", 99.8}}, officer_);
  EXPECT_EQ(JsonOf(bad)["error"]["field"], "kind");
  bad = Post("/api/v1/receptors", {{"kind", "school"}, {"name", "x"}, {"lat", 1.3}, {"lon", 103.8}}, officer_);
  EXPECT_EQ(JsonOf(bad)["error"]["field"], "lat");
  auto elsewhere = server_->Login("boekphrai.officer");
  EXPECT_EQ(JsonOf(Get("/api/v1/receptors", elsewhere))["items"].size(), 0u);
}

// The Prachinburi extract's columns, with rows of the dirty kinds SOURCE.md lists, placed in the
// test geography (Ban Pong).
constexpr const char* kImportCsv =
    "FID,เลขทะเบียน,ประเภท,จำพวก,ชื่อโรงงาน,ผู้ประกอบก,ประกอบกิจก,กำลังผลิต,หน่วย,เลขที่,หมู่,ซอย,ถนน,ตำบล,อำเภอ,"
    "จังหวัด,ไปรษณีย์,โทรศัพท์,แรงม้า,เงินลงทุนค,ช่างฝีมือช,คนงานชาย,ช่างฝีมือห,คนงานหญิง,วันที่ใบอน,ละติจูด,ลองติจูด,"
    "TAM_ID_U\n"
    // 2: clean (licence 39797 = 2008-12-15)
    "1,จ3-9(6)-100/51รบ,00906,3,อุดมทรัพย์,นางวิภา ทดสอบ,ทำมันเส้น,0.0,ตัน/ปี,152,13, , ,บ้านโป่ง,บ้านโป่ง,ราชบุรี,"
    "70110, ,290.0,540000.0,1.0,1.0,0.0,1.0,39797.0,13.81891,99.8843,700501\n"
    // 3: blank name (" "), the operator's name is used
    "2,3-34(4)-21/51รบ,03404,3, ,บริษัท ทดสอบไม้สับ จำกัด,ผลิตชิ้นไม้สับ,1200.0,ลูกบาศก์เมตร/ปี,445,7,-,-,บ้านโป่ง,"
    "บ้านโป่ง,ราชบุรี,70110,037400027,894.0,2000000.0,1.0,6.0,0.0,5.0,39667.0,13.81802,99.87139,700501\n"
    // 4: a Buddhist Era year typed into the licence date
    "3,3-58(1)-7/54รบ,05801,3,โรงงานปีพุทธ,นายทดสอบ,ผลิตคอนกรีต,0,ตัน,1,1, , ,บ้านโป่ง,บ้านโป่ง,ราชบุรี,70110, ,120,0,"
    "0,4,0,1,239021.0,13.82,99.88,700501\n"
    // 5: category disagrees with the registration number
    "4,3-105-2/55รบ,10500,2,โรงงานจำพวกผิด,นายทดสอบ,คัดแยก,0,ตัน,2,1, , ,บ้านโป่ง,บ้านโป่ง,ราชบุรี,70110, ,50,0,0,2,0,1,"
    "40000,13.82,99.88,700501\n"
    // 6: an unknown type number
    "5,3-99(9)-3/55รบ,09909,3,โรงงานประเภทแปลก,นายทดสอบ,อื่น ๆ,0,ตัน,3,1, , ,บ้านโป่ง,บ้านโป่ง,ราชบุรี,70110, ,50,0,0,2,"
    "0,1,40000,13.82,99.88,700501\n"
    // 7: the same factory as line 2 again (a second export of it): updated
    "1,จ3-9(6)-100/51รบ,00906,3,อุดมทรัพย์ (ใหม่),นางวิภา ทดสอบ,ทำมันเส้น,0.0,ตัน/ปี,152,13, , ,บ้านโป่ง,บ้านโป่ง,"
    "ราชบุรี,70110, ,300.0,540000.0,1.0,1.0,0.0,1.0,39797.0,13.81891,99.8843,700501\n"
    // 8: coordinates outside Thailand
    "6,3-88(2)-4/55รบ,08802,3,โรงไฟฟ้าพิกัดผิด,นายทดสอบ,ผลิตไฟฟ้า,0,kW,4,1, , ,บ้านโป่ง,บ้านโป่ง,ราชบุรี,70110, ,"
    "900,0,0,20,0,1,40000,1.35,103.8,700501\n";

TEST_P(FactoriesApiTest, ImportReportsEveryRowAndWritesNothingOfARejectedOne) {
  auto res = client_->Post("/api/v1/factories/import", CookieHeaders(officer_), kImportCsv, "text/csv");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json report = JsonOf(res);
  EXPECT_EQ(report["accepted"], 2) << report.dump(1);
  EXPECT_EQ(report["updated"], 1);
  EXPECT_EQ(report["rejected"], 4);
  const json rows = report["rows"];
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0]["line"], 2);
  EXPECT_EQ(rows[0]["outcome"], "accepted");
  EXPECT_EQ(rows[1]["outcome"], "accepted");
  EXPECT_EQ(rows[1]["name"], "บริษัท ทดสอบไม้สับ จำกัด");
  EXPECT_EQ(rows[1]["notes"].size(), 1u);
  EXPECT_EQ(rows[2]["outcome"], "rejected");
  EXPECT_EQ(rows[2]["field"], "registered_on");
  EXPECT_EQ(rows[2]["column"], "วันที่ใบอน");
  EXPECT_NE(rows[2]["reason"].get<std::string>().find("Buddhist Era"), std::string::npos);
  EXPECT_EQ(rows[3]["field"], "registration_no");
  EXPECT_EQ(rows[4]["field"], "type_code");
  EXPECT_EQ(rows[5]["outcome"], "updated");
  EXPECT_EQ(rows[5]["factory_id"], rows[0]["factory_id"]);
  EXPECT_EQ(rows[6]["field"], "lat");

  const json list = JsonOf(Get("/api/v1/factories", officer_));
  ASSERT_EQ(list["items"].size(), 2u);
  const json first = JsonOf(Get(FactoryPath(rows[0]["factory_id"].get<int64_t>()), officer_));
  EXPECT_EQ(first["name"], "อุดมทรัพย์ (ใหม่)");
  EXPECT_EQ(first["horsepower"], 300.0);
  EXPECT_EQ(first["workers"], 3);
  EXPECT_EQ(first["registered_on"], "2008-12-15");
  EXPECT_EQ(first["subdistrict_code"], "700501");
  EXPECT_EQ(first["address"], "152 หมู่ 13 ต.บ้านโป่ง อ.บ้านโป่ง จ.ราชบุรี 70110");

  // Importing the same file again changes nothing new: the known ones are updates.
  const json again = JsonOf(client_->Post("/api/v1/factories/import", CookieHeaders(officer_), kImportCsv, "text/csv"));
  EXPECT_EQ(again["accepted"], 0);
  EXPECT_EQ(again["updated"], 3);
  EXPECT_EQ(JsonOf(Get("/api/v1/factories", officer_))["items"].size(), 2u);

  auto wrong = client_->Post("/api/v1/factories/import", CookieHeaders(officer_), "a,b\n1,2\n", "text/csv");
  EXPECT_EQ(wrong->status, 422);
  EXPECT_EQ(JsonOf(wrong)["error"]["field"], "file");
  wrong = client_->Post("/api/v1/factories/import?mapping=excel", CookieHeaders(officer_), kImportCsv, "text/csv");
  EXPECT_EQ(JsonOf(wrong)["error"]["field"], "mapping");
  auto executive = server_->Login("banpong.executive");
  EXPECT_EQ(client_->Post("/api/v1/factories/import", CookieHeaders(executive), kImportCsv, "text/csv")->status, 403);
}

TEST_P(FactoriesApiTest, RegistryExportsAsCsvAndXlsxWithTheListFilters) {
  AddFactory(SampleFactory("โรงงาน \"ส่งออก\", หนึ่ง", "51"), officer_);
  json closed = SampleFactory("โรงงานปิด", "52");
  closed["status"] = "closed";
  AddFactory(closed, officer_);
  auto csv = Get("/api/v1/factories/export?format=csv&status=operating", officer_);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body;
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv->body.rfind("\xEF\xBB\xBFid,name,registration_no", 0), 0u);
  EXPECT_NE(csv->body.find("\"โรงงาน \"\"ส่งออก\"\", หนึ่ง\""), std::string::npos);
  EXPECT_EQ(csv->body.find("โรงงานปิด"), std::string::npos);
  auto xlsx = Get("/api/v1/factories/export?format=xlsx", officer_);
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->get_header_value("Content-Type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx->body.rfind("PK", 0), 0u);  // a ZIP container
  EXPECT_GT(xlsx->body.size(), 3000u);
  EXPECT_EQ(Get("/api/v1/factories/export?format=pdf", officer_)->status, 422);
}

TEST_P(FactoriesApiTest, FactoryTypesAreSearchable) {
  auto res = Get("/api/v1/factory-types?q=%E0%B8%9D%E0%B8%B1%E0%B8%87%E0%B8%81%E0%B8%A5%E0%B8%9A", officer_);
  ASSERT_EQ(res->status, 200) << res->body;
  const json items = JsonOf(res)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["class_code"], "10500");
  EXPECT_EQ(JsonOf(Get("/api/v1/factory-types?q=9(6)", officer_))["items"][0]["class_code"], "00906");
}

// Expiry reminders by e-mail: each LAO's thresholds, one mail per licence, threshold and
// recipient, never twice (a new mailer stands for a restart), again for a renewed expiry date.
TEST_P(FactoriesApiTest, LicenceExpiryRemindersAreEmailedOncePerLicenceAndThreshold) {
  const auto admin = server_->Login("banpong.admin");
  const auto Settings = [&](const json& body, const BrowserSession& who) {
    return Put("/api/v1/licences/reminders/settings", body, who);
  };
  const auto ExpectRefused = [&](const json& body, const std::string& field) {
    auto res = Settings(body, admin);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 422) << res->body;
    EXPECT_EQ(JsonOf(res)["error"]["field"], field) << res->body;
  };
  ExpectRefused({{"days", json::array()}, {"recipients", {"permits@banpong.go.th"}}}, "days");
  ExpectRefused({{"days", {0}}, {"recipients", {"permits@banpong.go.th"}}}, "days");
  ExpectRefused({{"days", {30, 30}}, {"recipients", {"permits@banpong.go.th"}}}, "days");
  ExpectRefused({{"days", {30}}, {"recipients", {"ไม่ใช่อีเมล"}}}, "recipients");
  ExpectRefused({{"days", {30}}, {"recipients", "permits@banpong.go.th"}}, "recipients");
  EXPECT_EQ(Settings({{"days", {30}}, {"recipients", {"a@b.go.th"}}}, officer_)->status, 403);
  EXPECT_FALSE(JsonOf(Get("/api/v1/licences/reminders/settings", admin))["configured"].get<bool>());
  auto saved = Settings({{"days", {7, 30}}, {"recipients", {"permits@banpong.go.th", "env@banpong.go.th"}}}, admin);
  ASSERT_EQ(saved->status, 200) << saved->body;
  EXPECT_EQ(JsonOf(saved)["days"], json({30, 7}));
  EXPECT_EQ(JsonOf(Get("/api/v1/licences/reminders/settings", officer_))["recipients"].size(), 2u);

  const int64_t id = AddFactory(SampleFactory("โรงงานแจ้งเตือนใบอนุญาต", "31"), officer_);
  const auto AddLicence = [&](const std::string& number, int days) {
    auto res = Post(FactoryPath(id, "/licences"),
                    {{"kind", "ph_hazardous_business"},
                     {"number", number},
                     {"issuer", "เทศบาลเมืองบ้านโป่ง"},
                     {"expires_on", DateIn(days)}},
                    officer_);
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res).value("id", int64_t{0});
  };
  AddLicence("20/2568", 20);                     // crossed 30
  const int64_t week = AddLicence("5/2568", 5);  // crossed 7 (and 30 long ago: only the nearer one)
  AddLicence("100/2568", 100);                   // not yet
  AddLicence("1/2567", -1);                      // already expired: the list of expired licences, not a reminder

  SmtpSink sink;
  notify::SmtpSettings smtp;
  smtp.url = sink.url();
  smtp.from = "ecotown@banpong.go.th";
  smtp.require_tls = false;
  smtp.timeout_seconds = 5;
  core::FakeClock clock(std::time(nullptr));
  // Without mail set up nothing is queued (it would be sent late, with the wrong days left).
  EXPECT_EQ(
      notify::LicenceReminderMailer(server_->runtime().transactor(), clock, notify::SmtpSettings{}).RunOnce().queued,
      0);
  EXPECT_EQ(JsonOf(Get("/api/v1/licences/reminders", officer_))["items"].size(), 0u);
  {
    notify::LicenceReminderMailer mailer(server_->runtime().transactor(), clock, smtp);
    const auto report = mailer.RunOnce();
    EXPECT_TRUE(report.mail.errors.empty()) << report.mail.errors.front();
    EXPECT_EQ(report.mail.sent, 4);  // 2 licences x 2 recipients
  }
  auto mails = sink.WaitFor(4);
  ASSERT_EQ(mails.size(), 4u);
  int for_week = 0;
  for (const auto& mail : mails) {
    ASSERT_EQ(mail.rcpt_to.size(), 1u);
    const std::string body = DecodeBase64(mail.data.substr(mail.data.find("\r\n\r\n") + 4));
    EXPECT_NE(body.find("โรงงานแจ้งเตือนใบอนุญาต"), std::string::npos) << body;
    EXPECT_NE(body.find("ใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ"), std::string::npos) << body;
    EXPECT_EQ(body.find("100/2568"), std::string::npos);
    EXPECT_EQ(body.find("1/2567"), std::string::npos);
    if (body.find("5/2568") != std::string::npos) {
      ++for_week;
      // The expiry date in the Thai style: day, Thai month name, Buddhist Era year.
      const core::CivilDate expiry = core::CivilFromDays(core::DaysFromCivil(core::BangkokDateOf(clock.NowUnix())) + 5);
      EXPECT_NE(body.find(core::FormatThaiDate(expiry)), std::string::npos) << body;
      EXPECT_NE(body.find("ในอีก 5 วัน"), std::string::npos) << body;
    }
  }
  EXPECT_EQ(for_week, 2);

  // A restart: a new mailer on the same database queues and sends nothing again.
  {
    notify::LicenceReminderMailer mailer(server_->runtime().transactor(), clock, smtp);
    const auto report = mailer.RunOnce();
    EXPECT_EQ(report.queued, 0);
    EXPECT_EQ(report.mail.sent, 0);
  }
  // Two weeks later the first licence crosses 7 days: one more mail per recipient.
  clock.Advance(14 * 86400);
  notify::LicenceReminderMailer mailer(server_->runtime().transactor(), clock, smtp);
  EXPECT_EQ(mailer.RunOnce().mail.sent, 2);
  // The week licence renewed: its new expiry date, 3 days after the (advanced) today, is reminded again.
  const std::string renewed_on = DateIn(14 + 3);
  ASSERT_EQ(Put("/api/v1/licences/" + std::to_string(week),
                {{"kind", "ph_hazardous_business"}, {"number", "5/2568"}, {"expires_on", renewed_on}}, officer_)
                ->status,
            200);
  EXPECT_EQ(mailer.RunOnce().mail.sent, 2);
  EXPECT_EQ(mailer.RunOnce().mail.sent, 0);
  EXPECT_EQ(sink.WaitFor(8).size(), 8u);

  const json sent = JsonOf(Get("/api/v1/licences/reminders", officer_));
  ASSERT_EQ(sent["items"].size(), 8u) << sent.dump();
  for (const auto& r : sent["items"]) EXPECT_EQ(r["status"], "sent") << r.dump();
  EXPECT_EQ(sent["items"][0]["expires_on"], renewed_on);
  EXPECT_EQ(sent["items"][0]["threshold_days"], 7);
  // Another LAO sees none of them.
  EXPECT_EQ(JsonOf(Get("/api/v1/licences/reminders", server_->Login("phatong.admin")))["items"].size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(http, FactoriesApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
