// Records a write in the audit log of the current unit of work (same transaction as the write).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "modules/unit_of_work.h"

namespace ecotown::audit {

Status Record(UnitOfWork& work, std::string_view action, std::string_view entity, std::string_view entity_id,
              std::optional<int64_t> org_id, std::optional<std::string> before_json,
              std::optional<std::string> after_json);

}  // namespace ecotown::audit
