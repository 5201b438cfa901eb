// Result<T>: a value or the Status that explains why there is none.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "core/status.h"

namespace ecotown {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "a Result built from a Status must carry an error");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace ecotown

// Early-return helpers for functions that return Status or Result<T>.
#define ECOTOWN_CONCAT_INNER(a, b) a##b
#define ECOTOWN_CONCAT(a, b) ECOTOWN_CONCAT_INNER(a, b)
// The temporary is named per counter, so a RETURN_IF_ERROR inside a lambda that is itself the
// argument of a RETURN_IF_ERROR does not shadow the outer one.
#define RETURN_IF_ERROR_IMPL(tmp, expr) \
  do {                                  \
    ::ecotown::Status tmp = (expr);     \
    if (!tmp.ok()) return tmp;          \
  } while (false)
#define RETURN_IF_ERROR(expr) RETURN_IF_ERROR_IMPL(ECOTOWN_CONCAT(ecotown_status_, __COUNTER__), expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(ECOTOWN_CONCAT(ecotown_result_, __LINE__), lhs, expr)
