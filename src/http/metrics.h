// Prometheus text-format metrics of this process: requests by route, method and status class,
// a latency histogram, open connections. Each instance is scraped on its own. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace ecotown::http {

class Metrics {
 public:
  void Observe(const std::string& route, const std::string& method, int status, std::chrono::microseconds latency);
  // extra: name -> value of other parts of the process (open connections, device transports);
  // a name ending in "_total" is rendered as a counter, any other as a gauge.
  std::string Render(const std::map<std::string, double>& extra) const;

 private:
  static constexpr double kBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  struct Histogram {
    uint64_t counts[std::size(kBuckets)] = {};
    uint64_t total = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> requests_;  // guarded by mu_
  std::map<std::string, Histogram> latency_;                                        // guarded by mu_
};

}  // namespace ecotown::http
