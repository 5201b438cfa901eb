// The inspections area: checklist templates (checklist.h), inspections of factories, their
// answers, photos, findings and corrective actions, the scores, and the InspectionStore port.
//
// Life of an inspection: planned -> in_progress (first answer) -> signed_off (read-only), or
// cancelled. A re-inspection is a new inspection whose previous_id names the earlier one; the
// earlier one's open corrective actions are carried to it (review_inspection_id) for checking.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/inspections/checklist.h"

namespace ecotown::inspections {

enum class InspectionStatus { kPlanned, kInProgress, kSignedOff, kCancelled };
const char* InspectionStatusName(InspectionStatus status);  // "planned", "in_progress", "signed_off", "cancelled"
Result<InspectionStatus> ParseInspectionStatus(std::string_view name, std::string_view field = "status");

struct Inspection {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t factory_id = 0;
  std::string factory_name;  // filled on reads
  int64_t template_id = 0;
  std::string template_code;  // filled on reads
  int template_version = 0;   // filled on reads
  std::string template_title_th;
  InspectionStatus status = InspectionStatus::kPlanned;
  std::string planned_date;             // "YYYY-MM-DD" (Bangkok)
  std::optional<int64_t> previous_id;   // the inspection this one re-inspects
  std::vector<int64_t> inspector_ids;   // assigned users (at least one)
  std::vector<std::string> inspector_names;  // display names, same order, filled on reads
  std::string notes;                    // general notes of the visit
  std::optional<int64_t> started_at;
  std::optional<int64_t> signed_off_at;
  std::optional<int64_t> signed_off_by;  // user id
  std::string signed_off_name;
  std::string certificate;               // the signer's certificate as recorded at sign-off
  std::optional<int64_t> cancelled_at;   // set with status cancelled
  std::string cancelled_by;              // who cancelled it (display name)
  std::string cancel_reason;
  int64_t created_at = 0;
  std::string created_by;
  int64_t updated_at = 0;
};

// One answer to one item. Exactly the field of the item's answer type is set: choice for
// yes/no ("yes", "no", "na"), number for score and measure, text for text.
struct Answer {
  int64_t inspection_id = 0;
  std::string item_key;
  std::optional<std::string> choice;
  std::optional<double> number;
  std::optional<std::string> text;
  std::string note;
  int64_t answered_at = 0;  // when the inspector recorded it (client time for synced answers)
  std::string answered_by;
};

inline constexpr size_t kMaxPhotoBytes = 5 * 1024 * 1024;  // 5 MiB

struct Photo {
  int64_t id = 0;
  int64_t inspection_id = 0;
  std::string item_key;                // empty: a photo of the visit, not of an item
  std::optional<int64_t> action_id;    // set for closure evidence of a corrective action
  std::string content_type;            // from the bytes: image/jpeg, image/png, image/webp
  std::string bytes;                   // empty in listings
  std::string sha256;
  int64_t size = 0;
  int64_t taken_at = 0;                // Unix s, from the phone
  std::optional<double> lat;
  std::optional<double> lon;
  std::string caption;
  int64_t uploaded_at = 0;
  std::string uploaded_by;
};

struct Finding {
  int64_t id = 0;
  int64_t inspection_id = 0;
  std::string item_key;  // empty: not tied to one item
  Severity severity = Severity::kMedium;
  std::string description;
  std::string legal_basis;
  int64_t created_at = 0;
  std::string created_by;
};

enum class ActionStatus { kOpen, kClosed };
const char* ActionStatusName(ActionStatus status);  // "open", "closed"
Result<ActionStatus> ParseActionStatus(std::string_view name, std::string_view field = "status");

struct CorrectiveAction {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t factory_id = 0;
  std::string factory_name;  // filled on reads
  int64_t inspection_id = 0;               // where it was raised
  std::optional<int64_t> finding_id;
  std::optional<int64_t> review_inspection_id;  // the re-inspection that checks it
  std::string title;
  std::string description;
  std::string owner;     // who at the factory must do it (name or position)
  std::string due_date;  // "YYYY-MM-DD"
  ActionStatus status = ActionStatus::kOpen;
  std::optional<int64_t> closed_at;
  std::string closed_by;
  std::string closure_note;
  std::optional<int64_t> closure_photo_id;
  int64_t created_at = 0;
  std::string created_by;
};

// A sync operation already applied: its client id and the result it gave (JSON text).
struct AppliedOp {
  std::string op_id;
  std::string kind;
  std::string result_json;
};

// Scores (0..100) by section and overall. The rule (docs/inspections.md §Scores):
//   compliance of an answered item: yes/no -> 1 or 0; score -> (v - min) / (max - min);
//   measure -> 1 inside [lower, upper], else 0. "na", text items and unanswered items are left out.
//   section score = 100 · Σ(weight · compliance) / Σ weight over its counted items;
//   overall = Σ(section weight · section score) / Σ section weight over sections with a score.
// A section (or the whole) without counted items has no score.
struct SectionScore {
  std::string key;
  std::optional<double> score;
  int counted = 0;         // items in the score
  int not_applicable = 0;
  int unanswered = 0;      // scorable items without an answer
  int non_compliant = 0;   // counted items with compliance < 1
};
struct Scores {
  std::vector<SectionScore> sections;
  std::optional<double> overall;
  int unanswered = 0;
};

// The compliance of one answer to one item in [0, 1]; empty when the answer does not count.
std::optional<double> Compliance(const ChecklistItem& item, const Answer& answer);
Scores ComputeScores(const ChecklistTemplate& tmpl, const std::vector<Answer>& answers);

// Checks an answer against its item: Invalid("value") when the wrong field is set for the
// answer type, a yes/no choice is not yes/no/na, a score is outside its range, or a number is
// not finite; Invalid("note") for a note over 2000 characters.
Status ValidateAnswer(const ChecklistItem& item, const Answer& answer);

// "YYYY-MM-DD" with a real calendar date; Invalid(field) otherwise.
Status ValidateDate(std::string_view date, std::string_view field);

struct InspectionFilter {
  std::optional<InspectionStatus> status;
  std::optional<int64_t> factory_id;
  std::optional<int64_t> inspector_id;
  std::optional<std::string> from;  // planned_date >= from
  std::optional<std::string> to;    // planned_date <= to
  int limit = 100;                  // 1..500
  int offset = 0;
};

struct ActionFilter {
  std::optional<ActionStatus> status;
  std::optional<int64_t> factory_id;
  std::optional<int64_t> inspection_id;
  std::optional<std::string> due_before;  // due_date <= this day
  std::optional<std::string> overdue_on;  // open and due_date < this day
  int limit = 100;
  int offset = 0;
};

// Persistence port, bound to the Scope of its UnitOfWork. Reads of inspections, answers,
// findings and photos are limited to the readable organisations (a factory representative reads
// none of them); corrective actions are factory records (Scope::FactoryFilterSql). Templates:
// shared ones are readable by all, an LAO's own by that LAO. Writes check RequireWrite.
class InspectionStore {
 public:
  virtual ~InspectionStore() = default;

