#include "http/server.h"

#include <sodium.h>

#include <atomic>
#include <cstdio>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/gzip.h"
#include "http/worker_pool.h"

namespace ecotown::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string NewRequestId() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

class Session;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(ServerOptions opts, Handler h, RequestObserver obs)
      : options(std::move(opts)), handler(std::move(h)), observer(std::move(obs)), acceptor(ioc),
        workers(static_cast<size_t>(std::max(1, options.worker_threads))) {}

  ServerOptions options;
  Handler handler;
  RequestObserver observer;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  WorkerPool workers;  // the request handlers' threads, most recently idle first
  std::atomic<bool> stopping{false};
  std::atomic<bool> destroying{false};  // ~Server is draining the handlers that are left
  std::atomic<int> in_flight{0};

  mutable std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by sessions_mu

  void Accept();
  void Register(const std::shared_ptr<Session>& s);
  void Unregister(Session* s);
  void BeginStop();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Server::Impl> server)
      : stream_(std::move(socket)), server_(std::move(server)), timer_(stream_.get_executor()) {}

  ~Session() { server_->Unregister(this); }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }

  // Called by ~Server once no I/O thread runs any more: close at once, so that every pending
  // operation completes (aborted) and releases what it holds.
  void CloseNow() { Close(); }

  // Called on stop: an idle connection closes now; a busy one closes after its response.
  void Interrupt() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_ || self->streaming_) self->Close();
    });
  }

 private:
  void DoRead() {
    if (server_->stopping) return Close();
    idle_ = true;
    parser_.emplace();
    parser_->body_limit(server_->options.body_limit);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(first_request_ ? server_->options.read_timeout : server_->options.idle_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    idle_ = false;
    first_request_ = false;
    if (ec == bhttp::error::body_limit) {
      return Reject(413, "too_large", "request body is larger than the limit");
    }
    if (ec == bhttp::error::header_limit) {
      return Reject(431, "invalid", "request headers are too large");
    }
    if (ec) {
      if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout && ec != asio::error::operation_aborted &&
          ec != asio::error::connection_reset && ec != asio::error::eof) {
        // A malformed request line or headers: answer 400 and close.
        return Reject(400, "invalid", "malformed HTTP request");
      }
      return Close();
    }
    auto& message = parser_->get();
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const auto qpos = request.target.find('?');
    const std::string raw_path = request.target.substr(0, qpos);
    if (!PercentDecode(raw_path, request.path, false)) {
      return Reject(400, "invalid", "malformed percent-encoding in the path");
    }
    if (qpos != std::string::npos) request.query = ParseQuery(std::string_view(request.target).substr(qpos + 1));
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request.body = std::move(message.body());
    beast::error_code ignored;
    const auto endpoint = stream_.socket().remote_endpoint(ignored);
    request.remote_ip = ignored ? "" : endpoint.address().to_string();
    if (server_->options.trust_proxy) {
      if (auto forwarded = request.Header("x-forwarded-for")) {
        // The trusted proxy appends the address it saw; earlier entries come from the client
        // and can be forged, so only the last one counts.
        const auto comma = forwarded->rfind(',');
        request.remote_ip = comma == std::string::npos ? *forwarded : forwarded->substr(comma + 1);
        while (!request.remote_ip.empty() && request.remote_ip.front() == ' ') request.remote_ip.erase(0, 1);
      }
      if (auto proto = request.Header("x-forwarded-proto")) request.secure = *proto == "https";
    }
    auto supplied = request.Header("x-request-id");
    request.request_id = (supplied && IsSaneRequestId(*supplied)) ? *supplied : NewRequestId();
    keep_alive_ = message.keep_alive();
    accepts_gzip_ = AcceptsGzip(request);
    version_ = message.version();
    head_ = message.method() == bhttp::verb::head;

    ++server_->in_flight;
    const auto started = Clock::now();
    server_->workers.Post([self = shared_from_this(), request = std::move(request), started]() mutable {
      Response response;
      try {
        response = self->server_->handler(request);
      } catch (const std::exception& e) {
        response = Response::Json(500, R"({"error":{"code":"internal","message":"internal error"}})");
      }
      const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
      if (self->server_->observer) self->server_->observer(request, response, elapsed);
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response), id = request.request_id]() mutable {
                   self->Write(std::move(response), id);
                 });
    });
  }

  void Reject(int status, const char* code, const char* message) {
    keep_alive_ = false;
    head_ = false;           // not the previous request's: this one was not understood
    request_unread_ = true;  // the client may still be sending it; see LingeringClose
    ++server_->in_flight;
    Response response =
        Response::Json(status, std::string(R"({"error":{"code":")") + code + R"(","message":")" + message + R"("}})");
    const std::string id = NewRequestId();
    if (server_->observer) {
      // Refused before a handler saw it, but still an answered request: log and count it too.
      Request request;
      if (parser_) {  // whatever of the request line was understood
        request.method = std::string(parser_->get().method_string());
        request.target = std::string(parser_->get().target());
      }
      beast::error_code ignored;
      const auto endpoint = stream_.socket().remote_endpoint(ignored);
      request.remote_ip = ignored ? "" : endpoint.address().to_string();
      request.request_id = id;
      server_->observer(request, response, std::chrono::microseconds(0));
    }
    Write(std::move(response), id);
  }

  void Write(Response response, const std::string& request_id) {
    // HEAD of an event stream gets its headers only, not a stream.
    if (response.events && response.status == 200 && !head_) return StartEvents(std::move(response), request_id);
    if (response.stream && !head_) return StartStream(std::move(response), request_id);
    if (response.shared_body) {
      // A shared answer (a cached list) is sent from its buffer, which the write keeps alive;
      // compressed when it has a gzip form and the client accepts it.
      if (response.shared_gzip_body) {
        response.AddHeader("Vary", "Accept-Encoding");
        if (accepts_gzip_) {
          response.AddHeader("Content-Encoding", "gzip");
          response.shared_body = response.shared_gzip_body;
        }
      }
      auto res = std::make_shared<bhttp::response<bhttp::span_body<const char>>>();
      res->body() = {response.shared_body->data(), response.shared_body->size()};
      return Send(std::move(res), response, request_id);
    }
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->body() = std::move(response.body);
    Send(std::move(res), response, request_id);
  }

  // Status line and headers of an answer; true when the connection stays open after it.
  template <class Body>
  bool SetHead(bhttp::response<Body>& res, const Response& response, const std::string& request_id) {
    res.version(version_);
    res.result(static_cast<unsigned>(response.status));
    res.set(bhttp::field::server, "ecotown");
    res.set(bhttp::field::content_type, response.content_type);
    res.set("X-Request-Id", request_id);
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : response.headers) res.insert(name, value);
    const bool keep = keep_alive_ && !server_->stopping;
    res.keep_alive(keep);
    return keep;
  }

  template <class Body>
  void Send(std::shared_ptr<bhttp::response<Body>> res, const Response& response, const std::string& request_id) {
    const bool keep = SetHead(*res, response, request_id);
    res->prepare_payload();
    if (head_) res->body() = {};
    stream_.expires_after(server_->options.read_timeout);
    bhttp::async_write(
        stream_, *res,
        [self = shared_from_this(), res, shared = response.shared_body, keep](beast::error_code ec, size_t) {
          --self->server_->in_flight;
          if (ec) return self->Close();
          if (!keep) return self->request_unread_ ? self->LingeringClose() : self->Close();
          self->DoRead();
        });
  }

  // A streamed body (Response::stream): the head now, then each piece the source produces on a
  // worker thread, written before the next is asked for, so at most one piece is held at a time.
  // HTTP/1.1 gets chunked transfer coding and keeps the connection; HTTP/1.0 gets the bytes until
  // the connection closes. The request stays in flight until the last piece is written.
  void StartStream(Response response, const std::string& request_id) {
    body_stream_ = std::move(response.stream);
    chunked_ = version_ >= 11;
    if (!chunked_) keep_alive_ = false;
    auto res = std::make_shared<bhttp::response<bhttp::empty_body>>();
    stream_keep_ = SetHead(*res, response, request_id);
    if (chunked_) res->chunked(true);
    auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*res);
    stream_.expires_after(server_->options.read_timeout);
    bhttp::async_write_header(stream_, *serializer,
                              [self = shared_from_this(), res, serializer](beast::error_code ec, size_t) {
                                if (ec) return self->EndStream(false);
                                self->ProducePiece();
                              });
  }

  void ProducePiece() {
    server_->workers.Post([self = shared_from_this()] {
      constexpr size_t kPieceBytes = 64 * 1024;  // fewer, larger writes than one per source call
      std::string piece;
      bool more = true;
      bool failed = false;
      try {
        while (more && piece.size() < kPieceBytes) more = self->body_stream_->Next(piece);
        failed = !more && self->body_stream_->Failed();
      } catch (const std::exception&) {
        more = false;
        failed = true;
      }
      auto framed = std::make_shared<std::string>();
      if (self->chunked_ && !piece.empty()) {
        char size[20];
        const int n = std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
        framed->reserve(piece.size() + static_cast<size_t>(n) + 7);
        framed->append(size, static_cast<size_t>(n)).append(piece).append("\r\n");
      } else {
        *framed = std::move(piece);
      }
      if (!more && !failed && self->chunked_) framed->append("0\r\n\r\n");  // the last chunk
      asio::post(self->stream_.get_executor(), [self, framed, more, failed] { self->WritePiece(framed, more, failed); });
    });
  }

  void WritePiece(std::shared_ptr<std::string> framed, bool more, bool failed) {
    if (failed || (more && server_->stopping)) return EndStream(false);
    stream_.expires_after(server_->options.read_timeout);
    asio::async_write(stream_, asio::buffer(*framed), [self = shared_from_this(), framed, more](beast::error_code ec, size_t) {
      if (ec) return self->EndStream(false);
      if (more) return self->ProducePiece();
      self->EndStream(self->chunked_ && self->stream_keep_);
    });
  }

  void EndStream(bool keep) {
    body_stream_.reset();
    --server_->in_flight;
    if (!keep) return Close();
    DoRead();
  }

  // text/event-stream: headers now, then whatever the source has, polled on a timer.
  void StartEvents(Response response, const std::string& request_id) {
    events_ = std::move(response.events);
    streaming_ = true;
    --server_->in_flight;  // a long-lived stream is not an in-flight request for shutdown
    std::string head = "HTTP/1.1 200 OK\r\nServer: ecotown\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                       "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\nConnection: close\r\nX-Request-Id: " +
                       request_id + "\r\n\r\n: connected\n\n";
    SendEventText(std::move(head));
  }

  void SendEventText(std::string text) {
    auto buffer = std::make_shared<std::string>(std::move(text));
    stream_.expires_never();
    asio::async_write(stream_, asio::buffer(*buffer), [self = shared_from_this(), buffer](beast::error_code ec, size_t) {
      if (ec || self->server_->stopping) return self->Close();
      self->ScheduleEventPoll();
    });
  }

  void ScheduleEventPoll() {
    timer_.expires_after(std::chrono::milliseconds(250));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->server_->stopping) return self->Close();
      std::optional<std::string> text = self->events_->Poll();
      if (!text) return self->Close();
      const auto now = Clock::now();
      if (text->empty() && now - self->last_event_write_ > std::chrono::seconds(15)) *text = ": keep-alive\n\n";
      if (text->empty()) return self->ScheduleEventPoll();
      self->last_event_write_ = now;
      self->SendEventText(std::move(*text));
    });
  }

  // After an answer sent before the request was read to its end (413, 400) the client may still
  // be sending. Closing at once would make our TCP stack answer that data with a reset, which can
  // destroy the answer before a client that sends its whole body first gets to read it. So close
  // in stages (RFC 9112, section 9.6): stop sending, read and discard for a while, then close.
  void LingeringClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || server_->stopping) return Close();
    idle_ = true;  // nothing left to answer: Stop() may close it at once
    stream_.expires_after(std::chrono::seconds(5));
    Drain(std::make_shared<std::string>(16 * 1024, '\0'), 0);
  }

  void Drain(std::shared_ptr<std::string> sink, size_t drained) {
    constexpr size_t kMaxDrained = 64 * 1024 * 1024;
    // Until EOF (the client has read the answer and closed), an error, the deadline or the cap.
    stream_.async_read_some(asio::buffer(*sink),
                            [self = shared_from_this(), sink, drained](beast::error_code ec, size_t n) {
                              if (ec || drained + n > kMaxDrained) return self->Close();
                              self->Drain(sink, drained + n);
                            });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::shared_ptr<Server::Impl> server_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<EventSource> events_;
  std::shared_ptr<BodyStream> body_stream_;  // the streamed answer being sent, if any
  bool chunked_ = false;                      // body_stream_ goes out in chunks (HTTP/1.1)
  bool stream_keep_ = false;                  // the connection stays open after body_stream_
  Clock::time_point last_event_write_ = Clock::now();
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool accepts_gzip_ = false;  // the current request's Accept-Encoding allows gzip
  bool head_ = false;
  bool idle_ = false;
  bool streaming_ = false;
  bool first_request_ = true;
  bool request_unread_ = false;  // an answer went out before the request was fully read
  bool closed_ = false;
};

