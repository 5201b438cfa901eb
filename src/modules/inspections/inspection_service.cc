#include "modules/inspections/inspection_service.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/thai_calendar.h"
#include "core/utf8.h"
#include "modules/accounts/secrets.h"
#include "modules/audit/recorder.h"
#include "modules/calibration/sensor_photo.h"
#include "modules/factories/factory.h"

namespace ecotown::inspections {
namespace {

using nlohmann::json;
using tenancy::Permission;
using tenancy::Role;

json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }

Status CheckText(std::string_view text, const std::string& field, size_t max, bool required) {
  if (!core::IsValidUtf8(text)) return Status::Invalid(field + " is not valid UTF-8", field);
  if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::Invalid(field + " is required", field);
  }
  if (core::CodePointCount(text) > max) {
    return Status::Invalid(field + " is longer than " + std::to_string(max) + " characters", field);
  }
  return Status::Ok();
}

Status RequireOpen(const Inspection& inspection) {
  if (inspection.status == InspectionStatus::kSignedOff) {
    return Status::Conflict("the inspection is signed off and can no longer change");
  }
  if (inspection.status == InspectionStatus::kCancelled) return Status::Conflict("the inspection is cancelled");
  return Status::Ok();
}

// Marks the inspection as started (first change) and stamps updated_at.
Status Touch(UnitOfWork& work, Inspection& inspection) {
  if (inspection.status == InspectionStatus::kPlanned) {
    inspection.status = InspectionStatus::kInProgress;
    inspection.started_at = work.info().now;
  }
  inspection.updated_at = work.info().now;
  return work.inspections().UpdateInspection(inspection);
}

// The users who may be assigned: active accounts of the inspection's LAO that do inspections.
Status CheckInspectors(UnitOfWork& work, int64_t org_id, const std::vector<int64_t>& ids) {
  if (ids.empty() || ids.size() > 5) return Status::Invalid("assign 1 to 5 inspectors", "inspector_ids");
  std::set<int64_t> seen;
  for (int64_t id : ids) {
    if (!seen.insert(id).second) return Status::Invalid("an inspector is listed twice", "inspector_ids");
    auto user = work.accounts().GetUser(id);
    if (!user.ok()) {
      if (user.status().code() == StatusCode::kNotFound) {
        return Status::Invalid("user " + std::to_string(id) + " is not a user of this organisation", "inspector_ids");
      }
      return user.status();
    }
    const Role role = user->role;
    if (user->org_id != org_id || !user->active ||
        (role != Role::kInspector && role != Role::kOfficer && role != Role::kLaoAdmin)) {
      return Status::Invalid(user->username + " cannot be assigned: inspectors are active inspector, officer or "
                                              "lao-admin accounts of the factory's organisation",
                             "inspector_ids");
    }
  }
  return Status::Ok();
}

std::string InspectionAudit(const Inspection& i) {
  return json({{"id", i.id},
               {"factory_id", i.factory_id},
               {"template_id", i.template_id},
               {"status", InspectionStatusName(i.status)},
               {"planned_date", i.planned_date},
               {"previous_id", Opt(i.previous_id)},
               {"inspector_ids", i.inspector_ids}})
      .dump();
}

std::string ActionAudit(const CorrectiveAction& a) {
  return json({{"id", a.id},
               {"factory_id", a.factory_id},
               {"inspection_id", a.inspection_id},
               {"title", a.title},
               {"owner", a.owner},
               {"due_date", a.due_date},
               {"status", ActionStatusName(a.status)},
               {"closure_note", a.closure_note},
               {"closure_photo_id", Opt(a.closure_photo_id)}})
      .dump();
}

json AnswerJson(const Answer& a) {
  json out = {{"item_key", a.item_key}, {"note", a.note}, {"answered_at", a.answered_at}, {"answered_by", a.answered_by}};
  out["choice"] = a.choice ? json(*a.choice) : json();
  out["number"] = a.number ? json(*a.number) : json();
  out["text"] = a.text ? json(*a.text) : json();
  return out;
}

// Corrective actions (and their evidence) are factory records: the LAO's readers, and a factory
// representative for its own factory (the store filters which).
Status RequireActionRead(const tenancy::Scope& scope) {
  if (scope.OwnFactory()) return Status::Ok();
  return scope.Require(Permission::kRead);
}

