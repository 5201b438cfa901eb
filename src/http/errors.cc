#include "http/errors.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace ecotown::http {

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    // A well-formed request whose content breaks a rule is 422; malformed syntax is 400 (see
    // json_body.cc, which reports those as Invalid with field "body").
    case StatusCode::kInvalid: return status.field() == "body" || status.field().empty() ? 400 : 422;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kForbidden: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kTooManyRequests: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

Response ErrorResponse(const Status& status) {
  nlohmann::json error = {{"code", status.CodeName()}, {"message", status.message()}};
  if (!status.field().empty()) error["field"] = status.field();
  // Internal details stay in the log; the client gets a stable, harmless message.
  if (status.code() == StatusCode::kInternal) {
    spdlog::error("internal error: {}", status.message());  // the "answered 500" line follows
    error["message"] = "internal error";
  }
  Response response = Response::Json(HttpStatusOf(status), nlohmann::json({{"error", error}}).dump());
  return response;
}

}  // namespace ecotown::http
