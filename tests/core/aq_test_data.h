// Locations of the reference data the PM core tests read at run time. The shared folder is
// required: a missing file fails the test (CI always has ../shared), it never skips.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace ecotown::core::testing {

inline std::filesystem::path SharedDir() { return std::filesystem::path(ECOTOWN_SHARED_DIR); }
inline std::filesystem::path SourceDir() { return std::filesystem::path(ECOTOWN_SOURCE_DIR); }

// Reads a whole file; fails the current test (and returns "") when it cannot.
inline std::string ReadFileOrFail(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "required reference file is missing: " << path;
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json ReadJsonOrFail(const std::filesystem::path& path) {
  const std::string text = ReadFileOrFail(path);
  if (text.empty()) return nlohmann::json::object();
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    ADD_FAILURE() << "not valid JSON: " << path;
    return nlohmann::json::object();
  }
  return json;
}

}  // namespace ecotown::core::testing
