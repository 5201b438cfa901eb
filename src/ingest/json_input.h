// JSON input shared by the JSON wire formats. simdjson's DOM parser reads the bytes (one pass,
// UTF-8 validated, no exceptions); when it refuses a document, a second pass with nlohmann's SAX
// parser finds the line, column and field path to name in the error. Field paths are written
// like "sensordatavalues[3].value". Not an entry point; included by the parsers' .cc files only.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ecotown::ingest {

// Deepest nesting accepted; the deepest real format (Air4Thai) nests 4 levels.
inline constexpr size_t kMaxJsonDepth = 32;

// Parses body into parser's DOM (the element lives as long as the parser). Invalid for an empty
// body, malformed JSON (message with line, column and field path), invalid UTF-8, nesting deeper
// than kMaxJsonDepth and, with reject_duplicates, an object that repeats a key (anywhere in the
// document: a repeated key is ambiguous). TooLarge when body exceeds max_bytes.
Result<simdjson::dom::element> ParseJson(simdjson::dom::parser& parser, std::string_view body, size_t max_bytes,
                                         bool reject_duplicates);

// "prefix.key" or "key" when prefix is empty.
std::string JoinPath(std::string_view prefix, std::string_view key);
// "prefix[index]".
std::string IndexPath(std::string_view prefix, size_t index);

// Name of a DOM value type for messages: "a string", "an object", ...
const char* JsonTypeName(simdjson::dom::element_type type);

// A JSON number as a double: nullopt for null (absent). Invalid naming `path` for any other type
// (a string where a number belongs is refused here; formats that send numbers as text use
// NumberFromText).
Result<std::optional<double>> OptionalNumber(simdjson::dom::element value, std::string_view path);

// A number that the format writes as text ("23.43"): also accepts a JSON number and null
// (absent). Texts listed in `missing` (e.g. "-1", "-") are absent too. Invalid naming `path` for
// any other text or type.
Result<std::optional<double>> NumberFromText(simdjson::dom::element value, std::string_view path,
                                             std::initializer_list<std::string_view> missing = {});

// A JSON string; Invalid naming `path` for any other type.
Result<std::string_view> RequiredString(simdjson::dom::element value, std::string_view path);

// A whole number that fits an int within [min, max] (signal strength, ...): accepts a JSON
// number or a decimal text such as "-67"; Invalid naming `path` otherwise.
Result<int> IntegerInRange(simdjson::dom::element value, std::string_view path, int min, int max);

// One number field of a wire format: its name and where its value goes.
struct NumberTarget {
  std::string_view key;
  std::optional<double>* target;
};

// The target of `key`, or nullptr when the format does not map it.
inline std::optional<double>* FindTarget(std::span<const NumberTarget> targets, std::string_view key) {
  for (const NumberTarget& candidate : targets) {
    if (candidate.key == key) return candidate.target;
  }
  return nullptr;
}

}  // namespace ecotown::ingest
