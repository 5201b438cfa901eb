// Readings on both backends: the ingest pipeline (duplicates, late data, QA flags across batches,
// refusals), the aggregates it maintains, tenant isolation of reads, and the Sensor.Community
// archive imported end to end with hourly means checked against an independent computation.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/csv.h"
#include "modules/readings/aggregate.h"
#include "modules/readings/chunk_codec.h"
#include "modules/readings/group_commit.h"
#include "modules/readings/period_pack.h"
#include "modules/readings/reading_queries.h"
#include "modules/readings/reading_service.h"
#include "store/migrations/migrations.h"
#include "store/sql_stores.h"
#include "store/store_fixture.h"

namespace ecotown::store {
namespace {

using readings::RawReading;
using readings::ReadingService;

// 2025-01-15 00:00 Bangkok = 2025-01-14 17:00 UTC.
constexpr int64_t kDayStart = 1736874000;

class ReadingsTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto org = AddOrg("banpong", orgs::OrgType::kTown, std::nullopt);
    ASSERT_TRUE(org.ok()) << org.status().ToString();
    org_ = *org;
    sensor_ = AddSensor("s1", "dev-1", 60);
  }

  sensors::Sensor AddSensor(const std::string& code, const std::string& key, int64_t interval,
                            const std::string& org = "banpong") {
    std::optional<sensors::Sensor> created;
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      sensors::NewSensor request;
      request.org_code = org;
      request.code = code;
      request.name = "เซนเซอร์ " + code;
      request.model = sensors::Model::kSds011;
      request.device_key = key;
      request.lat = 13.8;
      request.lon = 99.9;
      request.sample_interval_seconds = interval;
      ASSIGN_OR_RETURN(created, sensors::SensorService().Create(work, request));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return created.value_or(sensors::Sensor{});
  }

  static RawReading Raw(const std::string& key, int64_t ts, std::optional<double> pm25,
                        std::optional<double> pm10 = std::nullopt) {
    RawReading r;
    r.device_key = key;
    r.ts = ts;
    r.pm2_5 = pm25;
    r.pm10 = pm10;
    return r;
  }

  Result<readings::IngestSummary> Ingest(const std::vector<RawReading>& rows, int64_t received_at,
                                         readings::IngestOptions options = {}) {
    std::optional<readings::IngestSummary> summary;
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(summary, service_.Ingest(work, rows, received_at, options));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *summary;
  }

  template <typename T>
  Result<T> Read(const std::function<Result<T>(readings::ReadingStore&)>& fn,
                 const tenancy::Scope& scope = tenancy::Scope::System("test")) {
    std::optional<T> out;
    Status status = transactor_->Read(scope, Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(out, fn(work.readings()));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return std::move(*out);
  }

  std::vector<readings::HourAggregate> Hours(int64_t sensor_id, int64_t from, int64_t to) {
    auto hours = Read<std::vector<readings::HourAggregate>>(
        [&](readings::ReadingStore& store) { return store.Hours(sensor_id, from, to); });
    EXPECT_TRUE(hours.ok()) << hours.status().ToString();
    return hours.ok() ? *hours : std::vector<readings::HourAggregate>{};
  }

  // A full hour of 1-minute readings ending at hour_end, PM2.5 = base + minute/10.
  static std::vector<RawReading> MinuteHour(const std::string& key, int64_t hour_end, double base) {
    std::vector<RawReading> rows;
    for (int m = 59; m >= 0; --m) rows.push_back(Raw(key, hour_end - m * 60, base + (59 - m) / 10.0, 100));
    return rows;
  }

  ReadingService service_;
  orgs::Org org_;
  sensors::Sensor sensor_;
};

INSTANTIATE_TEST_SUITE_P(Backends, ReadingsTest, ::testing::Values("sqlite", "postgres"), BackendName);

TEST_P(ReadingsTest, StoresRawValuesAndMaintainsHourDayMonthAggregates) {
  const int64_t h1 = kDayStart + 3600;
  auto summary = Ingest(MinuteHour("dev-1", h1, 10.0), h1 + 30);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->accepted, 60);
  EXPECT_EQ(summary->duplicates, 0);
  EXPECT_EQ(summary->rejected, 0);

  const auto hours = Hours(sensor_.id, kDayStart, kDayStart + 86400);
  ASSERT_EQ(hours.size(), 1u);
  EXPECT_EQ(hours[0].hour_end, h1);
  EXPECT_EQ(hours[0].samples, 60);
  EXPECT_EQ(hours[0].expected_samples, 60);
  ASSERT_TRUE(hours[0].pm25_mean().has_value());
  EXPECT_NEAR(*hours[0].pm25_mean(), 10.0 + 2.95, 1e-9);
  EXPECT_DOUBLE_EQ(hours[0].coverage(), 1.0);
  ASSERT_TRUE(hours[0].pm25_in_range_at_end.has_value());
  EXPECT_DOUBLE_EQ(*hours[0].pm25_in_range_at_end, 15.9);

  // Raw values come back bit-identical.
  auto raw = Read<std::vector<readings::Reading>>(
      [&](readings::ReadingStore& store) { return store.Raw(sensor_.id, kDayStart, h1, 1000); });
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_EQ(raw->size(), 60u);
  EXPECT_EQ(raw->front().ts, h1 - 59 * 60);
  EXPECT_EQ(*raw->front().pm2_5, 10.0);
  EXPECT_EQ(*raw->back().pm2_5, 10.0 + 59 / 10.0);

  // One hour of 24 does not make a daily mean, but the day row exists with its coverage.
  auto days = Read<std::vector<readings::DayAggregate>>(
      [&](readings::ReadingStore& store) { return store.Days(sensor_.id, "2025-01-15", "2025-01-15"); });
  ASSERT_TRUE(days.ok()) << days.status().ToString();
  ASSERT_EQ(days->size(), 1u);
  EXPECT_FALSE((*days)[0].pm25_mean().has_value());
  EXPECT_EQ((*days)[0].pm25_hours.count, 1);
  EXPECT_EQ((*days)[0].samples, 60);
  auto months = Read<std::vector<readings::MonthAggregate>>(
      [&](readings::ReadingStore& store) { return store.Months(sensor_.id, "2025-01", "2025-01"); });
  ASSERT_TRUE(months.ok());
  ASSERT_EQ(months->size(), 1u);
  EXPECT_EQ((*months)[0].samples, 60);
  EXPECT_EQ((*months)[0].days_in_month, 31);

  auto latest = Read<readings::LatestReading>(
      [&](readings::ReadingStore& store) { return store.LatestOf(sensor_.id); });
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_TRUE(latest->latest.has_value());
  EXPECT_EQ(latest->latest->ts, h1);
  EXPECT_EQ(*latest->latest->pm2_5, 15.9);
}

TEST_P(ReadingsTest, ResendingIsIdempotentAndLateDataUpdatesTheDay) {
  // 18 complete hours make a daily mean; send hours 2..18 first, then hour 1 late.
  for (int h = 2; h <= 18; ++h) {
    ASSERT_TRUE(Ingest(MinuteHour("dev-1", kDayStart + h * 3600, 20.0), kDayStart + 20 * 3600).ok());
  }
  auto day = [&] {
    auto days = Read<std::vector<readings::DayAggregate>>(
        [&](readings::ReadingStore& store) { return store.Days(sensor_.id, "2025-01-15", "2025-01-15"); });
    EXPECT_TRUE(days.ok() && days->size() == 1);
    return days.ok() && !days->empty() ? days->front() : readings::DayAggregate{};
  };
  EXPECT_FALSE(day().pm25_mean().has_value());
  EXPECT_EQ(day().pm25_hours.count, 17);
  auto last_hour = [&] { return Hours(sensor_.id, kDayStart + 17 * 3600, kDayStart + 18 * 3600).at(0); };
  EXPECT_FALSE(last_hour().pm25_24h.has_value());  // 17 complete hours of 24
  EXPECT_EQ(last_hour().pm25_24h_hours, 17);
  ASSERT_TRUE(last_hour().pm25_nowcast.has_value());  // constant hours: NowCast = that value
  EXPECT_NEAR(*last_hour().pm25_nowcast, 22.95, 1e-9);

  auto late = Ingest(MinuteHour("dev-1", kDayStart + 3600, 20.0), kDayStart + 30 * 3600);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->accepted, 60);
  ASSERT_TRUE(day().pm25_mean().has_value());
  EXPECT_NEAR(*day().pm25_mean(), 22.95, 1e-9);
  EXPECT_NEAR(day().coverage(), 18.0 / 24.0, 1e-12);
  // The late hour also completed the 24-h moving mean of a later, unchanged hour.
  ASSERT_TRUE(last_hour().pm25_24h.has_value());
  EXPECT_NEAR(*last_hour().pm25_24h, 22.95, 1e-9);
  EXPECT_EQ(last_hour().pm25_24h_hours, 18);

  // The same hour again: all duplicates, nothing changes.
  auto again = Ingest(MinuteHour("dev-1", kDayStart + 3600, 99.0), kDayStart + 31 * 3600);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted, 0);
  EXPECT_EQ(again->duplicates, 60);
  EXPECT_NEAR(*day().pm25_mean(), 22.95, 1e-9);
  EXPECT_EQ(Count("reading_chunks"), 18);
}

