#include "notify/local_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace ecotown::testing {
namespace {

using Clock = std::chrono::steady_clock;

// A listening socket on 127.0.0.1 and a free port.
int ListenLoopback(uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

// Waits up to timeout_ms for fd to become readable.
bool Readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

// Reads what is available into buffer; false on EOF, error or 10 s of silence.
bool ReadSome(int fd, std::string& buffer) {
  if (!Readable(fd, 10000)) return false;
  char chunk[4096];
  const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer.append(chunk, static_cast<size_t>(n));
  return true;
}

void SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Accepts connections until stopping() and hands each to handle, one at a time.
template <typename Stopping, typename Handle>
void AcceptLoop(int listen_fd, Stopping stopping, Handle handle) {
  while (!stopping()) {
    if (!Readable(listen_fd, 50)) continue;
    const int fd = ::accept(listen_fd, nullptr, nullptr);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

}  // namespace

std::string DecodeBase64(const std::string& text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    if (c == '\r' || c == '\n') continue;
    if (c == '=') break;
    const size_t value = kAlphabet.find(c);
    if (value == std::string::npos) return {};
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// ---- HttpReceiver ------------------------------------------------------------------------------

HttpReceiver::HttpReceiver() {
  listen_fd_ = ListenLoopback(port_);
  thread_ = std::thread([this] { Serve(); });
}

HttpReceiver::~HttpReceiver() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::string HttpReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpReceiver::QueueAnswer(int status, std::string body) {
  std::lock_guard lock(mu_);
  answers_.emplace_back(status, std::move(body));
}

void HttpReceiver::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delay_ = delay;
}

std::vector<ReceivedRequest> HttpReceiver::WaitFor(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  return requests_;
}

std::vector<ReceivedRequest> HttpReceiver::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void HttpReceiver::Serve() {
  AcceptLoop(
      listen_fd_,
      [this] {
        std::lock_guard lock(mu_);
        return stopping_;
      },
      [this](int fd) { Handle(fd); });
}

void HttpReceiver::Handle(int fd) {
  std::string buffer;
  size_t header_end = std::string::npos;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadSome(fd, buffer)) return;
  }
  ReceivedRequest request;
  const std::string head = buffer.substr(0, header_end);
  size_t line_end = head.find("\r\n");
  const std::string request_line = head.substr(0, line_end);
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = request_line.find(' ', sp1 + 1);
  request.method = request_line.substr(0, sp1);
  request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    const std::string line = head.substr(pos, end - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      request.headers[Lower(line.substr(0, colon))] = value;
    }
    pos = end + 2;
  }
  size_t length = 0;
  if (auto it = request.headers.find("content-length"); it != request.headers.end()) length = std::stoul(it->second);
  while (buffer.size() < header_end + 4 + length) {
    if (!ReadSome(fd, buffer)) break;
  }
  request.body = buffer.substr(header_end + 4, length);
  request.raw = buffer;

  int status = 200;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (!answers_.empty()) {
      status = answers_.front().first;
      body = answers_.front().second;
      answers_.pop_front();
    }
    delay = delay_;
  }
  cv_.notify_all();
  const auto until = Clock::now() + delay;
  while (Clock::now() < until) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  SendAll(fd, "HTTP/1.1 " + std::to_string(status) + " Scripted\r\nContent-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

// ---- SmtpSink ----------------------------------------------------------------------------------

SmtpSink::SmtpSink() {
  listen_fd_ = ListenLoopback(port_);
  thread_ = std::thread([this] { Serve(); });
}

SmtpSink::~SmtpSink() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::string SmtpSink::url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

void SmtpSink::RejectRecipientsWith(int code) {
  std::lock_guard lock(mu_);
  reject_rcpt_ = code;
}

std::vector<ReceivedMail> SmtpSink::WaitFor(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return mails_.size() >= n; });
  return mails_;
}

