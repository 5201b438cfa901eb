// The inspections area on every backend: shared default checklists and versioned LAO copies,
// planning, the offline sync applied exactly once (replays change nothing, newer answers win),
// photos refused unless JPEG/PNG/WebP within 5 MiB, sign-off only by a certified assigned
// inspector (nothing saved otherwise), read-only after sign-off, re-inspection carrying open
// actions, and a factory representative reading only its own factory's open actions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "modules/factories/factory_service.h"
#include "modules/inspections/checklist_service.h"
#include "modules/inspections/inspection_service.h"
#include "modules/training/training_service.h"
#include "store/checklist_loader.h"
#include "store/store_fixture.h"

namespace ecotown::store {
namespace {

using inspections::ChecklistService;
using inspections::ChecklistTemplate;
using inspections::InspectionService;
using inspections::SyncOp;

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);

class InspectionStoreTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto loaded = LoadDefaultChecklists(*db_, ECOTOWN_DATA_DIR, kNow);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_EQ(*loaded, 2);
    ASSERT_TRUE(AddOrg("lao-a", orgs::OrgType::kTown, std::nullopt).ok());
    ASSERT_TRUE(AddOrg("lao-b", orgs::OrgType::kTown, std::nullopt).ok());
    admin_ = *AddUser("lao-a", "a.admin", Role::kLaoAdmin);
    officer_ = *AddUser("lao-a", "a.officer", Role::kOfficer);
    inspector_ = *AddUser("lao-a", "a.inspector", Role::kInspector);
    other_admin_ = *AddUser("lao-b", "b.admin", Role::kLaoAdmin);
    factory1_ = AddFactory("lao-a", "โรงงานแป้งมันบ้านโป่ง");
    factory2_ = AddFactory("lao-a", "โรงงานอิฐมอญเบิกไพร");
    rep1_ = AddFactoryUser("a.rep1", factory1_);
    for (const auto& t : Templates(Scope::System("test"))) {
      if (t.code == "environment") env_ = t;
    }
    ASSERT_GT(env_.id, 0);
  }

  int64_t AddFactory(const std::string& org, const std::string& name) {
    int64_t id = 0;
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const auto o, work.orgs().FindByCode(org));
      factories::Factory draft;
      draft.org_id = o.id;
      draft.name = name;
      ASSIGN_OR_RETURN(const auto f, factories::FactoryService().Create(work, draft));
      id = f.id;
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return id;
  }

  User AddFactoryUser(const std::string& username, int64_t factory_id) {
    std::optional<User> created;
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      accounts::NewUser request{"lao-a", username, Role::kFactory, "ผู้แทน " + username, std::nullopt, factory_id};
      ASSIGN_OR_RETURN(created, accounts_.CreateUser(work, request));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return *created;
  }

  Scope FactoryScope(const User& user) {
    tenancy::Principal principal;
    principal.user_id = user.id;
    principal.org_id = user.org_id;
    principal.org_code = user.org_code;
    principal.role = Role::kFactory;
    principal.name = user.username;
    principal.factory_id = user.factory_id;
    return Scope(principal, {user.org_id}, false);
  }

  // A passed course that certifies inspectors, and its certificate for the user.
  void Certify(const User& user) {
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      training::TrainingService training;
      training::NewCourse course;
      course.org_code = "lao-a";
      course.title_th = "หลักสูตรผู้ตรวจโรงงานด้านสิ่งแวดล้อมและความปลอดภัย";
      course.topic = "การตรวจโรงงาน";
      course.hours = 18;
      course.certifies_inspectors = true;
      course.validity_months = 24;
      ASSIGN_OR_RETURN(const auto c, training.CreateCourse(work, course));
      ASSIGN_OR_RETURN(const auto s, training.CreateSession(work, {c.id, kNow - 30 * 86400, kNow - 28 * 86400, "ห้องประชุม", "วิทยากร"}));
      ASSIGN_OR_RETURN(const auto a, training.AddAttendee(work, s.id, {user.id, std::nullopt, std::nullopt}));
      ASSIGN_OR_RETURN(const auto r, training.RecordResult(work, a.id, {true, training::Outcome::kPassed, 85.0}));
      ASSIGN_OR_RETURN(const auto cert, training.IssueCertificate(work, r.id, std::nullopt));
      (void)cert;
      return Status::Ok();
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<ChecklistTemplate> Templates(const Scope& scope) {
    std::vector<ChecklistTemplate> out;
    Status status = transactor_->Read(scope, Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(out, ChecklistService().List(work, false));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return out;
  }

  Status As(const User& user, const WorkFn& fn, int64_t now = kNow) {
    return transactor_->Write(ScopeOf(user), Info(now), fn);
  }

  int64_t Plan(int64_t factory_id, std::vector<int64_t> inspectors) {
    int64_t id = 0;
    Status status = As(officer_, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const auto i, InspectionService().Plan(work, {factory_id, env_.id, inspectors, "2025-06-20", ""}));
      id = i.id;
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return id;
  }

  static SyncOp Yes(const std::string& op_id, const std::string& key, int64_t at, const std::string& choice = "yes") {
    SyncOp op;
    op.id = op_id;
    op.kind = "answer";
    op.at = at;
    op.item_key = key;
    op.choice = choice;
    return op;
  }

  Result<std::vector<inspections::SyncOutcome>> Sync(const User& user, int64_t id, const std::vector<SyncOp>& ops) {
    std::vector<inspections::SyncOutcome> out;
    Status status = As(user, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(out, InspectionService().Sync(work, id, ops));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return out;
  }

  inspections::InspectionReport Report(int64_t id) {
    std::optional<inspections::InspectionReport> report;
    Status status = transactor_->Read(ScopeOf(officer_), Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(report, InspectionService().Report(work, id));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return *report;
  }

  // Every scorable item of the environment checklist answered compliant, as sync operations.
  std::vector<SyncOp> AnswerAll(const std::string& prefix) {
    std::vector<SyncOp> ops;
    int n = 0;
    for (const auto& s : env_.sections) {
      for (const auto& item : s.items) {
        SyncOp op = Yes(prefix + "-" + std::to_string(n++) + "-xxxxxxxx", item.key, kNow);
        if (item.answer_type == inspections::AnswerType::kScore) {
          op.choice.reset();
          op.number = item.score_max;
        } else if (item.answer_type == inspections::AnswerType::kMeasure) {
          op.choice.reset();
          op.number = item.upper.value_or(*item.lower);
        } else if (item.answer_type == inspections::AnswerType::kText) {
          continue;
        }
        ops.push_back(op);
      }
    }
    return ops;
  }

  User admin_, officer_, inspector_, other_admin_, rep1_;
  int64_t factory1_ = 0, factory2_ = 0;
  ChecklistTemplate env_;
};

TEST_P(InspectionStoreTest, DefaultChecklistsLoadOnceAndAreSharedReadOnly) {
  auto again = LoadDefaultChecklists(*db_, ECOTOWN_DATA_DIR, kNow + 60);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(Count("checklist_templates"), 2);
  for (const auto& user : {officer_, other_admin_}) {
    const auto list = Templates(ScopeOf(user));
    ASSERT_EQ(list.size(), 2u);
    EXPECT_TRUE(list[0].shared());
  }
  Status edit = As(admin_, [&](UnitOfWork& work) -> Status {
    return ChecklistService().Edit(work, env_.id, {"แก้", "", "", env_.sections}).status();
  });
  EXPECT_EQ(edit.code(), StatusCode::kForbidden);
}

TEST_P(InspectionStoreTest, AnEditOfAnLaoCopyIsANewVersionAndOnlyAdminsEdit) {
  ChecklistTemplate copy;
  ASSERT_TRUE(As(admin_, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(copy, ChecklistService().Copy(work, env_.id, {std::string("env-a"), std::nullopt}));
    return Status::Ok();
  }).ok());
  EXPECT_EQ(copy.version, 1);
  EXPECT_EQ(copy.based_on_id, env_.id);
  auto sections = copy.sections;
  sections[0].items[0].text_th = "ระบบบำบัดอากาศเปิดใช้งาน (ฉบับแก้ไข)";
  ChecklistTemplate v2;
  ASSERT_TRUE(As(admin_, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(v2, ChecklistService().Edit(work, copy.id, {copy.title_th, "", "", sections}));
    return Status::Ok();
  }).ok());
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v2.sections[0].items[0].text_th, "ระบบบำบัดอากาศเปิดใช้งาน (ฉบับแก้ไข)");
  // Version 1 is unchanged and no longer editable.
  Status stale = As(admin_, [&](UnitOfWork& work) -> Status {
    return ChecklistService().Edit(work, copy.id, {copy.title_th, "", "", sections}).status();
  });
  EXPECT_EQ(stale.code(), StatusCode::kConflict);
  EXPECT_EQ(stale.field(), "version");
  Status officer = As(officer_, [&](UnitOfWork& work) -> Status {
    return ChecklistService().Edit(work, v2.id, {copy.title_th, "", "", sections}).status();
  });
  EXPECT_EQ(officer.code(), StatusCode::kForbidden);
  Status dup = As(admin_, [&](UnitOfWork& work) -> Status {
    return ChecklistService().Copy(work, env_.id, {std::string("env-a"), std::nullopt}).status();
  });
  EXPECT_EQ(dup.code(), StatusCode::kConflict);
  EXPECT_EQ(dup.field(), "code");
  // Another LAO sees only the shared defaults.
  EXPECT_EQ(Templates(ScopeOf(other_admin_)).size(), 2u);
  EXPECT_EQ(Templates(ScopeOf(admin_)).size(), 3u);
  Status hidden = transactor_->Read(ScopeOf(other_admin_), Info(), [&](UnitOfWork& work) -> Status {
    return ChecklistService().Get(work, v2.id).status();
  });
  EXPECT_EQ(hidden.code(), StatusCode::kNotFound);
}

