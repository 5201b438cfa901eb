// Who is acting (Principal) and what they may see and change (Scope).
//
// Tenant isolation is decided here and nowhere else: the HTTP layer builds one Scope per request
// from the authenticated principal, binds it into the UnitOfWork, and every area store filters
// private records with Scope::OrgFilterSql and checks writes with Scope::RequireWrite. A record of
// an organisation outside the scope is reported as NotFound, never Forbidden, so that its
// existence does not leak.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ecotown::tenancy {

enum class Role { kSystemAdmin, kLaoAdmin, kOfficer, kInspector, kExecutive, kFactory, kOversight };

// "system-admin", "lao-admin", "officer", "inspector", "executive", "factory", "oversight".
const char* RoleName(Role role);
Result<Role> ParseRole(std::string_view name);
const std::vector<Role>& AllRoles();

enum class Permission {
  kRead,          // read the organisation's private records
  kWrite,         // create and change records
  kManageUsers,   // accounts of the organisation
  kReadAudit,     // the audit log
  kManageTokens,  // API tokens for devices and integrations
  kManageOrgs,    // create organisations (system administration)
};

// The role table: which role holds which permission. See docs/architecture.md.
bool RoleAllows(Role role, Permission permission);

struct Principal {
  int64_t user_id = 0;   // 0 when acting through an API token
  int64_t token_id = 0;  // 0 when acting as a logged-in user
  int64_t org_id = 0;
  std::string org_code;
  Role role = Role::kExecutive;
  std::string name;                   // username or token name, for the audit log
  std::optional<int64_t> factory_id;  // set for the factory role
};

class Scope {
 public:
  // readable_orgs: the principal's organisation plus, for oversight roles, every organisation
  // under it. all_orgs: the system administrator sees everything.
  Scope(Principal principal, std::vector<int64_t> readable_orgs, bool all_orgs);
  // A scope for the system itself (CLI, demo seeding, background jobs): everything allowed.
  static Scope System(std::string name = "system");

  const Principal& principal() const { return principal_; }
  const std::vector<int64_t>& readable_orgs() const { return readable_orgs_; }
  bool all_orgs() const { return all_orgs_; }

  // Organisation-wide private records. A factory representative has none: it reads only the
  // records of its own factory (CanReadFactory), never the LAO's sensors, users or plans.
  bool CanRead(int64_t org_id) const;
  bool CanWrite(int64_t org_id) const;
  bool Has(Permission permission) const { return RoleAllows(principal_.role, permission); }

  // NotFound when the organisation's records are outside the scope.
  Status RequireRead(int64_t org_id, std::string_view what) const;
  // NotFound when unreadable, Forbidden when readable but read-only for this principal.
  Status RequireWrite(int64_t org_id, std::string_view what) const;
  // Forbidden when the role lacks the permission.
  Status Require(Permission permission) const;

  // Personal data of an organisation's own records (its partners' contact people, the evidence
  // around a resident's complaint): only a logged-in user of that very organisation with read
  // permission, or the system itself (CLI, demo seeding). Oversight roles, other organisations'
  // administrators and API tokens do not qualify.
  bool IsStaffOf(int64_t org_id) const;
  // NotFound when IsStaffOf is false, so that the records' existence does not leak.
  Status RequireStaffOf(int64_t org_id, std::string_view what) const;

  // The factory a factory representative acts for; nullopt for every other role.
  std::optional<int64_t> OwnFactory() const;
  // Records that belong to one factory of an organisation (the factory itself, its inspections,
  // actions, clinic cases): readable with the organisation, or by that factory's representative.
  bool CanReadFactory(int64_t org_id, int64_t factory_id) const;
  // NotFound when CanReadFactory is false.
  Status RequireFactoryRead(int64_t org_id, int64_t factory_id, std::string_view what) const;
  // SQL condition for factory-owned rows: OrgFilterSql(org_column) for organisation roles, and
  // "<factory_column> = <own factory>" (within its organisation) for a factory representative.
  std::string FactoryFilterSql(std::string_view org_column, std::string_view factory_column) const;

  // SQL condition restricting `column` to the readable organisations, e.g. "u.org_id IN (3,7)".
  // Only integers are inlined, so the text is safe to splice into a statement.
  std::string OrgFilterSql(std::string_view column) const;

 private:
  Principal principal_;
  std::vector<int64_t> readable_orgs_;
  bool all_orgs_;
};

}  // namespace ecotown::tenancy
