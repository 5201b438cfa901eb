// Training on both backends: courses, sessions, attendees and results, certificate numbering and
// expiry in Bangkok days, revocation, the expiring-soon list, tenant isolation, and the
// inspector-certificate query that inspection sign-off uses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/thai_calendar.h"
#include "modules/factories/factory_service.h"
#include "modules/training/training_service.h"
#include "store/store_fixture.h"

namespace ecotown::store {
namespace {

using training::Certificate;
using training::Course;
using training::Outcome;
using training::TrainingService;

// 2025-06-01 00:00 Bangkok; kNow (the fixture's clock) is 2025-06-15.
constexpr int64_t kJune1 = 1'748'710'800;
constexpr int64_t kDay = 86400;

class TrainingStoreTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(AddOrg("banpong", orgs::OrgType::kTown, std::nullopt).ok());
    ASSERT_TRUE(AddOrg("boekphrai", orgs::OrgType::kSubdistrictMunicipality, std::nullopt).ok());
    officer_ = AddUser("banpong", "bp-officer", Role::kOfficer).value();
    inspector_ = AddUser("banpong", "bp-inspector", Role::kInspector).value();
    executive_ = AddUser("banpong", "bp-mayor", Role::kExecutive).value();
    other_officer_ = AddUser("boekphrai", "bk-officer", Role::kOfficer).value();
  }

  // Runs fn as `user` in one write transaction at `now`.
  Status As(const User& user, const WorkFn& fn, int64_t now = kNow) {
    const Scope scope = ScopeOf(user);
    return transactor_->Write(scope, Info(now), fn);
  }

