#include "modules/inspections/checklist.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/utf8.h"

namespace ecotown::inspections {
namespace {

using nlohmann::json;

constexpr size_t kMaxSections = 30;
constexpr size_t kMaxItems = 60;
constexpr size_t kMaxText = 2000;
constexpr size_t kMaxGuidance = 4000;
constexpr size_t kMaxPhotoRefs = 6;

Status CheckText(std::string_view text, std::string_view field, size_t max, bool required) {
  if (!core::IsValidUtf8(text)) return Status::Invalid(std::string(field) + " is not valid UTF-8", std::string(field));
  if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::Invalid(std::string(field) + " is required", std::string(field));
  }
  if (core::CodePointCount(text) > max) {
    return Status::Invalid(std::string(field) + " is longer than " + std::to_string(max) + " characters",
                           std::string(field));
  }
  return Status::Ok();
}

Status CheckKey(std::string_view key, std::string_view field) {
  if (key.empty() || key.size() > 40) return Status::Invalid(std::string(field) + " must be 1..40 characters", std::string(field));
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return Status::Invalid(std::string(field) + " may hold only a-z, 0-9, '-', '_' and '.'", std::string(field));
  }
  return Status::Ok();
}

Status CheckWeight(double weight, const std::string& field) {
  if (!std::isfinite(weight) || weight <= 0 || weight > 100) {
    return Status::Invalid(field + " must be a number above 0 and at most 100", field);
  }
  return Status::Ok();
}

json PhotoRefs(const std::vector<std::string>& refs) { return json(refs); }

json ItemJson(const ChecklistItem& item) {
  json out = {{"key", item.key},
              {"text_th", item.text_th},
              {"text_en", item.text_en},
              {"guidance", item.guidance},
              {"legal_basis", item.legal_basis},
              {"good_photos", PhotoRefs(item.good_photos)},
              {"bad_photos", PhotoRefs(item.bad_photos)},
              {"answer_type", AnswerTypeName(item.answer_type)},
              {"weight", item.weight},
              {"severity", SeverityName(item.severity)},
              {"evidence_required", item.evidence_required}};
  if (item.answer_type == AnswerType::kScore) {
    out["score_min"] = item.score_min;
    out["score_max"] = item.score_max;
  }
  if (item.answer_type == AnswerType::kMeasure) {
    out["lower"] = item.lower ? json(*item.lower) : json();
    out["upper"] = item.upper ? json(*item.upper) : json();
    out["unit"] = item.unit;
  }
  return out;
}

