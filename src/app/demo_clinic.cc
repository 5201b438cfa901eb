// Demo training and clinic data for Ban Pong: the inspector course with a session two months ago
// and certificates for the demo inspector and officer, an older awareness course whose
// certificate is about to expire (so the expiring list shows something), and clinic cases.
#include "app/demo_clinic.h"

#include "core/thai_calendar.h"
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

}  // namespace

Status SeedDemoTrainingAndClinic(Runtime& runtime, std::ostream& out) {
  const auto scope = tenancy::Scope::System("demo");
  const int64_t now = runtime.clock().NowUnix();
  int64_t certificates = 0;
  RETURN_IF_ERROR(runtime.transactor().Write(scope, runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
    return SeedTraining(work, now, certificates);
  }));
  if (certificates > 0) out << "  training: 2 courses and " << certificates << " certificates for Ban Pong staff\n";
  return Status::Ok();
}

}  // namespace ecotown::app
