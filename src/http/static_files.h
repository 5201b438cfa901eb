// Serves the web UI and vendored npm assets from directories on disk (no CDN).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/message.h"

namespace ecotown::http {

class StaticFiles {
 public:
  // mounts: URL prefix -> directory, e.g. {"/vendor/sarabun/", ".../node_modules/@fontsource/sarabun/"}.
  // The root "/" serves index.html of the first mount whose prefix is "/".
  explicit StaticFiles(std::vector<std::pair<std::string, std::string>> mounts) : mounts_(std::move(mounts)) {}
  // nullopt when no file matches (the caller answers 404).
  std::optional<Response> Serve(const Request& request) const;

 private:
  std::vector<std::pair<std::string, std::string>> mounts_;
};

const char* ContentTypeFor(const std::string& path);

}  // namespace ecotown::http
