// Session (login, logout, who am I), users, API tokens and the audit log.
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/json_mapping.h"

namespace ecotown::http {
namespace {

using nlohmann::json;

std::string SessionCookie(const std::string& value, int64_t max_age, bool secure) {
  std::string cookie = std::string(Router::kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(max_age);
  if (secure) cookie += "; Secure";
  return cookie;
}


}  // namespace

void RegisterAccountRoutes(Router& router, const ApiOptions& options, accounts::AccountService& accounts) {
  const bool cookie_secure = options.cookie_secure;

  router.Add("POST", "/api/v1/session", Access::kPublic, [&accounts, cookie_secure](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(const std::string username, body.String("username", 64));
    ASSIGN_OR_RETURN(const std::string password, body.String("password", 256));
    RETURN_IF_ERROR(body.Finish());
    const auto scope = tenancy::Scope::System(username);
    std::optional<accounts::LoginCheck> check;
    RETURN_IF_ERROR(call.transactor.Read(scope, call.info, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(check, accounts.CheckLogin(work, username));
      return Status::Ok();
    }));
    const bool verified = accounts::AccountService::VerifyLogin(*check, password);
    std::optional<accounts::LoginAttempt> attempt;
    RETURN_IF_ERROR(call.transactor.Write(scope, call.info, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(attempt, accounts.CompleteLogin(work, *check, verified));
      return Status::Ok();
    }));
    if (!attempt->success) {
      Response refused = ErrorResponse(attempt->failure);
      if (attempt->failure.code() == StatusCode::kTooManyRequests) {
        refused.AddHeader("Retry-After", std::to_string(accounts.settings().throttle_window_seconds));
      }
      return refused;
    }
    const auto& success = *attempt->success;
    Response response = Response::Json(200, json({{"user", ToJson(success.user)},
                                                  {"csrf_token", success.csrf_token},
                                                  {"expires_at", success.expires_at}})
                                                .dump());
    response.AddHeader("Set-Cookie", SessionCookie(success.session_token, accounts.settings().session_ttl_seconds,
                                                   cookie_secure || call.request.secure));
    return response;
  });

  router.Add("DELETE", "/api/v1/session", Access::kAuthenticated, [&accounts, cookie_secure](Call& call) -> Result<Response> {
    const auto cookie = call.request.Cookie(Router::kSessionCookie);
    if (cookie) {
      RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) { return accounts.Logout(work, *cookie); }));
    }
    Response response = Response::Json(200, R"({"status":"logged_out"})");
    response.AddHeader("Set-Cookie", SessionCookie("", 0, cookie_secure || call.request.secure));
    return response;
  });

  router.Add("GET", "/api/v1/me", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    const auto& principal = call.Scope().principal();
    json out = {{"role", tenancy::RoleName(principal.role)},
                {"permissions", PermissionsJson(principal.role)},
                {"csrf_token", call.auth->csrf_token},
                {"readable_org_ids", call.Scope().all_orgs() ? json("all") : json(call.Scope().readable_orgs())}};
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      if (principal.user_id) {
        ASSIGN_OR_RETURN(auto user, work.accounts().GetUser(principal.user_id));
        out["user"] = ToJson(user);
      } else {
        out["user"] = nullptr;
        out["token"] = principal.name;
      }
      ASSIGN_OR_RETURN(auto org, work.orgs().Get(principal.org_id));
      out["org"] = ToJson(org);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("GET", "/api/v1/users", Access::kAuthenticated, [&accounts](Call& call) -> Result<Response> {
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto users, accounts.ListUsers(work));
      for (const auto& user : users) items.push_back(ToJson(user));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/users/{id}", Access::kAuthenticated, [&accounts](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "user"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto user, accounts.GetUser(work, id));
      out = ToJson(user);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/users", Access::kAuthenticated, [&accounts](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    accounts::NewUser request;
    ASSIGN_OR_RETURN(auto org, body.OptString("org", 32));
    request.org_code = org.value_or(call.Scope().principal().org_code);
    ASSIGN_OR_RETURN(request.username, body.String("username", 64));
    ASSIGN_OR_RETURN(const std::string role, body.String("role", 32));
    ASSIGN_OR_RETURN(request.role, tenancy::ParseRole(role));
    ASSIGN_OR_RETURN(auto display, body.OptString("display_name", 200));
    request.display_name = display.value_or("");
    ASSIGN_OR_RETURN(request.password, body.OptString("password", 256));
    ASSIGN_OR_RETURN(request.factory_id, body.OptInt("factory_id"));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto user, accounts.CreateUser(work, request));
      out = ToJson(user);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("PATCH", "/api/v1/users/{id}", Access::kAuthenticated, [&accounts](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "user"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    accounts::UserChanges changes;
    ASSIGN_OR_RETURN(auto role, body.OptString("role", 32));
    if (role) {
      ASSIGN_OR_RETURN(changes.role, tenancy::ParseRole(*role));
    }
    ASSIGN_OR_RETURN(changes.display_name, body.OptString("display_name", 200));
    ASSIGN_OR_RETURN(changes.active, body.OptBool("active"));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto user, accounts.UpdateUser(work, id, changes));
      out = ToJson(user);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("DELETE", "/api/v1/tokens/{id}", Access::kAuthenticated, [&accounts](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "token"));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto token, accounts.RevokeToken(work, id));
      out = ToJson(token);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("GET", "/api/v1/tokens", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    RETURN_IF_ERROR(call.Scope().Require(tenancy::Permission::kManageTokens));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto tokens, work.accounts().ListTokens());
      for (const auto& token : tokens) items.push_back(ToJson(token));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("POST", "/api/v1/tokens", Access::kAuthenticated, [&accounts](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(const std::string name, body.String("name", 100));
    ASSIGN_OR_RETURN(auto role_text, body.OptString("role", 32));
    ASSIGN_OR_RETURN(auto org, body.OptString("org", 32));
    RETURN_IF_ERROR(body.Finish());
    ASSIGN_OR_RETURN(const auto role, tenancy::ParseRole(role_text.value_or("officer")));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto created,
                       accounts.CreateToken(work, org.value_or(call.Scope().principal().org_code), name, role));
      out = ToJson(created.token);
      out["token"] = created.secret;
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("GET", "/api/v1/audit", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    audit::AuditQuery query;
    if (auto before = call.request.Query("before")) {
      ASSIGN_OR_RETURN(query.before_id, ParseIdText(*before, "before"));
    }
    if (auto entity = call.request.Query("entity"); entity && !entity->empty()) query.entity = *entity;
    if (auto limit = call.request.Query("limit")) {
      if (limit->empty() || limit->size() > 3 || limit->find_first_not_of("0123456789") != std::string::npos) {
        return Status::Invalid("limit must be a whole number from 1 to 500", "limit");
      }
      query.limit = std::stoi(*limit);
    }
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto entries, work.audit().List(query));
      for (const auto& entry : entries) items.push_back(ToJson(entry));
      return Status::Ok();
    }));
    json out = {{"items", items}};
    if (!items.empty() && static_cast<int>(items.size()) == query.limit) out["next_before"] = items.back()["id"];
    return Response::Json(200, out.dump());
  });
}

}  // namespace ecotown::http
