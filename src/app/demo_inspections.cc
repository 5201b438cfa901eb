#include "app/demo_inspections.h"

#include <algorithm>

#include "modules/accounts/account.h"
#include "modules/accounts/account_service.h"
#include "modules/factories/factory.h"
#include "modules/factories/factory_service.h"
#include "modules/inspections/checklist_service.h"
#include "modules/inspections/inspection_service.h"
#include "modules/training/training_service.h"

namespace ecotown::app {
namespace {

using inspections::InspectionService;
using inspections::SyncOp;

constexpr int64_t kDay = 86400;
constexpr const char* kDemoRep = "banpong.rep1";
constexpr const char* kDemoRepPassword = "ecotown-demo";  // the demo's shared password

SyncOp Answer(std::string id, std::string key, int64_t at, std::optional<std::string> choice,
              std::optional<double> number = std::nullopt, std::string note = "") {
  SyncOp op;
  op.id = std::move(id);
  op.kind = "answer";
  op.at = at;
  op.item_key = std::move(key);
  op.choice = std::move(choice);
  op.number = number;
  op.note = std::move(note);
  return op;
}

// The demo factories of Ban Pong, oldest first; two are made here when the registry has fewer.
Result<std::vector<factories::Factory>> BanpongFactories(UnitOfWork& work, int64_t org_id, bool& created) {
  factories::FactoryQuery query;
  query.org_id = org_id;
  query.limit = 50;
  ASSIGN_OR_RETURN(auto page, work.factories().List(query));
  std::vector<factories::Factory> out = page.items;
  std::reverse(out.begin(), out.end());
  const char* names[] = {"บริษัท แป้งมันบ้านโป่ง จำกัด (ข้อมูลสาธิต)", "โรงงานอิฐมอญเบิกไพร (ข้อมูลสาธิต)"};
  for (size_t i = out.size(); i < 2; ++i) {
    factories::Factory draft;
    draft.org_id = org_id;
    draft.name = names[i];
    draft.business = i == 0 ? "ผลิตแป้งมันสำปะหลัง" : "ผลิตอิฐมอญ";
    ASSIGN_OR_RETURN(auto factory, factories::FactoryService().Create(work, draft));
    out.push_back(factory);
    created = true;
  }
  return out;
}

Status EnsureCertificate(UnitOfWork& work, const accounts::User& user, int64_t now) {
  training::TrainingService training;
  ASSIGN_OR_RETURN(const auto existing, training.InspectorCertificate(work, user.id, now));
  if (existing) return Status::Ok();
  training::NewCourse course;
  course.org_code = user.org_code;
  course.title_th = "หลักสูตรเจ้าหน้าที่ตรวจโรงงานด้านสิ่งแวดล้อมและความปลอดภัย";
  course.title_en = "Factory inspection (environment and safety)";
  course.topic = "การตรวจโรงงาน";
  course.hours = 18;
  course.certifies_inspectors = true;
  course.validity_months = 24;
  ASSIGN_OR_RETURN(const auto c, training.CreateCourse(work, course));
  ASSIGN_OR_RETURN(const auto s, training.CreateSession(work, {c.id, now - 60 * kDay, now - 58 * kDay,
                                                                "ห้องประชุมเทศบาลเมืองบ้านโป่ง", "สำนักงานอุตสาหกรรมจังหวัดราชบุรี"}));
  ASSIGN_OR_RETURN(const auto a, training.AddAttendee(work, s.id, {user.id, std::nullopt, std::nullopt}));
  ASSIGN_OR_RETURN(const auto r, training.RecordResult(work, a.id, {true, training::Outcome::kPassed, 88.0}));
  return training.IssueCertificate(work, r.id, std::nullopt).status();
}

}  // namespace

Status SeedDemoInspections(Runtime& runtime, std::ostream& out) {
  const auto system = tenancy::Scope::System("demo");
  const int64_t now = runtime.clock().NowUnix();
  const std::string today = inspections::BangkokDay(now);
  bool made_factories = false;
  std::string rep_factory;
  int seeded = 0;
  RETURN_IF_ERROR(runtime.transactor().Write(system, runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(const auto org, work.orgs().FindByCode("banpong"));
    ASSIGN_OR_RETURN(const auto inspector, work.accounts().FindUserForLogin("banpong.inspector"));
    ASSIGN_OR_RETURN(const auto officer, work.accounts().FindUserForLogin("banpong.officer"));
    RETURN_IF_ERROR(EnsureCertificate(work, inspector.user, now));
    inspections::InspectionFilter any;
    any.limit = 1;
    ASSIGN_OR_RETURN(const auto existing, work.inspections().ListInspections(any));
    if (!existing.empty()) return Status::Ok();

    ASSIGN_OR_RETURN(auto factories, BanpongFactories(work, org.id, made_factories));
    // The factory representative acts for the first demo factory (or that one comes first).
    auto rep = work.accounts().FindUserForLogin("banpong.factory");
    if (rep.ok() && rep->user.factory_id) {
      auto own = std::find_if(factories.begin(), factories.end(),
                              [&](const factories::Factory& f) { return f.id == *rep->user.factory_id; });
      if (own != factories.end()) std::iter_swap(factories.begin(), own);
    }
    // A representative of that factory (accounts cannot be re-linked to a factory afterwards, so
    // the demo's banpong.factory, created before any factory exists, keeps none unless another
    // part of the demo gave it one).
    if (!work.accounts().FindUserForLogin(kDemoRep).ok()) {
      accounts::NewUser user{"banpong", kDemoRep, tenancy::Role::kFactory, "ผู้แทนโรงงาน " + factories[0].name,
                             std::string(kDemoRepPassword), factories[0].id};
      RETURN_IF_ERROR(runtime.accounts().CreateUser(work, user).status());
    }
    ASSIGN_OR_RETURN(const auto templates, inspections::ChecklistService().List(work, false));
    int64_t env = 0, safety = 0;
    for (const auto& t : templates) {
      if (t.shared() && t.code == "environment") env = t.id;
      if (t.shared() && t.code == "safety") safety = t.id;
    }
    if (!env || !safety) return Status::Internal("the default checklists are not loaded (data/checklists)");

    InspectionService service;
    // 1. Planned for today: to conduct on a phone.
    RETURN_IF_ERROR(service.Plan(work, {factories[0].id, env, {inspector.user.id}, today,
                                        "ตรวจประจำปีตามแผน และติดตามเรื่องร้องเรียนกลิ่นจากชุมชนหมู่ 3"}).status());
    // 2. Visited a week ago, in progress: odour and wastewater problems, an action due soon.
    ASSIGN_OR_RETURN(const auto visited, service.Plan(work, {factories[0].id, env, {officer.user.id},
                                                             inspections::BangkokDay(now - 7 * kDay), ""}));
    const int64_t at = now - 7 * kDay + 3600;
    std::vector<SyncOp> ops = {
        Answer("demo-env-0001", "air-01", at, "yes"), Answer("demo-env-0002", "air-02", at, "yes"),
        Answer("demo-env-0003", "odour-01", at, "no", std::nullopt, "กลิ่นเปรี้ยวจากบ่อหมักแรงที่รั้วด้านทิศใต้ ลมพัดเข้าชุมชน"),
        Answer("demo-env-0004", "water-01", at, "yes"), Answer("demo-env-0005", "water-02", at, std::nullopt, 6.8),
        Answer("demo-env-0006", "noise-01", at, std::nullopt, 66.5)};
    SyncOp finding;
    finding.id = "demo-env-0007";
    finding.kind = "finding";
    finding.at = at;
    finding.item_key = "odour-01";
    finding.severity = "high";
    finding.description = "บ่อหมักน้ำเสียไม่มีฝาปิด กลิ่นเหม็นรบกวนบ้านเรือนด้านใต้ลมในระยะประมาณ 300 เมตร";
    ops.push_back(finding);
    SyncOp action;
    action.id = "demo-env-0008";
    action.kind = "action";
    action.at = at;
    action.finding_op = "demo-env-0007";
    action.title = "ติดตั้งฝาปิดบ่อหมักและต่อท่อดูดก๊าซไปเผาทิ้งหรือใช้เป็นเชื้อเพลิง";
    action.owner = "ผู้จัดการโรงงาน";
    action.due_date = inspections::BangkokDay(now + 30 * kDay);
    ops.push_back(action);
    RETURN_IF_ERROR(service.Sync(work, visited.id, ops).status());
    // 3. Another factory, safety, a month ago: an overdue action.
    ASSIGN_OR_RETURN(const auto safety_visit, service.Plan(work, {factories[1].id, safety, {officer.user.id},
                                                                  inspections::BangkokDay(now - 30 * kDay), ""}));
    const int64_t at2 = now - 30 * kDay + 3600;
    RETURN_IF_ERROR(service.Sync(work, safety_visit.id,
                                 {Answer("demo-saf-0001", "fire-01", at2, "no"), Answer("demo-saf-0002", "fire-02", at2, "yes"),
                                  Answer("demo-saf-0003", "boiler-01", at2, "na")})
                        .status());
    RETURN_IF_ERROR(service.AddAction(work, safety_visit.id,
                                      {std::nullopt, "ติดตั้งเครื่องดับเพลิงเพิ่มที่โรงเผาอิฐและตรวจสภาพทุกเดือน", "",
                                       "เจ้าของโรงงาน", inspections::BangkokDay(now - 2 * kDay)})
                        .status());
    seeded = 3;
    rep_factory = factories[0].name;
    return Status::Ok();
  }));
  if (seeded > 0) {
    out << "  " << seeded << " demo inspections at Ban Pong's factories (banpong.inspector holds an inspector certificate); "
        << kDemoRep << " represents " << rep_factory;
    if (made_factories) out << "; two demo factories were added for them";
    out << "\n";
  }
  return Status::Ok();
}

}  // namespace ecotown::app
