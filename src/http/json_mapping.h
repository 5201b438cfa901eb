// JSON shapes of the entities the API returns. One function per entity, used by every route.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "modules/accounts/account.h"
#include "modules/audit/audit.h"
#include "modules/orgs/org.h"
#include "modules/sensors/sensor.h"

namespace ecotown::http {

// An optional field: its value, or null when absent.
template <typename T>
nlohmann::json JsonOrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json ToJson(const orgs::Org& org);
nlohmann::json ToJson(const accounts::User& user);
nlohmann::json ToJson(const accounts::ApiToken& token);
nlohmann::json ToJson(const audit::AuditEntry& entry);
// Never carries the device secret or its hash.
nlohmann::json ToJson(const sensors::Sensor& sensor);
nlohmann::json PermissionsJson(tenancy::Role role);

}  // namespace ecotown::http
