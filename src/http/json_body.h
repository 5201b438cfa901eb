// Strict reading of JSON request bodies into typed requests.
//
// A JsonBody is built from the raw body (400 for malformed JSON, invalid UTF-8 or a non-object),
// each field is taken once with its expected type (422 naming the field when missing or of the
// wrong type), and Finish() refuses any field that was not taken (422 "unknown field").
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace ecotown::http {

class JsonBody {
 public:
  static Result<JsonBody> Parse(std::string_view body);

  // Required fields: Invalid(field) when absent, null or of another type.
  Result<std::string> String(std::string_view field, size_t max_chars = 1000);
  Result<int64_t> Int(std::string_view field);
  Result<double> Number(std::string_view field);
  Result<bool> Bool(std::string_view field);
  // Optional fields: nullopt when absent or null.
  Result<std::optional<std::string>> OptString(std::string_view field, size_t max_chars = 1000);
  Result<std::optional<int64_t>> OptInt(std::string_view field);
  Result<std::optional<double>> OptNumber(std::string_view field);
  Result<std::optional<bool>> OptBool(std::string_view field);
  // Any JSON value, for nested structures the caller validates itself.
  Result<nlohmann::json> Raw(std::string_view field);

  // Invalid naming the first field that was present but never taken.
  Status Finish() const;

 private:
  explicit JsonBody(nlohmann::json object) : object_(std::move(object)) {}
  const nlohmann::json* Take(std::string_view field);

  nlohmann::json object_;
  std::set<std::string, std::less<>> taken_;
};

}  // namespace ecotown::http
