#include <gtest/gtest.h>

#include "modules/accounts/account_service.h"
#include "modules/accounts/secrets.h"
#include "modules/orgs/org.h"

namespace ecotown::accounts {
namespace {

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitSecrets().ok()); }
};

TEST_F(SecretsTest, PasswordHashIsArgon2idAndVerifies) {
  auto hash = HashPassword("รหัสผ่านยาวพอ1234");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("รหัสผ่านยาวพอ1234", *hash));
  EXPECT_FALSE(VerifyPassword("รหัสผ่านยาวพอ1235", *hash));
  EXPECT_FALSE(VerifyPassword("anything", "not-a-hash"));
  EXPECT_FALSE(VerifyPassword("anything", ""));
}

TEST_F(SecretsTest, SecretsAreRandomAndStoredOnlyAsHash) {
  const std::string a = NewSecret("et_");
  const std::string b = NewSecret("et_");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("et_", 0), 0u);
  EXPECT_GE(a.size(), 40u);
  EXPECT_EQ(HashSecret(a).size(), 64u);
  EXPECT_NE(HashSecret(a), a);
  EXPECT_EQ(HashSecret(a), HashSecret(a));
  EXPECT_TRUE(SecretsEqual(a, a));
  EXPECT_FALSE(SecretsEqual(a, b));
  EXPECT_FALSE(SecretsEqual(a, ""));
}

struct PolicyRow {
  const char* password;
  bool ok;
};

TEST(PasswordPolicyTest, LengthCountsCharactersNotBytes) {
  const PolicyRow rows[] = {
      {"short", false},
      {"123456789", false},
      {"1234567890", true},
      {"บ้านโป่งสวยงาม", true},  // 14 Thai characters, 42 bytes
      {"บ้านโป่ง", false},         // 8 characters, though 24 bytes
      {"\xC0\xAF\xC0\xAF\xC0\xAF\xC0\xAF\xC0\xAF", false},  // not UTF-8
  };
  for (const auto& row : rows) {
    Status status = ValidatePasswordPolicy(row.password);
    EXPECT_EQ(status.ok(), row.ok) << row.password;
    if (!status.ok()) {
      EXPECT_EQ(status.field(), "password");
    }
  }
  EXPECT_FALSE(ValidatePasswordPolicy(std::string(257, 'a')).ok());
}

TEST(UsernameTest, AcceptsOfficeStyleNamesOnly) {
  EXPECT_TRUE(ValidateUsername("banpong.admin").ok());
  EXPECT_TRUE(ValidateUsername("officer_01").ok());
  EXPECT_TRUE(ValidateUsername("abc").ok());
  EXPECT_FALSE(ValidateUsername("ab").ok());
  EXPECT_FALSE(ValidateUsername(".admin").ok());
  EXPECT_FALSE(ValidateUsername("Admin").ok());
  EXPECT_FALSE(ValidateUsername("สมชาย").ok());
  EXPECT_FALSE(ValidateUsername("a b c").ok());
  EXPECT_FALSE(ValidateUsername("x'; DROP TABLE users;--").ok());
  EXPECT_EQ(ValidateUsername("ab").field(), "username");
}

TEST(OrgValidationTest, RejectsBadCodesNamesAndSubdistricts) {
  orgs::NewOrg org{"banpong", orgs::OrgType::kTown, "เทศบาลเมืองบ้านโป่ง", "Ban Pong Town Municipality", "700501",
                   std::nullopt};
  EXPECT_TRUE(orgs::ValidateNewOrg(org).ok());
  auto bad = org;
  bad.code = "ban pong";
  EXPECT_EQ(orgs::ValidateNewOrg(bad).field(), "code");
  bad = org;
  bad.name_th = "";
  EXPECT_EQ(orgs::ValidateNewOrg(bad).field(), "name_th");
  bad = org;
  bad.subdistrict_code = "7005";
  EXPECT_EQ(orgs::ValidateNewOrg(bad).field(), "subdistrict");
  EXPECT_EQ(orgs::ParseOrgType("village").status().field(), "type");
  EXPECT_TRUE(orgs::IsLao(orgs::OrgType::kSao));
  EXPECT_FALSE(orgs::IsLao(orgs::OrgType::kProvinceOffice));
}

}  // namespace
}  // namespace ecotown::accounts
