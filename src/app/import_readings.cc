#include "app/import_readings.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "ingest/air4thai.h"
#include "ingest/csv.h"
#include "modules/readings/reading_service.h"
#include "store/sql_reading_store.h"

namespace ecotown::app {
namespace {

using readings::RawReading;

// Readings stored per write transaction, and per hand-over from the reader thread. Together they
// bound the import's memory (about 250 bytes a buffered reading; at M the import peaks at ~330 MB).
// The queue holds more than a transaction's worth, so the reader keeps parsing while a
// transaction is stored: with 4 hand-overs it stalled after 200,000 rows of each 500,000 and the
// two threads took turns (M: 18-21 s; with 12, 13-16 s).
constexpr size_t kFlushRows = 500'000;
constexpr size_t kBatchRows = 50'000;
constexpr size_t kQueuedBatches = 12;
constexpr size_t kExamples = 10;

// What the reader thread hands over: prepared readings grouped by sensor id.
using Batch = std::unordered_map<int64_t, std::vector<readings::Reading>>;

// A bounded hand-over queue between the reader thread and the storing thread.
class BatchQueue {
 public:
  void Push(Batch batch) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return batches_.size() < kQueuedBatches || cancelled_; });
    if (cancelled_) return;
    batches_.push_back(std::move(batch));
    not_empty_.notify_one();
  }
  // Empty when the reader finished and everything was taken.
  std::optional<Batch> Pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !batches_.empty() || done_; });
    if (batches_.empty()) return std::nullopt;
    auto batch = std::move(batches_.front());
    batches_.pop_front();
    not_full_.notify_one();
    return batch;
  }
  void Close() {
    std::lock_guard lock(mutex_);
    done_ = true;
    not_empty_.notify_all();
  }
  // The storing side gave up: unblock the reader.
  void Cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    not_full_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> batches_;
  bool done_ = false;
  bool cancelled_ = false;
};

void Reject(ImportReport& report, const std::string& reason, const std::string& example) {
  ++report.rejected;
  ++report.reasons[reason];
  if (report.examples.size() < kExamples) report.examples.push_back(example);
}

}  // namespace