TEST_P(InspectionStoreTest, PlanningChecksInspectorsAndDate) {
  Status bad_date = As(officer_, [&](UnitOfWork& work) -> Status {
    return InspectionService().Plan(work, {factory1_, env_.id, {inspector_.id}, "2568-06-20", ""}).status();
  });
  EXPECT_EQ(bad_date.field(), "planned_date");
  Status foreign = As(officer_, [&](UnitOfWork& work) -> Status {
    return InspectionService().Plan(work, {factory1_, env_.id, {other_admin_.id}, "2025-06-20", ""}).status();
  });
  EXPECT_EQ(foreign.field(), "inspector_ids");
  Status rep = As(officer_, [&](UnitOfWork& work) -> Status {
    return InspectionService().Plan(work, {factory1_, env_.id, {rep1_.id}, "2025-06-20", ""}).status();
  });
  EXPECT_EQ(rep.field(), "inspector_ids");
  EXPECT_EQ(Count("inspections"), 0);
  const int64_t id = Plan(factory1_, {inspector_.id});
  const auto report = Report(id);
  EXPECT_EQ(report.inspection.status, inspections::InspectionStatus::kPlanned);
  EXPECT_EQ(report.inspection.factory_name, "โรงงานแป้งมันบ้านโป่ง");
  EXPECT_EQ(report.inspection.inspector_names, std::vector<std::string>{"ผู้ใช้ a.inspector"});
  EXPECT_EQ(report.checklist.version, 1);
  EXPECT_EQ(report.scores.unanswered, 22);
}

