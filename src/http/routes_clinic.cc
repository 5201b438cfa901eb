// The pollution clinic: cases of a factory (filed by its representative or by LAO staff), their
// advisers, visits, measures, follow-ups and measured outcomes, and the knowledge base of advice
// articles. Dates in bodies are Bangkok days "YYYY-MM-DD"; responses carry Unix seconds.
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/json_body.h"
#include "http/json_mapping.h"
#include "modules/calibration/calibration.h"
#include "modules/clinic/clinic_service.h"

namespace ecotown::http {
namespace {

using clinic::ClinicService;
using nlohmann::json;

json CaseJson(const clinic::Case& c) {
  return {{"id", c.id},
          {"org_id", c.org_id},
          {"factory_id", c.factory_id},
          {"factory_name", c.factory_name},
          {"topic", clinic::TopicName(c.topic)},
          {"request_text", c.request_text},
          {"contact_name", c.contact_name},
          {"contact_phone", c.contact_phone},
          {"status", clinic::CaseStatusName(c.status)},
          {"decline_reason", c.decline_reason},
          {"requested_by", c.requested_by},
          {"filed_by_factory", c.filed_by_factory},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at},
          {"closed_at", JsonOrNull(c.closed_at)}};
}

json VisitJson(const clinic::Visit& v) {
  return {{"id", v.id},         {"visited_on", v.visited_on}, {"notes", v.notes},
          {"advice", v.advice}, {"created_by", v.created_by}, {"created_at", v.created_at}};
}

json MeasureJson(const clinic::Measure& m) {
  return {{"id", m.id},          {"case_id", m.case_id}, {"description", m.description},
          {"owner", m.owner},    {"due_on", m.due_on},   {"done_on", JsonOrNull(m.done_on)}};
}

json FollowUpJson(const clinic::FollowUp& f) { return {{"id", f.id}, {"due_on", f.due_on}, {"note", f.note}}; }

// change_percent: (after − before) / before · 100, null when before is 0.
json OutcomeJson(const clinic::Outcome& o) {
  return {{"id", o.id},
          {"indicator", o.indicator},
          {"unit", o.unit},
          {"before_value", o.before_value},
          {"before_on", o.before_on},
          {"after_value", o.after_value},
          {"after_on", o.after_on},
          {"notes", o.notes},
          {"change_percent",
           o.before_value != 0 ? json((o.after_value - o.before_value) / o.before_value * 100.0) : json()}};
}

json ArticleJson(const clinic::Article& a, bool with_body) {
  json out = {{"id", a.id},         {"slug", a.slug},       {"title", a.title},
              {"topic", clinic::TopicName(a.topic)}, {"summary", a.summary}, {"tags", a.tags},
              {"updated_at", a.updated_at}};
  if (with_body) out["body"] = a.body;
  return out;
}

json DetailJson(const clinic::CaseDetail& d) {
  json out = CaseJson(d.item);
  out["advisers"] = json::array();
  for (const auto& a : d.advisers) out["advisers"].push_back({{"user_id", a.user_id}, {"name", a.name}});
  out["visits"] = json::array();
  for (const auto& v : d.visits) out["visits"].push_back(VisitJson(v));
  out["measures"] = json::array();
  for (const auto& m : d.measures) out["measures"].push_back(MeasureJson(m));
  out["follow_ups"] = json::array();
  for (const auto& f : d.follow_ups) out["follow_ups"].push_back(FollowUpJson(f));
  out["outcomes"] = json::array();
  for (const auto& o : d.outcomes) out["outcomes"].push_back(OutcomeJson(o));
  return out;
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

std::string OrEmpty(const std::optional<std::string>& s) { return s.value_or(""); }

Result<clinic::NewRequest> ParseRequest(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  clinic::NewRequest request;
  ASSIGN_OR_RETURN(request.factory_id, body.OptInt("factory_id"));
  ASSIGN_OR_RETURN(const std::string topic, body.String("topic", 32));
  ASSIGN_OR_RETURN(request.topic, clinic::ParseTopic(topic));
  ASSIGN_OR_RETURN(request.request_text, body.String("request_text", 4000));
  ASSIGN_OR_RETURN(auto contact_name, body.OptString("contact_name", 200));
  request.contact_name = OrEmpty(contact_name);
  ASSIGN_OR_RETURN(auto contact_phone, body.OptString("contact_phone", 40));
  request.contact_phone = OrEmpty(contact_phone);
  RETURN_IF_ERROR(body.Finish());
  return request;
}

Result<clinic::CaseQuery> ParseCaseQuery(const Request& request) {
  clinic::CaseQuery query;
  if (auto status = request.Query("status"); status && !status->empty()) {
    ASSIGN_OR_RETURN(query.status, clinic::ParseCaseStatus(*status));
  }
  if (auto topic = request.Query("topic"); topic && !topic->empty()) {
    ASSIGN_OR_RETURN(query.topic, clinic::ParseTopic(*topic));
  }
  if (auto factory = request.Query("factory_id"); factory && !factory->empty()) {
    auto id = ParseIdText(*factory, "factory");
    if (!id.ok()) return Status::Invalid("factory_id must be a factory id", "factory_id");
    query.factory_id = *id;
  }
  if (auto before = request.Query("before"); before && !before->empty()) {
    auto id = ParseIdText(*before, "case");
    if (!id.ok()) return Status::Invalid("before must be a case id", "before");
    query.before_id = *id;
  }
  if (auto limit = request.Query("limit")) {
    if (limit->empty() || limit->size() > 3 || limit->find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(*limit) < 1 || std::stoi(*limit) > 200) {
      return Status::Invalid("limit must be a whole number from 1 to 200", "limit");
    }
    query.limit = std::stoi(*limit);
  }
  return query;
}

// Runs one write on a case and answers with the whole case, as the case page shows it.
Result<Response> WriteAndShow(Call& call, int64_t case_id, int status,
                              const std::function<Status(UnitOfWork&)>& write) {
  json out;
  RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(write(work));
    ASSIGN_OR_RETURN(auto detail, ClinicService().GetCase(work, case_id));
    out = DetailJson(detail);
    return Status::Ok();
  }));
  return Response::Json(status, out.dump());
}

}  // namespace