TEST_P(ReadingsTest, SpikeIsFlaggedWhenItsNextNeighbourArrivesInALaterBatch) {
  const int64_t t0 = kDayStart + 600;
  ASSERT_TRUE(Ingest({Raw("dev-1", t0, 10), Raw("dev-1", t0 + 60, 11), Raw("dev-1", t0 + 120, 400)}, t0 + 130).ok());
  auto before = Hours(sensor_.id, kDayStart, kDayStart + 3600);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].flagged, 0);  // the last value has no right neighbour yet

  auto next = Ingest({Raw("dev-1", t0 + 180, 12)}, t0 + 190);
  ASSERT_TRUE(next.ok());
  auto after = Hours(sensor_.id, kDayStart, kDayStart + 3600);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].flagged, 1);
  EXPECT_TRUE(after[0].flags & core::kQaSpike);
  EXPECT_EQ(after[0].pm25.count, 3);            // the spike is out of the clean sums
  EXPECT_EQ(after[0].pm25_in_range.count, 4);   // but still a valid number in range
  auto raw = Read<std::vector<readings::Reading>>(
      [&](readings::ReadingStore& store) { return store.Raw(sensor_.id, t0 - 1, t0 + 200, 10); });
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 4u);
  EXPECT_EQ((*raw)[2].flags, core::kQaSpike);
  EXPECT_EQ(*(*raw)[2].pm2_5, 400);  // flagged, never changed or deleted
}

TEST_P(ReadingsTest, PointChecksFlagWithoutDropping) {
  const int64_t t0 = kDayStart + 600;
  auto summary = Ingest({Raw("dev-1", t0, std::nan("")), Raw("dev-1", t0 + 60, -3), Raw("dev-1", t0 + 120, 50, 20),
                         Raw("dev-1", t0 + 400 + 300, 10)},
                        t0);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->accepted, 4);
  EXPECT_EQ(summary->flagged, 4);
  auto raw = Read<std::vector<readings::Reading>>(
      [&](readings::ReadingStore& store) { return store.Raw(sensor_.id, t0 - 1, t0 + 3600, 10); });
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 4u);
  EXPECT_TRUE((*raw)[0].flags & core::kQaNotFinite);
  EXPECT_TRUE(std::isnan(*(*raw)[0].pm2_5));
  EXPECT_TRUE((*raw)[1].flags & core::kQaNegative);
  EXPECT_TRUE((*raw)[2].flags & core::kQaPm25AbovePm10);
  EXPECT_TRUE((*raw)[3].flags & core::kQaFutureTimestamp);
}

TEST_P(ReadingsTest, OneBadRowRefusesTheWholeBatch) {
  const int64_t t0 = kDayStart + 600;
  auto summary = Ingest({Raw("dev-1", t0, 10), Raw("nobody", t0, 10), Raw("dev-1", t0 + 60, std::nullopt),
                         Raw("dev-1", t0 + 3 * 86400, 10)},
                        t0);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->accepted, 0);
  EXPECT_EQ(summary->rejected, 3);
  ASSERT_EQ(summary->errors.size(), 3u);
  EXPECT_EQ(summary->errors[0].index, 1u);
  EXPECT_NE(summary->errors[0].message.find("unknown sensor"), std::string::npos);
  EXPECT_EQ(summary->errors[1].index, 2u);
  EXPECT_NE(summary->errors[1].message.find("no measurement"), std::string::npos);
  EXPECT_EQ(summary->errors[2].index, 3u);
  EXPECT_NE(summary->errors[2].message.find("future"), std::string::npos);
  EXPECT_EQ(Count("reading_chunks"), 0);

  readings::IngestOptions keep_good;
  keep_good.all_or_nothing = false;
  auto partial = Ingest({Raw("dev-1", t0, 10), Raw("nobody", t0, 10)}, t0, keep_good);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->accepted, 1);
  EXPECT_EQ(partial->rejected, 1);
}

