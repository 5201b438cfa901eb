#include "http/metrics.h"

#include <fmt/format.h>

namespace ecotown::http {
namespace {

std::string Escape(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::Observe(const std::string& route, const std::string& method, int status,
                      std::chrono::microseconds latency) {
  const std::string route_label = route.empty() ? "other" : route;
  const std::string status_class = std::to_string(status / 100) + "xx";
  const double seconds = static_cast<double>(latency.count()) / 1e6;
  std::lock_guard lock(mu_);
  ++requests_[{route_label, method, status_class}];
  Histogram& h = latency_[route_label];
  for (size_t i = 0; i < std::size(kBuckets); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.total;
  h.sum += seconds;
}

std::string Metrics::Render(const std::map<std::string, double>& extra) const {
  std::string out;
  out += "# HELP ecotown_http_requests_total HTTP requests answered, by route, method and status class.\n";
  out += "# TYPE ecotown_http_requests_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format("ecotown_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", Escape(route),
                       Escape(method), status, count);
  }
  out += "# HELP ecotown_http_request_duration_seconds Time to answer a request, by route.\n";
  out += "# TYPE ecotown_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < std::size(kBuckets); ++i) {
      out += fmt::format("ecotown_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", Escape(route),
                         kBuckets[i], h.counts[i]);
    }
    out += fmt::format("ecotown_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", Escape(route),
                       h.total);
    out += fmt::format("ecotown_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", Escape(route), h.sum);
    out += fmt::format("ecotown_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", Escape(route), h.total);
  }
  for (const auto& [name, value] : extra) {
    const bool counter = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
    out += fmt::format("# TYPE {} {}\n{} {}\n", name, counter ? "counter" : "gauge", name, value);
  }
  return out;
}

}  // namespace ecotown::http
