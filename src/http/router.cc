#include "http/router.h"

#include <strings.h>

#include <set>

#include "http/errors.h"
#include "modules/accounts/secrets.h"

namespace ecotown::http {
namespace {

const tenancy::Scope& AnonymousScope() {
  static const tenancy::Scope kAnonymous(tenancy::Principal{}, {}, false);
  return kAnonymous;
}

bool IsSafeMethod(std::string_view method) { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }

}  // namespace

const tenancy::Scope& Call::Scope() const { return scope ? *scope : AnonymousScope(); }

Result<int64_t> ParseIdText(const std::string& text, std::string_view what) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::NotFound(std::string(what) + " not found");
  }
  return std::stoll(text);
}

Result<int64_t> Call::IdParam(const std::string& name, std::string_view what) const {
  return ParseIdText(Param(name), what);
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const size_t end = path.find('/');
    segments.emplace_back(path.substr(0, end));
    if (end == std::string_view::npos) break;
    path.remove_prefix(end);
  }
  return segments;
}

Router::Router(RouterDeps deps) : deps_(deps) {}

void Router::Add(std::string method, std::string pattern, Access access, RouteHandler handler) {
  Route route{std::move(method), pattern, SplitPath(pattern), access, std::move(handler)};
  routes_.push_back(std::move(route));
}

bool Router::MatchSegments(const Route& route, const std::vector<std::string>& path,
                           std::map<std::string, std::string>& params) {
  if (route.segments.size() != path.size()) return false;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& want = route.segments[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (path[i].empty()) return false;
      params[want.substr(1, want.size() - 2)] = path[i];
    } else if (want != path[i]) {
      return false;
    }
  }
  return true;
}

bool Router::Matches(std::string_view path) const {
  const auto segments = SplitPath(path);
  std::map<std::string, std::string> params;
  for (const auto& route : routes_) {
    if (MatchSegments(route, segments, params)) return true;
  }
  return false;
}

Status Router::Authenticate(Call& call) {
  const Request& request = call.request;
  std::optional<std::string> bearer;
  if (auto header = request.Header("authorization")) {
    // The scheme name is case-insensitive (RFC 9110, section 11.1): "bearer x" is a bearer token.
    if (header->size() < 7 || strncasecmp(header->c_str(), "Bearer ", 7) != 0) {
      return Status::Unauthenticated("Authorization header must be 'Bearer <token>'");
    }
    bearer = header->substr(7);
  }
  const auto cookie = request.Cookie(kSessionCookie);
  if (!bearer && !cookie) return Status::Ok();

  // Statements on their own, without a snapshot (each reads the latest committed rows): a
  // token or session found, then its user's organisations; on PostgreSQL this spares every
  // authenticated request a BEGIN and a COMMIT round trip.
  Status status = deps_.transactor.ReadThenEach(
      tenancy::Scope::System("auth"), call.info,
      [&](UnitOfWork& work) -> Result<tenancy::Scope> {
        auto resolved =
            bearer ? deps_.accounts.ResolveBearer(work, *bearer) : deps_.accounts.ResolveSession(work, *cookie);
        if (!resolved.ok()) return resolved.status();
        auto scope = accounts::AccountService::BuildScope(work.orgs(), resolved->principal);
        if (!scope.ok()) return scope.status();
        call.auth = std::move(resolved).value();
        call.scope.emplace(std::move(scope).value());
        return tenancy::Scope::System("auth");
      },
      [](UnitOfWork&) { return Status::Ok(); });
  if (!status.ok()) return status;
  if (call.auth->token_use_stale) {
    RETURN_IF_ERROR(deps_.transactor.Write(tenancy::Scope::System("auth"), call.info, [&](UnitOfWork& work) {
      return deps_.accounts.TouchToken(work, call.auth->principal.token_id);
    }));
  }

  // Cookie-authenticated writes must echo the session's CSRF token; bearer calls need none.
  if (!bearer && !IsSafeMethod(request.method)) {
    const auto sent = request.Header("x-csrf-token");
    if (!sent || !accounts::SecretsEqual(*sent, call.auth->csrf_token)) {
      return Status::Forbidden("missing or wrong X-CSRF-Token header");
    }
  }
  return Status::Ok();
}

Response Router::Dispatch(Request& request) {
  const auto segments = SplitPath(request.path);
  const Route* found = nullptr;
  std::map<std::string, std::string> params;
  std::set<std::string> allowed;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> candidate;
    if (!MatchSegments(route, segments, candidate)) continue;
    allowed.insert(route.method);
    const bool method_ok = route.method == request.method || (request.method == "HEAD" && route.method == "GET");
    if (method_ok && !found) {
      found = &route;
      params = std::move(candidate);
    }
  }
  if (!found) {
    if (allowed.empty()) return ErrorResponse(Status::NotFound("no such endpoint: " + request.path));
    Response response = Response::Json(405, R"({"error":{"code":"method_not_allowed","message":"method not allowed"}})");
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    response.AddHeader("Allow", allow);
    return response;
  }
  request.route = found->pattern;

  Call call{request, std::move(params), std::nullopt, std::nullopt,
            RequestInfo{request.request_id, request.remote_ip, deps_.clock.NowUnix()}, deps_.transactor};
  Status auth = found->access == Access::kDevice ? Status::Ok() : Authenticate(call);
  if (!auth.ok()) {
    // On a public endpoint (the login form, say) a stale cookie, or a cookie write without its
    // CSRF token, just makes the call anonymous: it grants nothing there, so refuse nothing.
    const bool cookie_problem = auth.code() == StatusCode::kUnauthenticated || auth.code() == StatusCode::kForbidden;
    const bool ignorable = found->access == Access::kPublic && cookie_problem && !request.Header("authorization");
    if (!ignorable) return ErrorResponse(auth);
    call.auth.reset();
    call.scope.reset();
  }
  if (found->access == Access::kAuthenticated && !call.auth) {
    return ErrorResponse(Status::Unauthenticated("please log in"));
  }
  Result<Response> result = found->handler(call);
  if (!result.ok()) return ErrorResponse(result.status());
  return std::move(result).value();
}

}  // namespace ecotown::http
