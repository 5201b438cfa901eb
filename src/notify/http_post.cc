#include "notify/http_post.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace ecotown::notify {
namespace {

constexpr size_t kMaxAnswerBytes = 64 * 1024;

size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (body->size() < kMaxAnswerBytes) body->append(data, std::min(bytes, kMaxAnswerBytes - body->size()));
  return bytes;
}

struct Sink {
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;
};

// Keeps the whole body up to max_bytes; beyond that the transfer is aborted.
size_t CollectAll(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t bytes = size * count;
  if (sink->body.size() + bytes > sink->max_bytes) {
    sink->too_large = true;
    return 0;
  }
  sink->body.append(data, bytes);
  return bytes;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// What every outbound call shares: no redirects, http(s) only, one total timeout.
void ConfigureTransfer(CURL* h, const std::string& url, int timeout_seconds, char* error) {
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(timeout_seconds));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_seconds));
  curl_easy_setopt(h, CURLOPT_USERAGENT, "ecotown-alerts/1");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
}

// A failed transfer: Invalid for a URL the library refuses outright (a retry never works),
// Unavailable otherwise.
Status TransportError(CURLcode code, const char* error) {
  const std::string detail = error[0] ? error : curl_easy_strerror(code);
  if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT) return Status::Invalid(detail, "url");
  return Status::Unavailable(detail);
}

}  // namespace

void InitCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpAnswer> Post(const HttpPost& request) {
  InitCurl();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("cannot create a curl handle");
  curl_slist* raw_headers = nullptr;
  raw_headers = curl_slist_append(raw_headers, ("Content-Type: " + request.content_type).c_str());
  raw_headers = curl_slist_append(raw_headers, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : request.headers) {
    raw_headers = curl_slist_append(raw_headers, (name + ": " + value).c_str());
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers(raw_headers);

  HttpAnswer answer;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  ConfigureTransfer(h, request.url, request.timeout_seconds, error);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer.body);
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) return TransportError(code, error);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

Result<HttpAnswer> Get(const HttpGet& request) {
  InitCurl();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("cannot create a curl handle");
  curl_slist* raw_headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    raw_headers = curl_slist_append(raw_headers, (name + ": " + value).c_str());
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers(raw_headers);
  Sink sink;
  sink.max_bytes = request.max_bytes;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  ConfigureTransfer(h, request.url, request.timeout_seconds, error);
  curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  if (headers) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, CollectAll);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  const CURLcode code = curl_easy_perform(h);
  if (sink.too_large) return Status::TooLarge("the answer is larger than " + std::to_string(request.max_bytes) + " bytes");
  if (code != CURLE_OK) return TransportError(code, error);
  HttpAnswer answer;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
  answer.body = std::move(sink.body);
  return answer;
}

bool IsTransientHttpStatus(long status) { return status == 408 || status == 425 || status == 429 || status >= 500; }

std::string BriefBody(const std::string& body) {
  std::string brief = body.substr(0, 300);
  for (char& c : brief) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return brief;
}

}  // namespace ecotown::notify
