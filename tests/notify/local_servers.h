// Receivers that the notify tests run on 127.0.0.1: a small HTTP/1.1 server that records each
// request and answers with scripted statuses (webhooks, the LINE API), and an SMTP sink that
// speaks enough ESMTP for libcurl (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT) and records the
// transaction. Plain POSIX sockets, one thread each; everything is recorded byte for byte.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ecotown::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string raw;  // the request as received
};

class HttpReceiver {
 public:
  HttpReceiver();
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/") const;

  // Answers, in order, for the next requests; when none is queued the answer is 200 "{}".
  void QueueAnswer(int status, std::string body = "{}");
  // Holds every answer this long (a timeout test).
  void SetDelay(std::chrono::milliseconds delay);

  // Waits until at least n requests arrived (or the timeout), then returns them all.
  std::vector<ReceivedRequest> WaitFor(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  std::vector<ReceivedRequest> Requests() const;

 private:
  void Serve();
  void Handle(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<int, std::string>> answers_;  // guarded by mu_
  std::vector<ReceivedRequest> requests_;            // guarded by mu_
  std::chrono::milliseconds delay_{0};               // guarded by mu_
  bool stopping_ = false;                            // guarded by mu_
};

struct ReceivedMail {
  std::string ehlo;
  std::optional<std::string> auth_user;
  std::optional<std::string> auth_password;
  std::string mail_from;             // the MAIL FROM address, e.g. "<a@b.org>"
  std::string mail_params;           // what follows it, e.g. "SIZE=637"
  std::vector<std::string> rcpt_to;  // RCPT TO arguments
  std::string data;                  // the DATA payload, CRLF lines, without the final ".\r\n"
  std::string transcript;            // every command line the client sent up to DATA
};

class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const;  // smtp://127.0.0.1:PORT

  // Replies with this code to RCPT TO (e.g. 550 for an unknown mailbox); 0: accept.
  void RejectRecipientsWith(int code);

  std::vector<ReceivedMail> WaitFor(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  void Serve();
  void Handle(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedMail> mails_;  // guarded by mu_
  int reject_rcpt_ = 0;              // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
};

// RFC 4648 base64 decoding (skips CR and LF); empty on malformed input.
std::string DecodeBase64(const std::string& text);

}  // namespace ecotown::testing
