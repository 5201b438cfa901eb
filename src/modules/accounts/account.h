// Accounts: users, login sessions, API tokens and login throttling, and the store port they need.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/tenancy/access.h"

namespace ecotown::accounts {

struct User {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string org_code;  // filled on reads
  std::string username;
  tenancy::Role role = tenancy::Role::kOfficer;
  std::string display_name;
  std::optional<int64_t> factory_id;
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct UserSecret {
  User user;
  std::optional<std::string> password_hash;  // absent until a password is set
};

struct SessionRecord {
  User user;
  std::string csrf_token;
  int64_t expires_at = 0;
};

struct ApiToken {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string org_code;
  std::string name;
  tenancy::Role role = tenancy::Role::kOfficer;
  int64_t created_at = 0;
  std::optional<int64_t> last_used_at;
  std::optional<int64_t> revoked_at;
};

// Persistence port. Methods marked "scoped" see only the bound scope's organisations and
// check writes against it; the authentication lookups are unscoped because they are what
// establishes a scope in the first place.
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Scoped.
  virtual Result<int64_t> InsertUser(const User& user, const std::optional<std::string>& password_hash) = 0;
  virtual Result<User> GetUser(int64_t id) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Result<std::vector<ApiToken>> ListTokens() = 0;
  virtual Result<int64_t> InsertToken(const ApiToken& token, std::string_view token_hash, int64_t created_by) = 0;
  // Writes role, display_name and active of an existing user (checked against the scope).
  virtual Status UpdateUser(const User& user) = 0;
  virtual Result<ApiToken> GetToken(int64_t id) = 0;
  virtual Status RevokeToken(int64_t id, int64_t now) = 0;

  // Unscoped: authentication and the CLI.
  virtual Result<UserSecret> FindUserForLogin(std::string_view username) = 0;
  virtual Status SetPasswordHash(int64_t user_id, std::string_view password_hash, int64_t now) = 0;
  virtual Status InsertSession(std::string_view token_hash, int64_t user_id, std::string_view csrf_token,
                               int64_t now, int64_t expires_at, std::string_view ip) = 0;
  virtual Result<SessionRecord> FindSession(std::string_view token_hash, int64_t now) = 0;
  virtual Status DeleteSession(std::string_view token_hash) = 0;
  virtual Status DeleteSessionsOfUser(int64_t user_id) = 0;
  virtual Status DeleteExpiredSessions(int64_t now) = 0;
  virtual Result<ApiToken> FindToken(std::string_view token_hash) = 0;
  virtual Status TouchToken(int64_t token_id, int64_t now) = 0;
  virtual Status RecordLoginFailure(std::string_view key, int64_t at) = 0;
  virtual Result<int64_t> CountLoginFailures(std::string_view key, int64_t since) = 0;
  virtual Status ClearLoginFailures(std::string_view key) = 0;
};

}  // namespace ecotown::accounts
