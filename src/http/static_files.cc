#include "http/static_files.h"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace ecotown::http {

const char* ContentTypeFor(const std::string& path) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "ttf") return "font/ttf";
  if (ext == "webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

std::optional<Response> StaticFiles::Serve(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  std::string path = request.path;
  if (path == "/") path = "/index.html";
  // No way out of the mounted directories.
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos) return std::nullopt;
  for (const auto& [prefix, dir] : mounts_) {
    if (path.rfind(prefix, 0) != 0) continue;
    const std::string file = dir + "/" + path.substr(prefix.size());
    struct stat info {};
    if (stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    std::ostringstream content;
    content << in.rdbuf();
    Response response = Response::Text(200, content.str(), ContentTypeFor(file));
    // HTML and the app's own code change with each release; fonts and vendored files do not.
    const bool immutable = prefix.rfind("/vendor/", 0) == 0;
    response.AddHeader("Cache-Control", immutable ? "public, max-age=604800" : "no-cache");
    return response;
  }
  return std::nullopt;
}

}  // namespace ecotown::http
