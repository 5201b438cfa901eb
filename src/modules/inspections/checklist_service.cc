#include "modules/inspections/checklist_service.h"

#include <nlohmann/json.hpp>

#include "modules/audit/recorder.h"
#include "modules/inspections/inspection.h"

namespace ecotown::inspections {
namespace {

using tenancy::Permission;
using tenancy::Role;

Status RequireLaoAdmin(const tenancy::Scope& scope) {
  const Role role = scope.principal().role;
  if (role != Role::kLaoAdmin && role != Role::kSystemAdmin) {
    return Status::Forbidden("only an LAO administrator may copy or edit checklists");
  }
  return Status::Ok();
}

std::string AuditJson(const ChecklistTemplate& tmpl) {
  return nlohmann::json({{"id", tmpl.id},
                         {"org_id", tmpl.org_id ? nlohmann::json(*tmpl.org_id) : nlohmann::json()},
                         {"code", tmpl.code},
                         {"version", tmpl.version},
                         {"title_th", tmpl.title_th},
                         {"based_on_id", tmpl.based_on_id ? nlohmann::json(*tmpl.based_on_id) : nlohmann::json()},
                         {"items", tmpl.ItemCount()}})
      .dump();
}

}  // namespace

Result<std::vector<ChecklistTemplate>> ChecklistService::List(UnitOfWork& work, bool all_versions) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.inspections().ListTemplates(all_versions);
}

Result<ChecklistTemplate> ChecklistService::Get(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.inspections().GetTemplate(id);
}

Result<ChecklistTemplate> ChecklistService::Copy(UnitOfWork& work, int64_t id, const TemplateCopy& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(RequireLaoAdmin(scope));
  ASSIGN_OR_RETURN(ChecklistTemplate tmpl, work.inspections().GetTemplate(id));
  const int64_t org_id = scope.principal().org_id;
  RETURN_IF_ERROR(scope.RequireWrite(org_id, "checklist"));
  tmpl.org_id = org_id;
  tmpl.code = request.code.value_or(tmpl.code);
  if (request.title_th) tmpl.title_th = *request.title_th;
  RETURN_IF_ERROR(ValidateTemplate(tmpl));
  ASSIGN_OR_RETURN(const int latest, work.inspections().LatestTemplateVersion(org_id, tmpl.code));
  if (latest > 0) {
    return Status::Conflict("this organisation already has a checklist with code " + tmpl.code +
                                "; choose another code or edit that one",
                            "code");
  }
  tmpl.version = 1;
  tmpl.based_on_id = id;
  tmpl.created_at = work.info().now;
  tmpl.created_by = scope.principal().name;
  ASSIGN_OR_RETURN(tmpl.id, work.inspections().InsertTemplate(tmpl));
  RETURN_IF_ERROR(audit::Record(work, "create", "checklist", std::to_string(tmpl.id), org_id, std::nullopt,
                                AuditJson(tmpl)));
  return tmpl;
}

Result<ChecklistTemplate> ChecklistService::Edit(UnitOfWork& work, int64_t id, const TemplateEdit& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(RequireLaoAdmin(scope));
  ASSIGN_OR_RETURN(const ChecklistTemplate before, work.inspections().GetTemplate(id));
  if (before.shared()) {
    return Status::Forbidden("a shared default checklist cannot be edited; copy it into your organisation first");
  }
  RETURN_IF_ERROR(scope.RequireWrite(*before.org_id, "checklist"));
  ASSIGN_OR_RETURN(const int latest, work.inspections().LatestTemplateVersion(before.org_id, before.code));
  if (latest != before.version) {
    return Status::Conflict("version " + std::to_string(before.version) + " is not the newest (" +
                                std::to_string(latest) + "); edit the newest version",
                            "version");
  }
  ChecklistTemplate tmpl = before;
  tmpl.title_th = request.title_th;
  tmpl.title_en = request.title_en;
  tmpl.description = request.description;
  tmpl.sections = request.sections;
  RETURN_IF_ERROR(ValidateTemplate(tmpl));
  tmpl.version = before.version + 1;
  tmpl.based_on_id = before.id;
  tmpl.created_at = work.info().now;
  tmpl.created_by = scope.principal().name;
  ASSIGN_OR_RETURN(tmpl.id, work.inspections().InsertTemplate(tmpl));
  RETURN_IF_ERROR(audit::Record(work, "update", "checklist", std::to_string(tmpl.id), tmpl.org_id, AuditJson(before),
                                AuditJson(tmpl)));
  return tmpl;
}

Result<int> ChecklistService::LoadDefaults(UnitOfWork& work, const std::vector<ChecklistTemplate>& templates) const {
  int saved = 0;
  for (ChecklistTemplate tmpl : templates) {
    tmpl.org_id.reset();
    RETURN_IF_ERROR(ValidateTemplate(tmpl));
    ASSIGN_OR_RETURN(const int latest, work.inspections().LatestTemplateVersion(std::nullopt, tmpl.code));
    if (latest >= tmpl.version) continue;
    ASSIGN_OR_RETURN(auto all, work.inspections().ListTemplates(false));
    for (const auto& other : all) {
      if (other.shared() && other.code == tmpl.code) tmpl.based_on_id = other.id;
    }
    tmpl.created_at = work.info().now;
    tmpl.created_by = "system";
    ASSIGN_OR_RETURN(tmpl.id, work.inspections().InsertTemplate(tmpl));
    RETURN_IF_ERROR(audit::Record(work, "create", "checklist", std::to_string(tmpl.id), std::nullopt, std::nullopt,
                                  AuditJson(tmpl)));
    ++saved;
  }
  return saved;
}

}  // namespace ecotown::inspections