  Course AddCourse(const User& user, bool certifies, int months, const std::string& title = "การตรวจโรงงาน") {
    std::optional<Course> course;
    Status status = As(user, [&](UnitOfWork& work) -> Status {
      training::NewCourse request;
      request.title_th = title;
      request.title_en = "Factory inspection";
      request.topic = "สิ่งแวดล้อม";
      request.hours = 18;
      request.certifies_inspectors = certifies;
      request.validity_months = months;
      ASSIGN_OR_RETURN(course, TrainingService().CreateCourse(work, request));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return course.value_or(Course{});
  }

  int64_t AddSession(const User& user, int64_t course_id, int64_t starts_on = kJune1) {
    int64_t id = 0;
    Status status = As(user, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto session, TrainingService().CreateSession(
                                         work, {course_id, starts_on, starts_on + 2 * kDay, "ห้องประชุมเทศบาล", "อ.สมชาย"}));
      id = session.id;
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return id;
  }

  // Registers the user, marks them passed with the score and issues the certificate on the day.
  Result<Certificate> Certify(int64_t session_id, int64_t user_id, int64_t issued_on, double score = 85) {
    std::optional<Certificate> certificate;
    Status status = As(officer_, [&](UnitOfWork& work) -> Status {
      TrainingService service;
      ASSIGN_OR_RETURN(auto attendee, service.AddAttendee(work, session_id, {user_id, std::nullopt, std::nullopt}));
      RETURN_IF_ERROR(service.RecordResult(work, attendee.id, {true, Outcome::kPassed, score}).status());
      ASSIGN_OR_RETURN(certificate, service.IssueCertificate(work, attendee.id, issued_on));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *certificate;
  }

  Result<std::optional<Certificate>> InspectorCertificate(const User& as, int64_t user_id, int64_t at) {
    std::optional<Certificate> found;
    Status status = transactor_->Read(ScopeOf(as), Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(found, TrainingService().InspectorCertificate(work, user_id, at));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return found;
  }

  User officer_, inspector_, executive_, other_officer_;
};

TEST_P(TrainingStoreTest, CertificateOfPassedAttendeeIsNumberedPerYearAndExpiresAfterCourseValidity) {
  const Course course = AddCourse(officer_, true, 24);
  const int64_t session = AddSession(officer_, course.id);
  const int64_t issued = kJune1 + 3 * kDay;  // 4 June 2025
  auto first = Certify(session, inspector_.id, issued);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->number, "1/2568");
  EXPECT_EQ(first->issued_at, issued);
  // 4 June 2027, Bangkok midnight.
  const int64_t expected_expiry = core::DaysFromCivil({2027, 6, 4}) * kDay - 7 * 3600;
  EXPECT_EQ(first->valid_until, expected_expiry);
  EXPECT_EQ(first->person_name, "ผู้ใช้ bp-inspector");
  EXPECT_TRUE(first->certifies_inspectors);

  auto second = Certify(session, officer_.id, issued);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->number, "2/2568");
  EXPECT_EQ(Count("training_certificates"), 2);
  EXPECT_EQ(Count("audit_log", "entity = 'training_certificate'"), 2);
}

TEST_P(TrainingStoreTest, MonthEndIssueExpiresOnTheLastDayOfAShorterMonth) {
  const int64_t jan31 = core::DaysFromCivil({2024, 1, 31}) * kDay - 7 * 3600;
  EXPECT_EQ(training::AddMonthsBangkok(jan31, 1), core::DaysFromCivil({2024, 2, 29}) * kDay - 7 * 3600);
  EXPECT_EQ(training::AddMonthsBangkok(jan31, 12), core::DaysFromCivil({2025, 1, 31}) * kDay - 7 * 3600);
  // 23:30 Bangkok is still the same Bangkok day.
  EXPECT_EQ(training::BangkokDayStartOf(jan31 + 23 * 3600 + 1800), jan31);
}

TEST_P(TrainingStoreTest, InspectorCertificateIsValidOnlyBetweenIssueAndExpiryAndUntilRevoked) {
  const Course course = AddCourse(officer_, true, 12);
  const int64_t session = AddSession(officer_, course.id);
  const int64_t issued = kJune1 + 3 * kDay;
  auto certificate = Certify(session, inspector_.id, issued);
  ASSERT_TRUE(certificate.ok()) << certificate.status().ToString();

  auto before = InspectorCertificate(inspector_, inspector_.id, issued - 1);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->has_value()) << "not yet issued";
  auto during = InspectorCertificate(inspector_, inspector_.id, issued + 100 * kDay);
  ASSERT_TRUE(during.ok());
  ASSERT_TRUE(during->has_value());
  EXPECT_EQ((*during)->id, certificate->id);
  auto last_moment = InspectorCertificate(inspector_, inspector_.id, certificate->valid_until - 1);
  ASSERT_TRUE(last_moment.ok() && last_moment->has_value());
  auto expired = InspectorCertificate(inspector_, inspector_.id, certificate->valid_until);
  ASSERT_TRUE(expired.ok());
  EXPECT_FALSE(expired->has_value()) << "expired on valid_until";

  ASSERT_TRUE(As(officer_, [&](UnitOfWork& work) -> Status {
                return TrainingService().RevokeCertificate(work, certificate->id, "ทุจริตการสอบ").status();
              }).ok());
  auto revoked = InspectorCertificate(inspector_, inspector_.id, issued + 100 * kDay);
  ASSERT_TRUE(revoked.ok());
  EXPECT_FALSE(revoked->has_value()) << "revoked";
  // Revoking twice is a conflict, and the reason stays.
  Status again = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().RevokeCertificate(work, certificate->id, "ซ้ำ").status();
  });
  EXPECT_EQ(again.code(), StatusCode::kConflict);
  auto stored = Sql("SELECT revoked_reason FROM training_certificates WHERE id = $1", {V(certificate->id)});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->rows.at(0).Text(0), "ทุจริตการสอบ");
}

