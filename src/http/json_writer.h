// A streaming JSON writer for the large read answers (series, reports, dashboards): appends to one
// string, with no tree of nodes to build and free. The rest of the API builds nlohmann::json.
//
//   JsonWriter w;
//   w.BeginObject().Key("items").BeginArray();
//   for (...) w.BeginObject().Key("ts").Int(ts).Key("pm25").Number(v).EndObject();
//   w.EndArray().EndObject();
//   std::string body = w.Take();
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecotown::http {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // An object member's name, escaped like a string.
  JsonWriter& Key(std::string_view name);
  JsonWriter& Int(int64_t value);
  // Shortest text that reads back as the same double; null for NaN and infinities.
  JsonWriter& Number(double value);
  JsonWriter& Number(const std::optional<double>& value);  // null when empty
  JsonWriter& String(std::string_view value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value that is already JSON text (for example nlohmann::json::dump()).
  JsonWriter& Raw(std::string_view json);

  void Reserve(size_t bytes) { out_.reserve(bytes); }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  // One entry per open object or array: whether it already holds a member.
  std::vector<bool> has_member_;
  bool after_key_ = false;
};

}  // namespace ecotown::http
