// The API test harness: the real ecotown server (app::Runtime::StartServer, the same wiring as
// `ecotown serve`) on 127.0.0.1 and a free port, on a fresh database of the chosen backend,
// with a small world of organisations and users, plus HTTP helpers over cpp-httplib and a raw
// socket for what a client library hides (keep-alive, malformed requests).
//
// Not thread-safe, except that the HTTP helpers may be used from several threads at once.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/runtime.h"

namespace ecotown::testing {

// Every seeded user has this password.
inline constexpr const char* kTestPassword = "correct-horse-battery";

struct TestServerOptions {
  std::string backend = "sqlite";  // "sqlite" (in memory) or "postgres" (fresh database)
  bool cookie_secure = false;
  size_t body_limit = 64 * 1024;  // small, so that 413 is cheap to provoke
  int max_login_failures = 5;
  std::optional<core::QaConfig> qa = std::nullopt;  // [qa] thresholds of every ingest path; defaults if unset
  std::string line_api_base = "";  // alerts.line_api_base / line_content_base: a local receiver; empty: defaults
  std::string line_content_base = "";
  std::string public_url = "";  // complaints.public_url
  int dispatch_interval_seconds = 10;  // the background outbox workers' period
};

// A logged-in browser: the session cookie and the CSRF token that writes must echo.
struct BrowserSession {
  std::string cookie;  // "ecotown_session=..."
  std::string csrf_token;
};

class TestServer {
 public:
  // Opens a fresh database, seeds it and starts serving. Fails the calling test (ADD_FAILURE)
  // and returns nullptr when something does not start. The caller checks that PostgreSQL is
  // configured before asking for it.
  static std::unique_ptr<TestServer> Start(const TestServerOptions& options = {});
  ~TestServer();

  uint16_t port() const { return running_->port(); }
  app::Runtime& runtime() { return *runtime_; }
  app::RunningServer& server() { return *running_; }

  // Seeded organisations and users by code / username (see test_server.cc for the world).
  int64_t org_id(const std::string& code) const { return org_ids_.at(code); }
  int64_t user_id(const std::string& username) const { return user_ids_.at(username); }

  // A new client for this server (one keep-alive connection, generous timeouts).
  std::unique_ptr<httplib::Client> NewClient() const;

  // Logs in through the API; fails the test (and returns an empty session) unless it is 200.
  BrowserSession Login(const std::string& username, const std::string& password = kTestPassword);

 private:
  TestServer() = default;
  bool Seed();

  std::unique_ptr<app::Runtime> runtime_;
  std::unique_ptr<app::RunningServer> running_;
  std::map<std::string, int64_t> org_ids_;
  std::map<std::string, int64_t> user_ids_;
};

// Request headers for a cookie-authenticated browser call (with its CSRF token for writes).
httplib::Headers CookieHeaders(const BrowserSession& session, bool with_csrf = true);
httplib::Headers BearerHeaders(const std::string& token);

// The body as JSON; a discarded value when it is not JSON.
nlohmann::json JsonOf(const httplib::Result& result);

// A gzip body inflated (a Content-Encoding: gzip answer read with set_decompress(false));
// fails the test and returns what it got when the bytes are not one whole gzip stream.
std::string Gunzip(const std::string& packed);

// One plain TCP connection to the server, for tests that need to see the wire.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);

  struct Response {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
  };
  // Reads one response (Content-Length framed); nullopt when the connection closed first or
  // nothing arrived within the timeout.
  // An answer to HEAD has no body whatever its Content-Length says: pass head_request = true.
  std::optional<Response> ReadResponse(int timeout_ms = 5000, bool head_request = false);
  // True when the server closed the connection (EOF or reset) within the timeout; whatever it
  // still sends before that is discarded.
  bool ClosedByServer(int timeout_ms = 5000);
  // Reads until the received text (after any response already read) contains needle; returns
  // everything received up to and including it, or nullopt on timeout or close.
  std::optional<std::string> ReadUntil(const std::string& needle, int timeout_ms = 5000);

 private:
  bool Fill(int timeout_ms);  // reads more into buffer_; false on EOF, error or timeout

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace ecotown::testing
