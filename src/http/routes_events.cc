// Live updates: GET /api/v1/events streams the events the caller may see as server-sent events.
#include "http/api.h"
#include "modules/events/event_hub.h"

namespace ecotown::http {
namespace {

// Adapts a hub subscription to the server's event-stream interface.
class SubscriptionSource final : public EventSource {
 public:
  explicit SubscriptionSource(std::shared_ptr<events::Subscription> subscription)
      : subscription_(std::move(subscription)) {}

  std::optional<std::string> Poll() override {
    if (subscription_->closed()) return std::nullopt;
    std::string out;
    if (first_) {
      out += "retry: 3000\n\n";  // browsers reconnect after 3 s, sending Last-Event-ID
      first_ = false;
    }
    if (subscription_->overflowed() && !told_resync_) {
      // Too far behind: some events were dropped. The page should reload what it shows.
      out += "event: resync\ndata: {}\n\n";
      told_resync_ = true;
    }
    for (const auto& event : subscription_->Take()) {
      out += "id: " + std::to_string(event.id) + "\nevent: " + event.topic + "\ndata: " + event.payload_json + "\n\n";
    }
    return out;
  }

 private:
  std::shared_ptr<events::Subscription> subscription_;
  bool first_ = true;
  bool told_resync_ = false;
};

}  // namespace

void RegisterEventRoutes(Router& router, events::EventHub& hub) {
  router.Add("GET", "/api/v1/events", Access::kAuthenticated, [&hub](Call& call) -> Result<Response> {
    std::optional<int64_t> resume;
    if (auto last = call.request.Header("last-event-id")) {
      if (!last->empty() && last->size() <= 18 && last->find_first_not_of("0123456789") == std::string::npos) {
        resume = std::stoll(*last);
      }
    }
    ASSIGN_OR_RETURN(auto subscription, hub.Subscribe(call.Scope(), resume));
    Response response;
    response.content_type = "text/event-stream; charset=utf-8";
    response.events = std::make_shared<SubscriptionSource>(std::move(subscription));
    return response;
  });
}

}  // namespace ecotown::http
