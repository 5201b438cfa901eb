#include "modules/accounts/account_service.h"

#include <nlohmann/json.hpp>

#include "core/utf8.h"
#include "modules/accounts/secrets.h"
#include "modules/audit/recorder.h"
#include "modules/factories/factory.h"

namespace ecotown::accounts {
namespace {

using tenancy::Permission;
using tenancy::Role;

std::string UserJson(const User& user) {
  nlohmann::json j = {{"id", user.id},
                      {"org_id", user.org_id},
                      {"username", user.username},
                      {"role", tenancy::RoleName(user.role)},
                      {"display_name", user.display_name},
                      {"active", user.active}};
  if (user.factory_id) j["factory_id"] = *user.factory_id;
  return j.dump();
}

tenancy::Principal PrincipalOf(const User& user) {
  tenancy::Principal principal;
  principal.user_id = user.id;
  principal.org_id = user.org_id;
  principal.org_code = user.org_code;
  principal.role = user.role;
  principal.name = user.username;
  principal.factory_id = user.factory_id;
  return principal;
}

}  // namespace

Status ValidateUsername(std::string_view username) {
  if (username.size() < 3 || username.size() > 64) {
    return Status::Invalid("username must be 3 to 64 characters", "username");
  }
  for (size_t i = 0; i < username.size(); ++i) {
    const char c = username[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
      return Status::Invalid("username may contain only a-z, 0-9, '.', '_' and '-', and must start with a letter "
                             "or digit",
                             "username");
    }
  }
  return Status::Ok();
}

Result<LoginCheck> AccountService::CheckLogin(UnitOfWork& work, std::string_view username) {
  auto& store = work.accounts();
  const int64_t since = work.info().now - settings_.throttle_window_seconds;
  ASSIGN_OR_RETURN(const int64_t user_failures, store.CountLoginFailures("user:" + std::string(username), since));
  ASSIGN_OR_RETURN(const int64_t ip_failures, store.CountLoginFailures("ip:" + work.info().ip, since));
  LoginCheck check;
  check.username = username;
  check.throttled =
      user_failures >= settings_.max_failures_per_username || ip_failures >= settings_.max_failures_per_ip;
  if (check.throttled) return check;
  auto found = store.FindUserForLogin(username);
  if (found.ok()) {
    check.user = std::move(found).value();
  } else if (found.status().code() != StatusCode::kNotFound) {
    return found.status();
  }
  return check;
}

bool AccountService::VerifyLogin(const LoginCheck& check, std::string_view password) {
  if (check.throttled) return false;
  if (check.user && check.user->password_hash && check.user->user.active) {
    return VerifyPassword(password, *check.user->password_hash);
  }
  VerifyPasswordDummy(password);  // unknown users take as long as known ones
  return false;
}

Result<LoginAttempt> AccountService::CompleteLogin(UnitOfWork& work, const LoginCheck& check, bool verified) {
  auto& store = work.accounts();
  const int64_t now = work.info().now;
  if (check.throttled) {
    return LoginAttempt{std::nullopt, Status::TooManyRequests("too many failed logins; try again in " +
                                                              std::to_string(settings_.throttle_window_seconds / 60) +
                                                              " minutes")};
  }
  const std::string user_key = "user:" + check.username;
  if (!verified) {
    RETURN_IF_ERROR(store.RecordLoginFailure(user_key, now));
    RETURN_IF_ERROR(store.RecordLoginFailure("ip:" + work.info().ip, now));
    return LoginAttempt{std::nullopt, Status::Unauthenticated("wrong username or password")};
  }
  RETURN_IF_ERROR(store.ClearLoginFailures(user_key));
  RETURN_IF_ERROR(store.DeleteExpiredSessions(now));
  LoginSuccess success;
  success.session_token = NewSecret();
  success.csrf_token = NewSecret();
  success.user = check.user->user;
  success.expires_at = now + settings_.session_ttl_seconds;
  RETURN_IF_ERROR(store.InsertSession(HashSecret(success.session_token), success.user.id, success.csrf_token, now,
                                      success.expires_at, work.info().ip));
  RETURN_IF_ERROR(audit::Record(work, "login", "session", std::to_string(success.user.id), success.user.org_id,
                                std::nullopt, std::nullopt));
  return LoginAttempt{std::move(success), Status::Ok()};
}

Result<LoginAttempt> AccountService::Login(UnitOfWork& work, std::string_view username,
                                           std::string_view password) {
  ASSIGN_OR_RETURN(const LoginCheck check, CheckLogin(work, username));
  return CompleteLogin(work, check, VerifyLogin(check, password));
}

Status AccountService::Logout(UnitOfWork& work, std::string_view session_token) {
  auto& store = work.accounts();
  auto session = store.FindSession(HashSecret(session_token), work.info().now);
  if (!session.ok()) return Status::Ok();  // already gone: logging out twice is harmless
  RETURN_IF_ERROR(store.DeleteSession(HashSecret(session_token)));
  return audit::Record(work, "logout", "session", std::to_string(session->user.id), session->user.org_id,
                       std::nullopt, std::nullopt);
}

Result<Authenticated> AccountService::ResolveSession(UnitOfWork& work, std::string_view session_token) {
  auto session = work.accounts().FindSession(HashSecret(session_token), work.info().now);
  if (!session.ok()) {
    if (session.status().code() == StatusCode::kNotFound) {
      return Status::Unauthenticated("the session has ended; please log in again");
    }
    return session.status();
  }
  if (!session->user.active) return Status::Unauthenticated("this account is disabled");
  return Authenticated{PrincipalOf(session->user), session->csrf_token};
}

Result<Authenticated> AccountService::ResolveBearer(UnitOfWork& work, std::string_view bearer_token) {
  auto token = work.accounts().FindToken(HashSecret(bearer_token));
  if (!token.ok()) {
    if (token.status().code() == StatusCode::kNotFound) return Status::Unauthenticated("unknown API token");
    return token.status();
  }
  if (token->revoked_at) return Status::Unauthenticated("this API token was revoked");
  tenancy::Principal principal;
  principal.token_id = token->id;
  principal.org_id = token->org_id;
  principal.org_code = token->org_code;
  principal.role = token->role;
  principal.name = "token:" + token->name;
  const bool stale = !token->last_used_at || *token->last_used_at < work.info().now - 60;
  return Authenticated{std::move(principal), {}, stale};
}

Status AccountService::TouchToken(UnitOfWork& work, int64_t token_id) {
  return work.accounts().TouchToken(token_id, work.info().now);
}

Result<tenancy::Scope> AccountService::BuildScope(orgs::OrgStore& orgs, tenancy::Principal principal) {
  if (principal.role == Role::kSystemAdmin) return tenancy::Scope(std::move(principal), {}, true);
  std::vector<int64_t> readable = {principal.org_id};
  if (principal.role == Role::kOversight) {
    ASSIGN_OR_RETURN(auto below, orgs.DescendantIds(principal.org_id));
    readable.insert(readable.end(), below.begin(), below.end());
  }
  return tenancy::Scope(std::move(principal), std::move(readable), false);
}

Result<User> AccountService::CreateUser(UnitOfWork& work, const NewUser& request) {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kManageUsers));
  RETURN_IF_ERROR(ValidateUsername(request.username));
  if (!core::IsValidUtf8(request.display_name) || core::CodePointCount(request.display_name) > 200) {
    return Status::Invalid("display_name must be valid text of at most 200 characters", "display_name");
  }
  if (request.role == Role::kSystemAdmin && scope.principal().role != Role::kSystemAdmin) {
    return Status::Forbidden("only a system administrator can create another system administrator");
  }
  if (request.password) RETURN_IF_ERROR(ValidatePasswordPolicy(*request.password));
  auto org = work.orgs().FindByCode(request.org_code);
  if (!org.ok()) return Status::Invalid("unknown organisation " + request.org_code, "org");
  RETURN_IF_ERROR(scope.RequireWrite(org->id, "organisation"));
  if (request.role == Role::kOversight && orgs::IsLao(org->type)) {
    return Status::Invalid("oversight accounts belong to a provincial or national office", "role");
  }
  if (request.factory_id) {
    // A representative acts for one registered factory of its own organisation.
    if (request.role != Role::kFactory) {
      return Status::Invalid("factory_id belongs only to an account of the factory role", "factory_id");
    }
    auto factory = work.factories().Get(*request.factory_id);
    if (!factory.ok() && factory.status().code() != StatusCode::kNotFound) return factory.status();
    if (!factory.ok() || factory->org_id != org->id) {
      return Status::Invalid("factory_id is not a factory registered by " + org->code, "factory_id");
    }
  }

  std::optional<std::string> hash;
  if (request.password) {
    ASSIGN_OR_RETURN(hash, HashPassword(*request.password));
  }
  User user;
  user.org_id = org->id;
  user.org_code = org->code;
  user.username = request.username;
  user.role = request.role;
  user.display_name = request.display_name;
  user.factory_id = request.factory_id;
  user.created_at = user.updated_at = work.info().now;
  auto id = work.accounts().InsertUser(user, hash);
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kConflict) {
      return Status::Conflict("username " + request.username + " is taken", "username");
    }
    return id.status();
  }
  user.id = *id;
  RETURN_IF_ERROR(audit::Record(work, "create", "user", std::to_string(user.id), user.org_id, std::nullopt,
                                UserJson(user)));
  return user;
}

