#include "notify/email.h"

#include <curl/curl.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/thai_calendar.h"
#include "notify/http_post.h"

namespace ecotown::notify {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// "=?UTF-8?B?" + base64 + "?=" <= 75 characters: 60 base64 characters carry 45 bytes.
constexpr size_t kMaxBytesPerWord = 45;

std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += kBase64[(n >> 6) & 63];
    out += kBase64[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += kBase64[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xe) return 3;
  if ((lead >> 3) == 0x1e) return 4;
  return 1;  // not a lead byte: keep it alone rather than loop
}

bool NeedsEncoding(std::string_view text) {
  if (text.find("=?") != std::string_view::npos || text.size() > 70) return true;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return true;
  }
  return false;
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t room = size * count;
  const size_t left = upload->data->size() - upload->offset;
  const size_t n = std::min(room, left);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

std::string EncodeHeaderText(std::string_view text) {
  if (!NeedsEncoding(text)) return std::string(text);
  std::string out;
  std::string chunk;
  auto flush = [&] {
    if (chunk.empty()) return;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(chunk) + "?=";
    chunk.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const size_t len = std::min(Utf8Length(static_cast<unsigned char>(text[i])), text.size() - i);
    if (chunk.size() + len > kMaxBytesPerWord) flush();
    chunk.append(text.substr(i, len));
    i += len;
  }
  flush();
  return out;
}

std::string Base64Lines(std::string_view bytes) {
  const std::string encoded = Base64(bytes);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

std::string FormatEmailDate(int64_t unix_seconds) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t local = unix_seconds + core::kBangkokUtcOffsetSeconds;
  const int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  const int64_t seconds = local - days * 86400;
  const core::CivilDate date = core::CivilFromDays(days);
  const int weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %d %s %d %02d:%02d:%02d +0700", kDays[static_cast<size_t>(weekday)],
                date.day, kMonths[static_cast<size_t>(date.month - 1)], date.year, static_cast<int>(seconds / 3600),
                static_cast<int>(seconds % 3600 / 60), static_cast<int>(seconds % 60));
  return buffer;
}

std::string BuildEmail(const EmailMessage& message) {
  std::string body = message.body;
  std::string crlf_body;
  for (const char c : body) {
    if (c == '\n')
      crlf_body += "\r\n";
    else if (c != '\r')
      crlf_body += c;
  }
  std::string out;
  out += "Date: " + FormatEmailDate(message.date) + "\r\n";
  out += "From: <" + message.from + ">\r\n";
  out += "To: <" + message.to + ">\r\n";
  out += "Subject: " + EncodeHeaderText(message.subject) + "\r\n";
  out += "Message-ID: <" + message.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  out += Base64Lines(crlf_body);
  return out;
}

Status SendEmail(const SmtpSettings& settings, const EmailMessage& message) {
  if (settings.url.empty()) return Status::Invalid("e-mail is not configured (alerts.smtp_url)", "smtp_url");
  const bool implicit_tls = settings.url.starts_with("smtps://");
  if (!implicit_tls && !settings.url.starts_with("smtp://")) {
    return Status::Invalid("alerts.smtp_url must start with smtp:// or smtps://", "smtp_url");
  }
  if (settings.from.empty()) return Status::Invalid("alerts.smtp_from is not set", "smtp_from");
  InitCurl();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("cannot create a curl handle");
  const std::string data = BuildEmail(message);
  Upload upload{&data, 0};
  std::unique_ptr<curl_slist, SlistDeleter> recipients(curl_slist_append(nullptr, ("<" + message.to + ">").c_str()));
  const std::string mail_from = "<" + settings.from + ">";
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, settings.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(settings.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings.timeout_seconds));
  curl_easy_setopt(
      h, CURLOPT_USE_SSL,
      implicit_tls || settings.require_tls ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_TRY));
  if (!settings.user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, settings.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, settings.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(h);
  if (code == CURLE_OK) return Status::Ok();
  long reply = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
  std::string detail = error[0] ? error : curl_easy_strerror(code);
  if (reply > 0) detail += " (SMTP " + std::to_string(reply) + ")";
  // Permanent: the server said no for good (5xx), the credentials or TLS setup are wrong.
  if (reply >= 500 || code == CURLE_LOGIN_DENIED || code == CURLE_USE_SSL_FAILED || code == CURLE_URL_MALFORMAT ||
      code == CURLE_UNSUPPORTED_PROTOCOL) {
    return Status::Invalid(detail);
  }
  return Status::Unavailable(detail);
}

}  // namespace ecotown::notify
