#include "app/demo_complaints.h"

#include <optional>
#include <string>
#include <vector>

#include "modules/complaints/complaint_service.h"

namespace ecotown::app {
namespace {

using complaints::Category;
using complaints::ComplaintStatus;

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

// One workflow step after filing: when (hours after filing), to which status, with which reply.
struct DemoStep {
  int64_t after_hours;
  ComplaintStatus to;
  const char* public_reply;  // nullptr: none
  const char* reason;        // for rejected
};

struct DemoComplaint {
  const char* org;
  const char* officer;  // who works it
  Category category;
  const char* description;
  double lat, lon;  // 0: no pin
  const char* address;
  int64_t filed_days_ago;
  const char* email;  // nullptr: anonymous (demo addresses only, example.org)
  std::vector<DemoStep> steps;
};

const std::vector<DemoComplaint>& DemoComplaints() {
  static const std::vector<DemoComplaint> kList = {
      {"banpong",
       "banpong.officer",
       Category::kDustSmoke,
       "ฝุ่นดำจากปล่องโรงงานอิฐลอยเข้าบ้านทุกเช้า ราวบ้านและรถมีคราบฝุ่นหนา",
       13.8172,
       99.8741,
       "ซอยวัดดอนตูม หมู่ 4",
       2,
       "resident.banpong@example.org",
       {}},
      {"banpong",
       "banpong.officer",
       Category::kOdour,
       "กลิ่นเหม็นเปรี้ยวคล้ายน้ำตาลหมักจากโรงงานช่วงกลางคืน เด็กในบ้านเวียนศีรษะ",
       13.8121,
       99.8802,
       "ถนนแสงชูโต ใกล้ตลาดบ้านโป่ง",
       6,
       nullptr,
       {{3, ComplaintStatus::kAssigned, nullptr, nullptr},
        {26, ComplaintStatus::kInvestigating, "เจ้าหน้าที่นัดลงพื้นที่ตรวจกลิ่นร่วมกับโรงงานในวันพรุ่งนี้", nullptr}}},
      {"banpong",
       "banpong.officer",
       Category::kNoise,
       "เสียงเครื่องจักรดังตลอดคืนหลังเที่ยงคืน นอนไม่หลับหลายวันแล้ว",
       13.8205,
       99.8689,
       "หมู่ 2 ตำบลบ้านโป่ง",
       20,
       nullptr,
       {{2, ComplaintStatus::kAssigned, nullptr, nullptr},
        {20, ComplaintStatus::kInvestigating, nullptr, nullptr},
        {96, ComplaintStatus::kResolved, "ตรวจวัดเสียงแล้วเกินค่ามาตรฐาน โรงงานย้ายเครื่องปั๊มลมและติดตั้งผนังกันเสียงเรียบร้อย",
         nullptr}}},
      {"banpong",
       "banpong.officer",
       Category::kOpenBurning,
       "มีการเผาขยะกองใหญ่ในที่ดินว่างข้างโรงเรียน ควันเข้าห้องเรียน",
       13.8098,
       99.8712,
       "ข้างโรงเรียนบ้านโป่ง",
       12,
       nullptr,
       {{1, ComplaintStatus::kAssigned, nullptr, nullptr},
        {4, ComplaintStatus::kInvestigating, nullptr, nullptr},
        {30, ComplaintStatus::kResolved, "ดับไฟและแจ้งเจ้าของที่ดินห้ามเผาแล้ว", nullptr},
        {72, ComplaintStatus::kClosed, nullptr, nullptr}}},
      {"banpong",
       "banpong.officer",
       Category::kWasteDumping,
       "มีรถนำถังสารเคมีมาทิ้งริมคลองตอนกลางคืน",
       0,
       0,
       "ริมคลองชลประทาน หมู่ 7 ตำบลกรับใหญ่",
       9,
       nullptr,
       {{5, ComplaintStatus::kRejected, nullptr, "จุดเกิดเหตุอยู่นอกเขตเทศบาล ได้ส่งเรื่องต่อให้เทศบาลตำบลกรับใหญ่แล้ว"}}},
      {"boekphrai",
       "boekphrai.admin",
       Category::kWastewater,
       "น้ำเสียสีดำไหลลงคลองหลังโรงงาน ปลาตายลอยเป็นแพ",
       13.8193,
       99.8527,
       "คลองหลังนิคม หมู่ 3",
       4,
       nullptr,
       {{6, ComplaintStatus::kAssigned, nullptr, nullptr}}},
      {"krapyai",
       "krapyai.admin",
       Category::kDustSmoke,
       "ฝุ่นจากโรงโม่หินฟุ้งกระจายเมื่อมีรถบรรทุกวิ่งผ่าน",
       13.9091,
       99.8694,
       "ถนนสายกรับใหญ่–บ้านโป่ง",
       15,
       nullptr,
       {{4, ComplaintStatus::kAssigned, nullptr, nullptr},
        {30, ComplaintStatus::kInvestigating, nullptr, nullptr},
        {240, ComplaintStatus::kResolved, "โรงโม่ติดตั้งระบบพ่นละอองน้ำและล้างล้อรถแล้ว", nullptr}}},
      {"phatong",
       "phatong.officer",
       Category::kOdour,
       "กลิ่นยางพาราดิบจากลานรับซื้อยางรุนแรงมากช่วงบ่าย",
       6.8391,
       100.5603,
       "ถนนกาญจนวนิช ใกล้ตลาดพะตง",
       3,
       "resident.phatong@example.org",
       {{5, ComplaintStatus::kAssigned, nullptr, nullptr}}},
      {"phatong",
       "phatong.officer",
       Category::kOpenBurning,
       "เผาเศษไม้ยางในสวนทุกเย็น ควันเข้าบ้าน",
       6.8352,
       100.5521,
       "หมู่ 5 ตำบลพะตง",
       25,
       nullptr,
       {{2, ComplaintStatus::kAssigned, nullptr, nullptr},
        {8, ComplaintStatus::kInvestigating, nullptr, nullptr},
        {50, ComplaintStatus::kResolved, "ตักเตือนเจ้าของสวนและแนะนำให้นำเศษไม้ไปทำปุ๋ยแทนการเผา", nullptr}}},
  };
  return kList;
}

}  // namespace

Status SeedDemoComplaints(Runtime& runtime, std::ostream& out) {
  const int64_t now = runtime.clock().NowUnix();
  int filed = 0;
  // Short tracking prefixes a resident can read out on the phone ("BP-2569-7KQ4M").
  RETURN_IF_ERROR(
      runtime.transactor().Write(tenancy::Scope::System("demo"), runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
        for (const auto& [code, prefix] : {std::pair{"banpong", "BP"}, std::pair{"boekphrai", "BK"},
                                           std::pair{"krapyai", "KY"}, std::pair{"phatong", "PT"}}) {
          auto org = work.orgs().FindByCode(code);
          if (!org.ok()) continue;
          ASSIGN_OR_RETURN(auto settings, complaints::ComplaintService().GetSettings(work, org->id));
          if (settings.updated_at != 0) continue;  // an administrator chose already
          settings.tracking_prefix = prefix;
          RETURN_IF_ERROR(complaints::ComplaintService().PutSettings(work, settings).status());
        }
        return Status::Ok();
      }));
  for (const auto& demo : DemoComplaints()) {
    std::optional<orgs::Org> org;
    std::optional<accounts::User> officer;
    bool has_complaints = false;
    RETURN_IF_ERROR(
        runtime.transactor().Read(tenancy::Scope::System("demo"), runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
          ASSIGN_OR_RETURN(org, work.orgs().FindByCode(demo.org));
          ASSIGN_OR_RETURN(auto user, work.accounts().FindUserForLogin(demo.officer));
          officer = user.user;
          complaints::ComplaintQuery query;
          query.org_id = org->id;
          query.limit = 1;
          ASSIGN_OR_RETURN(auto page, work.complaints().List(query));
          has_complaints = page.total > 0;
          return Status::Ok();
        }));
    if (has_complaints && filed == 0) continue;  // seeded before (the demo is re-run on the same database)
    const int64_t filed_at = now - demo.filed_days_ago * kDay;
    complaints::NewComplaint request;
    request.category = demo.category;
    request.description = demo.description;
    if (demo.lat != 0) {
      request.lat = demo.lat;
      request.lon = demo.lon;
    }
    request.address = demo.address;
    request.observed_at = filed_at - 2 * kHour;
    if (demo.email) {
      request.contact.email = demo.email;
      request.consent_version = complaints::CurrentConsent().version;
    }
    std::optional<complaints::Complaint> complaint;
    RETURN_IF_ERROR(runtime.transactor().Write(complaints::ResidentScope(*org, "public"),
                                               RequestInfo{"demo", "local", filed_at}, [&](UnitOfWork& work) -> Status {
                                                 ASSIGN_OR_RETURN(auto done, complaints::ComplaintService().File(
                                                                                 work, *org, request));
                                                 complaint = done.complaint;
                                                 return Status::Ok();
                                               }));
    ++filed;
    // The officer's own scope: the audit log names the demo officer, as a real change would.
    tenancy::Principal principal;
    principal.user_id = officer->id;
    principal.org_id = officer->org_id;
    principal.org_code = officer->org_code;
    principal.role = officer->role;
    principal.name = officer->username;
    const tenancy::Scope scope(principal, {officer->org_id}, false);
    for (const auto& step : demo.steps) {
      complaints::TransitionRequest move;
      move.to = step.to;
      if (step.to == ComplaintStatus::kAssigned) move.assignee_user_id = officer->id;
      if (step.public_reply) move.public_reply = step.public_reply;
      if (step.reason) move.reason = step.reason;
      RETURN_IF_ERROR(runtime.transactor().Write(
          scope, RequestInfo{"demo", "local", filed_at + step.after_hours * kHour}, [&](UnitOfWork& work) -> Status {
            return complaints::ComplaintService().Transition(work, complaint->id, move).status();
          }));
    }
  }
  if (filed > 0) {
    out << "  " << filed << " demo complaints; file one at #/complain/banpong, follow at #/track, "
        << "figures at #/transparency/banpong, Open311 at /open311/v2/services.json?jurisdiction_id=banpong\n";
  }
  return Status::Ok();
}

}  // namespace ecotown::app
