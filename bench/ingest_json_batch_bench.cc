// Throughput of ParseJsonBatch alone: a generated batch of kMaxJsonBatchRows rows shaped like
// the shared benchmark's readings, parsed RUNS times; prints the best time and rows/s.
//   ingest_json_batch_bench [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ingest/json_batch.h"

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 50;
  if (argc > 2 || runs < 1) {
    std::fprintf(stderr, "usage: %s [RUNS]   (RUNS a whole number from 1, default 50)\n", argv[0]);
    return 2;
  }
  constexpr size_t kRows = ecotown::ingest::kMaxJsonBatchRows;
  std::string body = R"({"readings":[)";
  for (size_t i = 0; i < kRows; ++i) {
    if (i > 0) body += ',';
    body += R"({"sensor":"s)" + std::to_string(1000 + i % 50) + R"(","ts":)" + std::to_string(1767574800 + i * 60) +
            R"(,"pm2_5":12.3,"pm10":20.4,"temperature":31.2,"humidity":70.1})";
  }
  body += "]}";
  double best = 1e30;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const auto readings = ecotown::ingest::ParseJsonBatch(body);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!readings.ok() || readings->size() != kRows) {
      std::fprintf(stderr, "parse failed\n");
      return 1;
    }
    best = std::min(best, seconds);
  }
  std::printf("%zu rows, %zu bytes: best of %d %.2f ms, %.2f M rows/s\n", kRows, body.size(), runs, best * 1e3,
              static_cast<double>(kRows) / best / 1e6);
  return 0;
}