TEST_P(ReadingsTest, OtherTenantsCannotReadOrWriteASensorsReadings) {
  ASSERT_TRUE(Ingest(MinuteHour("dev-1", kDayStart + 3600, 10.0), kDayStart + 3700).ok());
  ASSERT_TRUE(AddOrg("phatong", orgs::OrgType::kTown, std::nullopt).ok());
  auto other = AddUser("phatong", "officer2", tenancy::Role::kOfficer);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const tenancy::Scope scope = ScopeOf(*other);
  auto hours = Read<std::vector<readings::HourAggregate>>(
      [&](readings::ReadingStore& store) { return store.Hours(sensor_.id, 0, kDayStart + 86400); }, scope);
  EXPECT_EQ(hours.status().code(), StatusCode::kNotFound);
  auto latest = Read<std::vector<readings::LatestReading>>(
      [&](readings::ReadingStore& store) { return store.Latest(std::nullopt); }, scope);
  ASSERT_TRUE(latest.ok());
  EXPECT_TRUE(latest->empty());

  // Their batch naming our sensor's code is refused as unknown, not written.
  std::optional<readings::IngestSummary> summary;
  readings::IngestOptions codes;
  codes.match_codes = true;
  Status status = transactor_->Write(scope, Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(summary, service_.Ingest(work, std::vector<RawReading>{Raw("s1", kDayStart + 7200, 5)},
                                              kDayStart + 7300, codes));
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(summary->rejected, 1);
  EXPECT_EQ(Count("reading_chunks"), 1);
}

// Concurrent batches for the same sensor-hour (PostgreSQL runs writers concurrently): none may
// rewrite a chunk from a stale copy and lose the other's readings.
TEST_P(ReadingsTest, ConcurrentBatchesOfOneSensorLoseNothing) {
  constexpr int kThreads = 4, kBatches = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        // Thread t writes seconds t, t+4, ... of minute b of one hour: interleaved with the others.
        std::vector<RawReading> rows;
        for (int s = t; s < 60; s += kThreads) rows.push_back(Raw("dev-1", kDayStart + 60 + b * 60 + s, 10 + s % 7));
        for (int attempt = 0; attempt < 20; ++attempt) {
          auto summary = Ingest(rows, kDayStart + 4000);
          if (summary.ok()) break;
          if (summary.status().code() != StatusCode::kUnavailable || attempt == 19) ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto hours = Hours(sensor_.id, kDayStart, kDayStart + 3600);
  ASSERT_EQ(hours.size(), 1u);
  EXPECT_EQ(hours[0].samples, kThreads * kBatches * 60 / kThreads);
  auto raw = Read<std::vector<readings::Reading>>(
      [&](readings::ReadingStore& store) { return store.Raw(sensor_.id, kDayStart, kDayStart + 3600, 10000); });
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->size(), static_cast<size_t>(kBatches * 60));
}

// The batches of a group: two sensors' readings over two hours, with a refused all-or-nothing
// batch, readings repeated from an earlier batch and within one, and a keep-the-good batch.
std::vector<std::pair<std::vector<RawReading>, readings::IngestOptions>> GroupBatches(const std::string& a,
                                                                                      const std::string& b) {
  const int64_t h1 = kDayStart + 3600;
  auto row = [](const std::string& key, int64_t ts) {
    RawReading r;
    r.device_key = key;
    r.ts = ts;
    r.pm2_5 = 20 + 5 * std::sin(static_cast<double>(ts) / 600.0);
    r.pm10 = *r.pm2_5 + 12;
    return r;
  };
  auto minutes = [&](std::vector<RawReading>& rows, const std::string& key, int64_t hour_end, int from, int to) {
    for (int m = from; m <= to; ++m) rows.push_back(row(key, hour_end - 3600 + m * 60));
  };
  readings::IngestOptions all_or_nothing, keep_good;
  keep_good.all_or_nothing = false;
  std::vector<std::pair<std::vector<RawReading>, readings::IngestOptions>> batches(4);
  minutes(batches[0].first, a, h1, 1, 30);
  minutes(batches[0].first, b, h1, 1, 30);
  minutes(batches[1].first, a, h1, 31, 40);
  batches[1].first.push_back(row("nobody", h1));
  minutes(batches[2].first, a, h1, 21, 60);  // 21..30 were in batch 0
  batches[2].first.push_back(row(a, h1 - 15 * 60));  // twice in this batch
  minutes(batches[2].first, b, h1, 31, 60);
  minutes(batches[3].first, b, h1 + 3600, 1, 20);
  batches[3].first.push_back(row(b, 100));  // before 2000: refused, the rest kept
  for (size_t i = 0; i < batches.size(); ++i) batches[i].second = i == 3 ? keep_good : all_or_nothing;
  return batches;
}

// Batches stored together in one transaction (group commit) end exactly as when stored one after
// the other: each batch's own summary (an earlier batch's reading is a duplicate, a refused
// all-or-nothing batch stores nothing), and the same readings, flags and hours.
TEST_P(ReadingsTest, BatchesStoredTogetherEndAsIfStoredOneAfterTheOther) {
  const sensors::Sensor s2 = AddSensor("s2", "dev-2", 60);
  const sensors::Sensor s3 = AddSensor("s3", "dev-3", 60);
  const sensors::Sensor s4 = AddSensor("s4", "dev-4", 60);
  const int64_t received_at = kDayStart + 3 * 3600;

  auto together = GroupBatches("dev-1", "dev-2");
  std::vector<readings::IngestBatch> group;
  for (auto& [rows, options] : together) group.push_back(service_.PrepareBatch(rows, received_at, options));
  ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) { return service_.IngestBatches(work, group); }).ok());

  const auto apart = GroupBatches("dev-3", "dev-4");
  std::vector<readings::IngestSummary> alone;
  for (const auto& [rows, options] : apart) {
    auto summary = Ingest(rows, received_at, options);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    alone.push_back(*summary);
  }

  const std::vector<int64_t> accepted = {60, 0, 60, 20}, duplicates = {0, 0, 11, 0}, rejected = {0, 1, 0, 1};
  for (size_t i = 0; i < group.size(); ++i) {
    SCOPED_TRACE("batch " + std::to_string(i));
    const auto& summary = group[i].summary;
    EXPECT_EQ(summary.received, static_cast<int64_t>(together[i].first.size()));
    EXPECT_EQ(summary.accepted, accepted[i]);
    EXPECT_EQ(summary.duplicates, duplicates[i]);
    EXPECT_EQ(summary.rejected, rejected[i]);
    EXPECT_EQ(summary.accepted, alone[i].accepted);
    EXPECT_EQ(summary.duplicates, alone[i].duplicates);
    EXPECT_EQ(summary.flagged, alone[i].flagged);
    ASSERT_EQ(summary.errors.size(), alone[i].errors.size());
    for (size_t e = 0; e < summary.errors.size(); ++e) {
      EXPECT_EQ(summary.errors[e].index, alone[i].errors[e].index);
      EXPECT_EQ(summary.errors[e].message, alone[i].errors[e].message);
    }
  }

  for (const auto& [grouped, single] : {std::pair{sensor_.id, s3.id}, std::pair{s2.id, s4.id}}) {
    SCOPED_TRACE("sensor " + std::to_string(grouped));
    auto raw_of = [&](int64_t id) {
      return Read<std::vector<readings::Reading>>(
          [&](readings::ReadingStore& store) { return store.Raw(id, kDayStart, kDayStart + 86400, 10000); });
    };
    auto a = raw_of(grouped), b = raw_of(single);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->size(), b->size());
    EXPECT_EQ(a->size(), grouped == sensor_.id ? 60u : 80u);
    for (size_t i = 0; i < a->size(); ++i) {
      EXPECT_EQ((*a)[i].ts, (*b)[i].ts);
      EXPECT_EQ((*a)[i].flags, (*b)[i].flags);
      EXPECT_EQ((*a)[i].pm2_5, (*b)[i].pm2_5);
      EXPECT_EQ((*a)[i].pm10, (*b)[i].pm10);
    }
    const auto ha = Hours(grouped, kDayStart, kDayStart + 86400), hb = Hours(single, kDayStart, kDayStart + 86400);
    ASSERT_EQ(ha.size(), hb.size());
    for (size_t i = 0; i < ha.size(); ++i) {
      EXPECT_EQ(ha[i].hour_end, hb[i].hour_end);
      EXPECT_EQ(ha[i].samples, hb[i].samples);
      EXPECT_EQ(ha[i].flagged, hb[i].flagged);
      EXPECT_EQ(ha[i].pm25_mean(), hb[i].pm25_mean());
      EXPECT_EQ(ha[i].pm25_in_range.sum, hb[i].pm25_in_range.sum);
      EXPECT_EQ(ha[i].pm25_in_range_24h.count, hb[i].pm25_in_range_24h.count);
      EXPECT_EQ(ha[i].pm25_nowcast, hb[i].pm25_nowcast);
    }
  }
}