TEST_P(InspectionStoreTest, AReplayedSyncAppliesNothingTwice) {
  const int64_t id = Plan(factory1_, {inspector_.id});
  std::vector<SyncOp> ops = {Yes("op-answer-0001", "air-01", kNow - 100), Yes("op-answer-0002", "air-02", kNow - 90, "no")};
  SyncOp finding;
  finding.id = "op-finding-0001";
  finding.kind = "finding";
  finding.at = kNow - 80;
  finding.item_key = "air-02";
  finding.severity = "high";
  finding.description = "ควันดำจากปล่องหม้อไอน้ำช่วง 09.10-09.25 น.";
  ops.push_back(finding);
  SyncOp action;
  action.id = "op-action-0001";
  action.kind = "action";
  action.at = kNow - 70;
  action.title = "ปรับแต่งการเผาไหม้หม้อไอน้ำและตรวจวัดควันดำ";
  action.owner = "ผู้จัดการโรงงาน";
  action.due_date = "2025-07-15";
  action.finding_op = "op-finding-0001";
  ops.push_back(action);
  SyncOp photo;
  photo.id = "op-photo-00001";
  photo.kind = "photo";
  photo.at = kNow - 60;
  photo.item_key = "air-02";
  photo.bytes = kPng;
  photo.taken_at = kNow - 95;
  photo.lat = 13.81;
  photo.lon = 99.87;
  ops.push_back(photo);

  auto first = Sync(inspector_, id, ops);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  for (const auto& o : *first) {
    EXPECT_EQ(o.result["status"], "applied") << o.result.dump();
    EXPECT_FALSE(o.replayed);
  }
  const int64_t audits = Count("audit_log");
  auto replay = Sync(inspector_, id, ops);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  ASSERT_EQ(replay->size(), ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_TRUE((*replay)[i].replayed);
    EXPECT_EQ((*replay)[i].result, (*first)[i].result);
  }
  EXPECT_EQ(Count("inspection_answers"), 2);
  EXPECT_EQ(Count("inspection_findings"), 1);
  EXPECT_EQ(Count("corrective_actions"), 1);
  EXPECT_EQ(Count("inspection_photos"), 1);
  EXPECT_EQ(Count("audit_log"), audits);
  const auto report = Report(id);
  EXPECT_EQ(report.inspection.status, inspections::InspectionStatus::kInProgress);
  ASSERT_EQ(report.actions.size(), 1u);
  EXPECT_EQ(report.actions[0].finding_id, report.findings.at(0).id);
  EXPECT_EQ(report.photos.at(0).content_type, "image/png");
  EXPECT_EQ(report.photos.at(0).lat, 13.81);
  // Air: air-01 yes (w2), air-02 no (w2) -> 50.
  EXPECT_NEAR(*report.scores.sections[0].score, 50.0, 1e-9);
}

