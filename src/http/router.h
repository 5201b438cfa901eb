// The router: method + path pattern -> handler, with the request pipeline every API call shares:
// authenticate (session cookie or bearer token), check CSRF on cookie-authenticated writes,
// build the caller's tenancy Scope, run the handler, turn its Status into an error response.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/message.h"
#include "modules/accounts/account_service.h"
#include "modules/unit_of_work.h"

namespace ecotown::http {

enum class Access {
  kPublic,         // anyone; credentials, if sent, are still resolved
  kAuthenticated,  // a logged-in user or an API token
  kDevice,         // a sensor: the handler checks the device's own credential (HTTP Basic);
                   // user credentials are neither resolved nor required
};

// Everything a handler needs about one call.
struct Call {
  Request& request;
  std::map<std::string, std::string> params;  // from {name} segments of the pattern
  std::optional<accounts::Authenticated> auth;
  std::optional<tenancy::Scope> scope;        // set when authenticated
  RequestInfo info;
  Transactor& transactor;

  // The caller's scope; for anonymous calls a scope that sees no private records.
  const tenancy::Scope& Scope() const;
  const std::string& Param(const std::string& name) const { return params.at(name); }
  // A numeric id from the path; an id that cannot exist answers NotFound("<what> not found").
  Result<int64_t> IdParam(const std::string& name, std::string_view what) const;
  // Runs fn in one write (or read) transaction bound to the caller's scope.
  Status Write(const WorkFn& fn) { return transactor.Write(Scope(), info, fn); }
  Status Read(const WorkFn& fn) { return transactor.Read(Scope(), info, fn); }
  // Runs fn with each statement reading the latest committed data on its own (no snapshot):
  // for reads that are one statement after their lookups (series, reports, the dashboard), which
  // spares PostgreSQL a BEGIN and a COMMIT round trip.
  Status ReadEach(const WorkFn& fn) {
    return transactor.ReadThenEach(Scope(), info, [this](UnitOfWork&) -> Result<tenancy::Scope> { return Scope(); },
                                   fn);
  }
};

using RouteHandler = std::function<Result<Response>(Call&)>;

struct RouterDeps {
  Transactor& transactor;
  accounts::AccountService& accounts;
  const core::Clock& clock;
};

class Router {
 public:
  explicit Router(RouterDeps deps);

  // pattern: "/api/v1/users/{id}"; {name} matches one non-empty segment.
  void Add(std::string method, std::string pattern, Access access, RouteHandler handler);
  // True when some route's pattern matches the path (any method).
  bool Matches(std::string_view path) const;
  Response Dispatch(Request& request);

  static constexpr const char* kSessionCookie = "ecotown_session";

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Access access;
    RouteHandler handler;
  };
  static bool MatchSegments(const Route& route, const std::vector<std::string>& path,
                            std::map<std::string, std::string>& params);
  Status Authenticate(Call& call);

  RouterDeps deps_;
  std::vector<Route> routes_;
};

std::vector<std::string> SplitPath(std::string_view path);
// Parses a decimal id (path segment or query value); NotFound("<what> not found") otherwise.
Result<int64_t> ParseIdText(const std::string& text, std::string_view what);

}  // namespace ecotown::http
