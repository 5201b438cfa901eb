#include "modules/clinic/clinic_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "modules/audit/recorder.h"
#include "modules/factories/factory.h"

namespace ecotown::clinic {
namespace {

using nlohmann::json;
using tenancy::Permission;

std::string CaseJson(const Case& c) {
  return json({{"id", c.id},
               {"factory_id", c.factory_id},
               {"topic", TopicName(c.topic)},
               {"status", CaseStatusName(c.status)},
               {"request_text", c.request_text},
               {"contact_name", c.contact_name},
               {"contact_phone", c.contact_phone},
               {"decline_reason", c.decline_reason}})
      .dump();
}

// Everyone but a factory representative needs organisation-wide read; the representative's reads
// are narrowed to its own factory by the store.
Status RequireCaseRead(const tenancy::Scope& scope) {
  if (scope.OwnFactory()) return Status::Ok();
  return scope.Require(Permission::kRead);
}

// The case for a staff write: kWrite and write access to its organisation.
Result<Case> CaseForWrite(UnitOfWork& work, int64_t id) {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Case c, work.clinic().GetCase(id));
  RETURN_IF_ERROR(work.scope().RequireWrite(c.org_id, "clinic case"));
  return c;
}

// Work on the case (visits, measures, follow-ups, outcomes) is recorded only while it is open.
Status RequireOpen(const Case& c) {
  if (c.status == CaseStatus::kRequested) {
    return Status::Conflict("accept the request before recording work on it", "status");
  }
  if (c.status == CaseStatus::kClosed || c.status == CaseStatus::kDeclined) {
    return Status::Conflict(std::string("the case is ") + CaseStatusName(c.status), "status");
  }
  return Status::Ok();
}

}  // namespace

Result<Case> ClinicService::FileRequest(UnitOfWork& work, const NewRequest& request) const {
  const auto& scope = work.scope();
  const auto own = scope.OwnFactory();
  int64_t factory_id = 0;
  if (own) {
    factory_id = request.factory_id.value_or(*own);
    // Another factory's id is answered as if it did not exist.
    if (factory_id != *own) return Status::NotFound("factory not found");
  } else {
    RETURN_IF_ERROR(scope.Require(Permission::kWrite));
    if (!request.factory_id) return Status::Invalid("factory_id is required", "factory_id");
    factory_id = *request.factory_id;
  }
  auto factory = work.factories().Get(factory_id);
  if (!factory.ok()) {
    if (factory.status().code() == StatusCode::kNotFound) return Status::Invalid("no such factory", "factory_id");
    return factory.status();
  }
  if (!own) RETURN_IF_ERROR(scope.RequireWrite(factory->org_id, "factory"));

  Case c;
  c.org_id = factory->org_id;
  c.factory_id = factory->id;
  c.factory_name = factory->name;
  c.topic = request.topic;
  c.request_text = request.request_text;
  c.contact_name = request.contact_name;
  c.contact_phone = request.contact_phone;
  c.status = CaseStatus::kRequested;
  c.requested_by = scope.principal().name;
  c.filed_by_factory = own.has_value();
  c.created_at = work.info().now;
  c.updated_at = c.created_at;
  RETURN_IF_ERROR(ValidateCase(c));
  ASSIGN_OR_RETURN(c.id, work.clinic().InsertCase(c));
  RETURN_IF_ERROR(
      audit::Record(work, "create", "clinic_case", std::to_string(c.id), c.org_id, std::nullopt, CaseJson(c)));
  return c;
}

Result<std::vector<Case>> ClinicService::Cases(UnitOfWork& work, const CaseQuery& query) const {
  RETURN_IF_ERROR(RequireCaseRead(work.scope()));
  CaseQuery q = query;
  q.limit = std::clamp(q.limit, 1, 200);
  return work.clinic().ListCases(q);
}