TEST_P(InspectionStoreTest, TheAnswerRecordedLaterOnAPhoneWins) {
  const int64_t id = Plan(factory1_, {inspector_.id, officer_.id});
  ASSERT_TRUE(Sync(inspector_, id, {Yes("phone-a-000001", "odour-01", kNow - 10, "no")}).ok());
  // An older answer from another phone arrives later: superseded, the newer one stands.
  auto late = Sync(officer_, id, {Yes("phone-b-000001", "odour-01", kNow - 500, "yes")});
  ASSERT_TRUE(late.ok());
  EXPECT_EQ((*late)[0].result["status"], "superseded");
  EXPECT_EQ((*late)[0].result["answer"]["choice"], "no");
  auto newer = Sync(officer_, id, {Yes("phone-b-000002", "odour-01", kNow - 5, "na")});
  EXPECT_EQ((*newer)[0].result["status"], "applied");
  const auto report = Report(id);
  ASSERT_EQ(report.answers.size(), 1u);
  EXPECT_EQ(report.answers[0].choice, "na");
}

TEST_P(InspectionStoreTest, BadOperationsAreRejectedAndRemembered) {
  const int64_t id = Plan(factory1_, {inspector_.id});
  SyncOp unknown = Yes("op-unknown-001", "no-such-item", kNow);
  SyncOp wrong = Yes("op-wrong-00001", "noise-01", kNow);  // a measured item answered yes
  SyncOp photo;
  photo.id = "op-notimage-01";
  photo.kind = "photo";
  photo.at = kNow;
  photo.bytes = "GIF89a not a photo we keep";
  SyncOp big = photo;
  big.id = "op-toolarge-01";
  big.bytes = kPng + std::string(inspections::kMaxPhotoBytes, '\0');
  auto result = Sync(inspector_, id, {unknown, wrong, photo, big});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)[0].result["error"]["field"], "item_key");
  EXPECT_EQ((*result)[1].result["error"]["field"], "value");
  EXPECT_EQ((*result)[2].result["error"]["field"], "photo");
  EXPECT_EQ((*result)[3].result["error"]["code"], "too_large");
  for (const auto& o : *result) EXPECT_EQ(o.result["status"], "rejected");
  EXPECT_EQ(Count("inspection_answers"), 0);
  EXPECT_EQ(Count("inspection_photos"), 0);
  auto replay = Sync(inspector_, id, {unknown});
  EXPECT_TRUE((*replay)[0].replayed);
  EXPECT_EQ((*replay)[0].result["status"], "rejected");
  // A direct photo upload says the same.
  Status direct = As(inspector_, [&](UnitOfWork& work) -> Status {
    return InspectionService().AddPhoto(work, id, {"", "%PDF-1.7", kNow, std::nullopt, std::nullopt, ""}).status();
  });
  EXPECT_EQ(direct.field(), "photo");
}

