// One place that turns a Status into an HTTP status and the API error body
// {"error":{"code":"...","message":"...","field":"..."}}.
#pragma once

#include "core/status.h"
#include "http/message.h"

namespace ecotown::http {

int HttpStatusOf(const Status& status);
Response ErrorResponse(const Status& status);

}  // namespace ecotown::http
