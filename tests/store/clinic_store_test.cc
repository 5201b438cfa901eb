// The pollution clinic on both backends: a factory representative files for its own factory and
// sees only its own cases; the case workflow (accept, decline with a reason, work only on open
// cases, close only with a measured outcome); nothing half-saved; and the knowledge base's Thai
// substring search with title matches first, over the shipped starter articles.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "modules/clinic/clinic_service.h"
#include "modules/factories/factory_service.h"
#include "store/clinic_articles_loader.h"
#include "store/store_fixture.h"

namespace ecotown::store {
namespace {

using clinic::Case;
using clinic::CaseStatus;
using clinic::ClinicService;
using clinic::Topic;

constexpr int64_t kDay = 86400;

class ClinicStoreTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(AddOrg("banpong", orgs::OrgType::kTown, std::nullopt).ok());
    ASSERT_TRUE(AddOrg("boekphrai", orgs::OrgType::kSubdistrictMunicipality, std::nullopt).ok());
    officer_ = AddUser("banpong", "bp-officer", Role::kOfficer).value();
    executive_ = AddUser("banpong", "bp-mayor", Role::kExecutive).value();
    other_officer_ = AddUser("boekphrai", "bk-officer", Role::kOfficer).value();
    mill_ = AddFactory("banpong", "บริษัท โรงโม่หินบ้านโป่ง จำกัด");
    cannery_ = AddFactory("banpong", "บริษัท อาหารกระป๋องแม่กลอง จำกัด");
    other_lao_factory_ = AddFactory("boekphrai", "หจก. เบิกไพรค้าไม้");
  }

  int64_t AddFactory(const std::string& org, const std::string& name) {
    int64_t id = 0;
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const auto o, work.orgs().FindByCode(org));
      factories::Factory draft;
      draft.org_id = o.id;
      draft.name = name;
      draft.business = "ทดสอบ";
      ASSIGN_OR_RETURN(const auto factory, factories::FactoryService().Create(work, draft));
      id = factory.id;
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return id;
  }

  // The scope of a factory representative of the factory, as the HTTP layer builds it.
  Scope RepScope(int64_t factory_id) {
    accounts::NewUser request{"banpong", "rep-" + std::to_string(factory_id), Role::kFactory, "ผู้แทนโรงงาน",
                              std::nullopt, factory_id};
    std::optional<User> created;
    EXPECT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(created, accounts_.CreateUser(work, request));
                  return Status::Ok();
                }).ok());
    tenancy::Principal principal;
    principal.user_id = created->id;
    principal.org_id = created->org_id;
    principal.org_code = created->org_code;
    principal.role = Role::kFactory;
    principal.name = created->username;
    principal.factory_id = factory_id;
    std::optional<Scope> scope;
    EXPECT_TRUE(transactor_->Read(Scope::System("test"), Info(), [&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(scope, AccountService::BuildScope(work.orgs(), principal));
                  return Status::Ok();
                }).ok());
    return scope.value_or(Scope(principal, {}, false));
  }

  Status In(const Scope& scope, const WorkFn& fn) { return transactor_->Write(scope, Info(), fn); }

  Result<Case> File(const Scope& scope, std::optional<int64_t> factory_id, Topic topic = Topic::kDust) {
    std::optional<Case> filed;
    Status status = In(scope, [&](UnitOfWork& work) -> Status {
      clinic::NewRequest request;
      request.factory_id = factory_id;
      request.topic = topic;
      request.request_text = "ฝุ่นจากเครื่องบดปลิวเข้าหมู่บ้านช่วงบ่าย ขอคำแนะนำการติดตั้งสเปรย์น้ำ";
      request.contact_name = "นายวิชัย";
      request.contact_phone = "081-234-5678";
      ASSIGN_OR_RETURN(filed, ClinicService().FileRequest(work, request));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *filed;
  }

  Status Move(int64_t id, CaseStatus to, const std::string& reason = "") {
    return In(ScopeOf(officer_),
              [&](UnitOfWork& work) { return ClinicService().Move(work, id, to, reason).status(); });
  }

  std::vector<Case> CasesAs(const Scope& scope, clinic::CaseQuery query = {}) {
    std::vector<Case> cases;
    EXPECT_TRUE(transactor_->Read(scope, Info(), [&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(cases, ClinicService().Cases(work, query));
                  return Status::Ok();
                }).ok());
    return cases;
  }

  static clinic::Outcome TspOutcome() {
    clinic::Outcome o;
    o.indicator = "ฝุ่นละอองรวม (TSP) ที่รั้วด้านใต้ลม";
    o.unit = "มก./ลบ.ม.";
    o.before_value = 0.62;
    o.before_on = kNow - 40 * kDay;
    o.after_value = 0.21;
    o.after_on = kNow - 2 * kDay;
    return o;
  }

  User officer_, executive_, other_officer_;
  int64_t mill_ = 0, cannery_ = 0, other_lao_factory_ = 0;
};

TEST_P(ClinicStoreTest, FactoryRepresentativeFilesForItsOwnFactoryAndSeesOnlyItsOwnCases) {
  const Scope rep = RepScope(mill_);
  auto own = File(rep, std::nullopt);
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->factory_id, mill_);
  EXPECT_TRUE(own->filed_by_factory);
  EXPECT_EQ(own->status, CaseStatus::kRequested);

  auto for_other = File(rep, cannery_);
  EXPECT_EQ(for_other.status().code(), StatusCode::kNotFound);
  auto officer_case = File(ScopeOf(officer_), cannery_, Topic::kOdour);
  ASSERT_TRUE(officer_case.ok()) << officer_case.status().ToString();

  const auto seen = CasesAs(rep);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, own->id);
  Status read_other = transactor_->Read(rep, Info(), [&](UnitOfWork& work) {
    return ClinicService().GetCase(work, officer_case->id).status();
  });
  EXPECT_EQ(read_other.code(), StatusCode::kNotFound);
  // A representative cannot act on its own case either: that is the officers' work.
  Status accept = In(rep, [&](UnitOfWork& work) {
    return ClinicService().Move(work, own->id, CaseStatus::kAccepted, "").status();
  });
  EXPECT_EQ(accept.code(), StatusCode::kForbidden);
  EXPECT_EQ(CasesAs(ScopeOf(officer_)).size(), 2u);
  EXPECT_TRUE(CasesAs(ScopeOf(other_officer_)).empty());
  EXPECT_EQ(Count("audit_log", "entity = 'clinic_case'"), 2);
}