Result<CaseDetail> ClinicService::GetCase(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(RequireCaseRead(work.scope()));
  CaseDetail detail;
  ASSIGN_OR_RETURN(detail.item, work.clinic().GetCase(id));
  ASSIGN_OR_RETURN(detail.advisers, work.clinic().ListAdvisers(id));
  ASSIGN_OR_RETURN(detail.visits, work.clinic().ListVisits(id));
  ASSIGN_OR_RETURN(detail.measures, work.clinic().ListMeasures(id));
  ASSIGN_OR_RETURN(detail.follow_ups, work.clinic().ListFollowUps(id));
  ASSIGN_OR_RETURN(detail.outcomes, work.clinic().ListOutcomes(id));
  return detail;
}

Result<Case> ClinicService::Move(UnitOfWork& work, int64_t id, CaseStatus to, const std::string& reason) const {
  ASSIGN_OR_RETURN(Case c, CaseForWrite(work, id));
  if (!CanMove(c.status, to)) {
    return Status::Conflict(std::string("a ") + CaseStatusName(c.status) + " case cannot become " + CaseStatusName(to),
                            "status");
  }
  if (to == CaseStatus::kDeclined) {
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
      return Status::Invalid("say why the request is declined", "reason");
    }
    if (reason.size() > 4000) return Status::Invalid("reason is too long", "reason");
    c.decline_reason = reason;
  }
  if (to == CaseStatus::kClosed) {
    ASSIGN_OR_RETURN(const auto outcomes, work.clinic().ListOutcomes(id));
    if (outcomes.empty()) {
      return Status::Conflict("record at least one measured outcome (before and after) before closing", "outcomes");
    }
    c.closed_at = work.info().now;
  }
  const std::string before = CaseJson(c);
  c.status = to;
  c.updated_at = work.info().now;
  RETURN_IF_ERROR(work.clinic().UpdateCaseStatus(c));
  RETURN_IF_ERROR(audit::Record(work, "update", "clinic_case", std::to_string(c.id), c.org_id, before, CaseJson(c)));
  return c;
}

Result<std::vector<Adviser>> ClinicService::SetAdvisers(UnitOfWork& work, int64_t id,
                                                        const std::vector<int64_t>& user_ids) const {
  ASSIGN_OR_RETURN(const Case c, CaseForWrite(work, id));
  if (user_ids.size() > 20) return Status::Invalid("at most 20 advisers", "advisers");
  std::vector<int64_t> unique = user_ids;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  for (const int64_t user_id : unique) {
    auto user = work.accounts().GetUser(user_id);
    if (!user.ok() || user->org_id != c.org_id || user->role == tenancy::Role::kFactory || !user->active) {
      if (!user.ok() && user.status().code() != StatusCode::kNotFound) return user.status();
      return Status::Invalid("user " + std::to_string(user_id) + " cannot advise on this case", "advisers");
    }
  }
  ASSIGN_OR_RETURN(const auto previous, work.clinic().ListAdvisers(id));
  RETURN_IF_ERROR(work.clinic().SetAdvisers(id, unique));
  json before = json::array(), after = json::array();
  for (const auto& a : previous) before.push_back(a.user_id);
  for (const int64_t u : unique) after.push_back(u);
  RETURN_IF_ERROR(audit::Record(work, "update", "clinic_case_advisers", std::to_string(id), c.org_id, before.dump(),
                                after.dump()));
  return work.clinic().ListAdvisers(id);
}

Result<Visit> ClinicService::AddVisit(UnitOfWork& work, int64_t case_id, Visit visit) const {
  ASSIGN_OR_RETURN(const Case c, CaseForWrite(work, case_id));
  RETURN_IF_ERROR(RequireOpen(c));
  visit.case_id = case_id;
  visit.created_by = work.scope().principal().name;
  visit.created_at = work.info().now;
  RETURN_IF_ERROR(ValidateVisit(visit));
  if (visit.visited_on > work.info().now + 86400) {
    return Status::Invalid("the visit date cannot be in the future", "visited_on");
  }
  ASSIGN_OR_RETURN(visit.id, work.clinic().InsertVisit(visit));
  RETURN_IF_ERROR(audit::Record(work, "create", "clinic_visit", std::to_string(visit.id), c.org_id, std::nullopt,
                                json({{"case_id", case_id}, {"visited_on", visit.visited_on}, {"advice", visit.advice}})
                                    .dump()));
  return visit;
}

