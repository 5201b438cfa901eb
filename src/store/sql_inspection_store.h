// SqlInspectionStore: checklist templates, inspections, answers, photos, findings, corrective
// actions and the sync ledger on either SQL dialect, bound to one Scope.
#pragma once

#include <map>

#include <span>

#include "modules/inspections/inspection.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlInspectionStore final : public inspections::InspectionStore {
 public:
  SqlInspectionStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

  Result<int64_t> InsertTemplate(const inspections::ChecklistTemplate& tmpl) override;
  Result<inspections::ChecklistTemplate> GetTemplate(int64_t id) override;
  Result<std::vector<inspections::ChecklistTemplate>> ListTemplates(bool all_versions) override;
  Result<int> LatestTemplateVersion(std::optional<int64_t> org_id, std::string_view code) override;

  Result<int64_t> InsertInspection(const inspections::Inspection& inspection) override;
  Result<inspections::Inspection> GetInspection(int64_t id) override;
  Result<std::vector<inspections::Inspection>> ListInspections(const inspections::InspectionFilter& filter) override;
  Status UpdateInspection(const inspections::Inspection& inspection) override;

  Status UpsertAnswer(int64_t org_id, const inspections::Answer& answer) override;
  Result<std::vector<inspections::Answer>> ListAnswers(int64_t inspection_id) override;
  Result<std::optional<inspections::Answer>> GetAnswer(int64_t inspection_id, std::string_view item_key) override;

  Result<int64_t> InsertPhoto(int64_t org_id, const inspections::Photo& photo) override;
  Result<std::vector<inspections::Photo>> ListPhotos(int64_t inspection_id) override;
  Result<inspections::Photo> GetPhoto(int64_t inspection_id, int64_t photo_id) override;

  Result<int64_t> InsertFinding(int64_t org_id, const inspections::Finding& finding) override;
  Result<std::vector<inspections::Finding>> ListFindings(int64_t inspection_id) override;

  Result<int64_t> InsertAction(const inspections::CorrectiveAction& action) override;
  Result<inspections::CorrectiveAction> GetAction(int64_t id) override;
  Result<std::vector<inspections::CorrectiveAction>> ListActions(const inspections::ActionFilter& filter) override;
  Result<std::map<int64_t, int64_t>> CountOpenActionsByFactory(const std::vector<int64_t>& factory_ids) override;
  Result<std::vector<inspections::CorrectiveAction>> ActionsOfInspection(int64_t inspection_id) override;
  Status UpdateAction(const inspections::CorrectiveAction& action) override;
  Result<int64_t> CarryOpenActions(int64_t org_id, int64_t from, int64_t to) override;

  Result<std::optional<inspections::AppliedOp>> FindAppliedOp(int64_t inspection_id, std::string_view op_id) override;
  Status RecordAppliedOp(int64_t org_id, int64_t inspection_id, const inspections::AppliedOp& op, int64_t at) override;

 private:
  // The inspectors of each inspection, in their order.
  Status FillInspectors(std::span<inspections::Inspection> inspections);

  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