TEST_P(ClinicStoreTest, OfficerCannotFileForAnotherOrganisationsFactoryAndExecutiveCannotFile) {
  auto other = File(ScopeOf(officer_), other_lao_factory_);
  EXPECT_EQ(other.status().field(), "factory_id");
  auto executive = File(ScopeOf(executive_), mill_);
  EXPECT_EQ(executive.status().code(), StatusCode::kForbidden);
  Status bad_text = In(ScopeOf(officer_), [&](UnitOfWork& work) {
    return ClinicService().FileRequest(work, {mill_, Topic::kNoise, "ดัง", "", ""}).status();
  });
  EXPECT_EQ(bad_text.field(), "request_text");
  Status bad_phone = In(ScopeOf(officer_), [&](UnitOfWork& work) {
    return ClinicService()
        .FileRequest(work, {mill_, Topic::kNoise, "เสียงพัดลมดังตอนกลางคืน", "", "โทร 08x"})
        .status();
  });
  EXPECT_EQ(bad_phone.field(), "contact_phone");
  EXPECT_EQ(Count("clinic_cases"), 0);
}

TEST_P(ClinicStoreTest, CaseWorkflowNeedsAcceptanceAReasonToDeclineAndAMeasuredOutcomeToClose) {
  auto c = File(ScopeOf(officer_), mill_);
  ASSERT_TRUE(c.ok());
  const Scope officer = ScopeOf(officer_);
  clinic::Visit visit;
  visit.visited_on = kNow;
  visit.advice = "ติดหัวพ่นละอองน้ำที่ปากเครื่องบด";
  Status too_early = In(officer, [&](UnitOfWork& work) { return ClinicService().AddVisit(work, c->id, visit).status(); });
  EXPECT_EQ(too_early.code(), StatusCode::kConflict);
  EXPECT_EQ(too_early.field(), "status");

  EXPECT_EQ(Move(c->id, CaseStatus::kClosed).field(), "status");
  ASSERT_TRUE(Move(c->id, CaseStatus::kAccepted).ok());
  ASSERT_TRUE(Move(c->id, CaseStatus::kInProgress).ok());
  ASSERT_TRUE(In(officer, [&](UnitOfWork& work) -> Status {
                ClinicService service;
                RETURN_IF_ERROR(service.AddVisit(work, c->id, visit).status());
                clinic::Measure measure;
                measure.description = "ปิดคลุมสายพานจุดเทวัสดุ";
                measure.owner = "หัวหน้าฝ่ายผลิต";
                measure.due_on = kNow + 30 * kDay;
                ASSIGN_OR_RETURN(const auto m, service.AddMeasure(work, c->id, measure));
                RETURN_IF_ERROR(service.SetMeasureDone(work, m.id, kNow).status());
                return service.AddFollowUp(work, c->id, {0, 0, kNow + 45 * kDay, "วัดฝุ่นที่รั้วซ้ำ"}).status();
              }).ok());

  Status unmeasured_close = Move(c->id, CaseStatus::kClosed);
  EXPECT_EQ(unmeasured_close.code(), StatusCode::kConflict);
  EXPECT_EQ(unmeasured_close.field(), "outcomes");

  clinic::Outcome backwards = TspOutcome();
  backwards.after_on = backwards.before_on - kDay;
  Status bad_outcome = In(officer, [&](UnitOfWork& work) {
    return ClinicService().AddOutcome(work, c->id, backwards).status();
  });
  EXPECT_EQ(bad_outcome.field(), "after_on");
  ASSERT_TRUE(In(officer, [&](UnitOfWork& work) {
                return ClinicService().AddOutcome(work, c->id, TspOutcome()).status();
              }).ok());
  ASSERT_TRUE(Move(c->id, CaseStatus::kClosed).ok());

  std::optional<clinic::CaseDetail> detail;
  ASSERT_TRUE(transactor_->Read(RepScope(mill_), Info(), [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(detail, ClinicService().GetCase(work, c->id));
                return Status::Ok();
              }).ok());
  EXPECT_EQ(detail->item.status, CaseStatus::kClosed);
  ASSERT_EQ(detail->visits.size(), 1u);
  ASSERT_EQ(detail->measures.size(), 1u);
  EXPECT_EQ(detail->measures[0].done_on, kNow);
  ASSERT_EQ(detail->follow_ups.size(), 1u);
  ASSERT_EQ(detail->outcomes.size(), 1u);
  EXPECT_DOUBLE_EQ(detail->outcomes[0].after_value, 0.21);
  // Closed: no more work recorded.
  Status after_close = In(officer, [&](UnitOfWork& work) { return ClinicService().AddVisit(work, c->id, visit).status(); });
  EXPECT_EQ(after_close.field(), "status");
}

