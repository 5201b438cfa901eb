// Demo training and clinic data for Ban Pong: the inspector course with a session two months ago
// and certificates for the demo inspector and officer, an older awareness course whose
// certificate is about to expire (so the expiring list shows something), and clinic cases.
#include "app/demo_clinic.h"

#include "core/thai_calendar.h"
#include "modules/clinic/clinic_service.h"
#include "modules/factories/factory_service.h"
#include "modules/training/training_service.h"

namespace ecotown::app {
namespace {

constexpr int64_t kDay = 86400;

Result<int64_t> UserIdOf(UnitOfWork& work, const char* username) {
  ASSIGN_OR_RETURN(const auto secret, work.accounts().FindUserForLogin(username));
  return secret.user.id;
}

// Registers the users in the session, records a pass with the score and issues certificates.
Status CertifyAll(UnitOfWork& work, int64_t session_id, const std::vector<std::pair<const char*, double>>& people,
                  int64_t issued_on) {
  training::TrainingService service;
  for (const auto& [username, score] : people) {
    ASSIGN_OR_RETURN(const int64_t user_id, UserIdOf(work, username));
    ASSIGN_OR_RETURN(const auto attendee, service.AddAttendee(work, session_id, {user_id, std::nullopt, std::nullopt}));
    RETURN_IF_ERROR(service.RecordResult(work, attendee.id, {true, training::Outcome::kPassed, score}).status());
    RETURN_IF_ERROR(service.IssueCertificate(work, attendee.id, issued_on).status());
  }
  return Status::Ok();
}

Status SeedTraining(UnitOfWork& work, int64_t now, int64_t& certificates) {
  training::TrainingService service;
  ASSIGN_OR_RETURN(const auto banpong, work.orgs().FindByCode("banpong"));
  ASSIGN_OR_RETURN(const auto courses, work.training().ListCourses());
  for (const auto& course : courses) {
    if (course.org_id == banpong.id) return Status::Ok();
  }
  const int64_t today = training::BangkokDayStartOf(now);

  training::NewCourse inspector;
  inspector.org_code = "banpong";
  inspector.title_th = "การตรวจประเมินโรงงานด้านสิ่งแวดล้อมและความปลอดภัยสำหรับเจ้าหน้าที่ท้องถิ่น";
  inspector.title_en = "Environmental and safety inspection of factories for local officers";
  inspector.topic = "การตรวจโรงงาน เหตุรำคาญ และการให้คำแนะนำ";
  inspector.hours = 18;
  inspector.certifies_inspectors = true;
  inspector.validity_months = 24;
  ASSIGN_OR_RETURN(const auto course, service.CreateCourse(work, inspector));
  ASSIGN_OR_RETURN(const auto session,
                   service.CreateSession(work, {course.id, today - 62 * kDay, today - 60 * kDay,
                                                "ห้องประชุมเทศบาลเมืองบ้านโป่ง ชั้น 3",
                                                "นักวิชาการสิ่งแวดล้อมชำนาญการ สำนักงานสิ่งแวดล้อมภาค\n"
                                                "เจ้าหน้าที่สำนักงานอุตสาหกรรมจังหวัดราชบุรี"}));
  RETURN_IF_ERROR(CertifyAll(work, session.id, {{"banpong.inspector", 86}, {"banpong.officer", 91}}, today - 55 * kDay));
  certificates += 2;

  training::NewCourse nuisance;
  nuisance.org_code = "banpong";
  nuisance.title_th = "การจัดการเหตุรำคาญตามกฎหมายการสาธารณสุขสำหรับผู้ปฏิบัติงาน";
  nuisance.title_en = "Handling nuisance complaints under the Public Health Act";
  nuisance.topic = "เหตุรำคาญ";
  nuisance.hours = 6;
  nuisance.certifies_inspectors = false;
  nuisance.validity_months = 24;
  ASSIGN_OR_RETURN(const auto course2, service.CreateCourse(work, nuisance));
  // Two years less three weeks ago: the certificate expires in about three weeks.
  const int64_t old_day = training::AddMonthsBangkok(today, -24) + 21 * kDay;
  ASSIGN_OR_RETURN(const auto session2,
                   service.CreateSession(work, {course2.id, old_day - kDay, old_day, "หอประชุมอำเภอบ้านโป่ง", ""}));
  RETURN_IF_ERROR(CertifyAll(work, session2.id, {{"banpong.admin", 78}}, old_day));
  certificates += 1;
  return Status::Ok();
}

// The demo factories of Ban Pong, found by name or registered.
struct DemoFactory {
  const char* name;
  const char* business;
  const char* products;
  double lat, lon;
  int64_t workers;
};
const DemoFactory kMill = {"บริษัท ศิลาบ้านโป่ง จำกัด", "โม่ บด และย่อยหิน", "หินคลุก หินเกล็ด ทรายถม", 13.8231, 99.8512, 35};
const DemoFactory kFoods = {"บริษัท แม่กลองฟู้ดส์ จำกัด", "แปรรูปผักและผลไม้บรรจุกระป๋อง", "ข้าวโพดหวานบรรจุกระป๋อง",
                            13.8094, 99.8901, 120};

Result<int64_t> EnsureFactory(UnitOfWork& work, int64_t org_id, const DemoFactory& demo) {
  factories::FactoryQuery query;
  query.text = demo.name;
  query.org_id = org_id;
  query.limit = 5;
  ASSIGN_OR_RETURN(const auto page, work.factories().List(query));
  for (const auto& f : page.items) {
    if (f.name == demo.name) return f.id;
  }
  factories::Factory draft;
  draft.org_id = org_id;
  draft.name = demo.name;
  draft.business = demo.business;
  draft.products = demo.products;
  draft.workers = demo.workers;
  draft.lat = demo.lat;
  draft.lon = demo.lon;
  draft.address = "อำเภอบ้านโป่ง จังหวัดราชบุรี";
  ASSIGN_OR_RETURN(const auto created, factories::FactoryService().Create(work, draft));
  return created.id;
}

Status SeedClinic(UnitOfWork& work, int64_t now, int64_t& cases) {
  ASSIGN_OR_RETURN(const auto banpong, work.orgs().FindByCode("banpong"));
  ASSIGN_OR_RETURN(const auto existing, work.clinic().ListCases({}));
  for (const auto& c : existing) {
    if (c.org_id == banpong.id) return Status::Ok();
  }
  ASSIGN_OR_RETURN(const int64_t mill, EnsureFactory(work, banpong.id, kMill));
  ASSIGN_OR_RETURN(const int64_t foods, EnsureFactory(work, banpong.id, kFoods));
  const int64_t today = training::BangkokDayStartOf(now);
  clinic::ClinicService service;

  // Odour from the cannery's wastewater ponds: advised, measured, in follow-up.
  ASSIGN_OR_RETURN(const auto odour,
                   service.FileRequest(work, {foods, clinic::Topic::kOdour,
                                              "ชุมชนหมู่ 4 ร้องเรียนกลิ่นเหม็นจากบ่อบำบัดน้ำเสียช่วงเช้ามืด "
                                              "โรงงานขอคำแนะนำการปรับปรุงระบบเติมอากาศและการจัดการกากผัก",
                                              "นางสาวกมลวรรณ ใจงาม", "032-211-456"}));
  RETURN_IF_ERROR(service.Move(work, odour.id, clinic::CaseStatus::kAccepted, "").status());
  RETURN_IF_ERROR(service.Move(work, odour.id, clinic::CaseStatus::kInProgress, "").status());
  ASSIGN_OR_RETURN(const auto officer, work.accounts().FindUserForLogin("banpong.officer"));
  RETURN_IF_ERROR(service.SetAdvisers(work, odour.id, {officer.user.id}).status());
  clinic::Visit visit;
  visit.visited_on = today - 40 * kDay;
  visit.notes = "เครื่องเติมอากาศบ่อที่ 2 เสีย 2 จาก 4 ตัว กากข้าวโพดกองรอรถขนเกิน 3 วัน มีน้ำชะไหลลงราง";
  visit.advice = "ซ่อมเครื่องเติมอากาศให้ครบและเดินตลอด 24 ชั่วโมง ขนกากผักออกทุกวันในภาชนะมีฝาปิด "
                 "ลอกตะกอนก้นบ่อก่อนฤดูการผลิต และให้พนักงานตรวจกลิ่นรอบรั้วทุกเช้า";
  RETURN_IF_ERROR(service.AddVisit(work, odour.id, visit).status());
  clinic::Measure repair;
  repair.description = "ซ่อมเครื่องเติมอากาศบ่อที่ 2 ให้ใช้งานได้ครบ 4 ตัว";
  repair.owner = "หัวหน้าฝ่ายซ่อมบำรุง";
  repair.due_on = today - 25 * kDay;
  ASSIGN_OR_RETURN(const auto repaired, service.AddMeasure(work, odour.id, repair));
  RETURN_IF_ERROR(service.SetMeasureDone(work, repaired.id, today - 28 * kDay).status());
  clinic::Measure waste;
  waste.description = "ขนกากผักออกทุกวันและล้างลานกองทุกเย็น";
  waste.owner = "ผู้จัดการฝ่ายผลิต";
  waste.due_on = today + 14 * kDay;
  RETURN_IF_ERROR(service.AddMeasure(work, odour.id, waste).status());
  clinic::Outcome days;
  days.indicator = "จำนวนวันที่ชุมชนบันทึกว่าได้กลิ่นต่อเดือน";
  days.unit = "วัน/เดือน";
  days.before_value = 18;
  days.before_on = today - 45 * kDay;
  days.after_value = 5;
  days.after_on = today - 5 * kDay;
  days.notes = "จากสมุดบันทึกของอาสาสมัครชุมชนหมู่ 4 สามครัวเรือน";
  RETURN_IF_ERROR(service.AddOutcome(work, odour.id, days).status());
  RETURN_IF_ERROR(service.Move(work, odour.id, clinic::CaseStatus::kFollowUp, "").status());
  RETURN_IF_ERROR(service.AddFollowUp(work, odour.id, {0, 0, today + 30 * kDay, "ตรวจกลิ่นรอบรั้วช่วงเช้ามืดอีกครั้ง"}).status());
  cases += 1;

  // The mill's own request, filed through the factory form, waiting for the officers.
  RETURN_IF_ERROR(service
                      .FileRequest(work, {mill, clinic::Topic::kDust,
                                              "ฝุ่นจากเครื่องโม่และกองหินคลุกปลิวเข้าบ้านเรือนด้านทิศตะวันตกช่วงหน้าแล้ง "
                                              "ขอคำแนะนำการติดตั้งสเปรย์น้ำและผนังกันลม",
                                          "นายสมชาย ศิลาทอง", "081-345-6789"})
                      .status());
  cases += 1;
  return Status::Ok();
}

}  // namespace

Result<std::optional<int64_t>> DemoFactoryOf(UnitOfWork& work, std::string_view org_code) {
  if (org_code != "banpong") return std::optional<int64_t>();
  ASSIGN_OR_RETURN(const auto org, work.orgs().FindByCode(org_code));
  ASSIGN_OR_RETURN(const int64_t id, EnsureFactory(work, org.id, kMill));
  return std::optional<int64_t>(id);
}

Status SeedDemoTrainingAndClinic(Runtime& runtime, std::ostream& out) {
  const auto scope = tenancy::Scope::System("demo");
  const int64_t now = runtime.clock().NowUnix();
  int64_t certificates = 0;
  RETURN_IF_ERROR(runtime.transactor().Write(scope, runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
    return SeedTraining(work, now, certificates);
  }));
  int64_t cases = 0;
  RETURN_IF_ERROR(runtime.transactor().Write(scope, runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
    return SeedClinic(work, now, cases);
  }));
  if (certificates > 0) out << "  training: 2 courses and " << certificates << " certificates for Ban Pong staff\n";
  if (cases > 0) out << "  pollution clinic: " << cases << " advice cases of Ban Pong factories\n";
  return Status::Ok();
}

}  // namespace ecotown::app
