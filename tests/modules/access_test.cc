#include "modules/tenancy/access.h"

#include <gtest/gtest.h>

namespace ecotown::tenancy {
namespace {

struct RoleRow {
  const char* role;
  bool read, write, manage_users, read_audit, manage_tokens, manage_orgs;
};

// The role table as a municipal officer would state it.
const RoleRow kExpected[] = {
    {"system-admin", true, true, true, true, true, true},
    {"lao-admin", true, true, true, true, true, false},
    {"officer", true, true, false, false, false, false},
    {"inspector", true, true, false, false, false, false},
    {"executive", true, false, false, false, false, false},
    {"factory", false, false, false, false, false, false},
    {"oversight", true, false, false, false, false, false},
};

TEST(RoleTableTest, EachRoleHoldsExactlyItsPermissions) {
  for (const auto& row : kExpected) {
    auto role = ParseRole(row.role);
    ASSERT_TRUE(role.ok()) << row.role;
    EXPECT_STREQ(RoleName(*role), row.role);
    EXPECT_EQ(RoleAllows(*role, Permission::kRead), row.read) << row.role;
    EXPECT_EQ(RoleAllows(*role, Permission::kWrite), row.write) << row.role;
    EXPECT_EQ(RoleAllows(*role, Permission::kManageUsers), row.manage_users) << row.role;
    EXPECT_EQ(RoleAllows(*role, Permission::kReadAudit), row.read_audit) << row.role;
    EXPECT_EQ(RoleAllows(*role, Permission::kManageTokens), row.manage_tokens) << row.role;
    EXPECT_EQ(RoleAllows(*role, Permission::kManageOrgs), row.manage_orgs) << row.role;
  }
  EXPECT_EQ(AllRoles().size(), std::size(kExpected));
}

TEST(RoleTableTest, UnknownRoleIsInvalidAndNamesTheField) {
  auto role = ParseRole("mayor");
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.status().code(), StatusCode::kInvalid);
  EXPECT_EQ(role.status().field(), "role");
}

Principal Of(Role role, int64_t org) {
  Principal p;
  p.user_id = 1;
  p.org_id = org;
  p.role = role;
  p.name = "someone";
  return p;
}

TEST(ScopeTest, OtherOrganisationsRecordsAreNotFoundNotForbidden) {
  const Scope scope(Of(Role::kLaoAdmin, 4), {4}, false);
  EXPECT_TRUE(scope.RequireRead(4, "user").ok());
  EXPECT_EQ(scope.RequireRead(5, "user").code(), StatusCode::kNotFound);
  EXPECT_EQ(scope.RequireWrite(5, "user").code(), StatusCode::kNotFound);
  EXPECT_TRUE(scope.RequireWrite(4, "user").ok());
}

TEST(ScopeTest, OversightReadsBelowButWritesNothing) {
  const Scope scope(Of(Role::kOversight, 2), {2, 4, 5, 6}, false);
  EXPECT_TRUE(scope.CanRead(5));
  EXPECT_FALSE(scope.CanRead(7));
  EXPECT_EQ(scope.RequireWrite(5, "user").code(), StatusCode::kForbidden);
  EXPECT_EQ(scope.RequireWrite(2, "user").code(), StatusCode::kForbidden);
}

TEST(ScopeTest, ExecutiveReadsOwnOrganisationOnly) {
  const Scope scope(Of(Role::kExecutive, 4), {4}, false);
  EXPECT_TRUE(scope.CanRead(4));
  EXPECT_FALSE(scope.CanWrite(4));
  EXPECT_EQ(scope.Require(Permission::kManageUsers).code(), StatusCode::kForbidden);
}

TEST(ScopeTest, FactoryRepresentativeReadsOnlyItsOwnFactory) {
  Principal rep = Of(Role::kFactory, 4);
  rep.factory_id = 17;
  const Scope scope(rep, {4}, false);
  EXPECT_FALSE(scope.CanRead(4));  // no organisation-wide records: sensors, users, plans
  EXPECT_EQ(scope.OrgFilterSql("org_id"), "1=0");
  EXPECT_TRUE(scope.CanReadFactory(4, 17));
  EXPECT_FALSE(scope.CanReadFactory(4, 18));
  EXPECT_FALSE(scope.CanReadFactory(5, 17));
  EXPECT_EQ(scope.RequireFactoryRead(4, 18, "factory").code(), StatusCode::kNotFound);
  EXPECT_EQ(scope.FactoryFilterSql("f.org_id", "f.id"), "(f.org_id = 4 AND f.id = 17)");
  EXPECT_EQ(scope.RequireWrite(4, "factory").code(), StatusCode::kNotFound);
}

TEST(ScopeTest, FactoryRepresentativeWithoutFactorySeesNothing) {
  const Scope scope(Of(Role::kFactory, 4), {4}, false);
  EXPECT_FALSE(scope.CanReadFactory(4, 0));
  EXPECT_EQ(scope.FactoryFilterSql("f.org_id", "f.id"), "1=0");
}

TEST(ScopeTest, OrganisationRolesReadEveryFactoryOfTheirOrganisation) {
  const Scope scope(Of(Role::kInspector, 4), {4}, false);
  EXPECT_TRUE(scope.CanReadFactory(4, 17));
  EXPECT_FALSE(scope.CanReadFactory(5, 17));
  EXPECT_EQ(scope.FactoryFilterSql("f.org_id", "f.id"), "f.org_id IN (4)");
  EXPECT_FALSE(scope.OwnFactory().has_value());
}

TEST(ScopeTest, OrgFilterSqlInlinesOnlyIntegers) {
  EXPECT_EQ(Scope(Of(Role::kOversight, 2), {6, 2, 4, 4}, false).OrgFilterSql("u.org_id"), "u.org_id IN (2,4,6)");
  EXPECT_EQ(Scope::System().OrgFilterSql("org_id"), "1=1");
  EXPECT_EQ(Scope(Principal{}, {}, false).OrgFilterSql("org_id"), "1=0");
}

}  // namespace
}  // namespace ecotown::tenancy
