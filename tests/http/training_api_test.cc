// API tests of training: courses, sessions, attendees, results, certificates with Thai (พ.ศ.)
// numbers and dates, revocation, the expiring-soon list and the inspector-certificate check. The
// real server on 127.0.0.1, a fresh database per test, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>

#include "core/thai_calendar.h"
#include "http/test_server.h"
#include "support/pdf_text.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

// "YYYY-MM-DD" of the Bangkok day `days` from today.
std::string BangkokDay(int days) {
  const std::time_t t = std::time(nullptr) + 7 * 3600 + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

class TrainingApiTest : public ::testing::TestWithParam<std::string> {
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

  json Created(const httplib::Result& res, int status = 201) {
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, status) << res->body;
    return JsonOf(res);
  }

  int64_t AddCourse(bool certifies, int months) {
    return Created(Post("/api/v1/training/courses",
                        {{"title_th", "การตรวจประเมินโรงงานด้านสิ่งแวดล้อมและความปลอดภัย"},
                         {"title_en", "Environmental and safety inspection of factories"},
                         {"topic", "การตรวจโรงงาน"},
                         {"hours", 18},
                         {"certifies_inspectors", certifies},
                         {"validity_months", months}},
                        officer_))
        .value("id", int64_t{0});
  }

  int64_t AddSession(int64_t course, int starts_in_days) {
    return Created(Post("/api/v1/training/sessions",
                        {{"course_id", course},
                         {"starts_on", BangkokDay(starts_in_days)},
                         {"ends_on", BangkokDay(starts_in_days + 2)},
                         {"place", "ห้องประชุมเทศบาลเมืองบ้านโป่ง"},
                         {"trainers", "ดร.สมชาย ใจดี\nนางสาวพรทิพย์ รักษ์โลก"}},
                        officer_))
        .value("id", int64_t{0});
  }

  // Registers the user, records a pass and issues the certificate on the given day.
  json Certify(int64_t session, int64_t user_id, const std::string& issued_on) {
    const json attendee =
        Created(Post("/api/v1/training/sessions/" + std::to_string(session) + "/attendees", {{"user_id", user_id}},
                     officer_));
    const std::string id = std::to_string(attendee.value("id", int64_t{0}));
    Created(Put("/api/v1/training/attendees/" + id + "/result", {{"attended", true}, {"result", "passed"}, {"score", 88}},
                officer_),
            200);
    return Created(Post("/api/v1/training/attendees/" + id + "/certificate", {{"issued_on", issued_on}}, officer_));
  }

  json InspectorCheck(int64_t user_id) {
    return Created(Get("/api/v1/training/inspectors/" + std::to_string(user_id) + "/certificate", officer_), 200);
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
};

void ExpectError(const httplib::Result& res, int status, const std::string& field) {
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, status) << res->body;
  const json body = JsonOf(res);
  ASSERT_TRUE(body.contains("error")) << res->body;
  EXPECT_FALSE(body["error"].value("message", "").empty()) << res->body;
  EXPECT_EQ(body["error"].value("field", ""), field) << res->body;
}

TEST_P(TrainingApiTest, PassedAttendeeGetsAThaiNumberedCertificateThatQualifiesAsInspector) {
  const int64_t course = AddCourse(true, 24);
  const int64_t session = AddSession(course, -10);
  const int64_t user = server_->user_id("banpong.officer");
  EXPECT_FALSE(InspectorCheck(user).value("certified", true));

  const json certificate = Certify(session, user, BangkokDay(-5));
  const std::string year_be = std::to_string(std::stoi(BangkokDay(-5).substr(0, 4)) + 543);
  EXPECT_EQ(certificate.value("number", ""), "1/" + year_be);
  EXPECT_EQ(certificate.value("number_th", ""), "เลขที่ 1/" + year_be);
  EXPECT_NE(certificate.value("issued_th", "").find(year_be), std::string::npos) << certificate.dump();
  const std::string expiry_be = std::to_string(std::stoi(year_be) + 2);
  EXPECT_NE(certificate.value("valid_until_th", "").find(expiry_be), std::string::npos) << certificate.dump();
  EXPECT_TRUE(certificate.value("valid_now", false));

  const json check = InspectorCheck(user);
  EXPECT_TRUE(check.value("certified", false)) << check.dump();
  EXPECT_EQ(check["certificate"].value("id", int64_t{0}), certificate.value("id", int64_t{-1}));

  // The session page lists the attendee with the result and the certificate.
  const json detail = Created(Get("/api/v1/training/sessions/" + std::to_string(session), officer_), 200);
  ASSERT_EQ(detail["attendees"].size(), 1u);
  EXPECT_EQ(detail["attendees"][0].value("result", ""), "passed");
  EXPECT_EQ(detail["attendees"][0].value("score", 0.0), 88.0);
  EXPECT_EQ(detail["certificates"].size(), 1u);
  EXPECT_EQ(detail["course"].value("validity_months", 0), 24);
}