void Server::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopping) return;
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(socket), self);
      self->Register(session);
      session->Start();
    }
    self->Accept();
  });
}

void Server::Impl::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(sessions_mu);
  sessions.emplace(s.get(), s);
}

void Server::Impl::Unregister(Session* s) {
  std::lock_guard lock(sessions_mu);
  sessions.erase(s);
}

void Server::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu);
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Interrupt();
  // Wait for in-flight requests to be answered, then let the I/O threads return.
  auto deadline = Clock::now() + options.shutdown_grace;
  auto timer = std::make_shared<asio::steady_timer>(ioc);
  auto check = std::make_shared<std::function<void()>>();
  *check = [this, timer, check, deadline] {
    size_t open = 0;
    {
      std::lock_guard lock(sessions_mu);
      open = sessions.size();
    }
    if (destroying) {
      *check = nullptr;  // ~Server is draining: just let go
      return;
    }
    if ((in_flight == 0 && open == 0) || Clock::now() >= deadline) {
      ioc.stop();
      *check = nullptr;  // break the self-reference
      return;
    }
    timer->expires_after(std::chrono::milliseconds(20));
    timer->async_wait([check](beast::error_code) {
      if (*check) (*check)();
    });
  };
  asio::post(ioc, [check] { (*check)(); });
}