TEST_P(InspectionStoreTest, SignOffByAnUncertifiedOrUnassignedUserIsRefusedAndSavesNothing) {
  const int64_t id = Plan(factory1_, {inspector_.id});
  ASSERT_TRUE(Sync(inspector_, id, AnswerAll("all")).ok());
  const int64_t audits = Count("audit_log");
  Status uncertified = As(inspector_, [&](UnitOfWork& work) -> Status {
    return InspectionService().SignOff(work, id).status();
  });
  EXPECT_EQ(uncertified.code(), StatusCode::kForbidden);
  EXPECT_NE(uncertified.message().find("certificate"), std::string::npos) << uncertified.message();
  Certify(officer_);  // certified, but not assigned
  Status unassigned = As(officer_, [&](UnitOfWork& work) -> Status {
    return InspectionService().SignOff(work, id).status();
  });
  EXPECT_EQ(unassigned.code(), StatusCode::kForbidden);
  const auto report = Report(id);
  EXPECT_EQ(report.inspection.status, inspections::InspectionStatus::kInProgress);
  EXPECT_FALSE(report.sign_off.has_value());
  EXPECT_EQ(Count("audit_log", "action = 'sign_off'"), 0);
  EXPECT_GT(Count("audit_log"), audits);  // only the certificate's own records were added
}