// Every transaction that stores readings raises the change counter of the sensors' LAO (the
// dashboard's cache depends on it), on every path: a batch, one sensor's readings, the bulk
// import's prepared readings; a batch that stores nothing new still counts (it cannot tell).
TEST_P(ReadingsTest, EveryStoringTransactionRaisesItsLaosChangeVersion) {
  auto version = [&]() {
    auto v = Read<int64_t>([&](readings::ReadingStore& store) { return store.ChangeVersion(org_.id); });
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : int64_t{-1};
  };
  EXPECT_EQ(version(), 0);
  ASSERT_TRUE(Ingest(MinuteHour("dev-1", kDayStart + 3600, 10.0), kDayStart + 3700).ok());
  EXPECT_EQ(version(), 1);
  ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                return service_.IngestForSensor(work, sensor_, MinuteHour("dev-1", kDayStart + 7200, 11.0), kDayStart + 7300)
                    .status();
              }).ok());
  EXPECT_EQ(version(), 2);
  ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                ReadingService::PreparedReadings prepared{&sensor_, {}};
                prepared.pieces.emplace_back();
                for (const auto& raw : MinuteHour("dev-1", kDayStart + 10800, 12.0)) {
                  ASSIGN_OR_RETURN(auto reading, service_.Prepare(raw, kDayStart + 10900));
                  prepared.pieces.back().push_back(reading);
                }
                readings::IngestSummary summary;
                return service_.StorePrepared(work, {&prepared, 1}, kDayStart + 10900, summary);
              }).ok());
  EXPECT_EQ(version(), 3);
  // A rolled-back transaction leaves it.
  Status failed = SystemWrite([&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(service_.Ingest(work, MinuteHour("dev-1", kDayStart + 14400, 13.0), kDayStart + 14500).status());
    return Status::Unavailable("rolled back on purpose");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(version(), 3);
  // Another LAO's counter is its own.
  auto other = AddOrg("krapyai", orgs::OrgType::kTown, std::nullopt);
  ASSERT_TRUE(other.ok());
  auto theirs = Read<int64_t>([&](readings::ReadingStore& store) { return store.ChangeVersion(other->id); });
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(*theirs, 0);
}

// A writer that remembers what its last write of a sensor left (TailCache) stores exactly what a
// writer that reads it all back stores: the same series of batches (in order, late, repeated,
// across a month's end, with values that trip the series rules) goes to one sensor through the
// service's cache and to another through a service without one. Between them a second writer
// with its own cache (another process, say) writes the first sensor, and a transaction of the
// cached writer rolls back after writing: the entries they leave behind must not be used.
TEST_P(ReadingsTest, WritesThatRememberTheirTailStoreWhatWritesThatReadItBackStore) {
  const sensors::Sensor cached = AddSensor("sc", "dev-c", 60);
  const sensors::Sensor plain = AddSensor("sp", "dev-p", 60);
  const ReadingService uncached(service_.qa(), nullptr);
  const ReadingService other_writer(service_.qa());  // its own cache

  // 2025-01-30 20:00 Bangkok onwards, 1-minute readings for 80 hours (into February); a spike
  // every 997 readings, a stuck run, a negative value; hours 21-23 held back and sent 40 hours late.
  const int64_t start = 1738242000;
  const auto value = [](int i) -> std::optional<double> {
    if (i % 997 == 500) return 999.9;
    if (i >= 1500 && i < 1570) return 42.0;  // stuck: more than an hour of samples
    if (i == 2222) return -3.0;
    return std::round((25 + 12 * std::sin(i / 47.0) + (i % 7) * 0.3) * 10) / 10;
  };
  const auto held_back = [&](int i) { return i >= 20 * 60 && i < 23 * 60; };
  const int total = 80 * 60;
  std::vector<std::vector<std::pair<int, std::optional<double>>>> batches;  // (minute, PM2.5)
  const int sizes[] = {37, 150, 7, 400, 90, 61};
  for (int i = 0, b = 0; i < total; ++b) {
    std::vector<std::pair<int, std::optional<double>>> batch;
    for (int end = std::min(total, i + sizes[b % 6]); i < end; ++i) {
      if (!held_back(i)) batch.emplace_back(i, value(i));
    }
    batches.push_back(std::move(batch));
    if (b % 13 == 12) batches.push_back(batches[batches.size() - 2]);  // a repeat of the one before
    if (b == 30) {                                                      // the held-back hours, late
      std::vector<std::pair<int, std::optional<double>>> late;
      for (int m = 20 * 60; m < 23 * 60; ++m) late.emplace_back(m, value(m));
      batches.push_back(std::move(late));
    }
  }
  const auto rows_of = [&](const std::vector<std::pair<int, std::optional<double>>>& batch, const std::string& key) {
    std::vector<RawReading> rows;
    for (const auto& [minute, pm25] : batch) rows.push_back(Raw(key, start + 60 * minute, pm25, 80));
    return rows;
  };
  const auto received_at = [&](const std::vector<std::pair<int, std::optional<double>>>& batch) {
    return start + 60 * (batch.empty() ? 0 : batch.back().first) + 30;
  };
  const auto store_with = [&](const ReadingService& service, const std::vector<RawReading>& rows, int64_t at,
                              bool roll_back = false) {
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto summary, service.Ingest(work, rows, at));
      (void)summary;
      return roll_back ? Status::Unavailable("rolled back on purpose") : Status::Ok();
    });
    EXPECT_EQ(status.ok(), !roll_back) << status.ToString();
  };

  const auto before = service_.tail_cache()->counts();
  for (size_t b = 0; b < batches.size(); ++b) {
    SCOPED_TRACE("batch " + std::to_string(b));
    const int64_t at = received_at(batches[b]);
    if (b % 17 == 5) {  // a rolled-back write of the cached writer, then the batch for real
      store_with(service_, rows_of(batches[b], "dev-c"), at, /*roll_back=*/true);
    }
    const ReadingService& writer = b % 11 == 7 ? other_writer : service_;
    store_with(writer, rows_of(batches[b], "dev-c"), at);
    store_with(uncached, rows_of(batches[b], "dev-p"), at);
  }
  const auto after = service_.tail_cache()->counts();
  EXPECT_GT(after.hits - before.hits, 20);     // the cache was used ...
  EXPECT_GT(after.misses - before.misses, 10);  // ... and refused after the others' writes

  const int64_t from = start - 86400, to = start + 5 * 86400;
  auto raw_of = [&](int64_t id) {
    return Read<std::vector<readings::Reading>>(
        [&](readings::ReadingStore& store) { return store.Raw(id, from, to, 100000); });
  };
  const auto ra = raw_of(cached.id), rb = raw_of(plain.id);
  ASSERT_TRUE(ra.ok() && rb.ok());
  ASSERT_EQ(ra->size(), static_cast<size_t>(total));
  ASSERT_EQ(ra->size(), rb->size());
  int flagged = 0;
  for (size_t i = 0; i < ra->size(); ++i) {
    ASSERT_EQ((*ra)[i].ts, (*rb)[i].ts) << i;
    EXPECT_EQ((*ra)[i].flags, (*rb)[i].flags) << "reading " << i;
    EXPECT_EQ((*ra)[i].pm2_5, (*rb)[i].pm2_5) << i;
    flagged += (*ra)[i].flags != 0;
  }
  EXPECT_GT(flagged, 60);  // the series rules had something to decide (spikes, the stuck run)

  const auto ha = Hours(cached.id, from, to), hb = Hours(plain.id, from, to);
  ASSERT_EQ(ha.size(), 81u);  // the first reading, at `start`, ends an hour
  ASSERT_EQ(ha.size(), hb.size());
  for (size_t i = 0; i < ha.size(); ++i) {
    SCOPED_TRACE("hour " + std::to_string(ha[i].hour_end));
    EXPECT_EQ(ha[i].hour_end, hb[i].hour_end);
    EXPECT_EQ(ha[i].samples, hb[i].samples);
    EXPECT_EQ(ha[i].flagged, hb[i].flagged);
    EXPECT_EQ(ha[i].flags, hb[i].flags);
    EXPECT_EQ(ha[i].pm25.sum, hb[i].pm25.sum);
    EXPECT_EQ(ha[i].pm25_in_range.sum, hb[i].pm25_in_range.sum);
    EXPECT_EQ(ha[i].pm25_in_range_at_end, hb[i].pm25_in_range_at_end);
    EXPECT_EQ(ha[i].pm25_24h, hb[i].pm25_24h);
    EXPECT_EQ(ha[i].pm25_24h_hours, hb[i].pm25_24h_hours);
    EXPECT_EQ(ha[i].pm25_nowcast, hb[i].pm25_nowcast);
    EXPECT_EQ(ha[i].pm25_in_range_24h.count, hb[i].pm25_in_range_24h.count);
    EXPECT_EQ(ha[i].pm25_in_range_24h.sum, hb[i].pm25_in_range_24h.sum);
    EXPECT_EQ(ha[i].pm25_in_range_24h_before, hb[i].pm25_in_range_24h_before);
  }

  auto days_of = [&](int64_t id) {
    return Read<std::vector<readings::DayAggregate>>(
        [&](readings::ReadingStore& store) { return store.Days(id, "2025-01-01", "2025-02-28"); });
  };
  const auto da = days_of(cached.id), db = days_of(plain.id);
  ASSERT_TRUE(da.ok() && db.ok());
  ASSERT_EQ(da->size(), 5u);  // 30 and 31 January, 1-3 February
  ASSERT_EQ(da->size(), db->size());
  for (size_t i = 0; i < da->size(); ++i) {
    SCOPED_TRACE((*da)[i].date);
    EXPECT_EQ((*da)[i].date, (*db)[i].date);
    EXPECT_EQ((*da)[i].samples, (*db)[i].samples);
    EXPECT_EQ((*da)[i].flagged, (*db)[i].flagged);
    EXPECT_EQ((*da)[i].pm25_in_range.sum, (*db)[i].pm25_in_range.sum);
    EXPECT_EQ((*da)[i].pm25_hours.count, (*db)[i].pm25_hours.count);
    EXPECT_EQ((*da)[i].pm25_hours.sum, (*db)[i].pm25_hours.sum);
  }
  auto months_of = [&](int64_t id) {
    return Read<std::vector<readings::MonthAggregate>>(
        [&](readings::ReadingStore& store) { return store.Months(id, "2025-01", "2025-02"); });
  };
  const auto ma = months_of(cached.id), mb = months_of(plain.id);
  ASSERT_TRUE(ma.ok() && mb.ok());
  ASSERT_EQ(ma->size(), 2u);
  ASSERT_EQ(ma->size(), mb->size());
  for (size_t i = 0; i < ma->size(); ++i) {
    EXPECT_EQ((*ma)[i].month, (*mb)[i].month);
    EXPECT_EQ((*ma)[i].samples, (*mb)[i].samples);
    EXPECT_EQ((*ma)[i].flagged, (*mb)[i].flagged);
    EXPECT_EQ((*ma)[i].pm25_in_range.count, (*mb)[i].pm25_in_range.count);
    EXPECT_EQ((*ma)[i].pm25_in_range.sum, (*mb)[i].pm25_in_range.sum);
    EXPECT_EQ((*ma)[i].pm25_days.count, (*mb)[i].pm25_days.count);
    EXPECT_EQ((*ma)[i].pm25_days.sum, (*mb)[i].pm25_days.sum);
  }
  auto latest_of = [&](int64_t id) {
    return Read<readings::LatestReading>([&](readings::ReadingStore& store) { return store.LatestOf(id); });
  };
  const auto la = latest_of(cached.id), lb = latest_of(plain.id);
  ASSERT_TRUE(la.ok() && lb.ok());
  ASSERT_TRUE(la->latest && lb->latest && la->latest_valid && lb->latest_valid);
  EXPECT_EQ(la->latest->ts, lb->latest->ts);
  EXPECT_EQ(la->latest->flags, lb->latest->flags);
  EXPECT_EQ(la->latest_valid->ts, lb->latest_valid->ts);
  EXPECT_EQ(la->received_at, lb->received_at);
  EXPECT_NE(la->write_token, 0);
}