// Expected refusals of one operation: remembered as "rejected". Anything else aborts the batch.
bool IsRejection(const Status& status) {
  return status.code() == StatusCode::kInvalid || status.code() == StatusCode::kTooLarge ||
         status.code() == StatusCode::kNotFound;
}

Result<Photo> ValidatePhoto(const Inspection& inspection, const ChecklistTemplate& tmpl, PhotoUpload upload,
                            const std::string& who, int64_t now) {
  if (upload.bytes.size() > kMaxPhotoBytes) {
    return Status::TooLarge("the photo is " + std::to_string(upload.bytes.size()) +
                            " bytes; at most 5 MiB (5242880 bytes) are accepted");
  }
  const std::string_view type = calibration::DetectImageType(upload.bytes);
  if (type.empty()) return Status::Invalid("the photo must be a JPEG, PNG or WebP image", "photo");
  if (!upload.item_key.empty() && !tmpl.FindItem(upload.item_key)) {
    return Status::Invalid("the checklist has no item " + upload.item_key, "item_key");
  }
  if (upload.lat && (!std::isfinite(*upload.lat) || *upload.lat < -90 || *upload.lat > 90)) {
    return Status::Invalid("lat must be a latitude", "lat");
  }
  if (upload.lon && (!std::isfinite(*upload.lon) || *upload.lon < -180 || *upload.lon > 180)) {
    return Status::Invalid("lon must be a longitude", "lon");
  }
  if (upload.lat.has_value() != upload.lon.has_value()) return Status::Invalid("give both lat and lon, or neither", "lon");
  RETURN_IF_ERROR(CheckText(upload.caption, "caption", 500, false));
  Photo photo;
  photo.inspection_id = inspection.id;
  photo.item_key = upload.item_key;
  photo.content_type = std::string(type);
  photo.sha256 = accounts::HashSecret(upload.bytes);
  photo.size = static_cast<int64_t>(upload.bytes.size());
  photo.bytes = std::move(upload.bytes);
  photo.taken_at = upload.taken_at > 0 ? upload.taken_at : now;
  photo.lat = upload.lat;
  photo.lon = upload.lon;
  photo.caption = upload.caption;
  photo.uploaded_at = now;
  photo.uploaded_by = who;
  return photo;
}

Result<Finding> BuildFinding(const Inspection& inspection, const ChecklistTemplate& tmpl, const NewFinding& request,
                             const std::string& who, int64_t now) {
  Finding finding;
  finding.inspection_id = inspection.id;
  ASSIGN_OR_RETURN(finding.severity, ParseSeverity(request.severity));
  RETURN_IF_ERROR(CheckText(request.description, "description", 2000, true));
  RETURN_IF_ERROR(CheckText(request.legal_basis, "legal_basis", 500, false));
  if (!request.item_key.empty()) {
    const ChecklistItem* item = tmpl.FindItem(request.item_key);
    if (!item) return Status::Invalid("the checklist has no item " + request.item_key, "item_key");
    finding.item_key = request.item_key;
    finding.legal_basis = request.legal_basis.empty() ? item->legal_basis : request.legal_basis;
  } else {
    finding.legal_basis = request.legal_basis;
  }
  finding.description = request.description;
  finding.created_at = now;
  finding.created_by = who;
  return finding;
}

Result<CorrectiveAction> BuildAction(UnitOfWork& work, const Inspection& inspection, const NewAction& request) {
  RETURN_IF_ERROR(CheckText(request.title, "title", 300, true));
  RETURN_IF_ERROR(CheckText(request.description, "description", 2000, false));
  RETURN_IF_ERROR(CheckText(request.owner, "owner", 200, true));
  RETURN_IF_ERROR(ValidateDate(request.due_date, "due_date"));
  if (request.finding_id) {
    ASSIGN_OR_RETURN(const auto findings, work.inspections().ListFindings(inspection.id));
    const bool found = std::any_of(findings.begin(), findings.end(),
                                   [&](const Finding& f) { return f.id == *request.finding_id; });
    if (!found) return Status::Invalid("finding_id is not a finding of this inspection", "finding_id");
  }
  CorrectiveAction action;
  action.org_id = inspection.org_id;
  action.factory_id = inspection.factory_id;
  action.inspection_id = inspection.id;
  action.finding_id = request.finding_id;
  action.title = request.title;
  action.description = request.description;
  action.owner = request.owner;
  action.due_date = request.due_date;
  action.status = ActionStatus::kOpen;
  action.created_at = work.info().now;
  action.created_by = work.scope().principal().name;
  return action;
}

