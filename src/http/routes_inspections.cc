// Checklists, inspections (plan, conduct, offline sync, photos, sign-off, re-inspection) and
// corrective actions. See docs/inspections-api.md.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <type_traits>
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/json_body.h"
#include "http/json_mapping.h"
#include "modules/accounts/secrets.h"
#include "modules/calibration/sensor_photo.h"
#include "modules/inspections/checklist_service.h"
#include "modules/inspections/inspection_service.h"
#include "modules/factories/factory_service.h"
#include "report/inspection_report.h"
#include "http/table_export.h"
#include "core/thai_calendar.h"

namespace ecotown::http {
namespace {

using namespace inspections;
using nlohmann::json;

json TemplateJson(const ChecklistTemplate& t, bool with_sections) {
  json out = {{"id", t.id},
              {"org_id", JsonOrNull(t.org_id)},
              {"shared", t.shared()},
              {"code", t.code},
              {"version", t.version},
              {"title_th", t.title_th},
              {"title_en", t.title_en},
              {"description", t.description},
              {"based_on_id", JsonOrNull(t.based_on_id)},
              {"sections_count", t.sections.size()},
              {"items_count", t.ItemCount()},
              {"created_at", t.created_at},
              {"created_by", t.created_by}};
  if (with_sections) out["sections"] = json::parse(SectionsToJson(t.sections));
  return out;
}

json InspectionJson(const Inspection& i) {
  json inspectors = json::array();
  for (size_t k = 0; k < i.inspector_ids.size(); ++k) {
    inspectors.push_back({{"id", i.inspector_ids[k]}, {"name", k < i.inspector_names.size() ? i.inspector_names[k] : ""}});
  }
  return {{"id", i.id},
          {"org_id", i.org_id},
          {"factory_id", i.factory_id},
          {"factory_name", i.factory_name},
          {"template_id", i.template_id},
          {"template_code", i.template_code},
          {"template_version", i.template_version},
          {"template_title_th", i.template_title_th},
          {"status", InspectionStatusName(i.status)},
          {"planned_date", i.planned_date},
          {"previous_id", JsonOrNull(i.previous_id)},
          {"inspectors", inspectors},
          {"notes", i.notes},
          {"started_at", JsonOrNull(i.started_at)},
          {"signed_off_at", JsonOrNull(i.signed_off_at)},
          {"cancelled_at", JsonOrNull(i.cancelled_at)},
          {"cancelled_by", i.cancelled_by},
          {"cancel_reason", i.cancel_reason},
          {"created_at", i.created_at},
          {"created_by", i.created_by},
          {"updated_at", i.updated_at}};
}

json AnswerJson(const Answer& a) {
  return {{"item_key", a.item_key},
          {"choice", a.choice ? json(*a.choice) : json()},
          {"number", JsonOrNull(a.number)},
          {"text", a.text ? json(*a.text) : json()},
          {"note", a.note},
          {"answered_at", a.answered_at},
          {"answered_by", a.answered_by}};
}

json PhotoJson(const Photo& p) {
  return {{"id", p.id},
          {"inspection_id", p.inspection_id},
          {"item_key", p.item_key},
          {"action_id", JsonOrNull(p.action_id)},
          {"content_type", p.content_type},
          {"size", p.size},
          {"sha256", p.sha256},
          {"taken_at", p.taken_at},
          {"lat", JsonOrNull(p.lat)},
          {"lon", JsonOrNull(p.lon)},
          {"caption", p.caption},
          {"uploaded_at", p.uploaded_at},
          {"uploaded_by", p.uploaded_by},
          {"url", "/api/v1/inspections/" + std::to_string(p.inspection_id) + "/photos/" + std::to_string(p.id)}};
}

json FindingJson(const Finding& f) {
  return {{"id", f.id},
          {"inspection_id", f.inspection_id},
          {"item_key", f.item_key},
          {"severity", SeverityName(f.severity)},
          {"description", f.description},
          {"legal_basis", f.legal_basis},
          {"created_at", f.created_at},
          {"created_by", f.created_by}};
}

json ActionJson(const CorrectiveAction& a, const std::string& today) {
  return {{"id", a.id},
          {"org_id", a.org_id},
          {"factory_id", a.factory_id},
          {"factory_name", a.factory_name},
          {"inspection_id", a.inspection_id},
          {"finding_id", JsonOrNull(a.finding_id)},
          {"review_inspection_id", JsonOrNull(a.review_inspection_id)},
          {"title", a.title},
          {"description", a.description},
          {"owner", a.owner},
          {"due_date", a.due_date},
          {"status", ActionStatusName(a.status)},
          {"overdue", a.status == ActionStatus::kOpen && a.due_date < today},
          {"closed_at", JsonOrNull(a.closed_at)},
          {"closed_by", a.closed_by},
          {"closure_note", a.closure_note},
          {"closure_photo_id", JsonOrNull(a.closure_photo_id)},
          {"created_at", a.created_at},
          {"created_by", a.created_by}};
}

json ScoresJson(const Scores& s) {
  json sections = json::array();
  for (const auto& section : s.sections) {
    sections.push_back({{"key", section.key},
                        {"score", JsonOrNull(section.score)},
                        {"counted", section.counted},
                        {"not_applicable", section.not_applicable},
                        {"unanswered", section.unanswered},
                        {"non_compliant", section.non_compliant}});
  }
  return {{"overall", JsonOrNull(s.overall)}, {"unanswered", s.unanswered}, {"sections", sections}};
}

// GET /api/v1/inspections/{id}: the inspection as one object (the shape of InspectionReport).
json ReportJson(const InspectionReport& r, const std::string& today) {
  json out = InspectionJson(r.inspection);
  out["checklist"] = TemplateJson(r.checklist, true);
  out["answers"] = json::array();
  for (const auto& a : r.answers) out["answers"].push_back(AnswerJson(a));
  out["scores"] = ScoresJson(r.scores);
  out["findings"] = json::array();
  for (const auto& f : r.findings) out["findings"].push_back(FindingJson(f));
  out["actions"] = json::array();
  for (const auto& a : r.actions) out["actions"].push_back(ActionJson(a, today));
  out["photos"] = json::array();
  for (const auto& p : r.photos) out["photos"].push_back(PhotoJson(p));
  out["sign_off"] = r.sign_off ? json({{"at", r.sign_off->at},
                                       {"user_id", r.sign_off->user_id},
                                       {"name", r.sign_off->name},
                                       {"certificate", r.sign_off->certificate}})
                               : json();
  return out;
}

Result<std::vector<int64_t>> IdList(JsonBody& body, std::string_view field, bool required) {
  ASSIGN_OR_RETURN(const json raw, body.Raw(field));
  std::vector<int64_t> ids;
  if (raw.is_null()) {
    if (required) return Status::Invalid(std::string(field) + " is required", std::string(field));
    return ids;
  }
  if (!raw.is_array()) return Status::Invalid(std::string(field) + " must be an array of user ids", std::string(field));
  for (const auto& v : raw) {
    if (!v.is_number_integer()) return Status::Invalid(std::string(field) + " must be an array of user ids", std::string(field));
    ids.push_back(v.get<int64_t>());
  }
  return ids;
}

Result<std::optional<int64_t>> QueryId(const Call& call, const char* name) {
  auto text = call.request.Query(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  try {
    size_t used = 0;
    const long long v = std::stoll(*text, &used);
    if (used == text->size() && v > 0) return std::optional<int64_t>(v);
  } catch (...) {
  }
  return Status::Invalid(std::string(name) + " must be a positive integer", name);
}

Result<std::optional<double>> QueryNumber(const Call& call, const char* name) {
  auto text = call.request.Query(name);
  if (!text || text->empty()) return std::optional<double>();
  try {
    size_t used = 0;
    const double v = std::stod(*text, &used);
    if (used == text->size() && std::isfinite(v)) return std::optional<double>(v);
  } catch (...) {
  }
  return Status::Invalid(std::string(name) + " must be a number", name);
}

int QueryLimit(const Call& call) {
  auto text = call.request.Query("limit");
  if (!text) return 100;
  try {
    return std::clamp(std::stoi(*text), 1, 500);
  } catch (...) {
    return 100;
  }
}

int QueryOffset(const Call& call) {
  auto text = call.request.Query("offset");
  if (!text) return 0;
  try {
    return std::max(0, std::stoi(*text));
  } catch (...) {
    return 0;
  }
}

// The filters of the plan list (and its export): status, factory_id, inspector_id, from, to,
// limit, offset.
Result<InspectionFilter> ParseInspectionFilter(const Call& call) {
  InspectionFilter filter;
  if (auto status = call.request.Query("status"); status && !status->empty()) {
    ASSIGN_OR_RETURN(filter.status, ParseInspectionStatus(*status));
  }
  ASSIGN_OR_RETURN(filter.factory_id, QueryId(call, "factory_id"));
  ASSIGN_OR_RETURN(filter.inspector_id, QueryId(call, "inspector_id"));
  if (auto from = call.request.Query("from"); from && !from->empty()) filter.from = *from;
  if (auto to = call.request.Query("to"); to && !to->empty()) filter.to = *to;
  filter.limit = QueryLimit(call);
  filter.offset = QueryOffset(call);
  return filter;
}

// The filters of the corrective-action list (and its export); `overdue` is read by the caller,
// which knows today.
Result<ActionFilter> ParseActionFilter(const Call& call) {
  ActionFilter filter;
  if (auto status = call.request.Query("status"); status && !status->empty()) {
    ASSIGN_OR_RETURN(filter.status, ParseActionStatus(*status));
  }
  ASSIGN_OR_RETURN(filter.factory_id, QueryId(call, "factory_id"));
  ASSIGN_OR_RETURN(filter.inspection_id, QueryId(call, "inspection_id"));
  if (auto due = call.request.Query("due_before"); due && !due->empty()) filter.due_before = *due;
  filter.limit = QueryLimit(call);
  filter.offset = QueryOffset(call);
  return filter;
}

// Every page of a list for an export: read(page) returns how many rows it added; stops at a short
// page. TooLarge past kMaxExportRows.
constexpr size_t kMaxExportRows = 200'000;
template <typename Filter>
Status ForEachPage(Filter filter, const std::function<Result<size_t>(const std::type_identity_t<Filter>&)>& read) {
  filter.limit = 500;
  filter.offset = 0;
  for (size_t total = 0;;) {
    ASSIGN_OR_RETURN(const size_t n, read(filter));
    total += n;
    if (total > kMaxExportRows) return Status::TooLarge("more than 200,000 rows match; narrow the filters");
    if (n < static_cast<size_t>(filter.limit)) return Status::Ok();
    filter.offset += filter.limit;
  }
}

Response ErrorWithField(int status, const std::string& code, const std::string& message, const std::string& field) {
  return Response::Json(status, json({{"error", {{"code", code}, {"message", message}, {"field", field}}}}).dump());
}

// The raw image body of a photo upload: 413 / 415 naming "photo" before any database work.
std::optional<Response> CheckImageBody(const std::string& bytes) {
  if (bytes.size() > kMaxPhotoBytes) {
    return ErrorWithField(413, "too_large",
                          "the photo is " + std::to_string(bytes.size()) + " bytes; at most 5 MiB are accepted", "photo");
  }
  if (bytes.empty()) return ErrorWithField(415, "unsupported_media_type", "the body is empty; send the image bytes", "photo");
  if (calibration::DetectImageType(bytes).empty()) {
    return ErrorWithField(415, "unsupported_media_type", "the photo must be a JPEG, PNG or WebP image", "photo");
  }
  return std::nullopt;
}

Result<PhotoUpload> PhotoUploadOf(const Call& call) {
  PhotoUpload upload;
  upload.item_key = call.request.Query("item").value_or("");
  ASSIGN_OR_RETURN(auto taken_at, QueryId(call, "taken_at"));
  upload.taken_at = taken_at.value_or(0);
  ASSIGN_OR_RETURN(upload.lat, QueryNumber(call, "lat"));
  ASSIGN_OR_RETURN(upload.lon, QueryNumber(call, "lon"));
  upload.caption = call.request.Query("caption").value_or("");
  upload.bytes = call.request.body;
  return upload;
}

Result<std::vector<ChecklistSection>> SectionsOf(JsonBody& body) {
  ASSIGN_OR_RETURN(const json raw, body.Raw("sections"));
  if (raw.is_null()) return Status::Invalid("sections is required", "sections");
  return SectionsFromJson(raw.dump());
}

bool IsOpId(const std::string& id) {
  if (id.size() < 8 || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// The body of POST /api/v1/inspections/{id}/sync: {"ops": [...]}, at most 200 operations.
Result<std::vector<SyncOp>> ParseSync(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  ASSIGN_OR_RETURN(const json raw, body.Raw("ops"));
  RETURN_IF_ERROR(body.Finish());
  if (!raw.is_array()) return Status::Invalid("ops must be an array of operations", "ops");
  if (raw.size() > 200) return Status::Invalid("at most 200 operations a batch", "ops");
  std::vector<SyncOp> ops;
  for (size_t i = 0; i < raw.size(); ++i) {
    const std::string prefix = "ops[" + std::to_string(i) + "].";
    const auto named = [&](Status s) {
      return s.code() == StatusCode::kInvalid ? Status::Invalid(s.message(), prefix + s.field()) : s;
    };
    if (!raw[i].is_object()) return Status::Invalid("an operation is an object", "ops[" + std::to_string(i) + "]");
    auto parsed = JsonBody::Parse(raw[i].dump());
    if (!parsed.ok()) return named(parsed.status());
    JsonBody op_body = std::move(parsed).value();
    SyncOp op;
    const auto take = [&]() -> Status {
      ASSIGN_OR_RETURN(op.id, op_body.String("id", 64));
      if (!IsOpId(op.id)) return Status::Invalid("id must be 8..64 characters of A-Z, a-z, 0-9, '-' and '_'", "id");
      ASSIGN_OR_RETURN(op.kind, op_body.String("kind", 16));
      ASSIGN_OR_RETURN(op.at, op_body.Int("at"));
      ASSIGN_OR_RETURN(auto item_key, op_body.OptString("item_key", 40));
      op.item_key = item_key.value_or("");
      ASSIGN_OR_RETURN(op.choice, op_body.OptString("choice", 8));
      ASSIGN_OR_RETURN(op.number, op_body.OptNumber("number"));
      ASSIGN_OR_RETURN(op.text, op_body.OptString("text", 2000));
      ASSIGN_OR_RETURN(auto note, op_body.OptString("note", 4000));
      op.note = note.value_or("");
      ASSIGN_OR_RETURN(auto severity, op_body.OptString("severity", 16));
      op.severity = severity.value_or("");
      ASSIGN_OR_RETURN(auto description, op_body.OptString("description", 2000));
      op.description = description.value_or("");
      ASSIGN_OR_RETURN(auto legal_basis, op_body.OptString("legal_basis", 500));
      op.legal_basis = legal_basis.value_or("");
      ASSIGN_OR_RETURN(auto title, op_body.OptString("title", 300));
      op.title = title.value_or("");
      ASSIGN_OR_RETURN(auto owner, op_body.OptString("owner", 200));
      op.owner = owner.value_or("");
      ASSIGN_OR_RETURN(auto due_date, op_body.OptString("due_date", 10));
      op.due_date = due_date.value_or("");
      ASSIGN_OR_RETURN(op.finding_id, op_body.OptInt("finding_id"));
      ASSIGN_OR_RETURN(auto finding_op, op_body.OptString("finding_op", 64));
      op.finding_op = finding_op.value_or("");
      ASSIGN_OR_RETURN(auto data, op_body.OptString("data", 8 * 1024 * 1024));
      if (data) {
        auto bytes = accounts::DecodeBase64(*data);
        if (!bytes.ok()) return Status::Invalid("data must be the image in base64", "data");
        op.bytes = std::move(bytes).value();
      }
      ASSIGN_OR_RETURN(auto taken_at, op_body.OptInt("taken_at"));
      op.taken_at = taken_at.value_or(0);
      ASSIGN_OR_RETURN(op.lat, op_body.OptNumber("lat"));
      ASSIGN_OR_RETURN(op.lon, op_body.OptNumber("lon"));
      ASSIGN_OR_RETURN(auto caption, op_body.OptString("caption", 500));
      op.caption = caption.value_or("");
      return op_body.Finish();
    };
    Status status = take();
    if (!status.ok()) return named(status);
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace

void RegisterInspectionRoutes(Router& router) {
  // ---- checklists ----
  router.Add("GET", "/api/v1/checklists", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    const bool all = call.request.Query("all_versions").value_or("") == "true";
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto list, ChecklistService().List(work, all));
      for (const auto& t : list) items.push_back(TemplateJson(t, false));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/checklists/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "checklist"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto t, ChecklistService().Get(work, id));
      out = TemplateJson(t, true);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/checklists/{id}/copy", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "checklist"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body.empty() ? "{}" : call.request.body));
    TemplateCopy request;
    ASSIGN_OR_RETURN(request.code, body.OptString("code", 40));
    ASSIGN_OR_RETURN(request.title_th, body.OptString("title_th", 200));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto t, ChecklistService().Copy(work, id, request));
      out = TemplateJson(t, true);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  // An edit of a template saves its next version; the body is the whole new content.
  router.Add("POST", "/api/v1/checklists/{id}/versions", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "checklist"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    TemplateEdit request;
    ASSIGN_OR_RETURN(request.title_th, body.String("title_th", 200));
    ASSIGN_OR_RETURN(auto title_en, body.OptString("title_en", 200));
    request.title_en = title_en.value_or("");
    ASSIGN_OR_RETURN(auto description, body.OptString("description", 2000));
    request.description = description.value_or("");
    ASSIGN_OR_RETURN(request.sections, SectionsOf(body));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto t, ChecklistService().Edit(work, id, request));
      out = TemplateJson(t, true);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  // ---- inspections ----
  router.Add("GET", "/api/v1/inspections", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(InspectionFilter filter, ParseInspectionFilter(call));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto list, InspectionService().List(work, filter));
      for (const auto& i : list) items.push_back(InspectionJson(i));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("POST", "/api/v1/inspections", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    NewInspection request;
    ASSIGN_OR_RETURN(request.factory_id, body.Int("factory_id"));
    ASSIGN_OR_RETURN(request.template_id, body.Int("template_id"));
    ASSIGN_OR_RETURN(request.inspector_ids, IdList(body, "inspector_ids", true));
    ASSIGN_OR_RETURN(request.planned_date, body.String("planned_date", 10));
    ASSIGN_OR_RETURN(auto notes, body.OptString("notes", 4000));
    request.notes = notes.value_or("");
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto i, InspectionService().Plan(work, request));
      out = InspectionJson(i);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("GET", "/api/v1/inspectors", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto users, InspectionService().AssignableInspectors(work));
      for (const auto& [id, name] : users) items.push_back({{"id", id}, {"name", name}});
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/inspections/export", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    const std::string format = call.request.Query("format").value_or("csv");
    if (format != "csv" && format != "xlsx") return Status::Invalid("format must be csv or xlsx", "format");
    ASSIGN_OR_RETURN(InspectionFilter filter, ParseInspectionFilter(call));
    Table table{"inspections",
                {"id", "factory_id", "factory", "checklist", "version", "status", "planned_date", "inspectors",
                 "started_at", "signed_off_at", "signed_off_by", "previous_id"},
                {}};
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      return ForEachPage(filter, [&](const InspectionFilter& page) -> Result<size_t> {
        ASSIGN_OR_RETURN(auto list, InspectionService().List(work, page));
        for (const auto& i : list) {
          std::string inspectors;
          for (const auto& name : i.inspector_names) inspectors += (inspectors.empty() ? "" : ", ") + name;
          auto time = [](const std::optional<int64_t>& t) { return t ? TableCell(core::FormatIsoUtc(*t)) : TableCell(); };
          table.rows.push_back({i.id, i.factory_id, i.factory_name, i.template_code, int64_t{i.template_version},
                                std::string(InspectionStatusName(i.status)), i.planned_date, inspectors,
                                time(i.started_at), time(i.signed_off_at), i.signed_off_name,
                                i.previous_id ? TableCell(*i.previous_id) : TableCell()});
        }
        return list.size();
      });
    }));
    return TableDownload(table, format, "inspections");
  });