// Strict reading of one JSON object: every member must be known.
class Fields {
 public:
  Fields(const json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {}

  std::string Name(std::string_view field) const { return prefix_ + std::string(field); }

  Result<std::string> Text(std::string_view field, bool required) {
    taken_.insert(std::string(field));
    auto it = object_.find(field);
    if (it == object_.end() || it->is_null()) {
      if (required) return Status::Invalid(Name(field) + " is required", Name(field));
      return std::string();
    }
    if (!it->is_string()) return Status::Invalid(Name(field) + " must be a string", Name(field));
    return it->get<std::string>();
  }
  Result<std::optional<double>> Number(std::string_view field) {
    taken_.insert(std::string(field));
    auto it = object_.find(field);
    if (it == object_.end() || it->is_null()) return std::optional<double>();
    if (!it->is_number()) return Status::Invalid(Name(field) + " must be a number", Name(field));
    return std::optional<double>(it->get<double>());
  }
  Result<bool> Bool(std::string_view field) {
    taken_.insert(std::string(field));
    auto it = object_.find(field);
    if (it == object_.end() || it->is_null()) return false;
    if (!it->is_boolean()) return Status::Invalid(Name(field) + " must be true or false", Name(field));
    return it->get<bool>();
  }
  Result<std::vector<std::string>> Strings(std::string_view field) {
    taken_.insert(std::string(field));
    std::vector<std::string> out;
    auto it = object_.find(field);
    if (it == object_.end() || it->is_null()) return out;
    if (!it->is_array()) return Status::Invalid(Name(field) + " must be an array of strings", Name(field));
    for (const auto& v : *it) {
      if (!v.is_string()) return Status::Invalid(Name(field) + " must be an array of strings", Name(field));
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  const json* Array(std::string_view field) {
    taken_.insert(std::string(field));
    auto it = object_.find(field);
    return it == object_.end() ? nullptr : &*it;
  }
  Status Finish() const {
    for (const auto& [key, value] : object_.items()) {
      if (!taken_.count(key)) return Status::Invalid("unknown field " + Name(key), Name(key));
    }
    return Status::Ok();
  }

 private:
  const json& object_;
  std::string prefix_;
  std::set<std::string, std::less<>> taken_;
};

Result<ChecklistItem> ItemFromJson(const json& j, const std::string& prefix) {
  if (!j.is_object()) return Status::Invalid(prefix + " must be an object", prefix);
  Fields f(j, prefix + ".");
  ChecklistItem item;
  ASSIGN_OR_RETURN(item.key, f.Text("key", true));
  ASSIGN_OR_RETURN(item.text_th, f.Text("text_th", true));
  ASSIGN_OR_RETURN(item.text_en, f.Text("text_en", false));
  ASSIGN_OR_RETURN(item.guidance, f.Text("guidance", false));
  ASSIGN_OR_RETURN(item.legal_basis, f.Text("legal_basis", false));
  ASSIGN_OR_RETURN(item.good_photos, f.Strings("good_photos"));
  ASSIGN_OR_RETURN(item.bad_photos, f.Strings("bad_photos"));
  ASSIGN_OR_RETURN(const std::string type, f.Text("answer_type", true));
  ASSIGN_OR_RETURN(item.answer_type, ParseAnswerType(type, f.Name("answer_type")));
  ASSIGN_OR_RETURN(auto score_min, f.Number("score_min"));
  ASSIGN_OR_RETURN(auto score_max, f.Number("score_max"));
  if (score_min) item.score_min = *score_min;
  if (score_max) item.score_max = *score_max;
  ASSIGN_OR_RETURN(item.lower, f.Number("lower"));
  ASSIGN_OR_RETURN(item.upper, f.Number("upper"));
  ASSIGN_OR_RETURN(item.unit, f.Text("unit", false));
  ASSIGN_OR_RETURN(auto weight, f.Number("weight"));
  item.weight = weight.value_or(1);
  ASSIGN_OR_RETURN(const std::string severity, f.Text("severity", false));
  if (!severity.empty()) {
    ASSIGN_OR_RETURN(item.severity, ParseSeverity(severity, f.Name("severity")));
  }
  ASSIGN_OR_RETURN(item.evidence_required, f.Bool("evidence_required"));
  RETURN_IF_ERROR(f.Finish());
  return item;
}

Result<ChecklistSection> SectionFromJson(const json& j, const std::string& prefix) {
  if (!j.is_object()) return Status::Invalid(prefix + " must be an object", prefix);
  Fields f(j, prefix + ".");
  ChecklistSection section;
  ASSIGN_OR_RETURN(section.key, f.Text("key", true));
  ASSIGN_OR_RETURN(section.title_th, f.Text("title_th", true));
  ASSIGN_OR_RETURN(section.title_en, f.Text("title_en", false));
  ASSIGN_OR_RETURN(auto weight, f.Number("weight"));
  section.weight = weight.value_or(1);
  const json* items = f.Array("items");
  if (!items || !items->is_array()) return Status::Invalid(f.Name("items") + " must be an array", f.Name("items"));
  for (size_t i = 0; i < items->size(); ++i) {
    ASSIGN_OR_RETURN(auto item, ItemFromJson((*items)[i], f.Name("items") + "[" + std::to_string(i) + "]"));
    section.items.push_back(std::move(item));
  }
  RETURN_IF_ERROR(f.Finish());
  return section;
}

Result<std::vector<ChecklistSection>> SectionsFromJsonValue(const json& j) {
  if (!j.is_array()) return Status::Invalid("sections must be an array", "sections");
  std::vector<ChecklistSection> sections;
  for (size_t i = 0; i < j.size(); ++i) {
    ASSIGN_OR_RETURN(auto section, SectionFromJson(j[i], "sections[" + std::to_string(i) + "]"));
    sections.push_back(std::move(section));
  }
  return sections;
}

}  // namespace

const char* AnswerTypeName(AnswerType type) {
  switch (type) {
    case AnswerType::kYesNo: return "yes_no";
    case AnswerType::kScore: return "score";
    case AnswerType::kMeasure: return "measure";
    case AnswerType::kText: return "text";
  }
  return "yes_no";
}

Result<AnswerType> ParseAnswerType(std::string_view name, std::string_view field) {
  if (name == "yes_no") return AnswerType::kYesNo;
  if (name == "score") return AnswerType::kScore;
  if (name == "measure") return AnswerType::kMeasure;
  if (name == "text") return AnswerType::kText;
  return Status::Invalid(std::string(field) + " must be yes_no, score, measure or text", std::string(field));
}

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "medium";
}

Result<Severity> ParseSeverity(std::string_view name, std::string_view field) {
  if (name == "low") return Severity::kLow;
  if (name == "medium") return Severity::kMedium;
  if (name == "high") return Severity::kHigh;
  if (name == "critical") return Severity::kCritical;
  return Status::Invalid(std::string(field) + " must be low, medium, high or critical", std::string(field));
}

const ChecklistItem* ChecklistTemplate::FindItem(std::string_view key) const {
  for (const auto& section : sections) {
    for (const auto& item : section.items) {
      if (item.key == key) return &item;
    }
  }
  return nullptr;
}

const ChecklistSection* ChecklistTemplate::SectionOf(std::string_view item_key) const {
  for (const auto& section : sections) {
    for (const auto& item : section.items) {
      if (item.key == item_key) return &section;
    }
  }
  return nullptr;
}

size_t ChecklistTemplate::ItemCount() const {
  size_t n = 0;
  for (const auto& section : sections) n += section.items.size();
  return n;
}

Status ValidateCode(std::string_view code) {
  if (code.size() < 2 || code.size() > 40) return Status::Invalid("code must be 2..40 characters", "code");
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return Status::Invalid("code may hold only a-z, 0-9 and '-'", "code");
    }
  }
  return Status::Ok();
}

