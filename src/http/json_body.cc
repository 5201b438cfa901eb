#include "http/json_body.h"

#include <cmath>

#include "core/utf8.h"

namespace ecotown::http {
namespace {

Status WrongType(std::string_view field, const char* expected) {
  return Status::Invalid(std::string(field) + " must be " + expected, std::string(field));
}

Status CheckText(std::string_view field, const std::string& value, size_t max_chars) {
  if (core::CodePointCount(value) > max_chars) {
    return Status::Invalid(std::string(field) + " is longer than " + std::to_string(max_chars) + " characters",
                           std::string(field));
  }
  if (value.find('\0') != std::string::npos) {
    return Status::Invalid(std::string(field) + " contains a NUL character", std::string(field));
  }
  return Status::Ok();
}

}  // namespace

Result<JsonBody> JsonBody::Parse(std::string_view body) {
  if (body.empty()) return Status::Invalid("request body is empty; a JSON object is expected", "body");
  if (!core::IsValidUtf8(body)) return Status::Invalid("request body is not valid UTF-8", "body");
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return Status::Invalid("request body is not valid JSON", "body");
  if (!parsed.is_object()) return Status::Invalid("request body must be a JSON object", "body");
  return JsonBody(std::move(parsed));
}

const nlohmann::json* JsonBody::Take(std::string_view field) {
  taken_.emplace(field);
  auto it = object_.find(std::string(field));
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::string> JsonBody::String(std::string_view field, size_t max_chars) {
  ASSIGN_OR_RETURN(auto value, OptString(field, max_chars));
  if (!value) return Status::Invalid(std::string(field) + " is required", std::string(field));
  return *value;
}

Result<std::optional<std::string>> JsonBody::OptString(std::string_view field, size_t max_chars) {
  const auto* v = Take(field);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(field, "a string");
  auto text = v->get<std::string>();
  RETURN_IF_ERROR(CheckText(field, text, max_chars));
  return std::optional<std::string>(std::move(text));
}

Result<int64_t> JsonBody::Int(std::string_view field) {
  ASSIGN_OR_RETURN(auto value, OptInt(field));
  if (!value) return Status::Invalid(std::string(field) + " is required", std::string(field));
  return *value;
}

Result<std::optional<int64_t>> JsonBody::OptInt(std::string_view field) {
  const auto* v = Take(field);
  if (!v) return std::optional<int64_t>();
  if (!v->is_number_integer()) return WrongType(field, "an integer");
  return std::optional<int64_t>(v->get<int64_t>());
}

Result<double> JsonBody::Number(std::string_view field) {
  ASSIGN_OR_RETURN(auto value, OptNumber(field));
  if (!value) return Status::Invalid(std::string(field) + " is required", std::string(field));
  return *value;
}

Result<std::optional<double>> JsonBody::OptNumber(std::string_view field) {
  const auto* v = Take(field);
  if (!v) return std::optional<double>();
  if (!v->is_number()) return WrongType(field, "a number");
  const double d = v->get<double>();
  if (!std::isfinite(d)) return WrongType(field, "a finite number");
  return std::optional<double>(d);
}

Result<bool> JsonBody::Bool(std::string_view field) {
  const auto* v = Take(field);
  if (!v) return Status::Invalid(std::string(field) + " is required", std::string(field));
  if (!v->is_boolean()) return WrongType(field, "true or false");
  return v->get<bool>();
}

Result<std::optional<bool>> JsonBody::OptBool(std::string_view field) {
  const auto* v = Take(field);
  if (!v) return std::optional<bool>();
  if (!v->is_boolean()) return WrongType(field, "true or false");
  return std::optional<bool>(v->get<bool>());
}

Result<nlohmann::json> JsonBody::Raw(std::string_view field) {
  const auto* v = Take(field);
  if (!v) return Status::Invalid(std::string(field) + " is required", std::string(field));
  return *v;
}

Status JsonBody::Finish() const {
  for (const auto& [key, value] : object_.items()) {
    if (!taken_.contains(key)) return Status::Invalid("unknown field " + key, key);
  }
  return Status::Ok();
}

}  // namespace ecotown::http
