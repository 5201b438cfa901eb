// Readings: what the store keeps of each accepted reading, the aggregates maintained at ingest,
// and the store port.
//
// Layout (docs/architecture.md §"Readings"): raw readings live in compact per-sensor chunks,
// one chunk per sensor and time-ending hour; beside them the store keeps hourly, daily and
// monthly aggregate rows and the latest reading of each sensor, all rewritten in the same
// transaction as the chunks they summarise, so reads never scan raw rows.
//
// Conventions: hours are time-ending (the hour ending 10:00 holds samples stamped in
// (09:00:00, 10:00:00]); days and months are Asia/Bangkok calendar periods made of the hours
// ending 01:00 .. 24:00 local. "Clean" values passed every QA check; "in range" values are PM2.5
// values that are finite and in 0..1000 µg/m³ whatever else was flagged (the benchmark's
// validity rule, also used for raw-data statistics).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/qa.h"
#include "core/result.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::readings {

// One stored reading: raw values exactly as delivered, plus the QA flags set at ingest.
struct Reading {
  int64_t ts = 0;  // Unix seconds UTC
  Source source = Source::kJsonBatch;
  // Which batch of a group stored together brought it (ReadingService::IngestBatches), so that
  // each batch's summary counts its own readings. Bookkeeping while storing; never stored.
  uint8_t batch = 0;
  core::QaFlags flags = 0;
  std::optional<double> pm1, pm2_5, pm10;
  std::optional<double> pm2_5_b, pm10_b;
  std::optional<double> pm2_5_cf1, pm2_5_cf1_b;
  std::optional<double> temperature_c, humidity_pct, pressure_hpa, co2_ppm;
};

// Sums of one quantity over a period. mean() is empty when count is 0.
struct Sum {
  int64_t count = 0;
  double sum = 0;
  std::optional<double> mean() const {
    return count > 0 ? std::optional<double>(sum / static_cast<double>(count)) : std::nullopt;
  }
};

// The raw (in-range) PM2.5 of one sub-period of a stored period, kept packed on the period's row
// (period_pack.h): the hours of a day (slot 0..23 = the hour ending day start + (slot + 1) h) and
// the days of a month (slot = day of the month - 1). A series of hours or a report of days then
// reads one row per day or month instead of one per hour or day.
struct SubPeriodSum {
  int slot = 0;
  Sum pm25;                      // in-range samples of the sub-period
  std::optional<double> at_end;  // the in-range value stamped exactly at its end
};

// One sensor-hour. hour_end is the label (time-ending, Unix seconds).
struct HourAggregate {
  int64_t sensor_id = 0;
  int64_t hour_end = 0;
  int64_t samples = 0;        // readings stored in the hour, flagged or not
  int64_t flagged = 0;        // readings with any QA flag
  core::QaFlags flags = 0;    // union of the flags in the hour
  Sum pm25_in_range;          // benchmark validity: finite PM2.5 in 0..1000
  std::optional<double> pm25_in_range_at_end;  // the in-range PM2.5 stamped exactly at hour_end
  Sum pm25, pm10, humidity, temperature;       // clean values only
  Sum pm25_cf1;  // clean CF=1 PM2.5 (Pm25Cf1Value) of the readings that carry it
  int expected_samples = 0;   // a complete hour at the sensor's sample interval
  // Kept current at ingest from the hours before: the 24-h moving mean of the complete clean
  // hourly means ending with this hour (needs 18 of 24), how many there were, and the EPA
  // NowCast of PM2.5 over the 12 hours ending here.
  std::optional<double> pm25_24h;
  int pm25_24h_hours = 0;
  std::optional<double> pm25_nowcast;
  // In-range PM2.5 of the hours ending in (hour_end - 24 h, hour_end], kept current the same way:
  // a raw 24-h window is then one row, not 24.
  Sum pm25_in_range_24h;
  // The in-range PM2.5 stamped exactly 24 h before hour_end (the end value of the hour ending
  // then), kept with the sums above: the half-open window [hour_end - 24 h, hour_end) is then
  // this row alone.
  std::optional<double> pm25_in_range_24h_before;
  // Hourly means that meet the completeness rule (75 % of expected samples), else empty.
  std::optional<double> pm25_mean() const;
  std::optional<double> pm10_mean() const;
  std::optional<double> pm25_cf1_mean() const;  // same rule, on the readings with CF=1
  double coverage() const;  // clean PM2.5 samples / expected, at most 1
};

