#include "modules/inspections/inspection.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/thai_calendar.h"
#include "core/utf8.h"

namespace ecotown::inspections {

const char* InspectionStatusName(InspectionStatus status) {
  switch (status) {
    case InspectionStatus::kPlanned: return "planned";
    case InspectionStatus::kInProgress: return "in_progress";
    case InspectionStatus::kSignedOff: return "signed_off";
    case InspectionStatus::kCancelled: return "cancelled";
  }
  return "planned";
}

Result<InspectionStatus> ParseInspectionStatus(std::string_view name, std::string_view field) {
  if (name == "planned") return InspectionStatus::kPlanned;
  if (name == "in_progress") return InspectionStatus::kInProgress;
  if (name == "signed_off") return InspectionStatus::kSignedOff;
  if (name == "cancelled") return InspectionStatus::kCancelled;
  return Status::Invalid(std::string(field) + " must be planned, in_progress, signed_off or cancelled",
                         std::string(field));
}

const char* ActionStatusName(ActionStatus status) { return status == ActionStatus::kOpen ? "open" : "closed"; }

Result<ActionStatus> ParseActionStatus(std::string_view name, std::string_view field) {
  if (name == "open") return ActionStatus::kOpen;
  if (name == "closed") return ActionStatus::kClosed;
  return Status::Invalid(std::string(field) + " must be open or closed", std::string(field));
}

std::optional<double> Compliance(const ChecklistItem& item, const Answer& answer) {
  switch (item.answer_type) {
    case AnswerType::kYesNo:
      if (!answer.choice || *answer.choice == "na") return std::nullopt;
      return *answer.choice == "yes" ? 1.0 : 0.0;
    case AnswerType::kScore:
      if (!answer.number) return std::nullopt;
      return std::clamp((*answer.number - item.score_min) / (item.score_max - item.score_min), 0.0, 1.0);
    case AnswerType::kMeasure: {
      if (!answer.number) return std::nullopt;
      const double v = *answer.number;
      const bool inside = (!item.lower || v >= *item.lower) && (!item.upper || v <= *item.upper);
      return inside ? 1.0 : 0.0;
    }
    case AnswerType::kText:
      return std::nullopt;
  }
  return std::nullopt;
}

Scores ComputeScores(const ChecklistTemplate& tmpl, const std::vector<Answer>& answers) {
  std::map<std::string, const Answer*, std::less<>> by_key;
  for (const auto& answer : answers) by_key[answer.item_key] = &answer;
  Scores scores;
  double overall_sum = 0, overall_weight = 0;
  for (const auto& section : tmpl.sections) {
    SectionScore s;
    s.key = section.key;
    double sum = 0, weight = 0;
    for (const auto& item : section.items) {
      if (item.answer_type == AnswerType::kText) continue;
      const auto it = by_key.find(item.key);
      if (it == by_key.end()) {
        ++s.unanswered;
        continue;
      }
      const auto c = Compliance(item, *it->second);
      if (!c) {
        ++s.not_applicable;
        continue;
      }
      ++s.counted;
      if (*c < 1) ++s.non_compliant;
      sum += item.weight * *c;
      weight += item.weight;
    }
    if (weight > 0) {
      s.score = 100.0 * sum / weight;
      overall_sum += section.weight * *s.score;
      overall_weight += section.weight;
    }
    scores.unanswered += s.unanswered;
    scores.sections.push_back(std::move(s));
  }
  if (overall_weight > 0) scores.overall = overall_sum / overall_weight;
  return scores;
}

Status ValidateAnswer(const ChecklistItem& item, const Answer& answer) {
  if (!core::IsValidUtf8(answer.note) || core::CodePointCount(answer.note) > 2000) {
    return Status::Invalid("note must be valid text of at most 2000 characters", "note");
  }
  const int set = (answer.choice ? 1 : 0) + (answer.number ? 1 : 0) + (answer.text ? 1 : 0);
  if (set != 1) return Status::Invalid("an answer holds exactly one value", "value");
  switch (item.answer_type) {
    case AnswerType::kYesNo:
      if (!answer.choice || (*answer.choice != "yes" && *answer.choice != "no" && *answer.choice != "na")) {
        return Status::Invalid("item " + item.key + " is answered yes, no or na", "value");
      }
      return Status::Ok();
    case AnswerType::kScore:
      if (!answer.number || !std::isfinite(*answer.number) || *answer.number < item.score_min ||
          *answer.number > item.score_max) {
        return Status::Invalid("item " + item.key + " takes a score from " + std::to_string(static_cast<int>(item.score_min)) +
                                   " to " + std::to_string(static_cast<int>(item.score_max)),
                               "value");
      }
      return Status::Ok();
    case AnswerType::kMeasure:
      if (!answer.number || !std::isfinite(*answer.number)) {
        return Status::Invalid("item " + item.key + " takes a measured number in " + item.unit, "value");
      }
      return Status::Ok();
    case AnswerType::kText:
      if (!answer.text || !core::IsValidUtf8(*answer.text) || core::CodePointCount(*answer.text) > 2000) {
        return Status::Invalid("item " + item.key + " takes a text of at most 2000 characters", "value");
      }
      return Status::Ok();
  }
  return Status::Ok();
}

Status ValidateDate(std::string_view date, std::string_view field) {
  const auto bad = [&] { return Status::Invalid(std::string(field) + " must be a date YYYY-MM-DD", std::string(field)); };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (date[i] < '0' || date[i] > '9') return bad();
  }
  const int y = std::stoi(std::string(date.substr(0, 4)));
  const int m = std::stoi(std::string(date.substr(5, 2)));
  const int d = std::stoi(std::string(date.substr(8, 2)));
  if (y < 2000 || y > 2200 || !core::IsValidDate(y, m, d)) return bad();
  return Status::Ok();
}

}  // namespace ecotown::inspections
