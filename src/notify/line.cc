#include "notify/line.h"

#include <nlohmann/json.hpp>

#include "core/utf8.h"
#include "notify/http_post.h"

namespace ecotown::notify {
namespace {

// The first max_chars code points of valid UTF-8 text, with "…" when cut.
std::string CutText(std::string_view text, size_t max_chars) {
  if (core::CodePointCount(text) <= max_chars) return std::string(text);
  size_t chars = 0;
  size_t i = 0;
  while (i < text.size() && chars < max_chars - 1) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : 4;
    i += len;
    ++chars;
  }
  return std::string(text.substr(0, i)) + "…";
}

}  // namespace

std::string LinePushBody(std::string_view to, std::string_view text) {
  nlohmann::json body = {
      {"to", to},
      {"messages", nlohmann::json::array({{{"type", "text"}, {"text", CutText(text, kLineMaxTextChars)}}})}};
  return body.dump();
}

Status SendLinePush(const LineSettings& settings, std::string_view to, std::string_view text,
                    std::string_view retry_key) {
  if (settings.channel_token.empty()) {
    return Status::Invalid("LINE is not configured (alerts.line_channel_token)", "line_channel_token");
  }
  std::string base = settings.api_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  HttpPost request;
  request.url = base + "/v2/bot/message/push";
  request.headers = {{"Authorization", "Bearer " + settings.channel_token},
                     {"X-Line-Retry-Key", std::string(retry_key)}};
  request.body = LinePushBody(to, text);
  request.timeout_seconds = settings.timeout_seconds;
  ASSIGN_OR_RETURN(const HttpAnswer answer, Post(request));
  if (answer.status == 200 || answer.status == 409) return Status::Ok();
  const std::string detail = "LINE answered " + std::to_string(answer.status) + ": " + BriefBody(answer.body);
  if (IsTransientHttpStatus(answer.status)) return Status::Unavailable(detail);
  return Status::Invalid(detail);
}

}  // namespace ecotown::notify
