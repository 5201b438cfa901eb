// Request and Response as the rest of http/ sees them, independent of the wire library.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecotown::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received, with the query string
  std::string path;    // percent-decoded path without the query string
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> headers;     // names lower-cased
  std::string body;
  std::string remote_ip;
  std::string request_id;
  bool secure = false;  // arrived over TLS (directly or via a trusted proxy)
  std::string route;    // the matched route pattern, set by the router (metrics, logs)

  std::optional<std::string> Header(std::string_view name) const;
  std::optional<std::string> Query(std::string_view name) const;
  std::optional<std::string> Cookie(std::string_view name) const;
};

// A server-sent-event stream. The server polls it from its I/O threads a few times a second, so
// Poll must not block: it returns the text that is ready ("event:/data:" frames, possibly empty),
// or nullopt when the stream has ended.
class EventSource {
 public:
  virtual ~EventSource() = default;
  virtual std::optional<std::string> Poll() = 0;
};

// A body produced piece by piece (a large CSV export), so that it never sits whole in memory.
// The server calls Next on a worker thread, one call at a time, and sends each piece as it comes
// (chunked over HTTP/1.1). Next may block (it reads the database); it appends the next piece to
// `out` and returns true, or returns false at the end. Failed() says whether that end was an
// error: the server then cuts the connection without the last chunk, so that the client sees an
// incomplete transfer rather than a short file.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual bool Next(std::string& out) = 0;
  virtual bool Failed() const = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set instead of `body` for an answer shared by many responses (cached lists, up to ~1 MB):
  // sent from the shared buffer, never copied.
  std::shared_ptr<const std::string> shared_body;
  // The same body gzip-compressed (with shared_body only): the server sends it instead to a
  // client whose Accept-Encoding allows gzip.
  std::shared_ptr<const std::string> shared_gzip_body;
  std::shared_ptr<EventSource> events;  // set for text/event-stream responses
  std::shared_ptr<BodyStream> stream;   // set instead of `body` for a streamed answer

  std::string_view Body() const { return shared_body ? std::string_view(*shared_body) : std::string_view(body); }

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  void AddHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

using Handler = std::function<Response(Request&)>;

// Percent-decoding; false for malformed escapes. plus_is_space for query strings.
bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space);
// Splits "a=1&b=x%20y" into decoded pairs; malformed escapes are kept verbatim.
std::multimap<std::string, std::string> ParseQuery(std::string_view query);

}  // namespace ecotown::http