TEST_P(ClinicStoreTest, DeclineNeedsAReasonAndAFailedWriteLeavesNothing) {
  auto c = File(ScopeOf(officer_), mill_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Move(c->id, CaseStatus::kDeclined, "  ").field(), "reason");
  ASSERT_TRUE(Move(c->id, CaseStatus::kDeclined, "เป็นเรื่องในความดูแลของสำนักงานอุตสาหกรรมจังหวัด").ok());
  auto stored = Sql("SELECT status, decline_reason FROM clinic_cases WHERE id = $1", {V(c->id)});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->rows.at(0).Text(0), "declined");

  auto open = File(ScopeOf(officer_), cannery_);
  ASSERT_TRUE(open.ok());
  ASSERT_TRUE(Move(open->id, CaseStatus::kAccepted).ok());
  Status rolled_back = In(ScopeOf(officer_), [&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(ClinicService().AddOutcome(work, open->id, TspOutcome()).status());
    clinic::Measure bad;
    bad.description = "x";
    return ClinicService().AddMeasure(work, open->id, bad).status();  // no owner
  });
  EXPECT_EQ(rolled_back.field(), "owner");
  EXPECT_EQ(Count("clinic_outcomes"), 0);
  EXPECT_EQ(Count("clinic_measures"), 0);
}