// GroupCommit: batches of one caller that wait while its transaction runs are stored together in
// the next one, each with its own answer; another caller's batch never waits for it nor joins it;
// a failed transaction fails every batch it held and stores none of them. (The other caller is of
// another LAO: two callers of one LAO both raise its readings change counter at the end of their
// transactions, so on PostgreSQL the second one's commit waits for the first one's.)
TEST_P(ReadingsTest, GroupCommitStoresTheWaitingBatchesOfOneCallerTogether) {
  ASSERT_TRUE(AddOrg("krapyai", orgs::OrgType::kTown, std::nullopt).ok());
  auto officer = AddUser("banpong", "officer1", tenancy::Role::kOfficer);
  auto other = AddUser("krapyai", "officer2", tenancy::Role::kOfficer);
  ASSERT_TRUE(officer.ok() && other.ok());
  const tenancy::Scope scope = ScopeOf(*officer), other_scope = ScopeOf(*other);
  AddSensor("s2", "dev-2", 60, "krapyai");  // the other caller's sensor (not locked by the first caller)
  readings::GroupCommit commit(service_);
  readings::IngestOptions options;
  const RequestInfo info = Info(kDayStart + 3 * 86400);

  auto wait_for = [&](auto done) {
    for (int i = 0; i < 2000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return done();
  };
  // The first batch holds its transaction open (in its after-step) until released.
  std::atomic<bool> release{false};
  std::atomic<bool> first_inside{false};
  const readings::GroupCommit::AfterFn hold = [&](UnitOfWork&, const readings::IngestSummary&) {
    first_inside = true;
    wait_for([&] { return release.load(); });
    return Status::Ok();
  };
  std::vector<std::vector<RawReading>> rows(6);
  for (int b = 0; b < 6; ++b) {
    const std::string key = b == 4 ? "dev-2" : "dev-1";
    for (int m = 1; m <= 10; ++m) rows[b].push_back(Raw(key, kDayStart + b * 3600 + m * 60, 10 + m));
  }
  std::vector<Result<readings::IngestSummary>> results(6, Status::Internal("not run"));
  std::vector<std::thread> threads;
  threads.emplace_back([&] { results[0] = commit.Ingest(*transactor_, scope, info, rows[0], options, hold); });
  ASSERT_TRUE(wait_for([&] { return first_inside.load(); }));
  for (int b = 1; b <= 3; ++b) {
    threads.emplace_back([&, b] { results[b] = commit.Ingest(*transactor_, scope, info, rows[b], options); });
  }
  ASSERT_TRUE(wait_for([&] { return commit.counts().waiting == 3; }));
  // Another caller is not held up by them (on SQLite it waits only for the database's writer).
  if (GetParam() == "postgres") {
    results[4] = commit.Ingest(*transactor_, other_scope, info, rows[4], options);
    EXPECT_EQ(commit.counts().waiting, 3);
  }
  release = true;
  for (auto& thread : threads) thread.join();
  threads.clear();
  if (GetParam() != "postgres") results[4] = commit.Ingest(*transactor_, other_scope, info, rows[4], options);
  for (int b = 0; b <= 4; ++b) {
    ASSERT_TRUE(results[b].ok()) << b << ": " << results[b].status().ToString();
    EXPECT_EQ(results[b]->accepted, 10) << b;
  }
  auto counts = commit.counts();
  EXPECT_EQ(counts.transactions, 3);  // batch 0; batches 1-3 together; the other caller's
  EXPECT_EQ(counts.batches, 5);

  // A failing after-step fails its whole transaction: both batches in it answer the error.
  first_inside = false;
  release = false;
  threads.emplace_back([&] { results[0] = commit.Ingest(*transactor_, scope, info, rows[5], options, hold); });
  ASSERT_TRUE(wait_for([&] { return first_inside.load(); }));
  std::vector<RawReading> late = {Raw("dev-1", kDayStart + 20 * 3600, 12)};
  const readings::GroupCommit::AfterFn fail = [](UnitOfWork&, const readings::IngestSummary&) {
    return Status::Internal("after-step failed");
  };
  threads.emplace_back([&] { results[1] = commit.Ingest(*transactor_, scope, info, late, options, fail); });
  threads.emplace_back([&] { results[2] = commit.Ingest(*transactor_, scope, info, rows[1], options); });
  ASSERT_TRUE(wait_for([&] { return commit.counts().waiting == 2; }));
  release = true;
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(results[0].ok());
  EXPECT_EQ(results[0]->accepted, 10);
  EXPECT_EQ(results[1].status().message(), "after-step failed");
  EXPECT_EQ(results[2].status().message(), "after-step failed");
  EXPECT_TRUE(Hours(sensor_.id, kDayStart + 19 * 3600, kDayStart + 21 * 3600).empty());
  EXPECT_EQ(Hours(sensor_.id, kDayStart, kDayStart + 86400).size(), 5u);  // rows 0-3 and 5
}

// The raw 24-h window (the dashboard's "mean of the last 24 h", read from the 24-h sums kept on
// each hour) and the start-labelled raw hours equal a direct computation from the readings sent,
// whatever order the batches arrive in: late hours must update the sums kept on later hours.
TEST_P(ReadingsTest, RawWindowsAndHoursMatchADirectComputationWhateverTheArrivalOrder) {
  const sensors::Sensor second = AddSensor("s2", "dev-2", 60);
  // Two sensors, 60 hours at 1-minute steps with gaps (dev-2 silent for hours 30-40), values out
  // of range (every 97th) and a reading missing its PM2.5 (every 89th).
  std::vector<RawReading> all;
  for (int64_t t = kDayStart; t < kDayStart + 60 * 3600; t += 60) {
    const int64_t i = (t - kDayStart) / 60;
    const double value = i % 97 == 0 ? 1500.0 : 5.0 + static_cast<double>(i % 53) * 0.7;
    const std::optional<double> pm25 = i % 89 == 0 ? std::nullopt : std::optional<double>(value);
    all.push_back(Raw("dev-1", t, pm25, 50));
    const int64_t hour = (t - kDayStart) / 3600;
    if (hour < 30 || hour > 40) all.push_back(Raw("dev-2", t, value * 1.3, 50));
  }
  // Batches of 3 hours, sent newest first: every batch is late for the hours after it.
  std::vector<std::vector<RawReading>> batches(20);
  for (const auto& r : all) batches[static_cast<size_t>((r.ts - kDayStart) / (3 * 3600))].push_back(r);
  readings::IngestOptions options;
  options.all_or_nothing = false;
  for (auto it = batches.rbegin(); it != batches.rend(); ++it) {
    auto summary = Ingest(*it, kDayStart + 61 * 3600, options);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  }

  auto direct = [&](const std::string& key, int64_t from, int64_t to) {  // in-range PM2.5, from <= ts < to
    readings::Sum sum;
    for (const auto& r : all) {
      if (r.device_key != key || r.ts < from || r.ts >= to || !r.pm2_5 || *r.pm2_5 < 0 || *r.pm2_5 > 1000) continue;
      sum = {sum.count + 1, sum.sum + *r.pm2_5};
    }
    return sum;
  };
  const std::map<int64_t, std::string> keys = {{sensor_.id, "dev-1"}, {second.id, "dev-2"}};
  // Window ends: inside the data, inside dev-2's gap (no hour stored at the end: summed from the
  // hours), at the very end, and after it.
  for (const int64_t end_hour : {24, 26, 35, 41, 60, 70}) {
    const int64_t end = kDayStart + end_hour * 3600;
    std::vector<readings::RawWindow> windows;
    ASSERT_TRUE(transactor_
                    ->Read(tenancy::Scope::System("test"), Info(),
                           [&](UnitOfWork& work) -> Status {
                             ASSIGN_OR_RETURN(windows, readings::RawDayWindow(work, org_.id, end));
                             return Status::Ok();
                           })
                    .ok());
    ASSERT_EQ(windows.size(), 2u) << end_hour;
    for (const auto& w : windows) {
      const readings::Sum expected = direct(keys.at(w.sensor_id), end - 86400, end);
      EXPECT_EQ(w.pm25.count, expected.count) << "sensor " << w.sensor_id << " end hour " << end_hour;
      EXPECT_NEAR(w.pm25.sum, expected.sum, 1e-9 * expected.sum) << "sensor " << w.sensor_id << " end hour " << end_hour;
    }
  }

  std::vector<readings::RawPeriod> hours;
  const int64_t from = kDayStart + 2 * 3600, to = kDayStart + 50 * 3600;
  ASSERT_TRUE(transactor_
                  ->Read(tenancy::Scope::System("test"), Info(),
                         [&](UnitOfWork& work) -> Status {
                           ASSIGN_OR_RETURN(hours, readings::RawHoursByStart(work, second.id, from, to));
                           return Status::Ok();
                         })
                  .ok());
  size_t i = 0;
  for (int64_t start = from; start < to; start += 3600) {
    const readings::Sum expected = direct("dev-2", start, start + 3600);
    if (expected.count == 0) continue;
    ASSERT_LT(i, hours.size());
    EXPECT_EQ(hours[i].start, start);
    EXPECT_EQ(hours[i].pm25.count, expected.count) << start;
    EXPECT_NEAR(hours[i].pm25.sum, expected.sum, 1e-9 * expected.sum) << start;
    ++i;
  }
  EXPECT_EQ(i, hours.size());

  // Raw calendar days (Bangkok [00:00, 24:00)), read from the days packed on the month rows.
  std::vector<std::pair<int64_t, std::vector<readings::RawPeriod>>> days;
  ASSERT_TRUE(transactor_
                  ->Read(tenancy::Scope::System("test"), Info(),
                         [&](UnitOfWork& work) -> Status {
                           ASSIGN_OR_RETURN(days, readings::RawDaysOfOrg(work, org_.id, "2025-01-01", "2025-01-31"));
                           return Status::Ok();
                         })
                  .ok());
  ASSERT_EQ(days.size(), 2u);
  for (const auto& [sensor_id, periods] : days) {
    ASSERT_EQ(periods.size(), 3u) << sensor_id;  // 15, 16 and the first 12 hours of 17 January
    for (size_t d = 0; d < periods.size(); ++d) {
      const int64_t start = kDayStart + static_cast<int64_t>(d) * 86400;
      const readings::Sum expected = direct(keys.at(sensor_id), start, start + 86400);
      EXPECT_EQ(periods[d].label, "2025-01-1" + std::to_string(5 + d));
      EXPECT_EQ(periods[d].pm25.count, expected.count) << sensor_id << " day " << d;
      EXPECT_NEAR(periods[d].pm25.sum, expected.sum, 1e-9 * expected.sum) << sensor_id << " day " << d;
    }
  }
}

// The organisation's reads come back by sensor, then time, whatever order the rows were written
// in: the statements ask for no order (PostgreSQL would sort the packed rows), the store sorts.
// Here the second sensor's readings are stored first, and each sensor's February before its
// January, and PostgreSQL is made to plan sequential scans and hash joins, which hand the rows
// over in the order the tables hold them (with index scans it would find them in order anyway).
TEST_P(ReadingsTest, OrganisationReadsComeBySensorThenTimeWhateverTheWritingOrder) {
  const sensors::Sensor second = AddSensor("s2", "dev-2", 60);
  constexpr int64_t kFebruary = kDayStart + 20 * 86400;  // 2025-02-04 00:00 Bangkok
  readings::IngestOptions options;
  options.all_or_nothing = false;
  for (const std::string key : {"dev-2", "dev-1"}) {
    for (const int64_t day : {kFebruary + 86400, kFebruary, kDayStart + 86400, kDayStart}) {
      std::vector<RawReading> rows;
      for (int64_t hour = 3; hour >= 1; --hour) {
        for (const auto& r : MinuteHour(key, day + hour * 3600, key == "dev-1" ? 10.0 : 20.0)) rows.push_back(r);
      }
      auto summary = Ingest(rows, kFebruary + 3 * 86400, options);
      ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    }
  }
  const std::vector<int64_t> sensors = {sensor_.id, second.id};
  ASSERT_LT(sensor_.id, second.id);

  // (sensor, time) pairs of a read, and whether they are in order and cover both sensors.
  auto expect_ordered = [&](const std::vector<std::pair<int64_t, int64_t>>& keys, size_t per_sensor,
                            const std::string& what) {
    EXPECT_EQ(keys.size(), 2 * per_sensor) << what;
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end())) << what;
    EXPECT_TRUE(std::adjacent_find(keys.begin(), keys.end()) == keys.end()) << what;
    for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(keys[i].first, sensors[i / per_sensor]) << what << " " << i;
  };
  const int64_t from_end = kDayStart, to_end = kFebruary + 3 * 86400;
  std::vector<std::pair<int64_t, std::vector<readings::RawPeriod>>> raw_days, raw_months;
  std::vector<readings::HourAggregate> hours;
  std::vector<readings::DayAggregate> days;
  std::vector<readings::MonthAggregate> months;
  std::vector<readings::RawPeriod> raw_hours;
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  if ((*conn)->dialect() == Dialect::kPostgres) {
    ASSERT_TRUE((*conn)
                    ->ExecScript("SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = "
                                 "off; SET enable_nestloop = off; SET enable_mergejoin = off")
                    .ok());
  }
  const tenancy::Scope scope = tenancy::Scope::System("test");
  SqlUnitOfWork work(**conn, scope, Info());
  auto read = [&]() -> Status {
    ASSIGN_OR_RETURN(raw_days, readings::RawDaysOfOrg(work, org_.id, "2025-01-01", "2025-02-28"));
    ASSIGN_OR_RETURN(raw_months, readings::RawMonthsOfOrg(work, org_.id, "2025-01", "2025-02"));
    ASSIGN_OR_RETURN(raw_hours, readings::RawHoursByStart(work, second.id, from_end, to_end));
    ASSIGN_OR_RETURN(hours, work.readings().HoursOfOrg(org_.id, from_end, to_end));
    ASSIGN_OR_RETURN(days, work.readings().DaysOfOrg(org_.id, "2025-01-01", "2025-02-28"));
    ASSIGN_OR_RETURN(months, work.readings().MonthsOfOrg(org_.id, "2025-01", "2025-02"));
    return Status::Ok();
  };
  const Status status = read();
  conn->Discard();  // its planner settings stay with it
  ASSERT_TRUE(status.ok()) << status.ToString();
  auto grouped = [](const std::vector<std::pair<int64_t, std::vector<readings::RawPeriod>>>& by_sensor) {
    std::vector<std::pair<int64_t, int64_t>> keys;
    for (const auto& [sensor_id, periods] : by_sensor) {
      for (const auto& p : periods) keys.emplace_back(sensor_id, p.start);
    }
    return keys;
  };
  expect_ordered(grouped(raw_days), 4, "raw days");
  expect_ordered(grouped(raw_months), 2, "raw months");
  std::vector<std::pair<int64_t, int64_t>> keys;
  for (const auto& h : hours) keys.emplace_back(h.sensor_id, h.hour_end);
  expect_ordered(keys, 12, "hours");
  keys.clear();
  for (const auto& d : days) keys.emplace_back(d.sensor_id, d.day_end);
  expect_ordered(keys, 4, "days");
  keys.clear();
  for (const auto& m : months) keys.emplace_back(m.sensor_id, m.month_end);
  expect_ordered(keys, 2, "months");
  // One sensor's raw hours by their start: 00:00-03:00 of each of 4 days, and the sample stamped
  // at 03:00, each day's last, in an hour [03:00, 04:00) of its own: 4 hours a day.
  std::vector<int64_t> starts;
  for (const auto& h : raw_hours) starts.push_back(h.start);
  EXPECT_EQ(starts.size(), 16u);
  EXPECT_TRUE(std::is_sorted(starts.begin(), starts.end()));
}

