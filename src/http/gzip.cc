#include "http/gzip.h"

#include <zlib.h>

#include <cctype>
#include <climits>

namespace ecotown::http {

std::optional<std::string> Gzip(std::string_view data) {
  if (data.size() > UINT_MAX) return std::nullopt;
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int done = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (done != Z_STREAM_END) return std::nullopt;
  return out;
}

bool AcceptsGzip(const Request& request) {
  const auto header = request.Header("accept-encoding");
  if (!header) return false;
  // "gzip, deflate, br" or "gzip;q=0.8, identity" or "*;q=0.5"; a coding with q=0 is refused.
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto semicolon = item.find(';');
    std::string_view name = item.substr(0, semicolon);
    std::string_view params = semicolon == std::string_view::npos ? std::string_view() : item.substr(semicolon + 1);
    const auto trim = [](std::string_view v) {
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
      return v;
    };
    name = trim(name);
    params = trim(params);
    std::string lower;
    for (const char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "gzip" && lower != "x-gzip" && lower != "*") continue;
    // q=0, q=0.0, q=0.00, q=0.000: not acceptable.
    bool refused = false;
    if (params.size() >= 3 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
      refused = params.substr(2).find_first_not_of("0.") == std::string_view::npos;
    }
    return !refused;
  }
  return false;
}

}  // namespace ecotown::http
