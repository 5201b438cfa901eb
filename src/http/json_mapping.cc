#include "http/json_mapping.h"

#include "core/thai_calendar.h"

namespace ecotown::http {
namespace {

nlohmann::json ParsedOrNull(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  auto parsed = nlohmann::json::parse(*text, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json(*text) : parsed;
}

}  // namespace

nlohmann::json ToJson(const orgs::Org& org) {
  return {{"id", org.id},
          {"code", org.code},
          {"type", orgs::OrgTypeName(org.type)},
          {"is_lao", orgs::IsLao(org.type)},
          {"name_th", org.name_th},
          {"name_en", org.name_en},
          {"province_code", JsonOrNull(org.province_code)},
          {"district_code", JsonOrNull(org.district_code)},
          {"subdistrict_code", JsonOrNull(org.subdistrict_code)},
          {"parent_id", JsonOrNull(org.parent_id)},
          {"lat", JsonOrNull(org.lat)},
          {"lon", JsonOrNull(org.lon)}};
}

nlohmann::json ToJson(const accounts::User& user) {
  return {{"id", user.id},
          {"org_id", user.org_id},
          {"org_code", user.org_code},
          {"username", user.username},
          {"role", tenancy::RoleName(user.role)},
          {"display_name", user.display_name},
          {"factory_id", JsonOrNull(user.factory_id)},
          {"active", user.active},
          {"created_at", core::FormatIsoUtc(user.created_at)}};
}

nlohmann::json ToJson(const accounts::ApiToken& token) {
  return {{"id", token.id},
          {"org_code", token.org_code},
          {"name", token.name},
          {"role", tenancy::RoleName(token.role)},
          {"created_at", core::FormatIsoUtc(token.created_at)},
          {"last_used_at", token.last_used_at ? nlohmann::json(core::FormatIsoUtc(*token.last_used_at)) : nullptr},
          {"revoked", token.revoked_at.has_value()}};
}

nlohmann::json ToJson(const sensors::Sensor& sensor) {
  return {{"id", sensor.id},
          {"org_id", sensor.org_id},
          {"code", sensor.code},
          {"name", sensor.name},
          {"model", sensors::ModelName(sensor.model)},
          {"is_reference", sensor.is_reference},
          {"device_key", JsonOrNull(sensor.device_key)},
          {"lat", sensor.lat},
          {"lon", sensor.lon},
          {"siting_notes", sensor.siting_notes},
          {"install_date", JsonOrNull(sensor.install_date)},
          {"maintenance", sensor.maintenance},
          {"sample_interval_seconds", sensor.sample_interval_seconds},
          {"status", sensors::SensorStatusName(sensor.status)},
          {"created_at", core::FormatIsoUtc(sensor.created_at)},
          {"updated_at", core::FormatIsoUtc(sensor.updated_at)}};
}

nlohmann::json ToJson(const audit::AuditEntry& e) {
  return {{"id", e.id},
          {"at", core::FormatIsoUtc(e.at)},
          {"org_id", JsonOrNull(e.org_id)},
          {"actor", e.actor_name},
          {"action", e.action},
          {"entity", e.entity},
          {"entity_id", e.entity_id},
          {"before", ParsedOrNull(e.before_json)},
          {"after", ParsedOrNull(e.after_json)},
          {"request_id", e.request_id},
          {"ip", e.ip}};
}

nlohmann::json PermissionsJson(tenancy::Role role) {
  using tenancy::Permission;
  nlohmann::json out = nlohmann::json::array();
  const std::pair<Permission, const char*> names[] = {
      {Permission::kRead, "read"},           {Permission::kWrite, "write"},
      {Permission::kManageUsers, "manage_users"}, {Permission::kReadAudit, "read_audit"},
      {Permission::kManageTokens, "manage_tokens"}, {Permission::kManageOrgs, "manage_orgs"}};
  for (const auto& [permission, name] : names) {
    if (tenancy::RoleAllows(role, permission)) out.push_back(name);
  }
  return out;
}

}  // namespace ecotown::http