Result<User> AccountService::GetUser(UnitOfWork& work, int64_t id) {
  // Anyone may read their own account; other staff records need the user-management permission.
  if (id != work.scope().principal().user_id) RETURN_IF_ERROR(work.scope().Require(Permission::kManageUsers));
  return work.accounts().GetUser(id);
}

Result<std::vector<User>> AccountService::ListUsers(UnitOfWork& work) {
  RETURN_IF_ERROR(work.scope().Require(Permission::kManageUsers));
  return work.accounts().ListUsers();
}

Status AccountService::SetPassword(UnitOfWork& work, std::string_view username, std::string_view password) {
  RETURN_IF_ERROR(ValidatePasswordPolicy(password));
  auto found = work.accounts().FindUserForLogin(username);
  if (!found.ok()) return Status::NotFound("no user named " + std::string(username));
  RETURN_IF_ERROR(work.scope().RequireWrite(found->user.org_id, "user"));
  ASSIGN_OR_RETURN(const std::string hash, HashPassword(password));
  RETURN_IF_ERROR(work.accounts().SetPasswordHash(found->user.id, hash, work.info().now));
  return audit::Record(work, "set_password", "user", std::to_string(found->user.id), found->user.org_id,
                       std::nullopt, std::nullopt);
}

Result<User> AccountService::UpdateUser(UnitOfWork& work, int64_t id, const UserChanges& changes) {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kManageUsers));
  ASSIGN_OR_RETURN(User user, work.accounts().GetUser(id));
  RETURN_IF_ERROR(scope.RequireWrite(user.org_id, "user"));
  const std::string before = UserJson(user);
  const bool self = id == scope.principal().user_id;
  if (changes.role && *changes.role != user.role) {
    if (self) return Status::Invalid("you cannot change your own role", "role");
    if ((*changes.role == Role::kSystemAdmin || user.role == Role::kSystemAdmin) &&
        scope.principal().role != Role::kSystemAdmin) {
      return Status::Forbidden("only a system administrator can grant or remove that role");
    }
    ASSIGN_OR_RETURN(auto org, work.orgs().Get(user.org_id));
    if (*changes.role == Role::kOversight && orgs::IsLao(org.type)) {
      return Status::Invalid("oversight accounts belong to a provincial or national office", "role");
    }
    user.role = *changes.role;
  }
  if (changes.display_name) {
    if (!core::IsValidUtf8(*changes.display_name) || core::CodePointCount(*changes.display_name) > 200) {
      return Status::Invalid("display_name must be valid text of at most 200 characters", "display_name");
    }
    user.display_name = *changes.display_name;
  }
  if (changes.active && *changes.active != user.active) {
    if (self && !*changes.active) return Status::Invalid("you cannot disable your own account", "active");
    user.active = *changes.active;
  }
  user.updated_at = work.info().now;
  RETURN_IF_ERROR(work.accounts().UpdateUser(user));
  if (!user.active) RETURN_IF_ERROR(work.accounts().DeleteSessionsOfUser(user.id));
  RETURN_IF_ERROR(audit::Record(work, "update", "user", std::to_string(user.id), user.org_id, before, UserJson(user)));
  return user;
}