// Migration 20 packs the hours of the days and the days of the months already stored: what it
// packs is exactly what ingest packs, so series and reports read the same before and after.
TEST_P(ReadingsTest, PackedSubPeriodsRebuiltFromStoredRowsEqualThoseWrittenAtIngest) {
  std::vector<RawReading> rows;
  for (int64_t t = kDayStart - 5 * 3600; t < kDayStart + 40 * 86400; t += 300) {  // across a month end
    const int64_t i = (t - kDayStart + 5 * 3600) / 300;
    rows.push_back(Raw("dev-1", t, i % 41 == 0 ? -3.0 : 8.0 + static_cast<double>(i % 29) * 1.1, 40));
  }
  readings::IngestOptions options;
  options.all_or_nothing = false;
  ASSERT_TRUE(Ingest(rows, kDayStart + 41 * 86400, options).ok());

  using Days = std::vector<std::pair<int64_t, std::vector<readings::RawPeriod>>>;
  auto read = [&](Days& days, std::vector<readings::RawPeriod>& hours) {
    ASSERT_TRUE(transactor_
                    ->Read(tenancy::Scope::System("test"), Info(),
                           [&](UnitOfWork& work) -> Status {
                             ASSIGN_OR_RETURN(days, readings::RawDaysOfOrg(work, org_.id, "2025-01-01", "2025-03-01"));
                             ASSIGN_OR_RETURN(hours, readings::RawHoursByStart(work, sensor_.id, kDayStart - 86400,
                                                                               kDayStart + 45 * 86400));
                             return Status::Ok();
                           })
                    .ok());
  };
  Days ingested_days, rebuilt_days;
  std::vector<readings::RawPeriod> ingested_hours, rebuilt_hours;
  read(ingested_days, ingested_hours);
  ASSERT_EQ(ingested_days.size(), 1u);
  EXPECT_EQ(ingested_days[0].second.size(), 41u);
  EXPECT_EQ(ingested_hours.size(), 5u + 40 * 24);

  ASSERT_TRUE(db_->Transaction(true, [](Connection& conn) -> Status {
                   RETURN_IF_ERROR(conn.Exec("UPDATE reading_days SET pm25_ir_hours = NULL", {}).status());
                   RETURN_IF_ERROR(conn.Exec("UPDATE reading_months SET pm25_ir_days = NULL", {}).status());
                   return PackSubPeriodSums(conn);
                 }).ok());
  read(rebuilt_days, rebuilt_hours);
  ASSERT_EQ(rebuilt_days.size(), 1u);
  ASSERT_EQ(rebuilt_days[0].second.size(), ingested_days[0].second.size());
  for (size_t i = 0; i < ingested_days[0].second.size(); ++i) {
    const auto &a = ingested_days[0].second[i], &b = rebuilt_days[0].second[i];
    EXPECT_EQ(a.label, b.label);
    EXPECT_EQ(a.pm25.count, b.pm25.count) << a.label;
    EXPECT_EQ(a.pm25.sum, b.pm25.sum) << a.label;  // bit-identical, not just close
  }
  ASSERT_EQ(rebuilt_hours.size(), ingested_hours.size());
  for (size_t i = 0; i < ingested_hours.size(); ++i) {
    EXPECT_EQ(ingested_hours[i].start, rebuilt_hours[i].start);
    EXPECT_EQ(ingested_hours[i].pm25.count, rebuilt_hours[i].pm25.count) << ingested_hours[i].start;
    EXPECT_EQ(ingested_hours[i].pm25.sum, rebuilt_hours[i].pm25.sum) << ingested_hours[i].start;
  }
}