// Applies one operation; Ok with the outcome JSON, or the refusal.
Result<json> ApplyOp(UnitOfWork& work, Inspection& inspection, const ChecklistTemplate& tmpl, const SyncOp& op,
                     bool& notes_changed) {
  const std::string who = work.scope().principal().name;
  const int64_t now = work.info().now;
  json out = {{"id", op.id}, {"kind", op.kind}, {"status", "applied"}};
  if (op.kind == "answer") {
    const ChecklistItem* item = tmpl.FindItem(op.item_key);
    if (!item) return Status::Invalid("the checklist has no item " + op.item_key, "item_key");
    Answer answer;
    answer.inspection_id = inspection.id;
    answer.item_key = op.item_key;
    answer.choice = op.choice;
    answer.number = op.number;
    answer.text = op.text;
    answer.note = op.note;
    answer.answered_at = op.at > 0 ? op.at : now;
    answer.answered_by = who;
    RETURN_IF_ERROR(ValidateAnswer(*item, answer));
    ASSIGN_OR_RETURN(const auto existing, work.inspections().GetAnswer(inspection.id, op.item_key));
    if (existing && existing->answered_at > answer.answered_at) {
      out["status"] = "superseded";
      out["answer"] = AnswerJson(*existing);
      return out;
    }
    RETURN_IF_ERROR(work.inspections().UpsertAnswer(inspection.org_id, answer));
    out["answer"] = AnswerJson(answer);
    return out;
  }
  if (op.kind == "note") {
    RETURN_IF_ERROR(CheckText(op.note, "note", 4000, false));
    inspection.notes = op.note;
    notes_changed = true;
    return out;
  }
  if (op.kind == "finding") {
    ASSIGN_OR_RETURN(Finding finding,
                     BuildFinding(inspection, tmpl, {op.item_key, op.severity, op.description, op.legal_basis}, who, now));
    ASSIGN_OR_RETURN(finding.id, work.inspections().InsertFinding(inspection.org_id, finding));
    out["finding_id"] = finding.id;
    return out;
  }
  if (op.kind == "action") {
    NewAction request{op.finding_id, op.title, op.description, op.owner, op.due_date};
    if (!op.finding_op.empty()) {
      ASSIGN_OR_RETURN(const auto finding_op, work.inspections().FindAppliedOp(inspection.id, op.finding_op));
      if (!finding_op || finding_op->kind != "finding") {
        return Status::Invalid("finding_op names no finding operation of this inspection", "finding_op");
      }
      const json result = json::parse(finding_op->result_json, nullptr, false);
      if (!result.is_object() || !result.contains("finding_id")) {
        return Status::Invalid("the finding of finding_op was not saved", "finding_op");
      }
      request.finding_id = result["finding_id"].get<int64_t>();
    }
    ASSIGN_OR_RETURN(CorrectiveAction action, BuildAction(work, inspection, request));
    ASSIGN_OR_RETURN(action.id, work.inspections().InsertAction(action));
    out["action_id"] = action.id;
    return out;
  }
  if (op.kind == "photo") {
    ASSIGN_OR_RETURN(Photo photo,
                     ValidatePhoto(inspection, tmpl, {op.item_key, op.bytes, op.taken_at, op.lat, op.lon, op.caption},
                                   who, now));
    ASSIGN_OR_RETURN(photo.id, work.inspections().InsertPhoto(inspection.org_id, photo));
    out["photo_id"] = photo.id;
    out["content_type"] = photo.content_type;
    out["size"] = photo.size;
    return out;
  }
  return Status::Invalid("kind must be answer, note, finding, action or photo", "kind");
}

json Rejected(const SyncOp& op, const Status& status) {
  return {{"id", op.id},
          {"kind", op.kind},
          {"status", "rejected"},
          {"error", {{"code", status.CodeName()}, {"message", status.message()}, {"field", status.field()}}}};
}

}  // namespace