TEST_P(TrainingStoreTest, CertificateOfACourseThatDoesNotCertifyInspectorsDoesNotQualify) {
  const Course awareness = AddCourse(officer_, false, 0, "การคัดแยกขยะ");
  const int64_t session = AddSession(officer_, awareness.id);
  ASSERT_TRUE(Certify(session, inspector_.id, kJune1 + 3 * kDay).ok());
  auto found = InspectorCertificate(inspector_, inspector_.id, kNow);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_P(TrainingStoreTest, CertificateIsRefusedUnlessTheAttendeePassedAndNothingIsHalfSaved) {
  const Course course = AddCourse(officer_, true, 24);
  const int64_t session = AddSession(officer_, course.id);
  int64_t attendee_id = 0;
  ASSERT_TRUE(As(officer_, [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto a, TrainingService().AddAttendee(work, session, {inspector_.id, {}, {}}));
                attendee_id = a.id;
                return Status::Ok();
              }).ok());
  Status not_passed = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().IssueCertificate(work, attendee_id, std::nullopt).status();
  });
  EXPECT_EQ(not_passed.code(), StatusCode::kInvalid);
  EXPECT_EQ(not_passed.field(), "attendee");

  Status absent_but_passed = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().RecordResult(work, attendee_id, {false, Outcome::kPassed, 90}).status();
  });
  EXPECT_EQ(absent_but_passed.field(), "result");
  Status bad_score = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().RecordResult(work, attendee_id, {true, Outcome::kPassed, 130}).status();
  });
  EXPECT_EQ(bad_score.field(), "score");

  // A pass and an issue in one transaction that then fails: neither is kept.
  Status rolled_back = As(officer_, [&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(TrainingService().RecordResult(work, attendee_id, {true, Outcome::kPassed, 90}).status());
    RETURN_IF_ERROR(TrainingService().IssueCertificate(work, attendee_id, std::nullopt).status());
    return Status::Invalid("later step failed", "x");
  });
  EXPECT_FALSE(rolled_back.ok());
  EXPECT_EQ(Count("training_certificates"), 0);
  EXPECT_EQ(Count("training_attendees", "outcome = 'pending'"), 1);

  // Issued before the session's last day.
  Status early = As(officer_, [&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(TrainingService().RecordResult(work, attendee_id, {true, Outcome::kPassed, 90}).status());
    return TrainingService().IssueCertificate(work, attendee_id, kJune1).status();
  });
  EXPECT_EQ(early.field(), "issued_on");
  EXPECT_EQ(Count("training_certificates"), 0);
}

TEST_P(TrainingStoreTest, AttendeesAreStaffOrNamedFactoryStaffAndRegisteredOnce) {
  const Course course = AddCourse(officer_, true, 24);
  const int64_t session = AddSession(officer_, course.id);
  Status twice = As(officer_, [&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(TrainingService().AddAttendee(work, session, {inspector_.id, {}, {}}).status());
    return TrainingService().AddAttendee(work, session, {inspector_.id, {}, {}}).status();
  });
  EXPECT_EQ(twice.code(), StatusCode::kConflict);
  EXPECT_EQ(twice.field(), "user_id");

  Status other_lao_user = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().AddAttendee(work, session, {other_officer_.id, {}, {}}).status();
  });
  EXPECT_EQ(other_lao_user.field(), "user_id");
  Status no_factory = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().AddAttendee(work, session, {std::nullopt, std::string("นายสมศักดิ์"), {}}).status();
  });
  EXPECT_EQ(no_factory.field(), "factory_id");
  Status nobody = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().AddAttendee(work, session, {}).status();
  });
  EXPECT_EQ(nobody.field(), "person_name");
  EXPECT_EQ(Count("training_attendees"), 0);
}

TEST_P(TrainingStoreTest, FactoryStaffAttendByNameWithAFactoryOfTheSessionsOrganisation) {
  const Course course = AddCourse(officer_, false, 24, "การจัดการฝุ่นในโรงงาน");
  const int64_t session = AddSession(officer_, course.id);
  int64_t own_factory = 0, other_factory = 0;
  ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                factories::Factory draft;
                draft.org_id = officer_.org_id;
                draft.name = "บริษัท ศิลาบ้านโป่ง จำกัด";
                ASSIGN_OR_RETURN(const auto own, factories::FactoryService().Create(work, draft));
                own_factory = own.id;
                draft.org_id = other_officer_.org_id;
                draft.name = "หจก. เบิกไพรค้าไม้";
                ASSIGN_OR_RETURN(const auto other, factories::FactoryService().Create(work, draft));
                other_factory = other.id;
                return Status::Ok();
              }).ok());
  Status other_lao = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().AddAttendee(work, session, {std::nullopt, std::string("นายสมศักดิ์ มั่นคง"), other_factory}).status();
  });
  EXPECT_EQ(other_lao.field(), "factory_id");
  std::optional<Certificate> certificate;
  ASSERT_TRUE(As(officer_, [&](UnitOfWork& work) -> Status {
                TrainingService service;
                ASSIGN_OR_RETURN(auto a, service.AddAttendee(work, session, {std::nullopt, std::string("นายสมศักดิ์ มั่นคง"), own_factory}));
                RETURN_IF_ERROR(service.RecordResult(work, a.id, {true, Outcome::kPassed, 75}).status());
                ASSIGN_OR_RETURN(certificate, service.IssueCertificate(work, a.id, kJune1 + 3 * kDay));
                return Status::Ok();
              }).ok());
  EXPECT_FALSE(certificate->user_id.has_value());
  EXPECT_EQ(certificate->factory_id, own_factory);
  EXPECT_EQ(certificate->person_name, "นายสมศักดิ์ มั่นคง");
}