Result<ApiToken> AccountService::RevokeToken(UnitOfWork& work, int64_t token_id) {
  RETURN_IF_ERROR(work.scope().Require(Permission::kManageTokens));
  ASSIGN_OR_RETURN(ApiToken token, work.accounts().GetToken(token_id));
  RETURN_IF_ERROR(work.scope().RequireWrite(token.org_id, "token"));
  if (token.revoked_at) return token;
  token.revoked_at = work.info().now;
  RETURN_IF_ERROR(work.accounts().RevokeToken(token_id, *token.revoked_at));
  RETURN_IF_ERROR(audit::Record(work, "revoke", "api_token", std::to_string(token.id), token.org_id, std::nullopt,
                                nlohmann::json({{"name", token.name}}).dump()));
  return token;
}

Result<CreatedToken> AccountService::CreateToken(UnitOfWork& work, std::string_view org_code, std::string_view name,
                                                 tenancy::Role role) {
  RETURN_IF_ERROR(work.scope().Require(Permission::kManageTokens));
  if (name.empty() || name.size() > 100 || !core::IsValidUtf8(name)) {
    return Status::Invalid("name must be 1 to 100 characters of text", "name");
  }
  if (role == Role::kSystemAdmin) return Status::Invalid("an API token cannot be a system administrator", "role");
  auto org = work.orgs().FindByCode(org_code);
  if (!org.ok()) return Status::Invalid("unknown organisation " + std::string(org_code), "org");
  RETURN_IF_ERROR(work.scope().RequireWrite(org->id, "organisation"));
  CreatedToken created;
  created.secret = NewSecret("et_");
  created.token.org_id = org->id;
  created.token.org_code = org->code;
  created.token.name = name;
  created.token.role = role;
  created.token.created_at = work.info().now;
  ASSIGN_OR_RETURN(created.token.id,
                   work.accounts().InsertToken(created.token, HashSecret(created.secret),
                                               work.scope().principal().user_id));
  RETURN_IF_ERROR(audit::Record(work, "create", "api_token", std::to_string(created.token.id), org->id,
                                std::nullopt,
                                nlohmann::json({{"name", created.token.name},
                                                {"role", tenancy::RoleName(role)}}).dump()));
  return created;
}

}  // namespace ecotown::accounts
