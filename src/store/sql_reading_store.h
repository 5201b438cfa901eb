// The SQL implementation of the readings store port (modules/readings/reading_store.h).
// Tables: reading_chunks, reading_hours, reading_days, reading_months, reading_latest,
// ingest_events (migration 3). Writes are multi-row upserts, so a bulk import costs one
// statement per few hundred hours on either backend.
#pragma once

#include <set>

#include "modules/readings/reading_store.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

// After a bulk import on PostgreSQL: VACUUM (ANALYZE) of the reading tables, outside any
// transaction. An import rewrites each sensor's day, month and latest-values rows once per
// transaction it stores; until autovacuum comes, every index lookup of the dashboard and reports
// steps over those dead row versions (Q1 at M: ~5 ms right after the import, ~2 ms after
// VACUUM), and the planner has the statistics of empty tables. Nothing to do on SQLite.
Status VacuumReadingTables(Database& db);

class SqlReadingStore final : public readings::ReadingStore {
 public:
  SqlReadingStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

  Result<std::vector<readings::HourAggregate>> Hours(int64_t sensor_id, int64_t from_end, int64_t to_end) override;
  Result<std::vector<readings::DayAggregate>> Days(int64_t sensor_id, std::string_view from_date,
                                                   std::string_view to_date) override;
  Result<std::vector<readings::MonthAggregate>> Months(int64_t sensor_id, std::string_view from_month,
                                                       std::string_view to_month) override;
  Result<std::vector<readings::HourAggregate>> HoursOfOrg(int64_t org_id, int64_t from_end, int64_t to_end) override;
  Result<std::vector<readings::DayAggregate>> DaysOfOrg(int64_t org_id, std::string_view from_date,
                                                        std::string_view to_date) override;
  Result<std::vector<readings::MonthAggregate>> MonthsOfOrg(int64_t org_id, std::string_view from_month,
                                                            std::string_view to_month) override;
  Result<std::vector<readings::InRangeSums>> InRangeSumsOfOrg(int64_t org_id, int64_t from_end,
                                                              int64_t to_end) override;
  Result<std::vector<readings::InRangePeriod>> InRangeHours(int64_t sensor_id, int64_t from_end,
                                                            int64_t to_end) override;
  Result<std::vector<readings::InRangePeriod>> InRangeDaysOfOrg(int64_t org_id, std::string_view from_date,
                                                                std::string_view to_date) override;
  Result<std::vector<readings::InRangePeriod>> InRangeMonthsOfOrg(int64_t org_id, std::string_view from_month,
                                                                  std::string_view to_month) override;
  Result<std::vector<readings::Reading>> Raw(int64_t sensor_id, int64_t from, int64_t to, int64_t limit) override;
  Result<std::vector<readings::LatestReading>> Latest(std::optional<int64_t> org_id) override;
  Result<readings::LatestReading> LatestOf(int64_t sensor_id) override;
  Result<int64_t> InsertIngestEvent(const readings::IngestEvent& event) override;
  Result<int64_t> ChangeVersion(int64_t org_id) override;
  Result<std::vector<readings::IngestEvent>> IngestEvents(int64_t since, int64_t limit) override;

  Result<std::vector<readings::StoredChunk>> Chunks(int64_t sensor_id, int64_t from_end, int64_t to_end) override;
  Result<int64_t> LockSensorForWrite(int64_t sensor_id) override;
  Status PutHours(std::span<const readings::HourWrite> hours) override;
  Status PutDays(std::span<const readings::DayAggregate> days) override;
  Status PutMonths(std::span<const readings::MonthAggregate> months) override;
  Status PutLatest(const readings::LatestReading& latest) override;
  Status MarkChanged(int64_t org_id) override;

 private:
  // NotFound unless the sensor is readable in the scope (remembered for this unit of work).
  Status CheckSensor(int64_t sensor_id);

  Connection& conn_;
  const tenancy::Scope& scope_;
  std::set<int64_t> readable_sensors_;
};

}  // namespace ecotown::store