  // The inspection report as a PDF in Thai official style (?lang=en for English).
  router.Add("GET", "/api/v1/inspections/{id}/report.pdf", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
               const std::string lang = call.request.Query("lang").value_or("th");
               if (lang != "th" && lang != "en") return Status::Invalid("lang must be th or en", "lang");
               report::Document document;
               RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto inspection, InspectionService().Report(work, id));
                 report::InspectionReportContext context;
                 context.language = lang == "th" ? report::Language::kThai : report::Language::kEnglish;
                 ASSIGN_OR_RETURN(const auto org, work.orgs().Get(inspection.inspection.org_id));
                 context.organisation = lang == "th" ? org.name_th : org.name_en;
                 ASSIGN_OR_RETURN(context.factory, factories::FactoryService().Get(work, inspection.inspection.factory_id));
                 for (const auto& photo : inspection.photos) {
                   if (photo.action_id || context.photos.size() >= report::kMaxReportPhotos) continue;
                   ASSIGN_OR_RETURN(auto full, InspectionService().GetPhoto(work, id, photo.id));
                   context.photos.push_back({std::move(full)});
                 }
                 context.printed_at = work.info().now;
                 document = report::InspectionDocument(inspection, context);
                 return Status::Ok();
               }));
               return PdfResponse(document, "inspection-" + std::to_string(id));
             });

  router.Add("GET", "/api/v1/inspections/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto report, InspectionService().Report(work, id));
      out = ReportJson(report, BangkokDay(work.info().now));
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/inspections/{id}/sync", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
    ASSIGN_OR_RETURN(const auto ops, ParseSync(call.request.body));
    json results = json::array();
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      results = json::array();
      ASSIGN_OR_RETURN(auto outcomes, InspectionService().Sync(work, id, ops));
      for (auto& outcome : outcomes) {
        outcome.result["replayed"] = outcome.replayed;
        results.push_back(std::move(outcome.result));
      }
      return Status::Ok();
    }));
    return Response::Json(200, json({{"results", results}}).dump());
  });

  // The body is the image itself (its type is read from its first bytes); item, taken_at, lat,
  // lon, caption and op (the offline queue's operation id, for exactly-once) in the query.
  router.Add("POST", "/api/v1/inspections/{id}/photos", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
    if (auto refused = CheckImageBody(call.request.body)) return *refused;
    ASSIGN_OR_RETURN(auto upload, PhotoUploadOf(call));
    const std::string op = call.request.Query("op").value_or("");
    if (!op.empty() && !IsOpId(op)) return Status::Invalid("op must be 8..64 characters of A-Z, a-z, 0-9, '-' and '_'", "op");
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto photo, InspectionService().AddPhoto(work, id, upload, op));
      out = PhotoJson(photo);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("GET", "/api/v1/inspections/{id}/photos/{photo}", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
               ASSIGN_OR_RETURN(const int64_t photo_id, call.IdParam("photo", "photo"));
               std::optional<Photo> photo;
               RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(photo, InspectionService().GetPhoto(work, id, photo_id));
                 return Status::Ok();
               }));
               Response response;
               response.status = 200;
               response.content_type = photo->content_type;
               response.body = std::move(photo->bytes);
               response.AddHeader("ETag", "\"" + photo->sha256 + "\"");
               response.AddHeader("X-Content-Type-Options", "nosniff");
               response.AddHeader("Content-Disposition", "inline");
               return response;
             });

  router.Add("POST", "/api/v1/inspections/{id}/findings", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    NewFinding request;
    ASSIGN_OR_RETURN(auto item_key, body.OptString("item_key", 40));
    request.item_key = item_key.value_or("");
    ASSIGN_OR_RETURN(request.severity, body.String("severity", 16));
    ASSIGN_OR_RETURN(request.description, body.String("description", 2000));
    ASSIGN_OR_RETURN(auto legal_basis, body.OptString("legal_basis", 500));
    request.legal_basis = legal_basis.value_or("");
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto finding, InspectionService().AddFinding(work, id, request));
      out = FindingJson(finding);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("POST", "/api/v1/inspections/{id}/actions", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    NewAction request;
    ASSIGN_OR_RETURN(request.finding_id, body.OptInt("finding_id"));
    ASSIGN_OR_RETURN(request.title, body.String("title", 300));
    ASSIGN_OR_RETURN(auto description, body.OptString("description", 2000));
    request.description = description.value_or("");
    ASSIGN_OR_RETURN(request.owner, body.String("owner", 200));
    ASSIGN_OR_RETURN(request.due_date, body.String("due_date", 10));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto action, InspectionService().AddAction(work, id, request));
      out = ActionJson(action, BangkokDay(work.info().now));
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("POST", "/api/v1/inspections/{id}/sign-off", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto report, InspectionService().SignOff(work, id));
      out = ReportJson(report, BangkokDay(work.info().now));
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/inspections/{id}/cancel", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(const std::string reason, body.String("reason", 500));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto inspection, InspectionService().Cancel(work, id, reason));
      out = InspectionJson(inspection);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/inspections/{id}/reinspect", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "inspection"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    Reinspection request;
    ASSIGN_OR_RETURN(request.planned_date, body.String("planned_date", 10));
    // Optional: the previous inspection's inspectors when absent.
    const json raw = json::parse(call.request.body, nullptr, false);
    if (raw.is_object() && raw.contains("inspector_ids")) {
      ASSIGN_OR_RETURN(request.inspector_ids, IdList(body, "inspector_ids", false));
    }
    ASSIGN_OR_RETURN(request.template_id, body.OptInt("template_id"));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto i, InspectionService().Reinspect(work, id, request));
      out = InspectionJson(i);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  // ---- corrective actions ----
  router.Add("GET", "/api/v1/actions/export", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    const std::string format = call.request.Query("format").value_or("csv");
    if (format != "csv" && format != "xlsx") return Status::Invalid("format must be csv or xlsx", "format");
    ASSIGN_OR_RETURN(ActionFilter filter, ParseActionFilter(call));
    const bool overdue = call.request.Query("overdue").value_or("") == "true";
    Table table{"actions",
                {"id", "factory_id", "factory", "inspection_id", "title", "owner", "due_date", "status", "overdue",
                 "closed_at", "closure_note"},
                {}};
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      const std::string today = BangkokDay(work.info().now);
      if (overdue) filter.overdue_on = today;
      return ForEachPage(filter, [&](const ActionFilter& page) -> Result<size_t> {
        ASSIGN_OR_RETURN(auto list, InspectionService().ListActions(work, page));
        for (const auto& a : list) {
          const bool late = a.status == ActionStatus::kOpen && a.due_date < today;
          table.rows.push_back({a.id, a.factory_id, a.factory_name, a.inspection_id, a.title, a.owner, a.due_date,
                                std::string(ActionStatusName(a.status)), std::string(late ? "yes" : "no"),
                                a.closed_at ? TableCell(core::FormatIsoUtc(*a.closed_at)) : TableCell(), a.closure_note});
        }
        return list.size();
      });
    }));
    return TableDownload(table, format, "actions");
  });

  router.Add("GET", "/api/v1/actions", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(ActionFilter filter, ParseActionFilter(call));
    const bool overdue = call.request.Query("overdue").value_or("") == "true";
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      const std::string today = BangkokDay(work.info().now);
      if (overdue) filter.overdue_on = today;
      ASSIGN_OR_RETURN(auto list, InspectionService().ListActions(work, filter));
      for (const auto& a : list) items.push_back(ActionJson(a, today));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/actions/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "corrective action"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto action, InspectionService().GetAction(work, id));
      out = ActionJson(action, BangkokDay(work.info().now));
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/actions/{id}/evidence", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "corrective action"));
    if (auto refused = CheckImageBody(call.request.body)) return *refused;
    ASSIGN_OR_RETURN(auto upload, PhotoUploadOf(call));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto photo, InspectionService().AddActionEvidence(work, id, upload));
      out = PhotoJson(photo);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("POST", "/api/v1/actions/{id}/close", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "corrective action"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ActionClosure request;
    ASSIGN_OR_RETURN(request.note, body.String("note", 2000));
    ASSIGN_OR_RETURN(request.photo_id, body.OptInt("photo_id"));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto action, InspectionService().CloseAction(work, id, request));
      out = ActionJson(action, BangkokDay(work.info().now));
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
}

}  // namespace ecotown::http
