// JSON shapes of the entities the API returns. One function per entity, used by every route.
#pragma once

#include <nlohmann/json.hpp>

#include "modules/accounts/account.h"
#include "modules/audit/audit.h"
#include "modules/orgs/org.h"
#include "modules/sensors/sensor.h"

namespace ecotown::http {

nlohmann::json ToJson(const orgs::Org& org);
nlohmann::json ToJson(const accounts::User& user);
nlohmann::json ToJson(const accounts::ApiToken& token);
nlohmann::json ToJson(const audit::AuditEntry& entry);
// Never carries the device secret or its hash.
nlohmann::json ToJson(const sensors::Sensor& sensor);
nlohmann::json PermissionsJson(tenancy::Role role);

}  // namespace ecotown::http
