// Outbound HTTP POST and GET over libcurl, for webhooks and the LINE Messaging API.
//
// Every call has a total timeout; redirects are not followed; only http and https are allowed.
// Transport failures (refused, reset, timeout, TLS) are Unavailable so that the dispatcher
// retries them; an answer of any status is a value. Thread-safe (one curl handle per call).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace ecotown::notify {

// Initialises libcurl once per process (curl_global_init is not thread-safe before 7.84).
void InitCurl();

struct HttpPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string content_type = "application/json";
  std::string body;
  int timeout_seconds = 10;
};

struct HttpAnswer {
  long status = 0;
  std::string body;  // at most the first 64 KiB
};

Result<HttpAnswer> Post(const HttpPost& request);

struct HttpGet {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  int timeout_seconds = 10;
  size_t max_bytes = 64 * 1024;  // a longer body is TooLarge (the transfer is cut)
};

// GET with the same rules as Post; the whole body up to max_bytes.
Result<HttpAnswer> Get(const HttpGet& request);

// Transient answers worth retrying: 408, 425, 429 and 5xx.
bool IsTransientHttpStatus(long status);

// The first 300 bytes of a response body as one line (for last_error).
std::string BriefBody(const std::string& body);

}  // namespace ecotown::notify
