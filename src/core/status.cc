#include "core/status.h"

namespace ecotown {

const char* Status::CodeName() const {
  switch (code_) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalid: return "invalid";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kForbidden: return "forbidden";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kTooLarge: return "too_large";
    case StatusCode::kTooManyRequests: return "too_many_requests";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out = CodeName();
  out += ": ";
  out += message_;
  if (!field_.empty()) out += " (field: " + field_ + ")";
  return out;
}

}  // namespace ecotown
