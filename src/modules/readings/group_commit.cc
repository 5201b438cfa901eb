#include "modules/readings/group_commit.h"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

namespace ecotown::readings {
namespace {

// Two scopes that allow exactly the same: one transaction may serve both.
bool SameAuthority(const tenancy::Scope& a, const tenancy::Scope& b) {
  const auto& p = a.principal();
  const auto& q = b.principal();
  return p.user_id == q.user_id && p.token_id == q.token_id && p.org_id == q.org_id && p.role == q.role &&
         p.factory_id == q.factory_id && a.all_orgs() == b.all_orgs() && a.readable_orgs() == b.readable_orgs();
}

}  // namespace

struct GroupCommit::Job {
  const tenancy::Scope* scope = nullptr;
  IngestBatch batch;
  const AfterFn* after = nullptr;
  Status status;
  bool done = false;
};

Result<IngestSummary> GroupCommit::Ingest(Transactor& transactor, const tenancy::Scope& scope, const RequestInfo& info,
                                          std::span<const RawReading> readings, const IngestOptions& options,
                                          const AfterFn& after) {
  Job job;
  job.scope = &scope;
  job.batch = service_.PrepareBatch(readings, info.now, options);  // on this thread, outside the queue
  job.after = &after;

  std::unique_lock lock(mutex_);
  waiting_.push_back(&job);
  while (!job.done) {
    const bool led = std::any_of(leaders_.begin(), leaders_.end(),
                                 [&](const Job* leader) { return SameAuthority(*leader->scope, scope); });
    if (led) {
      done_.wait(lock);
      continue;
    }
    // Lead: the waiting batches of this caller in arrival order, up to the limits (possibly
    // without this thread's own batch, which then goes in a later transaction).
    std::vector<Job*> group;
    size_t held = 0;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      Job* candidate = *it;
      const auto size = static_cast<size_t>(candidate->batch.summary.received);
      const bool fits = group.empty() || (group.size() < kMaxBatchesPerGroup && held + size <= kMaxGroupReadings);
      if (fits && SameAuthority(*candidate->scope, scope)) {
        group.push_back(candidate);
        held += size;
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
    leaders_.push_back(&job);
    lock.unlock();
    Status status;
    try {
      status = Run(transactor, info, group);
    } catch (const std::exception& e) {  // never leave the others waiting
      status = Status::Internal(std::string("storing readings failed: ") + e.what());
    }
    lock.lock();
    for (Job* member : group) {
      member->status = status;
      member->done = true;
    }
    std::erase(leaders_, &job);
    ++counts_.transactions;
    counts_.batches += static_cast<int64_t>(group.size());
    done_.notify_all();
  }
  if (!job.status.ok()) return job.status;
  return std::move(job.batch.summary);
}

Status GroupCommit::Run(Transactor& transactor, const RequestInfo& info, std::span<Job* const> jobs) {
  return transactor.Write(*jobs.front()->scope, info, [&](UnitOfWork& work) -> Status {
    std::vector<IngestBatch> batches;
    batches.reserve(jobs.size());
    for (Job* job : jobs) batches.push_back(std::move(job->batch));
    RETURN_IF_ERROR(service_.IngestBatches(work, batches));
    for (size_t i = 0; i < jobs.size(); ++i) {
      jobs[i]->batch.summary = std::move(batches[i].summary);
      if (*jobs[i]->after) RETURN_IF_ERROR((*jobs[i]->after)(work, jobs[i]->batch.summary));
    }
    return Status::Ok();
  });
}

GroupCommit::Counts GroupCommit::counts() const {
  std::lock_guard lock(mutex_);
  Counts counts = counts_;
  counts.waiting = static_cast<int64_t>(waiting_.size());
  return counts;
}

}  // namespace ecotown::readings
