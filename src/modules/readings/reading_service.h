// ReadingService: the one ingest pipeline every entry point goes through (device posts, MQTT,
// pollers, the JSON batch API, CSV import), and the reads the screens and APIs use.
//
// Ingest = resolve each reading's sensor, check it (bad rows are refused naming the field), drop
// duplicates of stored (sensor, ts) pairs, flag it with the QA rules of core/qa.h, store it raw in
// its hour chunk, and rewrite the aggregates of every hour, day and month it touched, plus the
// sensor's latest values, all in the caller's transaction. Re-sending a reading changes nothing.
// Stateless apart from its configuration and the cache of what its writes left (TailCache);
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/qa.h"
#include "modules/readings/ingest_summary.h"
#include "modules/readings/raw_reading.h"
#include "modules/readings/reading_store.h"
#include "modules/readings/tail_cache.h"
#include "modules/sensors/sensor.h"
#include "modules/unit_of_work.h"

namespace ecotown::readings {

// Readings stamped before this (2000-01-01) or more than this far after receipt are refused.
inline constexpr int64_t kEarliestReadingTs = 946684800;
inline constexpr int64_t kMaxFutureSeconds = 24 * 3600;

// Readings of one sensor in several vectors, stored as one series.
using ReadingPieces = std::vector<std::vector<Reading>>;

struct IngestOptions {
  // Devices and adapters name sensors by device key only. The batch API and CSV import may also
  // use sensor codes of the caller's organisations.
  bool match_codes = false;
  // true: one bad row refuses the whole batch and nothing is stored (the summary lists the
  // errors, accepted = 0). false: bad rows are refused and the rest stored (CSV import).
  bool all_or_nothing = true;
};

// A batch checked and prepared ahead of its transaction (ReadingService::PrepareBatch, on any
// thread), to be stored with others in one (IngestBatches).
struct IngestBatch {
  int64_t received_at = 0;
  IngestOptions options;
  // The readings that passed the checks needing no database (Prepare), grouped by the name they
  // give their sensor, with their rows in the input.
  struct Named {
    std::string name;
    std::vector<uint32_t> rows;
    std::vector<Reading> readings;
  };
  std::vector<Named> named;
  IngestSummary summary;  // the rows refused so far; IngestBatches completes it
};

// The most batches IngestBatches takes at once (Reading::batch numbers them).
inline constexpr size_t kMaxBatchesPerGroup = 64;

class ReadingService {
 public:
  // Writes remember what they left at each sensor's newest end in `tail` (tail_cache.h; shared by
  // copies of the service); nullptr: every write reads it back from the store.
  explicit ReadingService(core::QaConfig qa = {}, std::shared_ptr<TailCache> tail = std::make_shared<TailCache>())
      : qa_(qa), tail_(std::move(tail)) {}

  // Needs write access to every sensor's organisation. Errors other than per-row refusals
  // (database failures) come back as a Status and the caller rolls back.
  Result<IngestSummary> Ingest(UnitOfWork& work, std::span<const RawReading> readings, int64_t received_at,
                               const IngestOptions& options = {}) const;
  // Ingest in two halves, for batches stored together (group commit, group_commit.h).
  // PrepareBatch needs no database and runs on any thread: each row checked
  // (ValidateRawReading), prepared (Prepare) and grouped by the name of its sensor.
  IngestBatch PrepareBatch(std::span<const RawReading> readings, int64_t received_at,
                           const IngestOptions& options) const;
  // Stores prepared batches of one caller in the caller's one transaction, with the same answers
  // as storing them one after the other in order: each batch's sensors are resolved and its rows
  // refused on its own (an all-or-nothing batch with a bad row stores nothing, the others go
  // on), and its summary counts its own readings (one already in an earlier batch of the group
  // is a duplicate). The accepted readings of all batches are stored together, one pass per
  // sensor, so that each sensor's chunks and aggregates are rewritten once per group rather than
  // once per batch; the QA series rules then see the group's readings at once. Takes the
  // batches' readings (a batch is stored once). At most kMaxBatchesPerGroup batches.
  Status IngestBatches(UnitOfWork& work, std::span<IngestBatch> batches) const;

  // The same for readings already resolved to one sensor (the CLI import groups by sensor).
  Result<IngestSummary> IngestForSensor(UnitOfWork& work, const sensors::Sensor& sensor,
                                        std::span<const RawReading> readings, int64_t received_at) const;

  // The per-reading half of ingest, safe to run on any thread ahead of storing: validation
  // (ValidateRawReading), the stored form with the receipt time for a missing ts, and the QA
  // flags that depend on the reading alone.
  Result<Reading> Prepare(const RawReading& raw, int64_t received_at) const;
  // Stores readings that Prepare returned (the bulk import path), per sensor, in the pieces they
  // were prepared in: pieces that follow each other in time are stored without being joined first.
  // Takes the pieces. Every path that stores readings ends by raising the change counter of the
  // sensors' organisations (ReadingStore::MarkChanged), after the sensors' locks.
  struct PreparedReadings {
    const sensors::Sensor* sensor = nullptr;
    ReadingPieces pieces;
  };
  Status StorePrepared(UnitOfWork& work, std::span<PreparedReadings> prepared, int64_t received_at,
                       IngestSummary& summary) const;

  const core::QaConfig& qa() const { return qa_; }
  const TailCache* tail_cache() const { return tail_.get(); }

 private:
  // summaries[r.batch] counts each incoming reading r.
  Status StoreSensorReadings(UnitOfWork& work, const sensors::Sensor& sensor, ReadingPieces incoming,
                             int64_t received_at, std::span<IngestSummary* const> summaries) const;

  core::QaConfig qa_;
  std::shared_ptr<TailCache> tail_;
};

// Records an ingest event for the network health page. An event without an organisation is
// attributed to the organisation (and sensor) that registered its device key, if one did; else
// it stays unattributed (seen by platform administrators).
Status RecordIngestEvent(UnitOfWork& work, IngestEvent event);

// A row's validity apart from its sensor: a measurement present, a plausible timestamp.
// Invalid naming the field ("ts", "values").
Status ValidateRawReading(const RawReading& reading, int64_t received_at);

}  // namespace ecotown::readings