std::string BangkokDay(int64_t unix_seconds) {
  const core::CivilDate d = core::BangkokDateOf(unix_seconds);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

Result<Inspection> InspectionService::Plan(UnitOfWork& work, const NewInspection& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const factories::Factory factory, work.factories().Get(request.factory_id));
  RETURN_IF_ERROR(scope.RequireWrite(factory.org_id, "factory"));
  ASSIGN_OR_RETURN(const ChecklistTemplate tmpl, work.inspections().GetTemplate(request.template_id));
  if (tmpl.org_id && *tmpl.org_id != factory.org_id) return Status::NotFound("checklist not found");
  RETURN_IF_ERROR(ValidateDate(request.planned_date, "planned_date"));
  RETURN_IF_ERROR(CheckText(request.notes, "notes", 4000, false));
  RETURN_IF_ERROR(CheckInspectors(work, factory.org_id, request.inspector_ids));
  Inspection inspection;
  inspection.org_id = factory.org_id;
  inspection.factory_id = factory.id;
  inspection.template_id = tmpl.id;
  inspection.status = InspectionStatus::kPlanned;
  inspection.planned_date = request.planned_date;
  inspection.inspector_ids = request.inspector_ids;
  inspection.notes = request.notes;
  inspection.created_at = work.info().now;
  inspection.created_by = scope.principal().name;
  inspection.updated_at = work.info().now;
  ASSIGN_OR_RETURN(inspection.id, work.inspections().InsertInspection(inspection));
  RETURN_IF_ERROR(audit::Record(work, "create", "inspection", std::to_string(inspection.id), inspection.org_id,
                                std::nullopt, InspectionAudit(inspection)));
  return work.inspections().GetInspection(inspection.id);
}

Result<Inspection> InspectionService::Reinspect(UnitOfWork& work, int64_t previous_id,
                                                const Reinspection& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const Inspection previous, work.inspections().GetInspection(previous_id));
  RETURN_IF_ERROR(scope.RequireWrite(previous.org_id, "inspection"));
  if (previous.status != InspectionStatus::kSignedOff) {
    return Status::Conflict("only a signed-off inspection can be followed by a re-inspection");
  }
  NewInspection plan{previous.factory_id, request.template_id.value_or(previous.template_id),
                     request.inspector_ids.empty() ? previous.inspector_ids : request.inspector_ids,
                     request.planned_date, "ตรวจติดตามผลจากการตรวจครั้งก่อน (#" + std::to_string(previous.id) + ")"};
  ASSIGN_OR_RETURN(const ChecklistTemplate tmpl, work.inspections().GetTemplate(plan.template_id));
  if (tmpl.org_id && *tmpl.org_id != previous.org_id) return Status::NotFound("checklist not found");
  RETURN_IF_ERROR(ValidateDate(plan.planned_date, "planned_date"));
  RETURN_IF_ERROR(CheckInspectors(work, previous.org_id, plan.inspector_ids));
  Inspection inspection;
  inspection.org_id = previous.org_id;
  inspection.factory_id = previous.factory_id;
  inspection.template_id = plan.template_id;
  inspection.status = InspectionStatus::kPlanned;
  inspection.planned_date = plan.planned_date;
  inspection.previous_id = previous.id;
  inspection.inspector_ids = plan.inspector_ids;
  inspection.notes = plan.notes;
  inspection.created_at = work.info().now;
  inspection.created_by = scope.principal().name;
  inspection.updated_at = work.info().now;
  ASSIGN_OR_RETURN(inspection.id, work.inspections().InsertInspection(inspection));
  ASSIGN_OR_RETURN(const int64_t carried,
                   work.inspections().CarryOpenActions(inspection.org_id, previous.id, inspection.id));
  json after = json::parse(InspectionAudit(inspection));
  after["carried_actions"] = carried;
  RETURN_IF_ERROR(audit::Record(work, "create", "inspection", std::to_string(inspection.id), inspection.org_id,
                                std::nullopt, after.dump()));
  return work.inspections().GetInspection(inspection.id);
}

Result<std::vector<std::pair<int64_t, std::string>>> InspectionService::AssignableInspectors(UnitOfWork& work) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const auto users, work.accounts().ListUsers());
  std::vector<std::pair<int64_t, std::string>> out;
  for (const auto& user : users) {
    if (user.org_id != scope.principal().org_id || !user.active) continue;
    if (user.role != Role::kInspector && user.role != Role::kOfficer && user.role != Role::kLaoAdmin) continue;
    out.emplace_back(user.id, user.display_name.empty() ? user.username : user.display_name);
  }
  return out;
}

Result<Inspection> InspectionService::Get(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.inspections().GetInspection(id);
}

