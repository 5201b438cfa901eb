// Shared data and helpers of the ingest tests. ECOTOWN_SHARED_DIR is ../shared beside the
// repository; a missing file fails the test that needs it (CI always has ../shared), never skips.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ecotown::ingest::testing {

inline std::filesystem::path SharedDir() { return std::filesystem::path(ECOTOWN_SHARED_DIR); }

// Reads a whole file; fails the current test (and returns "") when it cannot.
inline std::string ReadFileOrFail(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "required shared file is missing: " << path;
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace ecotown::ingest::testing
