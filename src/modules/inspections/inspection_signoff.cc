// InspectionService::SignOff: the one use case that needs the training area (a valid inspector
// certificate), kept apart so that the dependency is visible.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "modules/audit/recorder.h"
#include "modules/inspections/inspection_service.h"
#include "modules/training/training_service.h"

namespace ecotown::inspections {

Result<InspectionReport> InspectionService::SignOff(UnitOfWork& work, int64_t id) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(tenancy::Permission::kWrite));
  ASSIGN_OR_RETURN(Inspection inspection, work.inspections().GetInspection(id));
  RETURN_IF_ERROR(scope.RequireWrite(inspection.org_id, "inspection"));
  if (inspection.status == InspectionStatus::kSignedOff) return Status::Conflict("the inspection is already signed off");
  if (inspection.status == InspectionStatus::kCancelled) return Status::Conflict("the inspection is cancelled");

  const int64_t user_id = scope.principal().user_id;
  if (user_id == 0) return Status::Forbidden("an inspection is signed off by a signed-in inspector, not by an API token");
  const auto& assigned = inspection.inspector_ids;
  if (std::find(assigned.begin(), assigned.end(), user_id) == assigned.end()) {
    return Status::Forbidden("only an inspector assigned to this inspection may sign it off");
  }
  const int64_t now = work.info().now;
  ASSIGN_OR_RETURN(const auto certificate, training::TrainingService().InspectorCertificate(work, user_id, now));
  if (!certificate) {
    return Status::Forbidden(scope.principal().name +
                             " has no valid inspector certificate today; only a certified inspector may sign off");
  }

  ASSIGN_OR_RETURN(InspectionReport report, Report(work, id));
  if (report.scores.unanswered > 0) {
    return Status::Invalid(std::to_string(report.scores.unanswered) + " checklist item(s) are not answered yet", "answers");
  }
  for (const auto& section : report.checklist.sections) {
    for (const auto& item : section.items) {
      if (!item.evidence_required) continue;
      const auto answer = std::find_if(report.answers.begin(), report.answers.end(),
                                       [&](const Answer& a) { return a.item_key == item.key; });
      if (answer == report.answers.end()) continue;
      const auto c = Compliance(item, *answer);
      if (!c || *c >= 1) continue;
      const bool has_photo = std::any_of(report.photos.begin(), report.photos.end(),
                                         [&](const Photo& p) { return p.item_key == item.key; });
      if (!has_photo) {
        return Status::Invalid("item " + item.key + " is not compliant and needs a photo as evidence", "photos");
      }
    }
  }

  ASSIGN_OR_RETURN(const accounts::User signer, work.accounts().GetUser(user_id));
  inspection.status = InspectionStatus::kSignedOff;
  inspection.signed_off_at = now;
  inspection.signed_off_by = user_id;
  inspection.signed_off_name = signer.display_name.empty() ? signer.username : signer.display_name;
  inspection.certificate = "ใบรับรองเลขที่ " + certificate->number + " " + certificate->course_title_th;
  inspection.updated_at = now;
  RETURN_IF_ERROR(work.inspections().UpdateInspection(inspection));
  RETURN_IF_ERROR(audit::Record(work, "sign_off", "inspection", std::to_string(id), inspection.org_id, std::nullopt,
                                nlohmann::json({{"signed_off_by", user_id},
                                                {"certificate_id", certificate->id},
                                                {"certificate", inspection.certificate},
                                                {"overall", report.scores.overall ? nlohmann::json(*report.scores.overall)
                                                                                  : nlohmann::json()}})
                                    .dump()));
  return Report(work, id);
}

}  // namespace ecotown::inspections
