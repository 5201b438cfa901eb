// Webhook notices: a JSON POST of the alert to an LAO's own URL.
//
// Body: {"type": "alert.fire" | "alert.recover" | "alert.test", "alert": <AlertToJson>,
// "text": {"th", "en"}}; headers Content-Type: application/json and Idempotency-Key (the
// delivery's retry key, the same on every retry). Any 2xx answer is success.
#pragma once

#include <string>

#include "core/result.h"
#include "modules/alerts/alert.h"

namespace ecotown::notify {

std::string WebhookBody(const alerts::Alert& alert);

// Unavailable on transport errors, 408/425/429 and 5xx (retried); Invalid on other answers.
Status SendWebhook(const std::string& url, const alerts::Alert& alert, const std::string& retry_key,
                   int timeout_seconds);

}  // namespace ecotown::notify
