// Group commit for batch ingest: concurrent batches of one caller stored in one transaction.
//
// A write transaction of readings rewrites each sensor's chunk, hour, day, month and latest rows
// once, however many of its readings it holds, so storing costs less per reading the more a
// transaction holds (the shared benchmark's 10,000-reading batches over 200 sensors: 2,500 per
// request 67 k readings/s, 10,000 per request 208 k/s, one transaction each). Here a batch that
// arrives while a transaction of the same caller is storing waits for it to end; then the batches
// waiting by then are stored together in the next transaction (one of their request threads runs
// it). Each keeps its own answer (ReadingService::IngestBatches), and nothing is answered before
// the transaction that holds it commits: when it fails, every batch in it gets the error.
//
// "The same caller" is the same principal with the same organisations, so one transaction never
// mixes authorities; callers that differ are stored side by side as before.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "core/result.h"
#include "modules/readings/reading_service.h"
#include "modules/unit_of_work.h"

namespace ecotown::readings {

class GroupCommit {
 public:
  // Runs in the batch's transaction once its summary is known (e.g. to record a refused batch as
  // an ingest event); an error fails the whole transaction.
  using AfterFn = std::function<Status(UnitOfWork&, const IngestSummary&)>;

  // A group holds at most this many readings (more wait for the next transaction) and at most
  // kMaxBatchesPerGroup batches. The first batch always goes in.
  static constexpr size_t kMaxGroupReadings = 100'000;

  explicit GroupCommit(const ReadingService& service) : service_(service) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Prepares the batch on the calling thread (ReadingService::PrepareBatch, received at
  // info.now), then stores it with the caller's scope in a transaction of `transactor`; returns
  // when that transaction has committed or failed.
  Result<IngestSummary> Ingest(Transactor& transactor, const tenancy::Scope& scope, const RequestInfo& info,
                               std::span<const RawReading> readings, const IngestOptions& options,
                               const AfterFn& after = nullptr);

  // Transactions run and batches they held so far, and the batches waiting now (for tests and
  // metrics).
  struct Counts {
    int64_t transactions = 0;
    int64_t batches = 0;
    int64_t waiting = 0;
  };
  Counts counts() const;

 private:
  struct Job;
  Status Run(Transactor& transactor, const RequestInfo& info, std::span<Job* const> jobs);

  const ReadingService& service_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::vector<Job*> waiting_;             // arrival order
  std::vector<const Job*> leaders_;       // the jobs whose threads are running a transaction
  Counts counts_;
};

}  // namespace ecotown::readings
