// E-mail notices: an RFC 5322 message (UTF-8 Thai subject as RFC 2047 encoded words, a
// text/plain; charset=UTF-8 body in base64) sent through an SMTP server by libcurl.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ecotown::notify {

struct SmtpSettings {
  std::string url;   // smtp://host:587 (STARTTLS) or smtps://host:465; empty: e-mail is off
  std::string from;  // envelope and From: address
  std::string user;  // empty: no AUTH
  std::string password;
  // smtp:// must upgrade with STARTTLS before anything is sent. Only a local relay that cannot
  // speak TLS should turn this off.
  bool require_tls = true;
  int timeout_seconds = 10;
};

// The header value for a UTF-8 text: ASCII without specials stays as it is; anything else
// becomes "=?UTF-8?B?...?=" words of at most 75 characters, folded with CRLF SP, never splitting
// a UTF-8 character between words.
std::string EncodeHeaderText(std::string_view text);

// Base64 (RFC 4648) in lines of 76 characters ending CRLF (RFC 2045).
std::string Base64Lines(std::string_view bytes);

// RFC 5322 date in Bangkok time: "Sun, 15 Jun 2025 14:00:00 +0700".
std::string FormatEmailDate(int64_t unix_seconds);

struct EmailMessage {
  std::string from;
  std::string to;
  std::string subject;  // UTF-8
  std::string body;     // UTF-8, lines separated by "\n"
  int64_t date = 0;
  std::string message_id;  // without angle brackets, e.g. "<uuid>@ecotown"
};

// The complete message with CRLF line ends, ready for SMTP DATA.
std::string BuildEmail(const EmailMessage& message);

// Sends through settings.url. Invalid for settings that cannot work (no URL, no from, a URL that
// is not smtp:// or smtps://); Unavailable for connection failures, timeouts and 4xx replies;
// Invalid for permanent (5xx) SMTP replies such as an unknown recipient.
Status SendEmail(const SmtpSettings& settings, const EmailMessage& message);

}  // namespace ecotown::notify
