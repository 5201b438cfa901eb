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

std::string WithoutTrailingSlash(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Status StatusOfAnswer(const HttpAnswer& answer) {
  if (answer.status == 200) return Status::Ok();
  const std::string detail = "LINE answered " + std::to_string(answer.status) + ": " + BriefBody(answer.body);
  if (IsTransientHttpStatus(answer.status)) return Status::Unavailable(detail);
  return Status::Invalid(detail);
}

// The "messages" array of a reply or push: text messages with their quick reply buttons.
nlohmann::json MessagesJson(const std::vector<complaints::LineMessage>& messages) {
  nlohmann::json out = nlohmann::json::array();
  // LINE takes at most 5 messages per reply and 13 quick reply buttons per message.
  for (size_t i = 0; i < messages.size() && i < 5; ++i) {
    const auto& m = messages[i];
    nlohmann::json message = {{"type", "text"}, {"text", CutText(m.text, kLineMaxTextChars)}};
    nlohmann::json items = nlohmann::json::array();
    for (const auto& button : m.quick_replies) {
      if (items.size() == 13) break;
      items.push_back({{"type", "action"},
                       {"action",
                        {{"type", "postback"},
                         {"label", CutText(button.label, 20)},
                         {"data", button.data},
                         {"displayText", button.label}}}});
    }
    if (m.ask_location && items.size() < 13) {
      items.push_back({{"type", "action"}, {"action", {{"type", "location"}, {"label", "ส่งตำแหน่ง"}}}});
    }
    if (!items.empty()) message["quickReply"] = {{"items", items}};
    out.push_back(std::move(message));
  }
  return out;
}

// POST {base}/v2/bot/message/push: Ok on 200, and on 409 (this retry key was accepted before).
Status PostPush(const std::string& base, std::string_view access_token, std::string body, std::string_view retry_key,
                int timeout_seconds) {
  HttpPost request;
  request.url = base + "/v2/bot/message/push";
  request.headers = {{"Authorization", "Bearer " + std::string(access_token)},
                     {"X-Line-Retry-Key", std::string(retry_key)}};
  request.body = std::move(body);
  request.timeout_seconds = timeout_seconds;
  ASSIGN_OR_RETURN(const HttpAnswer answer, Post(request));
  if (answer.status == 409) return Status::Ok();
  return StatusOfAnswer(answer);
}

}  // namespace

std::string LineReplyBody(std::string_view reply_token, const std::vector<complaints::LineMessage>& messages) {
  return nlohmann::json({{"replyToken", reply_token}, {"messages", MessagesJson(messages)}}).dump();
}

std::string LinePushBody(std::string_view to, const std::vector<complaints::LineMessage>& messages) {
  return nlohmann::json({{"to", to}, {"messages", MessagesJson(messages)}}).dump();
}

LineMessagingApi::LineMessagingApi(std::string api_base, std::string content_base, int timeout_seconds)
    : api_base_(WithoutTrailingSlash(std::move(api_base))),
      content_base_(WithoutTrailingSlash(std::move(content_base))),
      timeout_seconds_(timeout_seconds) {}

Result<complaints::LineReplyOutcome> LineMessagingApi::Reply(std::string_view access_token,
                                                             std::string_view reply_token,
                                                             const std::vector<complaints::LineMessage>& messages) {
  HttpPost request;
  request.url = api_base_ + "/v2/bot/message/reply";
  request.headers = {{"Authorization", "Bearer " + std::string(access_token)}};
  request.body = LineReplyBody(reply_token, messages);
  request.timeout_seconds = timeout_seconds_;
  ASSIGN_OR_RETURN(const HttpAnswer answer, Post(request));
  if (answer.status == 400 &&
      nlohmann::json::parse(answer.body, nullptr, false).value("message", "") == kLineInvalidReplyToken) {
    return complaints::LineReplyOutcome::kTokenRefused;
  }
  RETURN_IF_ERROR(StatusOfAnswer(answer));
  return complaints::LineReplyOutcome::kSent;
}

Status LineMessagingApi::Push(std::string_view access_token, std::string_view to,
                              const std::vector<complaints::LineMessage>& messages, std::string_view retry_key) {
  return PostPush(api_base_, access_token, LinePushBody(to, messages), retry_key, timeout_seconds_);
}

Result<std::string> LineMessagingApi::FetchContent(std::string_view access_token, std::string_view message_id,
                                                   size_t max_bytes) {
  // Message ids are digits; anything else would change the path.
  if (message_id.empty() || message_id.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::Invalid("a LINE message id is digits", "message_id");
  }
  HttpGet request;
  request.url = content_base_ + "/v2/bot/message/" + std::string(message_id) + "/content";
  request.headers = {{"Authorization", "Bearer " + std::string(access_token)}};
  request.timeout_seconds = timeout_seconds_;
  request.max_bytes = max_bytes;
  ASSIGN_OR_RETURN(HttpAnswer answer, Get(request));
  RETURN_IF_ERROR(StatusOfAnswer(answer));
  return std::move(answer.body);
}

std::string LinePushBody(std::string_view to, std::string_view text) {
  return LinePushBody(to, {complaints::LineMessage{std::string(text), {}, false}});
}

Status SendLinePush(const LineSettings& settings, std::string_view to, std::string_view text,
                    std::string_view retry_key) {
  if (settings.channel_token.empty()) {
    return Status::Invalid("LINE is not configured (alerts.line_channel_token)", "line_channel_token");
  }
  return PostPush(WithoutTrailingSlash(settings.api_base), settings.channel_token, LinePushBody(to, text), retry_key,
                  settings.timeout_seconds);
}

}  // namespace ecotown::notify
