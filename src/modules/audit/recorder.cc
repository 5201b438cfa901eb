#include "modules/audit/recorder.h"

#include <nlohmann/json.hpp>

#include "modules/events/event_hub.h"

namespace ecotown::audit {

Status Record(UnitOfWork& work, std::string_view action, std::string_view entity, std::string_view entity_id,
              std::optional<int64_t> org_id, std::optional<std::string> before_json,
              std::optional<std::string> after_json) {
  const auto& principal = work.scope().principal();
  AuditEntry entry;
  entry.at = work.info().now;
  entry.org_id = org_id;
  if (principal.user_id) entry.actor_user_id = principal.user_id;
  if (principal.token_id) entry.actor_token_id = principal.token_id;
  entry.actor_name = principal.name;
  entry.action = action;
  entry.entity = entity;
  entry.entity_id = entity_id;
  entry.before_json = std::move(before_json);
  entry.after_json = std::move(after_json);
  entry.request_id = work.info().request_id;
  entry.ip = work.info().ip;
  auto appended = work.audit().Append(entry);
  if (!appended.ok()) return appended.status();
  // Tell live pages that something changed; they fetch what they show through the API, so the
  // notice carries no record content.
  nlohmann::json notice = {{"entity", entry.entity}, {"entity_id", entry.entity_id}, {"action", entry.action}};
  return events::Publish(work, org_id, "change", notice.dump());
}

}  // namespace ecotown::audit