Result<Measure> ClinicService::AddMeasure(UnitOfWork& work, int64_t case_id, Measure measure) const {
  ASSIGN_OR_RETURN(const Case c, CaseForWrite(work, case_id));
  RETURN_IF_ERROR(RequireOpen(c));
  measure.case_id = case_id;
  measure.done_on.reset();
  RETURN_IF_ERROR(ValidateMeasure(measure));
  ASSIGN_OR_RETURN(measure.id, work.clinic().InsertMeasure(measure));
  RETURN_IF_ERROR(audit::Record(work, "create", "clinic_measure", std::to_string(measure.id), c.org_id, std::nullopt,
                                json({{"case_id", case_id},
                                      {"description", measure.description},
                                      {"owner", measure.owner},
                                      {"due_on", measure.due_on}})
                                    .dump()));
  return measure;
}

Result<Measure> ClinicService::SetMeasureDone(UnitOfWork& work, int64_t measure_id,
                                              std::optional<int64_t> done_on) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Measure measure, work.clinic().GetMeasure(measure_id));
  ASSIGN_OR_RETURN(const Case c, CaseForWrite(work, measure.case_id));
  RETURN_IF_ERROR(RequireOpen(c));
  const json before = {{"done_on", measure.done_on ? json(*measure.done_on) : json()}};
  measure.done_on = done_on;
  RETURN_IF_ERROR(work.clinic().SetMeasureDone(measure_id, done_on));
  RETURN_IF_ERROR(audit::Record(work, "update", "clinic_measure", std::to_string(measure_id), c.org_id, before.dump(),
                                json({{"done_on", done_on ? json(*done_on) : json()}}).dump()));
  return measure;
}

Result<FollowUp> ClinicService::AddFollowUp(UnitOfWork& work, int64_t case_id, FollowUp follow_up) const {
  ASSIGN_OR_RETURN(const Case c, CaseForWrite(work, case_id));
  RETURN_IF_ERROR(RequireOpen(c));
  follow_up.case_id = case_id;
  RETURN_IF_ERROR(ValidateFollowUp(follow_up));
  ASSIGN_OR_RETURN(follow_up.id, work.clinic().InsertFollowUp(follow_up));
  RETURN_IF_ERROR(audit::Record(work, "create", "clinic_follow_up", std::to_string(follow_up.id), c.org_id,
                                std::nullopt,
                                json({{"case_id", case_id}, {"due_on", follow_up.due_on}, {"note", follow_up.note}})
                                    .dump()));
  return follow_up;
}

Result<Outcome> ClinicService::AddOutcome(UnitOfWork& work, int64_t case_id, Outcome outcome) const {
  ASSIGN_OR_RETURN(const Case c, CaseForWrite(work, case_id));
  RETURN_IF_ERROR(RequireOpen(c));
  outcome.case_id = case_id;
  RETURN_IF_ERROR(ValidateOutcome(outcome));
  ASSIGN_OR_RETURN(outcome.id, work.clinic().InsertOutcome(outcome));
  RETURN_IF_ERROR(audit::Record(work, "create", "clinic_outcome", std::to_string(outcome.id), c.org_id, std::nullopt,
                                json({{"case_id", case_id},
                                      {"indicator", outcome.indicator},
                                      {"unit", outcome.unit},
                                      {"before_value", outcome.before_value},
                                      {"before_on", outcome.before_on},
                                      {"after_value", outcome.after_value},
                                      {"after_on", outcome.after_on}})
                                    .dump()));
  return outcome;
}

Result<std::vector<Article>> ClinicService::SearchArticles(UnitOfWork& work, const ArticleQuery& query) const {
  ArticleQuery q = query;
  q.limit = std::clamp(q.limit, 1, 100);
  if (q.text.size() > 200) return Status::Invalid("q is too long", "q");
  return work.clinic().SearchArticles(q);
}

Result<Article> ClinicService::GetArticle(UnitOfWork& work, int64_t id) const { return work.clinic().GetArticle(id); }

}  // namespace ecotown::clinic