Status ValidateTemplate(const ChecklistTemplate& tmpl) {
  RETURN_IF_ERROR(ValidateCode(tmpl.code));
  RETURN_IF_ERROR(CheckText(tmpl.title_th, "title_th", 200, true));
  RETURN_IF_ERROR(CheckText(tmpl.title_en, "title_en", 200, false));
  RETURN_IF_ERROR(CheckText(tmpl.description, "description", kMaxText, false));
  if (tmpl.sections.empty()) return Status::Invalid("a checklist needs at least one section", "sections");
  if (tmpl.sections.size() > kMaxSections) {
    return Status::Invalid("a checklist has at most " + std::to_string(kMaxSections) + " sections", "sections");
  }
  std::set<std::string> section_keys, item_keys;
  for (size_t s = 0; s < tmpl.sections.size(); ++s) {
    const auto& section = tmpl.sections[s];
    const std::string sp = "sections[" + std::to_string(s) + "]";
    RETURN_IF_ERROR(CheckKey(section.key, sp + ".key"));
    if (!section_keys.insert(section.key).second) return Status::Invalid("duplicate section key " + section.key, sp + ".key");
    RETURN_IF_ERROR(CheckText(section.title_th, sp + ".title_th", 200, true));
    RETURN_IF_ERROR(CheckText(section.title_en, sp + ".title_en", 200, false));
    RETURN_IF_ERROR(CheckWeight(section.weight, sp + ".weight"));
    if (section.items.empty()) return Status::Invalid("a section needs at least one item", sp + ".items");
    if (section.items.size() > kMaxItems) {
      return Status::Invalid("a section has at most " + std::to_string(kMaxItems) + " items", sp + ".items");
    }
    for (size_t i = 0; i < section.items.size(); ++i) {
      const auto& item = section.items[i];
      const std::string ip = sp + ".items[" + std::to_string(i) + "]";
      RETURN_IF_ERROR(CheckKey(item.key, ip + ".key"));
      if (!item_keys.insert(item.key).second) return Status::Invalid("duplicate item key " + item.key, ip + ".key");
      RETURN_IF_ERROR(CheckText(item.text_th, ip + ".text_th", 500, true));
      RETURN_IF_ERROR(CheckText(item.text_en, ip + ".text_en", 500, false));
      RETURN_IF_ERROR(CheckText(item.guidance, ip + ".guidance", kMaxGuidance, false));
      RETURN_IF_ERROR(CheckText(item.legal_basis, ip + ".legal_basis", 500, false));
      RETURN_IF_ERROR(CheckText(item.unit, ip + ".unit", 20, false));
      RETURN_IF_ERROR(CheckWeight(item.weight, ip + ".weight"));
      for (const auto* refs : {&item.good_photos, &item.bad_photos}) {
        const std::string field = ip + (refs == &item.good_photos ? ".good_photos" : ".bad_photos");
        if (refs->size() > kMaxPhotoRefs) return Status::Invalid(field + " holds at most 6 images", field);
        for (const auto& ref : *refs) {
          // References to images served by this site only (CSP: img-src 'self').
          if (ref.empty() || ref[0] != '/' || ref.size() > 300 || ref.find("..") != std::string::npos) {
            return Status::Invalid(field + " must be paths on this site such as /img/checklists/x.jpg", field);
          }
        }
      }
      if (item.answer_type == AnswerType::kScore) {
        if (!std::isfinite(item.score_min) || !std::isfinite(item.score_max) || item.score_max <= item.score_min) {
          return Status::Invalid("score_max must be above score_min", ip + ".score_max");
        }
      }
      if (item.answer_type == AnswerType::kMeasure) {
        if (!item.lower && !item.upper) return Status::Invalid("a measured item needs a lower or an upper limit", ip + ".upper");
        if (item.lower && item.upper && *item.lower > *item.upper) {
          return Status::Invalid("lower must not be above upper", ip + ".lower");
        }
        if (item.unit.empty()) return Status::Invalid("a measured item needs a unit", ip + ".unit");
      }
    }
  }
  return Status::Ok();
}