// One sensor-day (Bangkok calendar day, "YYYY-MM-DD").
struct DayAggregate {
  int64_t sensor_id = 0;
  std::string date;
  int64_t day_end = 0;                           // Unix time of 24:00 local of that day
  Sum pm25_in_range;                             // over the day's raw samples
  std::optional<double> pm25_in_range_at_end;    // in-range PM2.5 stamped exactly at day_end
  Sum pm25_hours, pm10_hours;                    // sums of the complete hourly means
  int64_t samples = 0, flagged = 0;
  // The in-range sums of its hours (written with the day; not read back by Days()).
  std::vector<SubPeriodSum> pm25_in_range_hours;
  // Mean of the complete hourly means when at least 18 of 24 hours are complete, else empty.
  std::optional<double> pm25_mean() const;
  std::optional<double> pm10_mean() const;
  double coverage() const;  // complete PM2.5 hours / 24
};

// One sensor-month ("YYYY-MM").
struct MonthAggregate {
  int64_t sensor_id = 0;
  std::string month;
  int64_t month_end = 0;
  Sum pm25_in_range;
  std::optional<double> pm25_in_range_at_end;
  Sum pm25_days, pm10_days;  // sums of the valid daily means
  int days_in_month = 0;
  int64_t samples = 0, flagged = 0;
  // The in-range sums of its days (written with the month; not read back by Months()).
  std::vector<SubPeriodSum> pm25_in_range_days;
  // Mean of the valid daily means when at least 75 % of the days are valid, else empty.
  std::optional<double> pm25_mean() const;
  std::optional<double> pm10_mean() const;
  double coverage() const;  // valid PM2.5 days / days in month
};

// The newest reading of a sensor, and the newest one whose PM2.5 is a valid number in range
// (finite, 0..1000 µg/m³: what the map shows, with its flags).
struct LatestReading {
  int64_t sensor_id = 0;
  std::optional<Reading> latest;
  std::optional<Reading> latest_valid;
  int64_t received_at = 0;  // when the newest accepted batch for this sensor was stored
  // A random token of the write that left this row (0: not known): a writer that remembers what
  // it wrote (TailCache) uses it to tell that nobody has written the sensor's readings since.
  int64_t write_token = 0;
};

// What happened at an ingest entry point, for the network health page: refusals (bad payload,
// unknown device, wrong credential) and flagged batches. org_id is empty when the sender could
// not be attributed to an organisation (an unknown device); platform admins see those.
struct IngestEvent {
  int64_t id = 0;
  int64_t at = 0;
  std::optional<int64_t> org_id;
  std::optional<int64_t> sensor_id;
  std::string source;      // SourceName()
  std::string device_key;  // as the sender named itself, may be empty
  std::string kind;        // "rejected", "flagged", "unknown_device", "unauthorized", "duplicate"
  std::string message;     // the error text, naming the field
  int64_t count = 0;       // readings concerned
};

// In-range PM2.5 (the benchmark's validity rule) of the hours with from_end < hour_end <= to_end
// summed per sensor, with the in-range values stamped exactly at from_end and at to_end: enough to
// make the half-open window [from_end, to_end) without reading the hours one by one.
struct InRangeSums {
  int64_t sensor_id = 0;
  std::string code;
  Sum hours;
  std::optional<double> at_from, at_to;
  bool has_latest = false;              // the sensor has a latest-values row
  std::optional<Reading> latest_valid;  // its newest valid reading
};

// The in-range PM2.5 of one stored hour, day or month (start, end] of a sensor: all that raw
// statistics over half-open periods [start, end) need of it.
struct InRangePeriod {
  int64_t sensor_id = 0;
  int64_t start = 0, end = 0;
  std::string label;             // the date or month of days and months; empty for hours
  Sum pm25;
  std::optional<double> at_end;  // the in-range value stamped exactly at end
};

// A chunk as stored: the readings of one sensor-hour, encoded.
struct StoredChunk {
  int64_t sensor_id = 0;
  int64_t hour_end = 0;
  int64_t count = 0;
  std::string data;
};

// One hour to write: its chunk and its aggregate (same sensor and hour_end). aggregate_only:
// the chunk is unchanged and not written (only the rolling means moved).
struct HourWrite {
  StoredChunk chunk;
  HourAggregate aggregate;
  bool aggregate_only = false;
};

// Persistence port. Reads are scoped: a sensor outside the caller's scope is NotFound. Writes
// come from the readings service (ingest), which has resolved and authorised the sensor.
class ReadingStore {
 public:
  virtual ~ReadingStore() = default;

