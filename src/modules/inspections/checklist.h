// Checklist templates: versioned sets of sections and items an inspector answers at a factory.
//
// A template is identified by (owner, code) and numbered 1, 2, 3.. per owner and code; a saved
// version never changes. Shipped defaults (data/checklists/*.json) have no owner (org_id empty):
// every LAO reads them and nobody edits them. An LAO admin copies a template into the LAO and
// edits it; each edit saves the next version, and an inspection keeps the version it started with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ecotown::inspections {

// How an item is answered. kYesNo: "yes" (compliant), "no" or "na" (not applicable).
// kScore: a number in [score_min, score_max]. kMeasure: a measured number with optional
// lower/upper limits and a unit. kText: free text, never scored.
enum class AnswerType { kYesNo, kScore, kMeasure, kText };
const char* AnswerTypeName(AnswerType type);  // "yes_no", "score", "measure", "text"
Result<AnswerType> ParseAnswerType(std::string_view name, std::string_view field = "answer_type");

// How serious a non-compliance (or a finding) is.
enum class Severity { kLow, kMedium, kHigh, kCritical };
const char* SeverityName(Severity severity);  // "low", "medium", "high", "critical"
Result<Severity> ParseSeverity(std::string_view name, std::string_view field = "severity");

struct ChecklistItem {
  std::string key;  // stable within the template family, e.g. "air-01"; answers refer to it
  std::string text_th;
  std::string text_en;
  std::string guidance;     // what to look at, how to judge
  std::string legal_basis;  // e.g. "พ.ร.บ.การสาธารณสุข พ.ศ. 2535 มาตรา 25 (เหตุรำคาญ)"
  std::vector<std::string> good_photos;  // optional image references (URLs under the web root)
  std::vector<std::string> bad_photos;
  AnswerType answer_type = AnswerType::kYesNo;
  double score_min = 0;  // kScore
  double score_max = 5;
  std::optional<double> lower;  // kMeasure: compliant when lower <= value <= upper
  std::optional<double> upper;
  std::string unit;      // kMeasure, e.g. "dB(A)"
  double weight = 1;     // > 0, relative within the section
  Severity severity = Severity::kMedium;
  bool evidence_required = false;  // a non-compliant answer needs a photo before sign-off
};

struct ChecklistSection {
  std::string key;
  std::string title_th;
  std::string title_en;
  double weight = 1;  // > 0, relative within the template
  std::vector<ChecklistItem> items;
};

struct ChecklistTemplate {
  int64_t id = 0;
  std::optional<int64_t> org_id;  // empty: a shipped default, shared and read-only
  std::string code;               // family, e.g. "environment"; [a-z0-9-], 2..40
  int version = 0;
  std::string title_th;
  std::string title_en;
  std::string description;
  std::vector<ChecklistSection> sections;
  std::optional<int64_t> based_on_id;  // the template version this one was copied or edited from
  int64_t created_at = 0;
  std::string created_by;

  bool shared() const { return !org_id.has_value(); }
  const ChecklistItem* FindItem(std::string_view key) const;
  const ChecklistSection* SectionOf(std::string_view item_key) const;
  size_t ItemCount() const;
};

// Limits: at most 30 sections, 60 items a section, texts of 2000 characters (guidance 4000).
// Invalid naming the field ("code", "title_th", "sections[2].items[0].weight", ...) for an empty
// title, a duplicate or empty key, a non-positive weight, score_max <= score_min, lower > upper.
Status ValidateTemplate(const ChecklistTemplate& tmpl);
Status ValidateCode(std::string_view code);

// The sections and items as JSON text (what the store keeps, and the API shape of "sections").
std::string SectionsToJson(const std::vector<ChecklistSection>& sections);
// Parses the "sections" array; Invalid naming the field at fault.
Result<std::vector<ChecklistSection>> SectionsFromJson(std::string_view text);

// A whole template file as shipped in data/checklists/*.json:
// {"code", "version", "title_th", "title_en", "description", "sections": [...]}.
Result<ChecklistTemplate> TemplateFromFileJson(std::string_view text);

}  // namespace ecotown::inspections