// A PurpleAir-like sensor sends ATM and CF=1 PM2.5 on two channels: each hour keeps the clean CF=1
// mean of the A/B means (flagged readings left out, the 75 % rule as for PM2.5), computed here
// independently; migration 23's step rebuilds the same sums from the chunks.
TEST_P(ReadingsTest, HoursKeepTheCleanCf1MeanAndMigrationRebuildsItFromTheChunks) {
  const int64_t hour1 = kDayStart + 3600, hour2 = kDayStart + 7200;
  std::vector<RawReading> rows;
  std::map<int64_t, std::pair<int64_t, double>> expected;  // hour_end -> (n, sum)
  for (int64_t t = hour1 - 3600 + 60; t <= hour2; t += 60) {
    const int64_t i = (t - kDayStart) / 60;
    if (t > hour1 && i % 3 != 0) continue;  // the second hour: 20 of 60, incomplete
    RawReading r = Raw("dev-1", t, 20.0 + static_cast<double>(i % 7), 40.0);
    r.pm2_5_b = *r.pm2_5 + 1;
    r.pm2_5_cf1 = 30.0 + static_cast<double>(i % 5);
    r.pm2_5_cf1_b = *r.pm2_5_cf1 + (i % 2 ? 2.0 : 0.0);
    if (i == 17) r.pm2_5 = -5;  // flagged (out of range): not in the clean sums
    rows.push_back(r);
    if (i != 17) {
      auto& e = expected[readings::HourEndOf(t)];
      ++e.first;
      e.second += (*r.pm2_5_cf1 + *r.pm2_5_cf1_b) / 2;
    }
  }
  readings::IngestOptions options;
  options.all_or_nothing = false;
  ASSERT_TRUE(Ingest(rows, hour2 + 60, options).ok());

  auto check = [&](const char* when) {
    const auto hours = Hours(sensor_.id, kDayStart, hour2);
    ASSERT_EQ(hours.size(), 2u) << when;
    for (const auto& h : hours) {
      EXPECT_EQ(h.pm25_cf1.count, expected[h.hour_end].first) << when << " " << h.hour_end;
      EXPECT_NEAR(h.pm25_cf1.sum, expected[h.hour_end].second, 1e-9) << when;
    }
    ASSERT_TRUE(hours[0].pm25_cf1_mean()) << when;
    EXPECT_NEAR(*hours[0].pm25_cf1_mean(), expected[hour1].second / static_cast<double>(expected[hour1].first), 1e-12);
    EXPECT_FALSE(hours[1].pm25_cf1_mean()) << when;  // 20 of 60 samples
    EXPECT_NE(*hours[0].pm25_cf1_mean(), *hours[0].pm25_mean()) << when;
  };
  check("at ingest");
  ASSERT_TRUE(db_->Transaction(true, [](Connection& conn) -> Status {
                   RETURN_IF_ERROR(conn.Exec("UPDATE reading_hours SET pm25_cf1_n = 0, pm25_cf1_sum = 0", {}).status());
                   return FillHourCf1Sums(conn);
                 }).ok());
  check("rebuilt");
  // A sensor without CF=1 keeps zero sums.
  const auto plain = AddSensor("s2", "dev-2", 60);
  ASSERT_TRUE(Ingest(MinuteHour("dev-2", hour1, 10), hour2).ok());
  const auto hours = Hours(plain.id, kDayStart, hour2);
  ASSERT_EQ(hours.size(), 1u);
  EXPECT_EQ(hours[0].pm25_cf1.count, 0);
  EXPECT_FALSE(hours[0].pm25_cf1_mean());
}