TEST_P(TrainingStoreTest, ExpiringSoonListsValidCertificatesExpiringWithinTheWindow) {
  const Course course = AddCourse(officer_, true, 12);
  const int64_t session = AddSession(officer_, course.id, kJune1 - 400 * kDay);
  // Issued about a year before kNow: expires shortly after kNow.
  auto soon = Certify(session, inspector_.id, kNow - 350 * kDay);
  ASSERT_TRUE(soon.ok()) << soon.status().ToString();
  auto later = Certify(session, officer_.id, kNow - 100 * kDay);
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  std::vector<Certificate> listed;
  ASSERT_TRUE(As(officer_, [&](UnitOfWork& work) -> Status {
                training::CertificateFilter filter;
                filter.expiring_before = work.info().now + 60 * kDay;
                ASSIGN_OR_RETURN(listed, TrainingService().Certificates(work, filter));
                return Status::Ok();
              }).ok());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, soon->id);
}

TEST_P(TrainingStoreTest, AnotherOrganisationSeesNoCoursesOrCertificatesAndCannotWrite) {
  const Course course = AddCourse(officer_, true, 24);
  const int64_t session = AddSession(officer_, course.id);
  auto certificate = Certify(session, inspector_.id, kJune1 + 3 * kDay);
  ASSERT_TRUE(certificate.ok());
  std::vector<Course> courses;
  Status read = As(other_officer_, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(courses, TrainingService().Courses(work));
    return TrainingService().GetCertificate(work, certificate->id).status();
  });
  EXPECT_EQ(read.code(), StatusCode::kNotFound);
  EXPECT_TRUE(courses.empty());
  Status write = As(other_officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().RevokeCertificate(work, certificate->id, "x").status();
  });
  EXPECT_EQ(write.code(), StatusCode::kNotFound);
  auto seen_by_other = InspectorCertificate(other_officer_, inspector_.id, kNow);
  ASSERT_TRUE(seen_by_other.ok());
  EXPECT_FALSE(seen_by_other->has_value());
  // An executive reads but cannot create.
  Status executive = As(executive_, [&](UnitOfWork& work) -> Status {
    return TrainingService().CreateCourse(work, {std::nullopt, "x", "", "", 3, false, 0}).status();
  });
  EXPECT_EQ(executive.code(), StatusCode::kForbidden);
}

TEST_P(TrainingStoreTest, CourseAndSessionFieldsAreValidatedByName) {
  Status no_title = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().CreateCourse(work, {std::nullopt, " ", "", "", 3, false, 0}).status();
  });
  EXPECT_EQ(no_title.field(), "title_th");
  Status hours = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().CreateCourse(work, {std::nullopt, "หลักสูตร", "", "", 0, false, 0}).status();
  });
  EXPECT_EQ(hours.field(), "hours");
  Status months = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().CreateCourse(work, {std::nullopt, "หลักสูตร", "", "", 6, false, -1}).status();
  });
  EXPECT_EQ(months.field(), "validity_months");
  const Course course = AddCourse(officer_, false, 0);
  Status backwards = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().CreateSession(work, {course.id, kJune1, kJune1 - kDay, "ห้อง", ""}).status();
  });
  EXPECT_EQ(backwards.field(), "ends_on");
  Status unknown = As(officer_, [&](UnitOfWork& work) -> Status {
    return TrainingService().CreateSession(work, {course.id + 99, kJune1, kJune1, "ห้อง", ""}).status();
  });
  EXPECT_EQ(unknown.field(), "course_id");
  EXPECT_EQ(Count("training_courses"), 1);
  EXPECT_EQ(Count("training_sessions"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, TrainingStoreTest, ::testing::Values("sqlite", "postgres"), BackendName);

}  // namespace
}  // namespace ecotown::store
