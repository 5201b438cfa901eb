// InspectionService: plan and assign inspections, conduct them (answers, notes, findings,
// actions and photos, online or through the offline sync), score them, sign them off, plan
// re-inspections, and follow corrective actions up. Stateless; thread-safe.
//
// After sign-off an inspection is read-only: its answers, notes, photos, findings and the
// actions raised in it can no longer change. Closing a corrective action (status and closure
// evidence) stays possible, because that is what the follow-up of a signed report is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "modules/inspections/checklist.h"
#include "modules/inspections/inspection.h"
#include "modules/unit_of_work.h"

namespace ecotown::inspections {

struct NewInspection {
  int64_t factory_id = 0;
  int64_t template_id = 0;
  std::vector<int64_t> inspector_ids;  // 1..5 users of the LAO (inspector, officer or lao-admin)
  std::string planned_date;            // "YYYY-MM-DD"
  std::string notes;
};

struct Reinspection {
  std::string planned_date;
  std::vector<int64_t> inspector_ids;  // default: those of the previous inspection
  std::optional<int64_t> template_id;  // default: the previous one's template version
};

// One operation of the offline queue. id is client-generated (8..64 characters of
// [A-Za-z0-9-_]) and names the operation for ever: applied once, replays answer the stored result.
struct SyncOp {
  std::string id;
  std::string kind;  // "answer", "note", "finding", "action", "photo"
  int64_t at = 0;    // when the inspector did it on the phone (Unix s)
  // answer: item_key and exactly one of choice/number/text; note (optional)
  std::string item_key;
  std::optional<std::string> choice;
  std::optional<double> number;
  std::optional<std::string> text;
  std::string note;  // answer: the item's note; note: the inspection's notes
  // finding
  std::string severity;
  std::string description;
  std::string legal_basis;
  // action: title, owner, due_date; description; finding_id or finding_op (the id of a finding
  // operation of this or an earlier batch)
  std::string title;
  std::string owner;
  std::string due_date;
  std::optional<int64_t> finding_id;
  std::string finding_op;
  // photo: the image bytes, where and when it was taken, a caption
  std::string bytes;
  int64_t taken_at = 0;
  std::optional<double> lat;
  std::optional<double> lon;
  std::string caption;
};

// The outcome of one operation, as returned to the client and stored in the ledger:
// {"id", "kind", "status": "applied" | "superseded" | "rejected", ...} with "answer",
// "finding_id", "action_id", "photo_id" or "error": {"code", "message", "field"}.
struct SyncOutcome {
  nlohmann::json result;
  bool replayed = false;
};

struct PhotoUpload {
  std::string item_key;
  std::string bytes;
  int64_t taken_at = 0;
  std::optional<double> lat;
  std::optional<double> lon;
  std::string caption;
};

struct NewFinding {
  std::string item_key;
  std::string severity;
  std::string description;
  std::string legal_basis;
};

struct NewAction {
  std::optional<int64_t> finding_id;
  std::string title;
  std::string description;
  std::string owner;
  std::string due_date;
};

struct ActionClosure {
  std::string note;                   // required
  std::optional<int64_t> photo_id;    // evidence uploaded with AddActionEvidence
};

// The sign-off of an inspection, as shown on its report.
struct SignOffRecord {
  int64_t at = 0;
  int64_t user_id = 0;
  std::string name;
  std::string certificate;  // the certificate that allowed it, as recorded then
};

// The inspection as one object: what its report shows. Built by InspectionService::Report.
struct InspectionReport {
  Inspection inspection;                  // factory, status, dates, inspectors, notes
  ChecklistTemplate checklist;            // the version it was started with: sections and items
  std::vector<Answer> answers;            // by item key
  Scores scores;                          // by section (in checklist order) and overall
  std::vector<Finding> findings;
  std::vector<CorrectiveAction> actions;  // raised in it, and carried to it for review
  std::vector<Photo> photos;              // metadata only (no bytes)
  std::optional<SignOffRecord> sign_off;
};

class InspectionService {
 public:
  // Needs kWrite. NotFound for a factory, template or inspector outside the scope; Invalid
  // naming "inspector_ids", "planned_date" or "notes". Audited.
  Result<Inspection> Plan(UnitOfWork& work, const NewInspection& request) const;
  // A re-inspection of a signed-off inspection: a new planned inspection of the same factory
  // with previous_id set; the open actions of the previous one are carried to it. Conflict
  // unless the previous one is signed off. Audited.
  Result<Inspection> Reinspect(UnitOfWork& work, int64_t previous_id, const Reinspection& request) const;
  // Needs kWrite. The users an inspection can be assigned to: active inspector, officer and
  // lao-admin accounts of the caller's organisation (id, display name), for the planning form.
  Result<std::vector<std::pair<int64_t, std::string>>> AssignableInspectors(UnitOfWork& work) const;
  // Needs kRead.
  Result<Inspection> Get(UnitOfWork& work, int64_t id) const;
  Result<std::vector<Inspection>> List(UnitOfWork& work, const InspectionFilter& filter) const;
  // Needs kRead. The whole inspection (see InspectionReport).
  Result<InspectionReport> Report(UnitOfWork& work, int64_t id) const;

