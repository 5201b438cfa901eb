#include "notify/webhook.h"

#include <nlohmann/json.hpp>

#include "modules/alerts/alert_json.h"
#include "notify/http_post.h"

namespace ecotown::notify {

std::string WebhookBody(const alerts::Alert& alert) {
  nlohmann::json body = {{"type", std::string("alert.") + alerts::AlertKindName(alert.kind)},
                         {"alert", alerts::AlertToJson(alert)},
                         {"text", {{"th", alert.message_th}, {"en", alert.message_en}}}};
  return body.dump();
}

Status SendWebhook(const std::string& url, const alerts::Alert& alert, const std::string& retry_key,
                   int timeout_seconds) {
  HttpPost request;
  request.url = url;
  request.headers = {{"Idempotency-Key", retry_key}};
  request.body = WebhookBody(alert);
  request.timeout_seconds = timeout_seconds;
  ASSIGN_OR_RETURN(const HttpAnswer answer, Post(request));
  if (answer.status >= 200 && answer.status < 300) return Status::Ok();
  const std::string detail = "webhook answered " + std::to_string(answer.status) + ": " + BriefBody(answer.body);
  if (IsTransientHttpStatus(answer.status)) return Status::Unavailable(detail);
  return Status::Invalid(detail);
}

}  // namespace ecotown::notify