TEST(PeriodPackTest, RoundTripsBitIdenticalAndRefusesTruncatedBlobs) {
  const std::vector<readings::SubPeriodSum> sums = {
      {0, {60, 1234.5678901234567}, std::nullopt}, {7, {1, 0.1}, 0.30000000000000004}, {30, {0, 0}, 999.9}};
  const std::string packed = readings::PackSubPeriods(sums);
  EXPECT_EQ(packed.size(), 1u + 3 * 14 + 2 * 8);
  std::vector<readings::SubPeriodSum> back;
  ASSERT_TRUE(readings::UnpackSubPeriods(packed, back).ok());
  ASSERT_EQ(back.size(), sums.size());
  for (size_t i = 0; i < sums.size(); ++i) {
    EXPECT_EQ(back[i].slot, sums[i].slot);
    EXPECT_EQ(back[i].pm25.count, sums[i].pm25.count);
    EXPECT_EQ(back[i].pm25.sum, sums[i].pm25.sum);
    EXPECT_EQ(back[i].at_end, sums[i].at_end);
  }
  back.clear();
  EXPECT_TRUE(readings::UnpackSubPeriods("", back).ok());
  EXPECT_TRUE(back.empty());
  EXPECT_TRUE(readings::UnpackSubPeriods(readings::PackSubPeriods({}), back).ok());
  EXPECT_TRUE(back.empty());
  for (size_t cut : {2u, 10u, 20u, 30u}) {
    const Status status = readings::UnpackSubPeriods(std::string_view(packed).substr(0, cut), back);
    EXPECT_EQ(status.code(), StatusCode::kInternal) << cut;
    EXPECT_NE(status.message().find("truncated"), std::string::npos) << status.message();
  }
  EXPECT_EQ(readings::UnpackSubPeriods(std::string("\x02", 1), back).code(), StatusCode::kInternal);
}

// Every value comes back bit for bit: hundredths (positive, negative, near the 2^50 limit) as
// deltas, and as raw doubles whatever is not exactly h / 100 (halfway values, 0.1 + 0.2, -0,
// NaN, infinities, tiny and huge numbers); flags, sources and the set of fields change between
// readings.
TEST(ChunkCodecTest, RoundTripsEveryValueBitIdentical) {
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  const std::vector<double> values = {0,       12.34,   -12.34,  0.005,   0.015,  0.125,  1e-300,     0.1 + 0.2,
                                      -0.0,    nan,     inf,     -inf,    999.99, 1000,   11258999068426.23,
                                      1.5e13,  -7.77,   250.005, 37.5,    0.01,   -0.01,  1e13 + 0.01};
  std::vector<readings::Reading> readings;
  const int64_t base = 1735689600;
  for (size_t i = 0; i < values.size(); ++i) {
    readings::Reading r;
    r.ts = base + 60 * static_cast<int64_t>(i) + 60;
    r.source = i % 3 ? readings::Source::kCsv : readings::Source::kMqtt;
    r.flags = static_cast<core::QaFlags>(i % 4);
    r.pm2_5 = values[i];
    r.pm10 = values[(i + 5) % values.size()];
    if (i % 2) r.pm1 = values[(i + 9) % values.size()];
    if (i % 5 == 0) r.co2_ppm = values[(i + 13) % values.size()];
    r.temperature_c = 20 + static_cast<double>(i) / 100.0;
    readings.push_back(r);
  }
  const std::string encoded = readings::EncodeChunk(readings, base);
  auto decoded = readings::DecodeChunk(encoded, base);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  ASSERT_EQ(decoded->size(), readings.size());
  auto same = [](const std::optional<double>& a, const std::optional<double>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || std::memcmp(&*a, &*b, sizeof(double)) == 0;
  };
  for (size_t i = 0; i < readings.size(); ++i) {
    const auto& in = readings[i];
    const auto& out = (*decoded)[i];
    EXPECT_EQ(out.ts, in.ts) << i;
    EXPECT_EQ(out.source, in.source) << i;
    EXPECT_EQ(out.flags, in.flags) << i;
    EXPECT_TRUE(same(out.pm2_5, in.pm2_5)) << i << ": " << values[i];
    EXPECT_TRUE(same(out.pm10, in.pm10)) << i;
    EXPECT_TRUE(same(out.pm1, in.pm1)) << i;
    EXPECT_TRUE(same(out.co2_ppm, in.co2_ppm)) << i;
    EXPECT_TRUE(same(out.temperature_c, in.temperature_c)) << i;
    EXPECT_FALSE(out.humidity_pct.has_value()) << i;
  }
  // Hundredths take a varint delta: version, count, header, ts, flags, source, mask and two bytes.
  readings::Reading plain;
  plain.ts = base + 60;
  plain.pm2_5 = 12.34;
  EXPECT_EQ(readings::EncodeChunk(std::vector<readings::Reading>{plain}, base).size(), 9u);  // 16 as a raw double
}

// The Sensor.Community archive (Aberdeen, SDS011, ~145 s cadence) imported through the same
// pipeline; every sensor-hour's in-range PM2.5 mean equals a plain recomputation from the file.
TEST_P(ReadingsTest, SensorCommunityArchiveHourlyMeansMatchAnIndependentComputation) {
  const std::string path = std::string(ECOTOWN_SHARED_DIR) + "/data/sensor-community-aberdeen/sds011_2019-05-01_15.csv";
  std::ifstream file(path);
  ASSERT_TRUE(file) << path;

  // Independent computation: split lines by ';', P2 is column 9, timestamp column 5 (UTC).
  std::map<std::pair<std::string, int64_t>, std::pair<int64_t, double>> expected;
  {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::stringstream ss(line);
      std::string cell;
      while (std::getline(ss, cell, ';')) cells.push_back(cell);
      if (cells.size() < 10 || cells[9].empty()) continue;
      std::tm tm{};
      ASSERT_NE(strptime(cells[5].c_str(), "%Y-%m-%dT%H:%M:%S", &tm), nullptr) << line;
      const int64_t ts = timegm(&tm);
      const double p2 = std::stod(cells[9]);
      if (!(p2 >= 0 && p2 <= 1000)) continue;
      auto& [n, sum] = expected[{cells[0], (ts + 3599) / 3600 * 3600}];
      ++n;
      sum += p2;
    }
  }
  ASSERT_GT(expected.size(), 1000u);

  std::map<std::string, sensors::Sensor> sensors;
  std::vector<RawReading> rows;
  auto read = ingest::ReadSensorCommunityArchive(
      file, [&](RawReading&& r) { rows.push_back(std::move(r)); }, [](size_t, const Status&) {});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  for (const auto& r : rows) {
    if (!sensors.count(r.device_key)) sensors[r.device_key] = AddSensor("sc" + r.device_key, r.device_key, 145);
  }
  // In batches, as an import would send them.
  readings::IngestOptions options;
  options.all_or_nothing = false;
  const int64_t received = 1561939200;  // 2019-07-01
  for (size_t start = 0; start < rows.size(); start += 20000) {
    std::vector<RawReading> batch(rows.begin() + static_cast<std::ptrdiff_t>(start),
                                  rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), start + 20000)));
    auto summary = Ingest(batch, received, options);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  }

  size_t compared = 0;
  for (const auto& [code, sensor] : sensors) {
    for (const auto& hour : Hours(sensor.id, 0, received)) {
      auto it = expected.find({code, hour.hour_end});
      if (hour.pm25_in_range.count == 0) continue;
      ASSERT_NE(it, expected.end()) << code << " " << hour.hour_end;
      EXPECT_EQ(hour.pm25_in_range.count, it->second.first) << code << " " << hour.hour_end;
      EXPECT_NEAR(*hour.pm25_in_range.mean(), it->second.second / static_cast<double>(it->second.first), 1e-9);
      EXPECT_EQ(hour.expected_samples, 24);
      ++compared;
    }
  }
  EXPECT_EQ(compared, expected.size());
}

}  // namespace
}  // namespace ecotown::store
