// ChecklistService: the checklist templates an LAO can use (shared defaults and its own), copies
// and edits (each edit saves the next version), and the loading of the shipped defaults.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/inspections/checklist.h"
#include "modules/unit_of_work.h"

namespace ecotown::inspections {

struct TemplateCopy {
  std::optional<std::string> code;      // default: the source's code
  std::optional<std::string> title_th;  // default: the source's title
};

struct TemplateEdit {
  std::string title_th;
  std::string title_en;
  std::string description;
  std::vector<ChecklistSection> sections;
};

class ChecklistService {
 public:
  // Needs kRead. The newest version of each template family, or every version.
  Result<std::vector<ChecklistTemplate>> List(UnitOfWork& work, bool all_versions) const;
  // Needs kRead; NotFound for another LAO's template.
  Result<ChecklistTemplate> Get(UnitOfWork& work, int64_t id) const;

  // An LAO administrator copies a template (a shared default or the LAO's own) into the LAO as
  // version 1 of a new family. Forbidden for other roles; Conflict("code") when the LAO already
  // has that code. Audited.
  Result<ChecklistTemplate> Copy(UnitOfWork& work, int64_t id, const TemplateCopy& request) const;
  // An LAO administrator edits the LAO's own template: saves version n+1 (based on id). Forbidden
  // for shared templates and other roles; Conflict("version") unless id is the newest version;
  // Invalid naming the field for a bad template. Inspections keep their version. Audited.
  Result<ChecklistTemplate> Edit(UnitOfWork& work, int64_t id, const TemplateEdit& request) const;

  // With the system scope: saves each shipped template whose (code, version) is not stored yet.
  // Returns how many were saved.
  Result<int> LoadDefaults(UnitOfWork& work, const std::vector<ChecklistTemplate>& templates) const;
};

}  // namespace ecotown::inspections
