// The HTTP/1.1 server (Boost.Beast over Asio).
//
// I/O is asynchronous on a few threads, so thousands of idle keep-alive and server-sent-event
// connections cost only memory; each request's handler runs on a worker pool because handlers
// block on the database. Limits: header size, body size (413), header-read and idle timeouts.
// Stop() is graceful: no new connections, in-flight requests finish and are answered, idle
// connections close, event streams end.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/message.h"

namespace ecotown::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                            // 0 picks a free port (tests)
  size_t body_limit = 8 * 1024 * 1024;             // bytes; larger bodies get 413
  std::chrono::seconds read_timeout{30};           // to receive one whole request
  std::chrono::seconds idle_timeout{75};           // keep-alive connection with no request
  std::chrono::seconds shutdown_grace{10};         // Stop() waits this long for in-flight requests
  int io_threads = 2;
  int worker_threads = 8;                          // concurrent handlers (database work)
  bool trust_proxy = false;                        // honour X-Forwarded-For / X-Forwarded-Proto
};

// Called once per answered request (access log, metrics).
using RequestObserver = std::function<void(const Request&, const Response&, std::chrono::microseconds)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler, RequestObserver observer = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; port() is valid afterwards.
  Status Listen();
  uint16_t port() const;
  // Serves until Stop() completes. Blocks the calling thread.
  void Run();
  // Graceful stop; safe from any thread or a signal handler's strand. Returns at once.
  void Stop();
  // Open connections right now (for /metrics).
  size_t open_connections() const;

  struct Impl;  // defined in server.cc; public so that connection objects there can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace ecotown::http