  // Applies a batch of offline operations in order, each exactly once (see SyncOp). An
  // operation that was applied before returns its stored outcome (replayed) and changes nothing.
  // Answers to one item: the one recorded later on the phone (higher `at`) wins; an older one
  // arriving later is "superseded" and not stored. A bad operation is "rejected" with the error
  // (and remembered, so a replay gives the same). Conflict for a signed-off or cancelled
  // inspection (operations already applied still replay). Audited once per batch.
  Result<std::vector<SyncOutcome>> Sync(UnitOfWork& work, int64_t id, const std::vector<SyncOp>& ops) const;

  // The same operations one at a time, for the online page and API clients.
  Result<Photo> AddPhoto(UnitOfWork& work, int64_t id, PhotoUpload upload, const std::string& op_id = "") const;
  Result<Finding> AddFinding(UnitOfWork& work, int64_t id, const NewFinding& request) const;
  Result<CorrectiveAction> AddAction(UnitOfWork& work, int64_t id, const NewAction& request) const;
  // With bytes. Readable with the inspection, or (closure evidence) with the action.
  Result<Photo> GetPhoto(UnitOfWork& work, int64_t id, int64_t photo_id) const;

  // Signs the inspection off as the calling user, who must be one of its inspectors and hold a
  // valid inspector certificate at the time (training::TrainingService::InspectorCertificate):
  // Forbidden otherwise, with the reason, and nothing is saved. Invalid("answers") while
  // scorable items are unanswered, Invalid("photos") while an evidence-required item answered
  // non-compliant has no photo; Conflict when already signed off or cancelled. Audited.
  Result<InspectionReport> SignOff(UnitOfWork& work, int64_t id) const;

  // Needs kWrite. Cancels a planned or in-progress inspection with a reason (1..500 characters,
  // Invalid("reason") otherwise); its answers, photos and findings stay and it becomes read-only.
  // Conflict when it is signed off or already cancelled. Audited.
  Result<Inspection> Cancel(UnitOfWork& work, int64_t id, const std::string& reason) const;

  // Corrective actions: officers of the LAO filter by factory, status, due date and overdue; a
  // factory representative reads only its own factory's open actions (whatever it asks for).
  Result<std::vector<CorrectiveAction>> ListActions(UnitOfWork& work, ActionFilter filter) const;
  Result<CorrectiveAction> GetAction(UnitOfWork& work, int64_t id) const;
  // Closure evidence: a photo stored with the action's inspection, tied to the action.
  Result<Photo> AddActionEvidence(UnitOfWork& work, int64_t action_id, PhotoUpload upload) const;
  // Needs kWrite. Invalid("note") without a note, Invalid("photo_id") for a photo that is not
  // this action's evidence; Conflict when already closed. Audited.
  Result<CorrectiveAction> CloseAction(UnitOfWork& work, int64_t action_id, const ActionClosure& request) const;
};

// The Bangkok calendar day of a Unix time, "YYYY-MM-DD".
std::string BangkokDay(int64_t unix_seconds);

}  // namespace ecotown::inspections