Result<Inspection> InspectionService::Cancel(UnitOfWork& work, int64_t id, const std::string& reason) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  RETURN_IF_ERROR(CheckText(reason, "reason", 500, true));
  ASSIGN_OR_RETURN(Inspection inspection, work.inspections().GetInspection(id));
  RETURN_IF_ERROR(scope.RequireWrite(inspection.org_id, "inspection"));
  if (inspection.status == InspectionStatus::kSignedOff) {
    return Status::Conflict("the inspection is signed off; a signed-off inspection cannot be cancelled");
  }
  if (inspection.status == InspectionStatus::kCancelled) return Status::Conflict("the inspection is already cancelled");
  const std::string before = InspectionAudit(inspection);
  inspection.status = InspectionStatus::kCancelled;
  inspection.cancelled_at = work.info().now;
  inspection.cancelled_by = scope.principal().name;
  inspection.cancel_reason = reason;
  inspection.updated_at = work.info().now;
  RETURN_IF_ERROR(work.inspections().UpdateInspection(inspection));
  json after = json::parse(InspectionAudit(inspection));
  after["cancel_reason"] = reason;
  RETURN_IF_ERROR(
      audit::Record(work, "cancel", "inspection", std::to_string(id), inspection.org_id, before, after.dump()));
  return work.inspections().GetInspection(id);
}

Result<std::vector<Inspection>> InspectionService::List(UnitOfWork& work, const InspectionFilter& filter) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  if (filter.from) RETURN_IF_ERROR(ValidateDate(*filter.from, "from"));
  if (filter.to) RETURN_IF_ERROR(ValidateDate(*filter.to, "to"));
  return work.inspections().ListInspections(filter);
}

Result<InspectionReport> InspectionService::Report(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  InspectionReport report;
  ASSIGN_OR_RETURN(report.inspection, work.inspections().GetInspection(id));
  ASSIGN_OR_RETURN(report.checklist, work.inspections().GetTemplate(report.inspection.template_id));
  ASSIGN_OR_RETURN(report.answers, work.inspections().ListAnswers(id));
  report.scores = ComputeScores(report.checklist, report.answers);
  ASSIGN_OR_RETURN(report.findings, work.inspections().ListFindings(id));
  ASSIGN_OR_RETURN(report.actions, work.inspections().ActionsOfInspection(id));
  ASSIGN_OR_RETURN(report.photos, work.inspections().ListPhotos(id));
  const Inspection& i = report.inspection;
  if (i.status == InspectionStatus::kSignedOff && i.signed_off_at) {
    report.sign_off = SignOffRecord{*i.signed_off_at, i.signed_off_by.value_or(0), i.signed_off_name, i.certificate};
  }
  return report;
}

Result<std::vector<SyncOutcome>> InspectionService::Sync(UnitOfWork& work, int64_t id,
                                                         const std::vector<SyncOp>& ops) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Inspection inspection, work.inspections().GetInspection(id));
  RETURN_IF_ERROR(scope.RequireWrite(inspection.org_id, "inspection"));
  ASSIGN_OR_RETURN(const ChecklistTemplate tmpl, work.inspections().GetTemplate(inspection.template_id));
  std::vector<SyncOutcome> outcomes;
  std::set<std::string> in_batch;
  int applied = 0, superseded = 0, rejected = 0, replayed = 0;
  bool notes_changed = false;
  for (const SyncOp& op : ops) {
    if (!in_batch.insert(op.id).second) {
      return Status::Invalid("operation " + op.id + " appears twice in the batch", "ops");
    }
    ASSIGN_OR_RETURN(const auto prior, work.inspections().FindAppliedOp(id, op.id));
    if (prior) {
      json stored = json::parse(prior->result_json, nullptr, false);
      outcomes.push_back({stored.is_discarded() ? json::object() : stored, true});
      ++replayed;
      continue;
    }
    RETURN_IF_ERROR(RequireOpen(inspection));
    auto result = ApplyOp(work, inspection, tmpl, op, notes_changed);
    json outcome;
    if (result.ok()) {
      outcome = std::move(result).value();
      (outcome["status"] == "superseded" ? superseded : applied)++;
    } else if (IsRejection(result.status())) {
      outcome = Rejected(op, result.status());
      ++rejected;
    } else {
      return result.status();
    }
    RETURN_IF_ERROR(work.inspections().RecordAppliedOp(inspection.org_id, id, {op.id, op.kind, outcome.dump()},
                                                       work.info().now));
    outcomes.push_back({std::move(outcome), false});
  }
  if (applied > 0 || notes_changed) RETURN_IF_ERROR(Touch(work, inspection));
  if (applied + superseded + rejected > 0) {
    RETURN_IF_ERROR(audit::Record(work, "sync", "inspection", std::to_string(id), inspection.org_id, std::nullopt,
                                  json({{"applied", applied},
                                        {"superseded", superseded},
                                        {"rejected", rejected},
                                        {"replayed", replayed}})
                                      .dump()));
  }
  return outcomes;
}

