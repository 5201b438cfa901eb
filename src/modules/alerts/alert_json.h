// JSON shapes of alert records: the same for the API, the audit log and webhook bodies. Times
// are ISO 8601 UTC ("2025-06-15T15:06:40Z") as elsewhere in the API; scale is "th" or "us".
#pragma once

#include <nlohmann/json.hpp>

#include "modules/alerts/alert.h"

namespace ecotown::alerts {

// {"id","org_id","name","kind","scale","threshold","sensor_id","channels":{"webhooks","emails",
// "line_to"},"quiet_hours":{"start","end"}|null,"enabled","created_at","updated_at"}
nlohmann::json RuleToJson(const AlertRule& rule);
// {"id","org_id","rule_id","rule_name","rule_kind","sensor":{"id","code","name"}|null,"kind",
// "message":{"th","en"},"value","scale","level","since","at"}
nlohmann::json AlertToJson(const Alert& alert);
// {"id","channel","target","status","attempts","next_attempt_at","last_error","sent_at"}
nlohmann::json DeliveryToJson(const Delivery& delivery);

}  // namespace ecotown::alerts