TEST_P(InspectionStoreTest, ASignedOffInspectionCannotChangeAndItsReinspectionCarriesOpenActions) {
  const int64_t id = Plan(factory1_, {inspector_.id});
  Certify(inspector_);
  auto ops = AnswerAll("all");
  ops[0].choice = "no";  // air-01 is evidence-required
  ASSERT_TRUE(Sync(inspector_, id, ops).ok());
  Status missing_photo = As(inspector_, [&](UnitOfWork& work) -> Status {
    return InspectionService().SignOff(work, id).status();
  });
  EXPECT_EQ(missing_photo.field(), "photos");
  ASSERT_TRUE(As(inspector_, [&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(InspectionService().AddPhoto(work, id, {"air-01", kPng, kNow, std::nullopt, std::nullopt, ""}).status());
    return InspectionService().AddAction(work, id, {std::nullopt, "ซ่อมระบบดูดฝุ่น", "", "ผู้จัดการ", "2025-07-01"}).status();
  }).ok());
  std::optional<inspections::InspectionReport> signed_report;
  ASSERT_TRUE(As(inspector_, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(signed_report, InspectionService().SignOff(work, id));
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(signed_report->sign_off.has_value());
  EXPECT_EQ(signed_report->sign_off->user_id, inspector_.id);
  EXPECT_NE(signed_report->sign_off->certificate.find("หลักสูตรผู้ตรวจ"), std::string::npos);

  auto late = Sync(inspector_, id, {Yes("after-sign-0001", "air-01", kNow + 10)});
  EXPECT_EQ(late.status().code(), StatusCode::kConflict);
  Status finding = As(inspector_, [&](UnitOfWork& work) -> Status {
    return InspectionService().AddFinding(work, id, {"", "low", "หลังลงนาม", ""}).status();
  });
  EXPECT_EQ(finding.code(), StatusCode::kConflict);
  Status again = As(inspector_, [&](UnitOfWork& work) -> Status { return InspectionService().SignOff(work, id).status(); });
  EXPECT_EQ(again.code(), StatusCode::kConflict);
  // Earlier operations still replay after sign-off.
  auto replay = Sync(inspector_, id, {ops[0]});
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE((*replay)[0].replayed);

  int64_t next = 0;
  ASSERT_TRUE(As(officer_, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(const auto i, InspectionService().Reinspect(work, id, {"2025-07-02", {}, std::nullopt}));
    next = i.id;
    return Status::Ok();
  }).ok());
  const auto follow = Report(next);
  EXPECT_EQ(follow.inspection.previous_id, id);
  EXPECT_EQ(follow.inspection.inspector_ids, std::vector<int64_t>{inspector_.id});
  ASSERT_EQ(follow.actions.size(), 1u);
  EXPECT_EQ(follow.actions[0].review_inspection_id, next);
}

TEST_P(InspectionStoreTest, AFactoryRepresentativeReadsOnlyItsOwnFactorysOpenActions) {
  const int64_t a = Plan(factory1_, {inspector_.id});
  const int64_t b = Plan(factory2_, {inspector_.id});
  int64_t own_open = 0, own_closed = 0, other = 0;
  ASSERT_TRUE(As(officer_, [&](UnitOfWork& work) -> Status {
    InspectionService s;
    ASSIGN_OR_RETURN(const auto x, s.AddAction(work, a, {std::nullopt, "ติดตั้งฝาปิดบ่อพักน้ำเสีย", "", "ผู้จัดการ", "2025-07-01"}));
    ASSIGN_OR_RETURN(const auto y, s.AddAction(work, a, {std::nullopt, "จัดทำบัญชีสารเคมี", "", "จป.", "2025-06-01"}));
    ASSIGN_OR_RETURN(const auto z, s.AddAction(work, b, {std::nullopt, "เก็บกองดินให้มีผ้าใบคลุม", "", "เจ้าของ", "2025-06-30"}));
    RETURN_IF_ERROR(s.CloseAction(work, y.id, {"ส่งบัญชีสารเคมีแล้ว", std::nullopt}).status());
    own_open = x.id;
    own_closed = y.id;
    other = z.id;
    return Status::Ok();
  }).ok());
  std::vector<inspections::CorrectiveAction> seen;
  ASSERT_TRUE(transactor_->Read(FactoryScope(rep1_), Info(), [&](UnitOfWork& work) -> Status {
    inspections::ActionFilter all;  // asks for everything: still only its own open ones
    ASSIGN_OR_RETURN(seen, InspectionService().ListActions(work, all));
    return Status::Ok();
  }).ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, own_open);
  for (int64_t hidden : {other, own_closed}) {
    Status status = transactor_->Read(FactoryScope(rep1_), Info(), [&](UnitOfWork& work) -> Status {
      return InspectionService().GetAction(work, hidden).status();
    });
    EXPECT_EQ(status.code(), StatusCode::kNotFound) << hidden;
  }
  Status report = transactor_->Read(FactoryScope(rep1_), Info(), [&](UnitOfWork& work) -> Status {
    return InspectionService().Report(work, a).status();
  });
  EXPECT_NE(report.code(), StatusCode::kOk);
  // Officers filter: overdue on 2025-06-15 (kNow) is none of the open ones due later.
  std::vector<inspections::CorrectiveAction> overdue;
  ASSERT_TRUE(transactor_->Read(ScopeOf(officer_), Info(), [&](UnitOfWork& work) -> Status {
    inspections::ActionFilter f;
    f.overdue_on = "2025-07-01";
    ASSIGN_OR_RETURN(overdue, InspectionService().ListActions(work, f));
    return Status::Ok();
  }).ok());
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].id, other);
}

INSTANTIATE_TEST_SUITE_P(Backends, InspectionStoreTest, ::testing::Values("sqlite", "postgres"), BackendName);

}  // namespace
}  // namespace ecotown::store