Result<Photo> InspectionService::AddPhoto(UnitOfWork& work, int64_t id, PhotoUpload upload,
                                          const std::string& op_id) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Inspection inspection, work.inspections().GetInspection(id));
  RETURN_IF_ERROR(scope.RequireWrite(inspection.org_id, "inspection"));
  if (!op_id.empty()) {
    ASSIGN_OR_RETURN(const auto prior, work.inspections().FindAppliedOp(id, op_id));
    if (prior) {
      const json stored = json::parse(prior->result_json, nullptr, false);
      if (!stored.is_object() || !stored.contains("photo_id")) {
        return Status::Conflict("operation " + op_id + " was not a saved photo", "op");
      }
      ASSIGN_OR_RETURN(Photo photo, work.inspections().GetPhoto(id, stored["photo_id"].get<int64_t>()));
      photo.bytes.clear();
      return photo;
    }
  }
  RETURN_IF_ERROR(RequireOpen(inspection));
  ASSIGN_OR_RETURN(const ChecklistTemplate tmpl, work.inspections().GetTemplate(inspection.template_id));
  ASSIGN_OR_RETURN(Photo photo,
                   ValidatePhoto(inspection, tmpl, std::move(upload), scope.principal().name, work.info().now));
  ASSIGN_OR_RETURN(photo.id, work.inspections().InsertPhoto(inspection.org_id, photo));
  if (!op_id.empty()) {
    const json outcome = {{"id", op_id}, {"kind", "photo"}, {"status", "applied"}, {"photo_id", photo.id},
                          {"content_type", photo.content_type}, {"size", photo.size}};
    RETURN_IF_ERROR(work.inspections().RecordAppliedOp(inspection.org_id, id, {op_id, "photo", outcome.dump()},
                                                       work.info().now));
  }
  RETURN_IF_ERROR(Touch(work, inspection));
  RETURN_IF_ERROR(audit::Record(work, "create", "inspection_photo", std::to_string(photo.id), inspection.org_id,
                                std::nullopt,
                                json({{"inspection_id", id},
                                      {"item_key", photo.item_key},
                                      {"content_type", photo.content_type},
                                      {"size", photo.size},
                                      {"sha256", photo.sha256}})
                                    .dump()));
  photo.bytes.clear();
  return photo;
}

Result<Finding> InspectionService::AddFinding(UnitOfWork& work, int64_t id, const NewFinding& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Inspection inspection, work.inspections().GetInspection(id));
  RETURN_IF_ERROR(scope.RequireWrite(inspection.org_id, "inspection"));
  RETURN_IF_ERROR(RequireOpen(inspection));
  ASSIGN_OR_RETURN(const ChecklistTemplate tmpl, work.inspections().GetTemplate(inspection.template_id));
  ASSIGN_OR_RETURN(Finding finding, BuildFinding(inspection, tmpl, request, scope.principal().name, work.info().now));
  ASSIGN_OR_RETURN(finding.id, work.inspections().InsertFinding(inspection.org_id, finding));
  RETURN_IF_ERROR(Touch(work, inspection));
  RETURN_IF_ERROR(audit::Record(work, "create", "inspection_finding", std::to_string(finding.id), inspection.org_id,
                                std::nullopt,
                                json({{"inspection_id", id},
                                      {"item_key", finding.item_key},
                                      {"severity", SeverityName(finding.severity)},
                                      {"description", finding.description}})
                                    .dump()));
  return finding;
}