std::string SectionsToJson(const std::vector<ChecklistSection>& sections) {
  json out = json::array();
  for (const auto& section : sections) {
    json items = json::array();
    for (const auto& item : section.items) items.push_back(ItemJson(item));
    out.push_back({{"key", section.key},
                   {"title_th", section.title_th},
                   {"title_en", section.title_en},
                   {"weight", section.weight},
                   {"items", items}});
  }
  return out.dump();
}

Result<std::vector<ChecklistSection>> SectionsFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::Invalid("sections are not valid JSON", "sections");
  return SectionsFromJsonValue(j);
}

Result<ChecklistTemplate> TemplateFromFileJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Invalid("a checklist file must be a JSON object", "file");
  Fields f(j, "");
  ChecklistTemplate tmpl;
  ASSIGN_OR_RETURN(tmpl.code, f.Text("code", true));
  ASSIGN_OR_RETURN(auto version, f.Number("version"));
  tmpl.version = static_cast<int>(version.value_or(1));
  ASSIGN_OR_RETURN(tmpl.title_th, f.Text("title_th", true));
  ASSIGN_OR_RETURN(tmpl.title_en, f.Text("title_en", false));
  ASSIGN_OR_RETURN(tmpl.description, f.Text("description", false));
  const json* sections = f.Array("sections");
  if (!sections) return Status::Invalid("sections is required", "sections");
  ASSIGN_OR_RETURN(tmpl.sections, SectionsFromJsonValue(*sections));
  (void)f.Text("$comment", false);  // files may carry a comment for reviewers
  RETURN_IF_ERROR(f.Finish());
  RETURN_IF_ERROR(ValidateTemplate(tmpl));
  if (tmpl.version < 1) return Status::Invalid("version must be 1 or more", "version");
  return tmpl;
}

}  // namespace ecotown::inspections
