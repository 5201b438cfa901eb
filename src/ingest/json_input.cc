#include "ingest/json_input.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "ingest/parse_util.h"

namespace ecotown::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// One step of a field path: an object key or an array index.
struct PathStep {
  std::string_view key;
  size_t index = 0;
  bool is_index = false;
};

std::string PathOf(const std::vector<PathStep>& steps) {
  std::string path;
  for (const PathStep& step : steps) {
    path = step.is_index ? IndexPath(path, step.index) : JoinPath(path, step.key);
  }
  return path;
}

// Finds the first object, depth first, that repeats a key; writes the repeated key's path.
bool FindDuplicateKey(element value, std::vector<PathStep>& steps, std::string& duplicate_path) {
  if (value.type() == element_type::OBJECT) {
    simdjson::dom::object object;
    if (value.get_object().get(object)) return false;
    std::vector<std::string_view> keys;
    for (simdjson::dom::key_value_pair field : object) keys.push_back(field.key);
    std::vector<std::string_view> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    const auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
    if (repeated != sorted.end()) {
      steps.push_back({*repeated, 0, false});
      duplicate_path = PathOf(steps);
      return true;
    }
    for (simdjson::dom::key_value_pair field : object) {
      steps.push_back({field.key, 0, false});
      if (FindDuplicateKey(field.value, steps, duplicate_path)) return true;
      steps.pop_back();
    }
  } else if (value.type() == element_type::ARRAY) {
    simdjson::dom::array array;
    if (value.get_array().get(array)) return false;
    size_t index = 0;
    for (element child : array) {
      steps.push_back({{}, index++, true});
      if (FindDuplicateKey(child, steps, duplicate_path)) return true;
      steps.pop_back();
    }
  }
  return false;
}

// Second pass over a document simdjson refused: nlohmann's SAX parser reports where and why,
// and this handler knows the field path at that point.
class DiagnosingHandler final : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override { return Open(false); }
  bool key(string_t& name) override {
    if (!frames_.empty()) frames_.back().key = name;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(true); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::json::exception& error) override {
    failed_ = true;
    position_ = position;
    reason_ = error.what();
    return false;
  }

  bool failed() const { return failed_; }
  bool too_deep() const { return too_deep_; }
  size_t position() const { return position_; }
  const std::string& reason() const { return reason_; }
  std::string Path() const {
    std::string path;
    for (const Frame& frame : frames_) {
      if (frame.is_array) {
        path = IndexPath(path, frame.index);
      } else if (!frame.key.empty()) {
        path = JoinPath(path, frame.key);
      }
    }
    return path;
  }

 private:
  struct Frame {
    bool is_array = false;
    size_t index = 0;
    std::string key;
  };

  bool Value() {
    if (frames_.empty()) return true;
    if (frames_.back().is_array) {
      ++frames_.back().index;
    } else {
      frames_.back().key.clear();  // between fields the path is the object's
    }
    return true;
  }
  bool Open(bool is_array) {
    if (frames_.size() >= kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    frames_.push_back({is_array, 0, {}});
    return true;
  }
  bool Close() {
    if (!frames_.empty()) frames_.pop_back();
    return Value();
  }

  std::vector<Frame> frames_;
  bool failed_ = false;
  bool too_deep_ = false;
  size_t position_ = 0;
  std::string reason_;
};

// "parse error at line 1, column 5: syntax error while parsing value - invalid literal; ..." ->
// "syntax error while parsing value - invalid literal; ...".
std::string ShortReason(std::string reason) {
  const size_t tag_end = reason.find("] ");
  if (tag_end != std::string::npos) reason.erase(0, tag_end + 2);
  if (reason.rfind("parse error", 0) == 0) {
    const size_t colon = reason.find(": ");
    if (colon != std::string::npos) reason.erase(0, colon + 2);
  }
  // The reason quotes the input ("last read: '...'"): keep it readable and valid UTF-8.
  return PrintableForMessage(reason, 200);
}

Status DescribeMalformed(std::string_view body, simdjson::error_code simdjson_error) {
  DiagnosingHandler handler;
  bool parsed = false;
  try {
    parsed = nlohmann::json::sax_parse(body.begin(), body.end(), &handler);
  } catch (const std::exception&) {
    parsed = false;
  }
  if (handler.too_deep()) {
    const std::string path = handler.Path();
    return Status::Invalid("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels at " +
                               (path.empty() ? std::string("the top level") : path),
                           path);
  }
  if (parsed || !handler.failed()) {
    return Status::Invalid(std::string("malformed JSON: ") + simdjson::error_message(simdjson_error));
  }
  const size_t position = std::min(handler.position(), body.size());
  const std::string_view before = body.substr(0, position);
  const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t line_start = before.rfind('\n');
  const size_t column = line_start == std::string_view::npos ? position : position - line_start - 1;
  const std::string path = handler.Path();
  std::string message = "malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(column);
  if (!path.empty()) message += " (in " + path + ")";
  message += ": " + ShortReason(handler.reason());
  return Status::Invalid(std::move(message), path);
}

}  // namespace