void RegisterClinicRoutes(Router& router) {
  // ?status=, ?topic=, ?factory_id=, ?before= (paging), ?limit=. A factory representative gets
  // its own factory's cases only.
  router.Add("GET", "/api/v1/clinic/cases", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const auto query, ParseCaseQuery(call.request));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto cases, ClinicService().Cases(work, query));
      for (const auto& c : cases) items.push_back(CaseJson(c));
      return Status::Ok();
    }));
    json out = {{"items", items}, {"next_before", json()}};
    if (static_cast<int>(items.size()) == query.limit && !items.empty()) out["next_before"] = items.back()["id"];
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/clinic/cases", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const auto request, ParseRequest(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto c, ClinicService().FileRequest(work, request));
      ASSIGN_OR_RETURN(auto detail, ClinicService().GetCase(work, c.id));
      out = DetailJson(detail);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("GET", "/api/v1/clinic/cases/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "clinic case"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto detail, ClinicService().GetCase(work, id));
      out = DetailJson(detail);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  // {"status": "accepted" | "in_progress" | "follow_up" | "closed" | "declined", "reason": "..."}
  router.Add("POST", "/api/v1/clinic/cases/{id}/status", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "clinic case"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(const std::string status_text, body.String("status", 32));
    ASSIGN_OR_RETURN(const auto status, clinic::ParseCaseStatus(status_text));
    ASSIGN_OR_RETURN(const auto reason, body.OptString("reason", 4000));
    RETURN_IF_ERROR(body.Finish());
    return WriteAndShow(call, id, 200, [&](UnitOfWork& work) {
      return ClinicService().Move(work, id, status, OrEmpty(reason)).status();
    });
  });

  router.Add("PUT", "/api/v1/clinic/cases/{id}/advisers", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "clinic case"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(const json list, body.Raw("advisers"));
    RETURN_IF_ERROR(body.Finish());
    if (!list.is_array()) return Status::Invalid("advisers must be a list of user ids", "advisers");
    std::vector<int64_t> user_ids;
    for (const auto& item : list) {
      if (!item.is_number_integer()) return Status::Invalid("advisers must be a list of user ids", "advisers");
      user_ids.push_back(item.get<int64_t>());
    }
    return WriteAndShow(call, id, 200, [&](UnitOfWork& work) {
      return ClinicService().SetAdvisers(work, id, user_ids).status();
    });
  });

  router.Add("POST", "/api/v1/clinic/cases/{id}/visits", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "clinic case"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    clinic::Visit visit;
    ASSIGN_OR_RETURN(visit.visited_on, Day(body, "visited_on"));
    ASSIGN_OR_RETURN(auto notes, body.OptString("notes", 4000));
    visit.notes = OrEmpty(notes);
    ASSIGN_OR_RETURN(visit.advice, body.String("advice", 4000));
    RETURN_IF_ERROR(body.Finish());
    return WriteAndShow(call, id, 201, [&](UnitOfWork& work) {
      return ClinicService().AddVisit(work, id, visit).status();
    });
  });

  router.Add("POST", "/api/v1/clinic/cases/{id}/measures", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "clinic case"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    clinic::Measure measure;
    ASSIGN_OR_RETURN(measure.description, body.String("description", 1000));
    ASSIGN_OR_RETURN(measure.owner, body.String("owner", 200));
    ASSIGN_OR_RETURN(measure.due_on, Day(body, "due_on"));
    RETURN_IF_ERROR(body.Finish());
    return WriteAndShow(call, id, 201, [&](UnitOfWork& work) {
      return ClinicService().AddMeasure(work, id, measure).status();
    });
  });

  // {"done_on": "YYYY-MM-DD"} marks the measure done; {"done_on": null} reopens it.
  router.Add("PUT", "/api/v1/clinic/measures/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "measure"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(const auto done_on, OptDay(body, "done_on"));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto measure, ClinicService().SetMeasureDone(work, id, done_on));
      out = MeasureJson(measure);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/clinic/cases/{id}/follow-ups", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "clinic case"));
               ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
               clinic::FollowUp follow_up;
               ASSIGN_OR_RETURN(follow_up.due_on, Day(body, "due_on"));
               ASSIGN_OR_RETURN(auto note, body.OptString("note", 1000));
               follow_up.note = OrEmpty(note);
               RETURN_IF_ERROR(body.Finish());
               return WriteAndShow(call, id, 201, [&](UnitOfWork& work) {
                 return ClinicService().AddFollowUp(work, id, follow_up).status();
               });
             });

  router.Add("POST", "/api/v1/clinic/cases/{id}/outcomes", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "clinic case"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    clinic::Outcome outcome;
    ASSIGN_OR_RETURN(outcome.indicator, body.String("indicator", 200));
    ASSIGN_OR_RETURN(outcome.unit, body.String("unit", 40));
    ASSIGN_OR_RETURN(outcome.before_value, body.Number("before_value"));
    ASSIGN_OR_RETURN(outcome.before_on, Day(body, "before_on"));
    ASSIGN_OR_RETURN(outcome.after_value, body.Number("after_value"));
    ASSIGN_OR_RETURN(outcome.after_on, Day(body, "after_on"));
    ASSIGN_OR_RETURN(auto notes, body.OptString("notes", 2000));
    outcome.notes = OrEmpty(notes);
    RETURN_IF_ERROR(body.Finish());
    return WriteAndShow(call, id, 201, [&](UnitOfWork& work) {
      return ClinicService().AddOutcome(work, id, outcome).status();
    });
  });

  // ?q= (a substring: Thai has no spaces between words), ?topic=. Title matches first.
  router.Add("GET", "/api/v1/clinic/articles", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    clinic::ArticleQuery query;
    if (auto q = call.request.Query("q")) query.text = *q;
    if (auto topic = call.request.Query("topic"); topic && !topic->empty()) {
      ASSIGN_OR_RETURN(query.topic, clinic::ParseTopic(*topic));
    }
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto articles, ClinicService().SearchArticles(work, query));
      for (const auto& a : articles) items.push_back(ArticleJson(a, false));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/clinic/articles/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "article"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto article, ClinicService().GetArticle(work, id));
      out = ArticleJson(article, true);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
}

}  // namespace ecotown::http
