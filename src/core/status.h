// Status and Result: expected failures as values (no exceptions across layers).
//
// A Status is a code plus a readable message, and for validation errors the name of the
// offending field. The code alone chooses the HTTP status (see http/errors.cc).
#pragma once

#include <string>
#include <utility>

namespace ecotown {

enum class StatusCode {
  kOk,
  kInvalid,           // malformed or semantically wrong input (400/422)
  kUnauthenticated,   // no or bad credentials (401)
  kForbidden,         // authenticated but not allowed (403)
  kNotFound,          // absent, or not visible to the caller (404)
  kConflict,          // duplicate or stale state (409)
  kTooLarge,          // payload over a limit (413)
  kTooManyRequests,   // throttled (429)
  kUnavailable,       // a dependency is down (503)
  kInternal,          // a bug or an unknown outcome (500)
};

class [[nodiscard]] Status {
 public:
  Status() = default;

  static Status Ok() { return Status(); }
  static Status Invalid(std::string message, std::string field = {}) {
    return Status(StatusCode::kInvalid, std::move(message), std::move(field));
  }
  static Status Unauthenticated(std::string message) {
    return Status(StatusCode::kUnauthenticated, std::move(message));
  }
  static Status Forbidden(std::string message) { return Status(StatusCode::kForbidden, std::move(message)); }
  static Status NotFound(std::string message) { return Status(StatusCode::kNotFound, std::move(message)); }
  static Status Conflict(std::string message, std::string field = {}) {
    return Status(StatusCode::kConflict, std::move(message), std::move(field));
  }
  static Status TooLarge(std::string message) { return Status(StatusCode::kTooLarge, std::move(message)); }
  static Status TooManyRequests(std::string message) {
    return Status(StatusCode::kTooManyRequests, std::move(message));
  }
  static Status Unavailable(std::string message) { return Status(StatusCode::kUnavailable, std::move(message)); }
  static Status Internal(std::string message) { return Status(StatusCode::kInternal, std::move(message)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }

  // Stable machine-readable name of the code, used in API error bodies ("invalid", "not_found", ...).
  const char* CodeName() const;
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

}  // namespace ecotown