Result<CorrectiveAction> InspectionService::AddAction(UnitOfWork& work, int64_t id, const NewAction& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Inspection inspection, work.inspections().GetInspection(id));
  RETURN_IF_ERROR(scope.RequireWrite(inspection.org_id, "inspection"));
  RETURN_IF_ERROR(RequireOpen(inspection));
  ASSIGN_OR_RETURN(CorrectiveAction action, BuildAction(work, inspection, request));
  ASSIGN_OR_RETURN(action.id, work.inspections().InsertAction(action));
  RETURN_IF_ERROR(Touch(work, inspection));
  RETURN_IF_ERROR(audit::Record(work, "create", "corrective_action", std::to_string(action.id), action.org_id,
                                std::nullopt, ActionAudit(action)));
  return work.inspections().GetAction(action.id);
}

Result<Photo> InspectionService::GetPhoto(UnitOfWork& work, int64_t id, int64_t photo_id) const {
  RETURN_IF_ERROR(RequireActionRead(work.scope()));
  return work.inspections().GetPhoto(id, photo_id);
}

Result<std::vector<CorrectiveAction>> InspectionService::ListActions(UnitOfWork& work, ActionFilter filter) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(RequireActionRead(scope));
  if (filter.due_before) RETURN_IF_ERROR(ValidateDate(*filter.due_before, "due_before"));
  if (filter.overdue_on) RETURN_IF_ERROR(ValidateDate(*filter.overdue_on, "overdue_on"));
  if (scope.OwnFactory()) {
    // A factory representative: its own factory's open actions, whatever it asked for.
    filter.status = ActionStatus::kOpen;
    filter.factory_id = *scope.OwnFactory();
  }
  return work.inspections().ListActions(filter);
}

Result<CorrectiveAction> InspectionService::GetAction(UnitOfWork& work, int64_t id) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(RequireActionRead(scope));
  ASSIGN_OR_RETURN(CorrectiveAction action, work.inspections().GetAction(id));
  if (scope.OwnFactory() && action.status != ActionStatus::kOpen) return Status::NotFound("corrective action not found");
  return action;
}

Result<Photo> InspectionService::AddActionEvidence(UnitOfWork& work, int64_t action_id, PhotoUpload upload) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const CorrectiveAction action, work.inspections().GetAction(action_id));
  RETURN_IF_ERROR(scope.RequireWrite(action.org_id, "corrective action"));
  if (action.status == ActionStatus::kClosed) return Status::Conflict("the corrective action is already closed");
  ASSIGN_OR_RETURN(const Inspection inspection, work.inspections().GetInspection(action.inspection_id));
  ASSIGN_OR_RETURN(const ChecklistTemplate tmpl, work.inspections().GetTemplate(inspection.template_id));
  upload.item_key.clear();
  ASSIGN_OR_RETURN(Photo photo,
                   ValidatePhoto(inspection, tmpl, std::move(upload), scope.principal().name, work.info().now));
  photo.action_id = action.id;
  ASSIGN_OR_RETURN(photo.id, work.inspections().InsertPhoto(action.org_id, photo));
  RETURN_IF_ERROR(audit::Record(work, "create", "inspection_photo", std::to_string(photo.id), action.org_id,
                                std::nullopt,
                                json({{"action_id", action.id}, {"content_type", photo.content_type}, {"size", photo.size},
                                      {"sha256", photo.sha256}})
                                    .dump()));
  photo.bytes.clear();
  return photo;
}

Result<CorrectiveAction> InspectionService::CloseAction(UnitOfWork& work, int64_t action_id,
                                                        const ActionClosure& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const CorrectiveAction before, work.inspections().GetAction(action_id));
  RETURN_IF_ERROR(scope.RequireWrite(before.org_id, "corrective action"));
  if (before.status == ActionStatus::kClosed) return Status::Conflict("the corrective action is already closed");
  RETURN_IF_ERROR(CheckText(request.note, "note", 2000, true));
  if (request.photo_id) {
    auto photo = work.inspections().GetPhoto(before.inspection_id, *request.photo_id);
    if (!photo.ok() || photo->action_id != before.id) {
      return Status::Invalid("photo_id is not evidence uploaded for this action", "photo_id");
    }
  }
  CorrectiveAction action = before;
  action.status = ActionStatus::kClosed;
  action.closed_at = work.info().now;
  action.closed_by = scope.principal().name;
  action.closure_note = request.note;
  action.closure_photo_id = request.photo_id;
  RETURN_IF_ERROR(work.inspections().UpdateAction(action));
  RETURN_IF_ERROR(audit::Record(work, "update", "corrective_action", std::to_string(action.id), action.org_id,
                                ActionAudit(before), ActionAudit(action)));
  return action;
}

}  // namespace ecotown::inspections
