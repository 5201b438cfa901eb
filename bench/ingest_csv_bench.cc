// Throughput of the CSV import parser alone (no store): reads FILE with ReadCsvReadings (or the
// Sensor.Community archive reader with --archive) RUNS times and prints rows/s of the best run.
//   ingest_csv_bench [--archive] [--runs N] FILE
// FILE is e.g. the shared benchmark's S.csv (shared/bench/README.md). The consumer only counts
// rows and sums pm2_5, so the figure is the parser's, from an ifstream, on one thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "ingest/csv.h"

int main(int argc, char** argv) {
  bool archive = false;
  int runs = 5;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--archive") == 0) {
      archive = true;
    } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else {
      path = argv[i];
    }
  }
  if (path == nullptr || runs < 1) {
    std::fprintf(stderr, "usage: %s [--archive] [--runs N] FILE\n", argv[0]);
    return 2;
  }
  double best = 0.0;
  for (int run = 0; run < runs; ++run) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot open %s\n", path);
      return 1;
    }
    size_t rows = 0, errors = 0;
    double sum = 0.0;
    const auto on_row = [&](ecotown::readings::RawReading&& r) {
      ++rows;
      if (r.pm2_5 && *r.pm2_5 == *r.pm2_5) sum += *r.pm2_5;  // NaN rows are kept, not summed
    };
    const auto on_error = [&](size_t, const ecotown::Status&) { ++errors; };
    const auto start = std::chrono::steady_clock::now();
    const auto stats = archive ? ecotown::ingest::ReadSensorCommunityArchive(in, on_row, on_error)
                               : ecotown::ingest::ReadCsvReadings(in, on_row, on_error);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!stats.ok()) {
      std::fprintf(stderr, "%s\n", stats.status().ToString().c_str());
      return 1;
    }
    const double rate = static_cast<double>(rows) / seconds;
    best = std::max(best, rate);
    std::printf("run %d: %zu rows, %zu row errors, %.3f s, %.2f M rows/s (checksum %.1f)\n", run + 1, rows, errors,
                seconds, rate / 1e6, sum);
  }
  std::printf("best: %.2f M rows/s\n", best / 1e6);
  return 0;
}
