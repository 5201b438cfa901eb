#include "support/pdf_text.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ecotown::testing {

std::string RunPoppler(const std::string& tool, const std::string& pdf) {
  static std::atomic<int> counter{0};
  const auto path = std::filesystem::temp_directory_path() /
                    ("ecotown-pdf-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".pdf");
  std::ofstream(path, std::ios::binary) << pdf;
  const std::string command = tool + " '" + path.string() + "'" + (tool == "pdftotext" ? " -" : "") + " 2>&1";
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    std::array<char, 4096> chunk{};
    size_t n;
    while ((n = fread(chunk.data(), 1, chunk.size(), pipe)) > 0) out.append(chunk.data(), n);
    pclose(pipe);
  }
  std::filesystem::remove(path);
  return out;
}

std::string Squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\f' && c != '\r' && c != '\t') out += c;
  }
  return out;
}

}  // namespace ecotown::testing