  // Templates. InsertTemplate: Conflict when (owner, code, version) exists.
  virtual Result<int64_t> InsertTemplate(const ChecklistTemplate& tmpl) = 0;
  virtual Result<ChecklistTemplate> GetTemplate(int64_t id) = 0;
  // The newest version of each family readable in the scope (shared and own), or every version.
  virtual Result<std::vector<ChecklistTemplate>> ListTemplates(bool all_versions) = 0;
  // The highest version of (owner, code); 0 when there is none.
  virtual Result<int> LatestTemplateVersion(std::optional<int64_t> org_id, std::string_view code) = 0;

  // Inspections.
  virtual Result<int64_t> InsertInspection(const Inspection& inspection) = 0;
  virtual Result<Inspection> GetInspection(int64_t id) = 0;
  virtual Result<std::vector<Inspection>> ListInspections(const InspectionFilter& filter) = 0;
  // Writes status, notes, started_at, sign-off fields and updated_at.
  virtual Status UpdateInspection(const Inspection& inspection) = 0;

  virtual Status UpsertAnswer(int64_t org_id, const Answer& answer) = 0;
  virtual Result<std::vector<Answer>> ListAnswers(int64_t inspection_id) = 0;
  // Answer counts per inspection, e.g. for lists: (inspection id, answers).
  virtual Result<std::optional<Answer>> GetAnswer(int64_t inspection_id, std::string_view item_key) = 0;

  virtual Result<int64_t> InsertPhoto(int64_t org_id, const Photo& photo) = 0;
  // Without bytes.
  virtual Result<std::vector<Photo>> ListPhotos(int64_t inspection_id) = 0;
  // With bytes; NotFound outside the scope.
  virtual Result<Photo> GetPhoto(int64_t inspection_id, int64_t photo_id) = 0;

  virtual Result<int64_t> InsertFinding(int64_t org_id, const Finding& finding) = 0;
  virtual Result<std::vector<Finding>> ListFindings(int64_t inspection_id) = 0;

  virtual Result<int64_t> InsertAction(const CorrectiveAction& action) = 0;
  virtual Result<CorrectiveAction> GetAction(int64_t id) = 0;
  virtual Result<std::vector<CorrectiveAction>> ListActions(const ActionFilter& filter) = 0;
  // The open corrective actions of each of the factories the scope may read, in one query;
  // factories without any are absent.
  virtual Result<std::map<int64_t, int64_t>> CountOpenActionsByFactory(const std::vector<int64_t>& factory_ids) = 0;
  // Raised in or carried to the inspection.
  virtual Result<std::vector<CorrectiveAction>> ActionsOfInspection(int64_t inspection_id) = 0;
  virtual Status UpdateAction(const CorrectiveAction& action) = 0;
  // Sets review_inspection_id on the open actions raised in or carried to `from`; returns how many.
  virtual Result<int64_t> CarryOpenActions(int64_t org_id, int64_t from, int64_t to) = 0;

  // Sync bookkeeping: one row per applied client operation.
  virtual Result<std::optional<AppliedOp>> FindAppliedOp(int64_t inspection_id, std::string_view op_id) = 0;
  virtual Status RecordAppliedOp(int64_t org_id, int64_t inspection_id, const AppliedOp& op, int64_t at) = 0;
};

}  // namespace ecotown::inspections
