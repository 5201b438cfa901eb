// Training: courses, sessions with their attendees and results, certificates (issue, revoke, the
// expiring-soon list) and the inspector-certificate check. Dates in bodies and queries are Bangkok
// days "YYYY-MM-DD"; responses carry Unix seconds plus Thai (พ.ศ.) text for certificates.
#include <nlohmann/json.hpp>

#include "core/thai_calendar.h"
#include "http/api.h"
#include "http/json_body.h"
#include "http/json_mapping.h"
#include "http/table_export.h"
#include "modules/calibration/calibration.h"
#include "modules/factories/factory_service.h"
#include "modules/training/training_service.h"
#include "report/training_certificate.h"

namespace ecotown::http {
namespace {

using nlohmann::json;
using training::TrainingService;

json CourseJson(const training::Course& c) {
  return {{"id", c.id},
          {"org_id", c.org_id},
          {"title_th", c.title_th},
          {"title_en", c.title_en},
          {"topic", c.topic},
          {"hours", c.hours},
          {"certifies_inspectors", c.certifies_inspectors},
          {"validity_months", c.validity_months},
          {"created_at", c.created_at}};
}

json SessionJson(const training::Session& s) {
  return {{"id", s.id},         {"org_id", s.org_id}, {"course_id", s.course_id},
          {"starts_on", s.starts_on}, {"ends_on", s.ends_on}, {"place", s.place},
          {"trainers", s.trainers}};
}

json AttendeeJson(const training::Attendee& a) {
  return {{"id", a.id},
          {"session_id", a.session_id},
          {"user_id", JsonOrNull(a.user_id)},
          {"person_name", a.person_name},
          {"factory_id", JsonOrNull(a.factory_id)},
          {"kind", a.user_id ? "staff" : "factory"},
          {"attended", a.attended},
          {"result", training::OutcomeName(a.outcome)},
          {"score", a.score ? json(*a.score) : json()},
          {"certificate_id", JsonOrNull(a.certificate_id)}};
}

// The expiry day shown to people is valid_until itself ("หมดอายุ"): valid through the day before.
json CertificateJson(const training::Certificate& c, int64_t now) {
  const auto thai = [](int64_t t) { return core::FormatThaiDate(core::BangkokDateOf(t)); };
  return {{"id", c.id},
          {"org_id", c.org_id},
          {"number", c.number},
          {"number_th", "เลขที่ " + c.number},
          {"user_id", JsonOrNull(c.user_id)},
          {"person_name", c.person_name},
          {"factory_id", JsonOrNull(c.factory_id)},
          {"course_id", c.course_id},
          {"course_title_th", c.course_title_th},
          {"certifies_inspectors", c.certifies_inspectors},
          {"session_id", c.session_id},
          {"attendee_id", c.attendee_id},
          {"issued_at", c.issued_at},
          {"issued_th", thai(c.issued_at)},
          {"valid_until", c.valid_until == 0 ? json() : json(c.valid_until)},
          {"valid_until_th", c.valid_until == 0 ? json() : json(thai(c.valid_until))},
          {"revoked", c.revoked},
          {"revoked_reason", c.revoked_reason},
          {"revoked_at", JsonOrNull(c.revoked_at)},
          {"valid_now", training::IsValidAt(c, now)}};
}

Result<std::optional<int64_t>> OptDay(JsonBody& body, std::string_view field) {
  ASSIGN_OR_RETURN(const auto text, body.OptString(field, 10));
  if (!text) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(const int64_t start, calibration::BangkokDayStart(*text, field));
  return std::optional<int64_t>(start);
}

Result<int64_t> Day(JsonBody& body, std::string_view field) {
  ASSIGN_OR_RETURN(const auto day, OptDay(body, field));
  if (!day) return Status::Invalid(std::string(field) + " is required", std::string(field));
  return *day;
}

Result<training::NewCourse> ParseCourse(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  training::NewCourse request;
  ASSIGN_OR_RETURN(request.org_code, body.OptString("org", 64));
  ASSIGN_OR_RETURN(request.title_th, body.String("title_th", 200));
  ASSIGN_OR_RETURN(auto title_en, body.OptString("title_en", 200));
  request.title_en = title_en.value_or("");
  ASSIGN_OR_RETURN(auto topic, body.OptString("topic", 200));
  request.topic = topic.value_or("");
  ASSIGN_OR_RETURN(request.hours, body.Number("hours"));
  ASSIGN_OR_RETURN(auto certifies, body.OptBool("certifies_inspectors"));
  request.certifies_inspectors = certifies.value_or(false);
  ASSIGN_OR_RETURN(auto months, body.OptInt("validity_months"));
  if (months && (*months < 0 || *months > 120)) {
    return Status::Invalid("validity_months must be 0 (no expiry) to 120", "validity_months");
  }
  request.validity_months = static_cast<int>(months.value_or(0));
  RETURN_IF_ERROR(body.Finish());
  return request;
}

Result<training::NewSession> ParseSession(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  training::NewSession request;
  ASSIGN_OR_RETURN(request.course_id, body.Int("course_id"));
  ASSIGN_OR_RETURN(request.starts_on, Day(body, "starts_on"));
  ASSIGN_OR_RETURN(auto ends_on, OptDay(body, "ends_on"));
  request.ends_on = ends_on.value_or(request.starts_on);
  ASSIGN_OR_RETURN(request.place, body.String("place", 300));
  ASSIGN_OR_RETURN(auto trainers, body.OptString("trainers", 1000));
  request.trainers = trainers.value_or("");
  RETURN_IF_ERROR(body.Finish());
  return request;
}

Result<training::NewAttendee> ParseAttendee(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  training::NewAttendee request;
  ASSIGN_OR_RETURN(request.user_id, body.OptInt("user_id"));
  ASSIGN_OR_RETURN(request.person_name, body.OptString("person_name", 200));
  ASSIGN_OR_RETURN(request.factory_id, body.OptInt("factory_id"));
  RETURN_IF_ERROR(body.Finish());
  return request;
}

Result<training::AttendeeResult> ParseResult(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  training::AttendeeResult request;
  ASSIGN_OR_RETURN(request.attended, body.Bool("attended"));
  ASSIGN_OR_RETURN(const std::string result, body.String("result", 16));
  ASSIGN_OR_RETURN(request.outcome, training::ParseOutcome(result));
  ASSIGN_OR_RETURN(request.score, body.OptNumber("score"));
  RETURN_IF_ERROR(body.Finish());
  return request;
}

Result<training::CertificateFilter> ParseCertificateFilter(const Request& request) {
  training::CertificateFilter filter;
  if (auto user = request.Query("user_id"); user && !user->empty()) {
    auto id = ParseIdText(*user, "user");
    if (!id.ok()) return Status::Invalid("user_id must be a user id", "user_id");
    filter.user_id = *id;
  }
  if (auto session = request.Query("session_id"); session && !session->empty()) {
    auto id = ParseIdText(*session, "session");
    if (!id.ok()) return Status::Invalid("session_id must be a session id", "session_id");
    filter.session_id = *id;
  }
  if (auto person = request.Query("q"); person && !person->empty()) {
    if (person->size() > 200) return Status::Invalid("q is too long", "q");
    filter.person = *person;
  }
  if (auto days = request.Query("expiring_within_days"); days && !days->empty()) {
    if (days->size() > 4 || days->find_first_not_of("0123456789") != std::string::npos || std::stoi(*days) < 1) {
      return Status::Invalid("expiring_within_days must be a whole number of days from 1 to 9999",
                             "expiring_within_days");
    }
    filter.expiring_within_days = std::stoi(*days);
  }
  return filter;
}

}  // namespace

void RegisterTrainingRoutes(Router& router) {
  router.Add("GET", "/api/v1/training/courses", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto courses, TrainingService().Courses(work));
      for (const auto& c : courses) items.push_back(CourseJson(c));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("POST", "/api/v1/training/courses", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const auto request, ParseCourse(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto course, TrainingService().CreateCourse(work, request));
      out = CourseJson(course);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  // The course with its sessions, newest first.
  router.Add("GET", "/api/v1/training/courses/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "course"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto course, TrainingService().GetCourse(work, id));
      ASSIGN_OR_RETURN(auto sessions, TrainingService().Sessions(work, id));
      out = CourseJson(course);
      out["sessions"] = json::array();
      for (const auto& s : sessions) out["sessions"].push_back(SessionJson(s));
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("GET", "/api/v1/training/sessions", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    std::optional<int64_t> course_id;
    if (auto course = call.request.Query("course_id"); course && !course->empty()) {
      auto id = ParseIdText(*course, "course");
      if (!id.ok()) return Status::Invalid("course_id must be a course id", "course_id");
      course_id = *id;
    }
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto sessions, TrainingService().Sessions(work, course_id));
      for (const auto& s : sessions) items.push_back(SessionJson(s));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("POST", "/api/v1/training/sessions", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const auto request, ParseSession(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto session, TrainingService().CreateSession(work, request));
      out = SessionJson(session);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  // The session with its course, attendees (and their results) and the certificates issued.
  router.Add("GET", "/api/v1/training/sessions/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "session"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto detail, TrainingService().GetSession(work, id));
      training::CertificateFilter filter;
      filter.session_id = id;
      ASSIGN_OR_RETURN(auto certificates, TrainingService().Certificates(work, filter));
      out = SessionJson(detail.session);
      out["course"] = CourseJson(detail.course);
      out["attendees"] = json::array();
      for (const auto& a : detail.attendees) out["attendees"].push_back(AttendeeJson(a));
      out["certificates"] = json::array();
      for (const auto& c : certificates) out["certificates"].push_back(CertificateJson(c, work.info().now));
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/training/sessions/{id}/attendees", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "session"));
               ASSIGN_OR_RETURN(const auto request, ParseAttendee(call.request.body));
               json out;
               RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto attendee, TrainingService().AddAttendee(work, id, request));
                 out = AttendeeJson(attendee);
                 return Status::Ok();
               }));
               return Response::Json(201, out.dump());
             });

  router.Add("PUT", "/api/v1/training/attendees/{id}/result", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "attendee"));
               ASSIGN_OR_RETURN(const auto request, ParseResult(call.request.body));
               json out;
               RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto attendee, TrainingService().RecordResult(work, id, request));
                 out = AttendeeJson(attendee);
                 return Status::Ok();
               }));
               return Response::Json(200, out.dump());
             });

  router.Add("POST", "/api/v1/training/attendees/{id}/certificate", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "attendee"));
               std::optional<int64_t> issued_on;
               if (!call.request.body.empty()) {
                 ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
                 ASSIGN_OR_RETURN(issued_on, OptDay(body, "issued_on"));
                 RETURN_IF_ERROR(body.Finish());
               }
               json out;
               RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto certificate, TrainingService().IssueCertificate(work, id, issued_on));
                 out = CertificateJson(certificate, work.info().now);
                 return Status::Ok();
               }));
               return Response::Json(201, out.dump());
             });

  // ?user_id=, ?session_id=, ?q= (part of the person's name), ?expiring_within_days=N.
  // The certificate of a passed attendee as a PDF in Thai (Laksaman, BE dates), to print and hand over.
  router.Add("GET", "/api/v1/training/attendees/{id}/certificate.pdf", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "attendee"));
               report::Document document;
               RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(const auto record, TrainingService().AttendeeCertificate(work, id));
                 report::CertificateContext context;
                 ASSIGN_OR_RETURN(const auto org, work.orgs().Get(record.certificate.org_id));
                 context.organisation = org.name_th;
                 if (record.attendee.factory_id) {
                   auto factory = factories::FactoryService().Get(work, *record.attendee.factory_id);
                   if (factory.ok()) context.factory_name = factory->name;
                 }
                 context.printed_at = work.info().now;
                 document = report::CertificateDocument(record, context);
                 return Status::Ok();
               }));
               return PdfResponse(document, "certificate-" + std::to_string(id));
             });

  router.Add("GET", "/api/v1/training/certificates", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const auto filter, ParseCertificateFilter(call.request));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto certificates, TrainingService().Certificates(work, filter));
      for (const auto& c : certificates) items.push_back(CertificateJson(c, work.info().now));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/training/certificates/{id}", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "certificate"));
               json out;
               RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto certificate, TrainingService().GetCertificate(work, id));
                 out = CertificateJson(certificate, work.info().now);
                 return Status::Ok();
               }));
               return Response::Json(200, out.dump());
             });

  router.Add("POST", "/api/v1/training/certificates/{id}/revoke", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "certificate"));
               ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
               ASSIGN_OR_RETURN(const std::string reason, body.String("reason", 1000));
               RETURN_IF_ERROR(body.Finish());
               json out;
               RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto certificate, TrainingService().RevokeCertificate(work, id, reason));
                 out = CertificateJson(certificate, work.info().now);
                 return Status::Ok();
               }));
               return Response::Json(200, out.dump());
             });

  // LAO staff to choose attendees and advisers from (no factory representatives).
  router.Add("GET", "/api/v1/training/staff", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto users, TrainingService().Staff(work));
      for (const auto& u : users) {
        items.push_back({{"id", u.id},
                         {"username", u.username},
                         {"display_name", u.display_name},
                         {"role", tenancy::RoleName(u.role)},
                         {"org_id", u.org_id}});
      }
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  // Whether a user may sign off an inspection today: their valid inspector certificate or null.
  router.Add("GET", "/api/v1/training/inspectors/{id}/certificate", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "user"));
               json out;
               RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
                 RETURN_IF_ERROR(work.scope().Require(tenancy::Permission::kRead));
                 ASSIGN_OR_RETURN(auto certificate,
                                  TrainingService().InspectorCertificate(work, id, work.info().now));
                 out = {{"user_id", id},
                        {"certified", certificate.has_value()},
                        {"certificate", certificate ? CertificateJson(*certificate, work.info().now) : json()}};
                 return Status::Ok();
               }));
               return Response::Json(200, out.dump());
             });
}

}  // namespace ecotown::http