Server::Server(ServerOptions options, Handler handler, RequestObserver observer)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(handler), std::move(observer))) {}

Server::~Server() {
  Impl& impl = *impl_;
  impl.stopping = true;
  impl.ioc.stop();
  impl.workers.Join();
  // Pending handlers in the stopped io_context hold the sessions, and the sessions hold Impl: a
  // cycle that would leak both. Nothing runs now, so close everything from this thread and run
  // the io_context once more until the aborted handlers have all completed and let go.
  impl.destroying = true;
  beast::error_code ignored;
  impl.acceptor.close(ignored);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(impl.sessions_mu);
    for (auto& [ptr, weak] : impl.sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->CloseNow();
  live.clear();
  impl.ioc.restart();
  impl.ioc.run();
}

Status Server::Listen() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Status::Invalid("listen address " + impl_->options.host + " is not an IP address", "listen");
  const tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + impl_->options.host + ":" +
                               std::to_string(impl_->options.port) + ": " + ec.message());
  }
  return Status::Ok();
}

uint16_t Server::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void Server::Run() {
  impl_->Accept();
  std::vector<std::thread> threads;
  const int extra = std::max(0, impl_->options.io_threads - 1);
  for (int i = 0; i < extra; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void Server::Stop() {
  asio::post(impl_->ioc, [impl = impl_] { impl->BeginStop(); });
}

size_t Server::open_connections() const {
  std::lock_guard lock(impl_->sessions_mu);
  return impl_->sessions.size();
}

}  // namespace ecotown::http