Result<ImportReport> ImportReadings(Runtime& runtime, const ImportOptions& options, std::ostream& progress) {
  if (options.format != "csv" && options.format != "sensor-community" && options.format != "air4thai") {
    return Status::Invalid("--format must be csv, sensor-community or air4thai", "format");
  }
  const auto started = std::chrono::steady_clock::now();
  std::ifstream file;
  std::istream* in = &std::cin;
  uint64_t total_bytes = 0;
  if (options.path != "-") {
    file.open(options.path, std::ios::binary);
    if (!file) return Status::NotFound("cannot open " + options.path);
    std::error_code ec;
    total_bytes = std::filesystem::file_size(options.path, ec);
    in = &file;
  }

  // The sensors readings may name: by code, then by device key.
  const tenancy::Scope system = tenancy::Scope::System("import");
  std::unordered_map<std::string, sensors::Sensor> by_code, by_key;
  std::optional<int64_t> org_id;
  RETURN_IF_ERROR(runtime.transactor().Read(system, runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
    if (options.org_code) {
      auto org = work.orgs().FindByCode(*options.org_code);
      if (!org.ok()) return Status::NotFound("unknown organisation " + *options.org_code);
      org_id = org->id;
    }
    ASSIGN_OR_RETURN(auto sensors, work.sensors().List(std::nullopt));
    for (auto& s : sensors) {
      if (org_id && s.org_id != *org_id) continue;
      if (s.device_key) by_key.emplace(*s.device_key, s);
      by_code.emplace(s.code, std::move(s));
    }
    return Status::Ok();
  }));

  ImportReport report;
  std::mutex report_mutex;  // the reader adds parse errors while the store side adds the rest
  BatchQueue queue;
  std::atomic<uint64_t> bytes_read{0};
  std::atomic<int64_t> rows_read{0};
  Status read_status;

  const readings::ReadingService service(runtime.config().qa);
  const int64_t received_at = runtime.CliInfo().now;

  // The reader thread parses, resolves each reading's sensor and prepares it (validation,
  // point QA flags); the storing thread only merges, encodes and writes.
  // A hand-over's share per sensor when every sensor reports alike, with room for a quarter more
  // (sensors that sent more while others had gaps), so that vectors are rarely moved to grow.
  const size_t rows_per_sensor = kBatchRows / std::max<size_t>(1, by_code.size()) * 5 / 4 + 16;
  std::thread reader([&] {
    Batch batch;
    size_t batch_rows = 0;
    auto on_row = [&](RawReading&& r) {
      ++rows_read;
      const sensors::Sensor* sensor = nullptr;
      if (auto it = by_code.find(r.device_key); it != by_code.end()) sensor = &it->second;
      else if (auto k = by_key.find(r.device_key); k != by_key.end()) sensor = &k->second;
      if (!sensor) {
        std::lock_guard lock(report_mutex);
        Reject(report, "unknown sensor '" + r.device_key + "'", "unknown sensor '" + r.device_key + "'");
        return;
      }
      auto prepared = service.Prepare(r, received_at);
      if (!prepared.ok()) {
        std::lock_guard lock(report_mutex);
        Reject(report, "bad reading: " + prepared.status().field(), r.device_key + ": " + prepared.status().message());
        return;
      }
      auto& rows = batch[sensor->id];
      if (rows.empty()) rows.reserve(rows_per_sensor);
      rows.push_back(std::move(prepared).value());
      if (++batch_rows >= kBatchRows) {
        if (file.is_open()) bytes_read = static_cast<uint64_t>(std::max<std::streamoff>(0, file.tellg()));
        queue.Push(std::move(batch));
        batch = {};
        batch_rows = 0;
      }
    };
    auto on_error = [&](size_t line, const Status& error) {
      ++rows_read;
      std::lock_guard lock(report_mutex);
      Reject(report, "bad row: " + (error.field().empty() ? std::string("line") : error.field()), error.message());
      (void)line;
    };
    if (options.format == "csv") {
      auto read = ingest::ReadCsvReadings(*in, on_row, on_error);
      if (!read.ok()) read_status = read.status();
    } else if (options.format == "sensor-community") {
      auto read = ingest::ReadSensorCommunityArchive(*in, on_row, on_error);
      if (!read.ok()) read_status = read.status();
    } else {
      const std::string body((std::istreambuf_iterator<char>(*in)), std::istreambuf_iterator<char>());
      auto parsed = ingest::ParseAir4ThaiHistory(body);
      if (!parsed.ok()) {
        read_status = parsed.status();
      } else {
        for (auto& r : parsed->readings) on_row(std::move(r));
        for (const auto& skipped : parsed->skipped) on_error(0, skipped);
      }
    }
    if (batch_rows > 0) queue.Push(std::move(batch));
    bytes_read = total_bytes;
    queue.Close();
  });

  std::unordered_map<int64_t, const sensors::Sensor*> sensor_of;
  for (const auto& [code, sensor] : by_code) sensor_of[sensor.id] = &sensor;
  // The hand-overs since the last flush, per sensor, kept as they came (stored without joining).
  std::unordered_map<int64_t, readings::ReadingPieces> pending;
  size_t pending_rows = 0;
  auto flush = [&]() -> Status {
    if (pending_rows == 0) return Status::Ok();
    RequestInfo info = runtime.CliInfo();
    readings::IngestSummary summary;
    Status status = runtime.transactor().Write(system, info, [&](UnitOfWork& work) -> Status {
      std::vector<readings::ReadingService::PreparedReadings> prepared;
      prepared.reserve(pending.size());
      for (auto& [sensor_id, pieces] : pending) prepared.push_back({sensor_of[sensor_id], std::move(pieces)});
      return service.StorePrepared(work, prepared, received_at, summary);
    });
    if (status.ok()) {
      std::lock_guard lock(report_mutex);
      report.accepted += summary.accepted;
      report.flagged += summary.flagged;
      report.duplicates += summary.duplicates;
    }
    pending.clear();
    pending_rows = 0;
    return status;
  };

  const bool draw = options.progress;
  auto last_draw = std::chrono::steady_clock::now();
  auto draw_progress = [&](bool final) {
    const auto now = std::chrono::steady_clock::now();
    if (!draw || (!final && now - last_draw < std::chrono::milliseconds(500))) return;
    last_draw = now;
    const double seconds = std::chrono::duration<double>(now - started).count();
    char line[160];
    const double percent = total_bytes ? 100.0 * static_cast<double>(bytes_read.load()) / static_cast<double>(total_bytes) : 0;
    const int64_t rows = rows_read.load();
    std::snprintf(line, sizeof line, "\r  %5.1f%%  %12lld readings  %.2f M/s  %.0f s ", percent,
                  static_cast<long long>(rows), static_cast<double>(rows) / 1e6 / std::max(seconds, 1e-9), seconds);
    progress << line << (final ? "\n" : "") << std::flush;
  };

  Status store_status;
  while (auto batch = queue.Pop()) {
    for (auto& [sensor_id, rows] : *batch) {
      pending_rows += rows.size();
      pending[sensor_id].push_back(std::move(rows));
    }
    if (pending_rows >= kFlushRows) {
      store_status = flush();
      if (!store_status.ok()) break;
    }
    draw_progress(false);
  }
  if (store_status.ok()) store_status = flush();
  if (!store_status.ok()) {
    queue.Cancel();
    while (queue.Pop()) {
    }
  }
  reader.join();
  draw_progress(true);
  if (!read_status.ok()) return read_status;
  if (!store_status.ok()) return store_status;
  if (report.rejected > 0) {
    // Refused rows are an ingest event, as for a web upload: of the organisation named with
    // --org, else of none (platform administrators see it).
    readings::IngestEvent event;
    event.at = received_at;
    event.org_id = org_id;
    event.source = options.format == "air4thai" ? "air4thai" : "csv";
    event.kind = "rejected";
    event.count = report.rejected;
    event.message = "imported file " + std::filesystem::path(options.path).filename().string() + ": " +
                    std::to_string(report.rejected) + " rows refused" +
                    (report.examples.empty() ? std::string() : "; " + report.examples.front());
    RETURN_IF_ERROR(runtime.transactor().Write(system, runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
      return work.readings().InsertIngestEvent(event).status();
    }));
  }
  if (report.accepted > 0) {
    Status tidy = store::VacuumReadingTables(runtime.db());
    if (!tidy.ok()) {
      return Status::Internal("the readings are stored, but VACUUM of the reading tables failed: " + tidy.message());
    }
  }
  report.rows = rows_read.load();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

void PrintImportReport(const ImportReport& report, std::ostream& out) {
  out << "read " << report.rows << " readings in " << report.seconds << " s ("
      << static_cast<int64_t>(static_cast<double>(report.rows) / std::max(report.seconds, 1e-9)) << "/s)\n"
      << "  accepted:   " << report.accepted << " (flagged by QA: " << report.flagged << ")\n"
      << "  duplicates: " << report.duplicates << " (already stored, unchanged)\n"
      << "  rejected:   " << report.rejected << "\n";
  for (const auto& [reason, count] : report.reasons) out << "    " << count << " x " << reason << "\n";
  if (!report.examples.empty()) {
    out << "  first rejections:\n";
    for (const auto& e : report.examples) out << "    " << e << "\n";
  }
}

}  // namespace ecotown::app
