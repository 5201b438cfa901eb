#include "modules/tenancy/access.h"

#include <algorithm>
#include <array>
#include <utility>

namespace ecotown::tenancy {
namespace {

struct RoleRow {
  Role role;
  const char* name;
  bool read, write, manage_users, read_audit, manage_tokens, manage_orgs;
};

// The role table. Executives and oversight viewers only read. Factory representatives have no
// organisation-wide read: Scope gives them their own factory's records only.
constexpr std::array<RoleRow, 7> kRoles = {{
    {Role::kSystemAdmin, "system-admin", true, true, true, true, true, true},
    {Role::kLaoAdmin, "lao-admin", true, true, true, true, true, false},
    {Role::kOfficer, "officer", true, true, false, false, false, false},
    {Role::kInspector, "inspector", true, true, false, false, false, false},
    {Role::kExecutive, "executive", true, false, false, false, false, false},
    {Role::kFactory, "factory", false, false, false, false, false, false},
    {Role::kOversight, "oversight", true, false, false, false, false, false},
}};

const RoleRow& RowOf(Role role) {
  for (const auto& row : kRoles) {
    if (row.role == role) return row;
  }
  return kRoles[4];
}

}  // namespace

const char* RoleName(Role role) { return RowOf(role).name; }

Result<Role> ParseRole(std::string_view name) {
  for (const auto& row : kRoles) {
    if (name == row.name) return row.role;
  }
  return Status::Invalid(
      "role must be one of system-admin, lao-admin, officer, inspector, executive, factory, oversight", "role");
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> kAll = [] {
    std::vector<Role> all;
    for (const auto& row : kRoles) all.push_back(row.role);
    return all;
  }();
  return kAll;
}

bool RoleAllows(Role role, Permission permission) {
  const RoleRow& row = RowOf(role);
  switch (permission) {
    case Permission::kRead: return row.read;
    case Permission::kWrite: return row.write;
    case Permission::kManageUsers: return row.manage_users;
    case Permission::kReadAudit: return row.read_audit;
    case Permission::kManageTokens: return row.manage_tokens;
    case Permission::kManageOrgs: return row.manage_orgs;
  }
  return false;
}

Scope::Scope(Principal principal, std::vector<int64_t> readable_orgs, bool all_orgs)
    : principal_(std::move(principal)), readable_orgs_(std::move(readable_orgs)), all_orgs_(all_orgs) {
  std::sort(readable_orgs_.begin(), readable_orgs_.end());
  readable_orgs_.erase(std::unique(readable_orgs_.begin(), readable_orgs_.end()), readable_orgs_.end());
}

Scope Scope::System(std::string name) {
  Principal principal;
  principal.role = Role::kSystemAdmin;
  principal.name = std::move(name);
  return Scope(std::move(principal), {}, true);
}

bool Scope::CanRead(int64_t org_id) const {
  if (principal_.role == Role::kFactory) return false;
  return all_orgs_ || std::binary_search(readable_orgs_.begin(), readable_orgs_.end(), org_id);
}

bool Scope::CanWrite(int64_t org_id) const {
  if (!Has(Permission::kWrite)) return false;
  return all_orgs_ || org_id == principal_.org_id;
}

Status Scope::RequireRead(int64_t org_id, std::string_view what) const {
  if (CanRead(org_id)) return Status::Ok();
  return Status::NotFound(std::string(what) + " not found");
}

Status Scope::RequireWrite(int64_t org_id, std::string_view what) const {
  RETURN_IF_ERROR(RequireRead(org_id, what));
  if (CanWrite(org_id)) return Status::Ok();
  return Status::Forbidden(std::string("role ") + RoleName(principal_.role) + " cannot change " + std::string(what));
}

Status Scope::Require(Permission permission) const {
  if (Has(permission)) return Status::Ok();
  return Status::Forbidden(std::string("role ") + RoleName(principal_.role) + " is not allowed to do this");
}

bool Scope::IsStaffOf(int64_t org_id) const {
  const bool system = all_orgs_ && principal_.user_id == 0 && principal_.token_id == 0;
  if (system) return true;
  return principal_.user_id != 0 && principal_.org_id == org_id && Has(Permission::kRead) && CanRead(org_id);
}

Status Scope::RequireStaffOf(int64_t org_id, std::string_view what) const {
  if (IsStaffOf(org_id)) return Status::Ok();
  return Status::NotFound(std::string(what) + " not found");
}

std::optional<int64_t> Scope::OwnFactory() const {
  if (principal_.role != Role::kFactory) return std::nullopt;
  return principal_.factory_id.value_or(0);  // 0 matches no factory
}

bool Scope::CanReadFactory(int64_t org_id, int64_t factory_id) const {
  if (auto own = OwnFactory()) return *own != 0 && *own == factory_id && org_id == principal_.org_id;
  return CanRead(org_id);
}

Status Scope::RequireFactoryRead(int64_t org_id, int64_t factory_id, std::string_view what) const {
  if (CanReadFactory(org_id, factory_id)) return Status::Ok();
  return Status::NotFound(std::string(what) + " not found");
}

std::string Scope::FactoryFilterSql(std::string_view org_column, std::string_view factory_column) const {
  if (auto own = OwnFactory()) {
    if (*own == 0) return "1=0";
    return "(" + std::string(org_column) + " = " + std::to_string(principal_.org_id) + " AND " +
           std::string(factory_column) + " = " + std::to_string(*own) + ")";
  }
  return OrgFilterSql(org_column);
}

std::string Scope::OrgFilterSql(std::string_view column) const {
  if (principal_.role == Role::kFactory) return "1=0";
  if (all_orgs_) return "1=1";
  if (readable_orgs_.empty()) return "1=0";
  std::string sql(column);
  sql += " IN (";
  for (size_t i = 0; i < readable_orgs_.size(); ++i) {
    if (i) sql += ',';
    sql += std::to_string(readable_orgs_[i]);
  }
  sql += ')';
  return sql;
}

}  // namespace ecotown::tenancy