  // Hourly aggregates of a sensor with from_end < hour_end <= to_end, in time order; hours
  // without samples are absent.
  virtual Result<std::vector<HourAggregate>> Hours(int64_t sensor_id, int64_t from_end, int64_t to_end) = 0;
  // Daily aggregates with from_date <= date <= to_date ("YYYY-MM-DD"), in date order.
  virtual Result<std::vector<DayAggregate>> Days(int64_t sensor_id, std::string_view from_date,
                                                 std::string_view to_date) = 0;
  // Monthly aggregates with from_month <= month <= to_month ("YYYY-MM").
  virtual Result<std::vector<MonthAggregate>> Months(int64_t sensor_id, std::string_view from_month,
                                                     std::string_view to_month) = 0;
  // The same for every sensor of an organisation (in scope), ordered by sensor then time.
  virtual Result<std::vector<HourAggregate>> HoursOfOrg(int64_t org_id, int64_t from_end, int64_t to_end) = 0;
  virtual Result<std::vector<DayAggregate>> DaysOfOrg(int64_t org_id, std::string_view from_date,
                                                      std::string_view to_date) = 0;
  virtual Result<std::vector<MonthAggregate>> MonthsOfOrg(int64_t org_id, std::string_view from_month,
                                                          std::string_view to_month) = 0;
  // In-range sums (InRangeSums) of every sensor of an organisation (in scope) with in-range data
  // in the window or a latest-values row, ordered by sensor, with its code and newest valid
  // reading (the dashboard in one statement); a 24-h window reads each sensor's kept 24-h sums.
  virtual Result<std::vector<InRangeSums>> InRangeSumsOfOrg(int64_t org_id, int64_t from_end, int64_t to_end) = 0;
  // The in-range part of a sensor's hours with from_end < hour_end <= to_end, in time order, and
  // of the days and months of every sensor of an organisation (in scope), by sensor then time.
  // Hours and days come from the packed sub-periods of their days and months, so a period with
  // no in-range sample and no value at its end is left out (it adds nothing to a raw statistic).
  virtual Result<std::vector<InRangePeriod>> InRangeHours(int64_t sensor_id, int64_t from_end, int64_t to_end) = 0;
  virtual Result<std::vector<InRangePeriod>> InRangeDaysOfOrg(int64_t org_id, std::string_view from_date,
                                                              std::string_view to_date) = 0;
  virtual Result<std::vector<InRangePeriod>> InRangeMonthsOfOrg(int64_t org_id, std::string_view from_month,
                                                                std::string_view to_month) = 0;
  // Raw readings with from < ts <= to, oldest first, at most limit.
  virtual Result<std::vector<Reading>> Raw(int64_t sensor_id, int64_t from, int64_t to, int64_t limit) = 0;
  // The latest readings of every sensor in scope (or of one organisation when org_id is set).
  virtual Result<std::vector<LatestReading>> Latest(std::optional<int64_t> org_id) = 0;
  virtual Result<LatestReading> LatestOf(int64_t sensor_id) = 0;

  virtual Result<int64_t> InsertIngestEvent(const IngestEvent& event) = 0;

  // The organisation's readings change counter (0 before its first): a transaction that stores
  // readings of its sensors raises it (MarkChanged), so an answer built from data read after the
  // counter is current while the counter is unchanged.
  virtual Result<int64_t> ChangeVersion(int64_t org_id) = 0;

  // --- Writes, by the readings service only (it has resolved and authorised the sensor).
  // Serialises writers of one sensor until the transaction ends, so that two concurrent
  // batches never rewrite the same chunk from the same old copy. Callers lock sensors in
  // ascending id order (no deadlocks). Returns the write_token of the sensor's latest-values row
  // as it is once the lock is held (0 when there is none).
  virtual Result<int64_t> LockSensorForWrite(int64_t sensor_id) = 0;
  // Encoded chunks (chunk_codec.h) with from_end <= hour_end <= to_end, in time order.
  virtual Result<std::vector<StoredChunk>> Chunks(int64_t sensor_id, int64_t from_end, int64_t to_end) = 0;
  // Upserts chunks together with their hourly aggregates.
  virtual Status PutHours(std::span<const HourWrite> hours) = 0;
  virtual Status PutDays(std::span<const DayAggregate> days) = 0;
  virtual Status PutMonths(std::span<const MonthAggregate> months) = 0;
  // Replaces the latest-values row of the sensor.
  virtual Status PutLatest(const LatestReading& latest) = 0;
  // Raises the organisation's change counter. Called once per organisation at the end of the
  // transaction, after every sensor lock it takes (see ChangeVersion).
  virtual Status MarkChanged(int64_t org_id) = 0;
  // Newest first, of the organisations in scope (platform admins also see unattributed ones).
  virtual Result<std::vector<IngestEvent>> IngestEvents(int64_t since, int64_t limit) = 0;
};

}  // namespace ecotown::readings
