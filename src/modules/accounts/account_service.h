// AccountService: login and logout, resolving a session cookie or bearer token to a Scope,
// user and API-token administration. Stateless apart from its settings; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "modules/accounts/account.h"
#include "modules/unit_of_work.h"

namespace ecotown::accounts {

struct AuthSettings {
  int64_t session_ttl_seconds = 12 * 3600;      // a working day; the user logs in again after it
  int64_t throttle_window_seconds = 15 * 60;    // failures older than this are forgotten
  int max_failures_per_username = 5;            // then that username is refused for the window
  int max_failures_per_ip = 30;                 // then that address is refused for the window
};

struct LoginSuccess {
  std::string session_token;  // goes into the HttpOnly cookie; only its hash is stored
  std::string csrf_token;
  User user;
  int64_t expires_at = 0;
};

// A login attempt commits even when it fails (the failure counts toward throttling), so the
// outcome is a value: either success, or the Status to answer with (401 or 429).
struct LoginAttempt {
  std::optional<LoginSuccess> success;
  Status failure;
};

// What a login needs to know before the password is checked.
struct LoginCheck {
  std::string username;
  bool throttled = false;
  std::optional<UserSecret> user;  // absent for unknown usernames
};

struct Authenticated {
  tenancy::Principal principal;
  std::string csrf_token;  // empty for bearer tokens, which need none
  bool token_use_stale = false;  // a bearer token whose last_used_at should be refreshed
};

struct NewUser {
  std::string org_code;
  std::string username;
  tenancy::Role role = tenancy::Role::kOfficer;
  std::string display_name;
  std::optional<std::string> password;
  std::optional<int64_t> factory_id;
};

// A partial update of an account; absent fields stay as they are.
struct UserChanges {
  std::optional<tenancy::Role> role;
  std::optional<std::string> display_name;
  std::optional<bool> active;
};

struct CreatedToken {
  ApiToken token;
  std::string secret;  // shown once; only its hash is stored
};

class AccountService {
 public:
  explicit AccountService(AuthSettings settings = {}) : settings_(settings) {}

  // Login in one unit of work. The HTTP route runs the three steps below instead, so that the
  // Argon2id check (tens of milliseconds) runs outside any write transaction: on SQLite a write
  // transaction blocks every other writer.
  Result<LoginAttempt> Login(UnitOfWork& work, std::string_view username, std::string_view password);
  // Reads the throttle counters and the account (read transaction).
  Result<LoginCheck> CheckLogin(UnitOfWork& work, std::string_view username);
  // The password check itself; no database.
  static bool VerifyLogin(const LoginCheck& check, std::string_view password);
  // Records the failure, or opens the session (write transaction).
  Result<LoginAttempt> CompleteLogin(UnitOfWork& work, const LoginCheck& check, bool verified);
  Status Logout(UnitOfWork& work, std::string_view session_token);

  // Unauthenticated when the session is unknown or expired, or the token unknown or revoked.
  Result<Authenticated> ResolveSession(UnitOfWork& work, std::string_view session_token);
  Result<Authenticated> ResolveBearer(UnitOfWork& work, std::string_view bearer_token);
  // Records that a token was used (at most once a minute per token; see token_use_stale).
  Status TouchToken(UnitOfWork& work, int64_t token_id);
  // The Scope a principal acts in: its organisation, and for oversight roles every organisation
  // below it; the system administrator sees all.
  static Result<tenancy::Scope> BuildScope(orgs::OrgStore& orgs, tenancy::Principal principal);

  // Needs kManageUsers and write access to the organisation; only a system administrator may
  // create another system administrator.
  Result<User> CreateUser(UnitOfWork& work, const NewUser& request);
  // One's own account, or (with kManageUsers) any account in scope; NotFound outside the scope.
  Result<User> GetUser(UnitOfWork& work, int64_t id);
  Result<std::vector<User>> ListUsers(UnitOfWork& work);
  Status SetPassword(UnitOfWork& work, std::string_view username, std::string_view password);
  // Needs kManageUsers. Nobody changes their own role or disables themselves (no lock-out);
  // disabling ends the user's sessions at once.
  Result<User> UpdateUser(UnitOfWork& work, int64_t id, const UserChanges& changes);

  Result<CreatedToken> CreateToken(UnitOfWork& work, std::string_view org_code, std::string_view name,
                                   tenancy::Role role);
  // Needs kManageTokens; a revoked token is refused from then on. Revoking twice is harmless.
  Result<ApiToken> RevokeToken(UnitOfWork& work, int64_t token_id);

  const AuthSettings& settings() const { return settings_; }

 private:
  AuthSettings settings_;
};

// Username rules: 3 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit.
Status ValidateUsername(std::string_view username);

}  // namespace ecotown::accounts