void SmtpSink::Serve() {
  AcceptLoop(
      listen_fd_,
      [this] {
        std::lock_guard lock(mu_);
        return stopping_;
      },
      [this](int fd) { Handle(fd); });
}

void SmtpSink::Handle(int fd) {
  std::string buffer;
  auto next_line = [&](std::string& line) {
    size_t end;
    while ((end = buffer.find("\r\n")) == std::string::npos) {
      if (!ReadSome(fd, buffer)) return false;
    }
    line = buffer.substr(0, end);
    buffer.erase(0, end + 2);
    return true;
  };
  ReceivedMail mail;
  SendAll(fd, "220 sink.test ESMTP ready\r\n");
  std::string line;
  while (next_line(line)) {
    mail.transcript += line + "\r\n";
    const std::string upper = [&] {
      std::string u = line.substr(0, std::min<size_t>(line.size(), 10));
      std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::toupper(c); });
      return u;
    }();
    if (upper.starts_with("EHLO") || upper.starts_with("HELO")) {
      mail.ehlo = line.size() > 5 ? line.substr(5) : "";
      SendAll(fd, "250-sink.test\r\n250-AUTH PLAIN\r\n250 SIZE 10485760\r\n");
    } else if (upper.starts_with("AUTH PLAIN")) {
      std::string response = line.size() > 11 ? line.substr(11) : "";
      if (response.empty()) {
        SendAll(fd, "334 \r\n");
        if (!next_line(response)) return;
        mail.transcript += response + "\r\n";
      }
      const std::string decoded = DecodeBase64(response);  // authzid \0 user \0 password
      const size_t first = decoded.find('\0');
      const size_t second = decoded.find('\0', first + 1);
      if (first == std::string::npos || second == std::string::npos) {
        SendAll(fd, "535 5.7.8 malformed\r\n");
        continue;
      }
      mail.auth_user = decoded.substr(first + 1, second - first - 1);
      mail.auth_password = decoded.substr(second + 1);
      SendAll(fd, "235 2.7.0 accepted\r\n");
    } else if (upper.starts_with("MAIL FROM:")) {
      const std::string argument = line.substr(10);
      const size_t space = argument.find(' ');
      mail.mail_from = argument.substr(0, space);
      mail.mail_params = space == std::string::npos ? "" : argument.substr(space + 1);
      SendAll(fd, "250 2.1.0 ok\r\n");
    } else if (upper.starts_with("RCPT TO:")) {
      int reject;
      {
        std::lock_guard lock(mu_);
        reject = reject_rcpt_;
      }
      if (reject) {
        SendAll(fd, std::to_string(reject) + " 5.1.1 no such mailbox\r\n");
      } else {
        mail.rcpt_to.push_back(line.substr(8));
        SendAll(fd, "250 2.1.5 ok\r\n");
      }
    } else if (upper.starts_with("DATA")) {
      SendAll(fd, "354 end with <CRLF>.<CRLF>\r\n");
      size_t end;
      // The payload ends at a line holding a single dot; data keeps its final CRLF.
      while ((end = buffer.find("\r\n.\r\n")) == std::string::npos && !buffer.starts_with(".\r\n")) {
        if (!ReadSome(fd, buffer)) return;
      }
      if (buffer.starts_with(".\r\n")) {
        mail.data.clear();
        buffer.erase(0, 3);
      } else {
        mail.data = buffer.substr(0, end + 2);
        buffer.erase(0, end + 5);
      }
      {
        std::lock_guard lock(mu_);
        mails_.push_back(mail);
      }
      cv_.notify_all();
      SendAll(fd, "250 2.0.0 queued\r\n");
    } else if (upper.starts_with("QUIT")) {
      SendAll(fd, "221 2.0.0 bye\r\n");
      return;
    } else if (upper.starts_with("RSET") || upper.starts_with("NOOP")) {
      SendAll(fd, "250 2.0.0 ok\r\n");
    } else {
      SendAll(fd, "502 5.5.2 not implemented\r\n");
    }
  }
}

}  // namespace ecotown::testing