Result<element> ParseJson(simdjson::dom::parser& parser, std::string_view body, size_t max_bytes,
                          bool reject_duplicates) {
  if (body.empty()) return Status::Invalid("empty body: expected a JSON document");
  if (body.size() > max_bytes) {
    return Status::TooLarge("JSON document of " + std::to_string(body.size()) + " bytes exceeds the limit of " +
                            std::to_string(max_bytes) + " bytes");
  }
  if (parser.allocate(body.size(), kMaxJsonDepth) != simdjson::SUCCESS) {
    return Status::Internal("cannot allocate the JSON parser");
  }
  element root;
  const simdjson::error_code error = parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(root);
  if (error == simdjson::UTF8_ERROR) return Status::Invalid("body is not valid UTF-8");
  if (error == simdjson::DEPTH_ERROR) {
    return Status::Invalid("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  if (error != simdjson::SUCCESS) return DescribeMalformed(body, error);
  if (reject_duplicates) {
    std::vector<PathStep> steps;
    std::string duplicate_path;
    if (FindDuplicateKey(root, steps, duplicate_path)) {
      return Status::Invalid(duplicate_path + ": field appears more than once", duplicate_path);
    }
  }
  return root;
}

std::string JoinPath(std::string_view prefix, std::string_view key) {
  std::string path;
  path.reserve(prefix.size() + 1 + key.size());
  path.append(prefix);
  if (!prefix.empty()) path += '.';
  // Keys come from outside: keep the path printable.
  bool plain = true;
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '"' || c == '\\') plain = false;
  }
  if (plain && key.size() <= 64) {
    path.append(key);
  } else {
    path += QuoteForMessage(key, 64);
  }
  return path;
}

std::string IndexPath(std::string_view prefix, size_t index) {
  std::string path(prefix);
  path += '[';
  path += std::to_string(index);
  path += ']';
  return path;
}

const char* JsonTypeName(element_type type) {
  switch (type) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "an unknown value";
}

namespace {

std::optional<double> NumberOf(element value) {
  switch (value.type()) {
    case element_type::INT64: {
      int64_t number = 0;
      if (value.get_int64().get(number)) return std::nullopt;
      return static_cast<double>(number);
    }
    case element_type::UINT64: {
      uint64_t number = 0;
      if (value.get_uint64().get(number)) return std::nullopt;
      return static_cast<double>(number);
    }
    case element_type::DOUBLE: {
      double number = 0.0;
      if (value.get_double().get(number) || !std::isfinite(number)) return std::nullopt;
      return number;
    }
    default:
      return std::nullopt;
  }
}

bool IsNumber(element_type type) {
  return type == element_type::INT64 || type == element_type::UINT64 || type == element_type::DOUBLE;
}

}  // namespace

Result<std::optional<double>> OptionalNumber(element value, std::string_view path) {
  const element_type type = value.type();
  if (type == element_type::NULL_VALUE) return std::optional<double>();
  if (IsNumber(type)) {
    const auto number = NumberOf(value);
    if (!number) return Status::Invalid(std::string(path) + ": number out of range", std::string(path));
    return std::optional<double>(*number);
  }
  std::string message = std::string(path) + ": expected a number, got " + JsonTypeName(type);
  std::string_view text;
  if (type == element_type::STRING && !value.get_string().get(text)) message += " " + QuoteForMessage(text);
  return Status::Invalid(std::move(message), std::string(path));
}

Result<std::optional<double>> NumberFromText(element value, std::string_view path,
                                             std::initializer_list<std::string_view> missing) {
  const element_type type = value.type();
  if (type == element_type::STRING) {
    std::string_view text;
    if (value.get_string().get(text)) return Status::Invalid(std::string(path) + ": unreadable string");
    for (const std::string_view placeholder : missing) {
      if (text == placeholder) return std::optional<double>();
    }
    const auto number = ParseDecimal(text);
    if (!number) {
      return Status::Invalid(std::string(path) + ": " + QuoteForMessage(text) + " is not a number", std::string(path));
    }
    return std::optional<double>(*number);
  }
  return OptionalNumber(value, path);
}

Result<std::string_view> RequiredString(element value, std::string_view path) {
  std::string_view text;
  if (value.type() != element_type::STRING || value.get_string().get(text)) {
    return Status::Invalid(std::string(path) + ": expected a string, got " + JsonTypeName(value.type()),
                           std::string(path));
  }
  return text;
}

Result<int> IntegerInRange(element value, std::string_view path, int min, int max) {
  std::optional<double> number;
  const element_type type = value.type();
  if (type == element_type::STRING) {
    std::string_view text;
    if (!value.get_string().get(text)) {
      if (const auto integer = ParseInteger(text)) number = static_cast<double>(*integer);
    }
  } else if (IsNumber(type)) {
    number = NumberOf(value);
  }
  if (!number || *number != std::floor(*number) || *number < min || *number > max) {
    return Status::Invalid(
        std::string(path) + ": expected a whole number from " + std::to_string(min) + " to " + std::to_string(max),
        std::string(path));
  }
  return static_cast<int>(*number);
}

}  // namespace ecotown::ingest