TEST_P(TrainingApiTest, APassedAttendeesCertificatePrintsAsAThaiPdf) {
  const int64_t course = AddCourse(true, 24);
  const int64_t session = AddSession(course, -10);
  const int64_t user = server_->user_id("banpong.officer");
  const json certificate = Certify(session, user, BangkokDay(-5));
  const int64_t attendee = certificate.value("attendee_id", int64_t{0});
  ASSERT_GT(attendee, 0) << certificate.dump();
  const std::string path = "/api/v1/training/attendees/" + std::to_string(attendee) + "/certificate.pdf";

  auto pdf = Get(path, officer_);
  ASSERT_TRUE(pdf);
  ASSERT_EQ(pdf->status, 200) << pdf->body.substr(0, 300);
  EXPECT_EQ(pdf->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(pdf->body.rfind("%PDF-", 0), 0u);
  const std::string text = PdfText(pdf->body);
  const auto issued = core::BangkokDateOf(std::time(nullptr) - 5 * 86400);
  for (const std::string& expected :
       {std::string("เกียรติบัตร"), std::string("ใบรับรองการผ่านการฝึกอบรม"), std::string("ผู้ใช้ทดสอบ banpong.officer"),
        std::string("การตรวจประเมินโรงงานด้านสิ่งแวดล้อมและความปลอดภัย"), std::string("18 ชั่วโมง"),
        std::string("ห้องประชุมเทศบาลเมืองบ้านโป่ง"), certificate.value("number", std::string("?")),
        core::FormatThaiDate(issued), std::string("ดร.สมชาย ใจดี")}) {
    EXPECT_NE(text.find(Squeeze(expected)), std::string::npos) << expected << "\n" << text;
  }
  // The Thai face is embedded (pdffonts lists it).
  EXPECT_NE(RunPoppler("pdffonts", pdf->body).find("Laksaman"), std::string::npos);

  // Someone without a result yet, or passed without an issued certificate, has none to print.
  const json pending = Created(Post("/api/v1/training/sessions/" + std::to_string(session) + "/attendees",
                                    {{"user_id", server_->user_id("banpong.admin")}}, officer_));
  const std::string pending_id = std::to_string(pending.value("id", int64_t{0}));
  ExpectError(Get("/api/v1/training/attendees/" + pending_id + "/certificate.pdf", officer_), 409, "attendee");
  Created(
      Put("/api/v1/training/attendees/" + pending_id + "/result", {{"attended", true}, {"result", "passed"}}, officer_),
      200);
  ExpectError(Get("/api/v1/training/attendees/" + pending_id + "/certificate.pdf", officer_), 409, "attendee");
  // A revoked certificate is not printed; another LAO does not see the attendee.
  ASSERT_EQ(Post("/api/v1/training/certificates/" + std::to_string(certificate.value("id", int64_t{0})) + "/revoke",
                 {{"reason", "ออกผิดคน"}}, officer_)
                ->status,
            200);
  ExpectError(Get(path, officer_), 409, "attendee");
  auto other = Get(path, server_->Login("phatong.admin"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

TEST_P(TrainingApiTest, ExpiredOrRevokedCertificateDoesNotQualify) {
  const int64_t course = AddCourse(true, 12);
  const int64_t old_session = AddSession(course, -800);
  const int64_t user = server_->user_id("banpong.officer");
  const json expired = Certify(old_session, user, BangkokDay(-790));
  EXPECT_FALSE(expired.value("valid_now", true)) << expired.dump();
  EXPECT_FALSE(InspectorCheck(user).value("certified", true)) << "expired a year ago";

  const int64_t session = AddSession(course, -10);
  const json current = Certify(session, user, BangkokDay(-5));
  EXPECT_TRUE(InspectorCheck(user).value("certified", false));

  const std::string revoke = "/api/v1/training/certificates/" + std::to_string(current.value("id", int64_t{0})) + "/revoke";
  ExpectError(Post(revoke, {{"reason", ""}}, officer_), 422, "reason");
  EXPECT_TRUE(InspectorCheck(user).value("certified", false)) << "a refused revocation changes nothing";
  const json revoked = Created(Post(revoke, {{"reason", "ผลสอบถูกตรวจพบว่าไม่ถูกต้อง"}}, officer_), 200);
  EXPECT_TRUE(revoked.value("revoked", false));
  EXPECT_FALSE(revoked.value("valid_now", true));
  EXPECT_FALSE(InspectorCheck(user).value("certified", true));
}

TEST_P(TrainingApiTest, ExpiringSoonListsOnlyCertificatesExpiringInTheWindow) {
  const int64_t course = AddCourse(true, 12);
  const int64_t user = server_->user_id("banpong.officer");
  const int64_t admin = server_->user_id("banpong.admin");
  const int64_t session = AddSession(course, -400);
  const json soon = Certify(session, user, BangkokDay(-350));    // expires in about 15 days
  const json later = Certify(AddSession(course, -40), admin, BangkokDay(-30));  // in about 335 days
  const json listed = Created(Get("/api/v1/training/certificates?expiring_within_days=60", officer_), 200);
  ASSERT_EQ(listed["items"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["items"][0].value("id", int64_t{0}), soon.value("id", int64_t{-1}));
  const json mine = Created(Get("/api/v1/training/certificates?user_id=" + std::to_string(admin), officer_), 200);
  ASSERT_EQ(mine["items"].size(), 1u);
  EXPECT_EQ(mine["items"][0].value("id", int64_t{0}), later.value("id", int64_t{-1}));
  ExpectError(Get("/api/v1/training/certificates?expiring_within_days=soon", officer_), 422, "expiring_within_days");
}

TEST_P(TrainingApiTest, BadInputNamesTheFieldAndSavesNothing) {
  ExpectError(Post("/api/v1/training/courses", {{"title_th", "หลักสูตร"}, {"hours", -1}}, officer_), 422, "hours");
  ExpectError(Post("/api/v1/training/courses", {{"hours", 6}}, officer_), 422, "title_th");
  ExpectError(Post("/api/v1/training/courses", {{"title_th", "x"}, {"hours", 6}, {"colour", "red"}}, officer_), 422,
              "colour");
  const int64_t course = AddCourse(false, 0);
  ExpectError(Post("/api/v1/training/sessions",
                   {{"course_id", course}, {"starts_on", "2025-02-30"}, {"place", "ห้อง"}}, officer_),
              422, "starts_on");
  ExpectError(Post("/api/v1/training/sessions",
                   {{"course_id", course}, {"starts_on", BangkokDay(0)}, {"ends_on", BangkokDay(-1)}, {"place", "ห้อง"}},
                   officer_),
              422, "ends_on");
  const json sessions = Created(Get("/api/v1/training/sessions", officer_), 200);
  EXPECT_TRUE(sessions["items"].empty());

  const int64_t session = AddSession(course, -3);
  const std::string attendees = "/api/v1/training/sessions/" + std::to_string(session) + "/attendees";
  ExpectError(Post(attendees, {{"person_name", "นายสมศักดิ์ มั่นคง"}}, officer_), 422, "factory_id");
  ExpectError(Post(attendees, {{"user_id", server_->user_id("boekphrai.officer")}}, officer_), 422, "user_id");
  const json attendee = Created(Post(attendees, {{"user_id", server_->user_id("banpong.admin")}}, officer_));
  const std::string id = std::to_string(attendee.value("id", int64_t{0}));
  ExpectError(Put("/api/v1/training/attendees/" + id + "/result", {{"attended", true}, {"result", "maybe"}}, officer_),
              422, "result");
  ExpectError(Put("/api/v1/training/attendees/" + id + "/result",
                  {{"attended", true}, {"result", "passed"}, {"score", 101}}, officer_),
              422, "score");
  ExpectError(Post("/api/v1/training/attendees/" + id + "/certificate", json::object(), officer_), 422, "attendee");
  const json after = Created(Get("/api/v1/training/sessions/" + std::to_string(session), officer_), 200);
  EXPECT_EQ(after["attendees"][0].value("result", ""), "pending");
  EXPECT_TRUE(after["certificates"].empty());
}

TEST_P(TrainingApiTest, OtherOrganisationsAndReadOnlyRolesCannotTouchTraining) {
  const int64_t course = AddCourse(true, 24);
  const json certificate = Certify(AddSession(course, -10), server_->user_id("banpong.officer"), BangkokDay(-5));
  const auto other = server_->Login("boekphrai.officer");
  auto res = Get("/api/v1/training/courses/" + std::to_string(course), other);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_TRUE(Created(Get("/api/v1/training/certificates", other), 200)["items"].empty());
  const auto executive = server_->Login("banpong.executive");
  auto create = Post("/api/v1/training/courses", {{"title_th", "x"}, {"hours", 3}}, executive);
  ASSERT_TRUE(create);
  EXPECT_EQ(create->status, 403);
  auto revoke = Post("/api/v1/training/certificates/" + std::to_string(certificate.value("id", int64_t{0})) + "/revoke",
                     {{"reason", "x"}}, other);
  ASSERT_TRUE(revoke);
  EXPECT_EQ(revoke->status, 404);
}

INSTANTIATE_TEST_SUITE_P(http, TrainingApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