TEST_P(ClinicStoreTest, AdvisersAreStaffOfTheCaseOrganisation) {
  auto c = File(ScopeOf(officer_), mill_);
  ASSERT_TRUE(c.ok());
  std::vector<clinic::Adviser> advisers;
  ASSERT_TRUE(In(ScopeOf(officer_), [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(advisers, ClinicService().SetAdvisers(work, c->id, {officer_.id, executive_.id}));
                return Status::Ok();
              }).ok());
  EXPECT_EQ(advisers.size(), 2u);
  Status other_lao = In(ScopeOf(officer_), [&](UnitOfWork& work) {
    return ClinicService().SetAdvisers(work, c->id, {other_officer_.id}).status();
  });
  EXPECT_EQ(other_lao.field(), "advisers");
  EXPECT_EQ(Count("clinic_case_advisers"), 2);
}

TEST_P(ClinicStoreTest, CaseListFiltersByStatusTopicAndFactory) {
  ASSERT_TRUE(File(ScopeOf(officer_), mill_, Topic::kDust).ok());
  auto odour = File(ScopeOf(officer_), cannery_, Topic::kOdour);
  ASSERT_TRUE(odour.ok());
  ASSERT_TRUE(Move(odour->id, CaseStatus::kAccepted).ok());
  clinic::CaseQuery by_topic;
  by_topic.topic = Topic::kOdour;
  ASSERT_EQ(CasesAs(ScopeOf(officer_), by_topic).size(), 1u);
  clinic::CaseQuery by_status;
  by_status.status = CaseStatus::kRequested;
  const auto requested = CasesAs(ScopeOf(officer_), by_status);
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_EQ(requested[0].factory_id, mill_);
  EXPECT_EQ(requested[0].factory_name, "บริษัท โรงโม่หินบ้านโป่ง จำกัด");
  clinic::CaseQuery by_factory;
  by_factory.factory_id = cannery_;
  ASSERT_EQ(CasesAs(ScopeOf(officer_), by_factory).size(), 1u);
}

TEST_P(ClinicStoreTest, ShippedArticlesAreFoundByThaiSubstringWithTitleMatchesFirst) {
  auto loaded = LoadClinicArticles(*db_, testing::ProjectDataDir(), kNow);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_GE(*loaded, 8);
  // Loading again replaces by slug instead of duplicating.
  ASSERT_TRUE(LoadClinicArticles(*db_, testing::ProjectDataDir(), kNow).ok());
  EXPECT_EQ(Count("clinic_articles"), *loaded);

  std::vector<clinic::Article> found;
  const Scope rep = RepScope(mill_);
  const auto search = [&](const std::string& text) {
    EXPECT_TRUE(transactor_->Read(rep, Info(), [&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(found, ClinicService().SearchArticles(work, {text, std::nullopt, 50}));
                  return Status::Ok();
                }).ok());
  };
  // "ไขมัน" sits inside "บ่อดักไขมัน" with no space around it.
  search("ไขมัน");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].slug, "grease-trap");
  // "ฝุ่น" is in the dust article's title and in the body of others: the title match comes first.
  search("ฝุ่น");
  ASSERT_GE(found.size(), 2u);
  EXPECT_NE(found[0].title.find("ฝุ่น"), std::string::npos);
  bool body_only_seen = false;
  for (const auto& article : found) {
    const bool in_title = article.title.find("ฝุ่น") != std::string::npos;
    EXPECT_FALSE(in_title && body_only_seen) << article.slug << " matches in its title but comes after a body-only match";
    body_only_seen = body_only_seen || !in_title;
  }
  EXPECT_TRUE(body_only_seen) << "other articles mention dust in their text";
  // Latin tags match whatever their case.
  search("pm10");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].slug, "dust-crusher-stockpile");
  search("%");
  EXPECT_TRUE(found.empty()) << "a LIKE wildcard is searched as a character";
  search("คำที่ไม่มีในคลังความรู้แน่นอน");
  EXPECT_TRUE(found.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ClinicStoreTest, ::testing::Values("sqlite", "postgres"), BackendName);

}  // namespace
}  // namespace ecotown::store
