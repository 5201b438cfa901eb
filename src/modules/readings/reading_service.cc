#include "modules/readings/reading_service.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "modules/events/event_hub.h"
#include "modules/readings/aggregate.h"
#include "modules/readings/chunk_codec.h"

namespace ecotown::readings {
namespace {

Reading FromRaw(const RawReading& raw, int64_t received_at) {
  Reading r;
  r.ts = raw.ts == 0 ? received_at : raw.ts;
  r.source = raw.source;
  r.pm1 = raw.pm1;
  r.pm2_5 = raw.pm2_5;
  r.pm10 = raw.pm10;
  r.pm2_5_b = raw.pm2_5_b;
  r.pm10_b = raw.pm10_b;
  r.pm2_5_cf1 = raw.pm2_5_cf1;
  r.pm2_5_cf1_b = raw.pm2_5_cf1_b;
  r.temperature_c = raw.temperature_c;
  r.humidity_pct = raw.humidity_pct;
  r.pressure_hpa = raw.pressure_hpa;
  r.co2_ppm = raw.co2_ppm;
  return r;
}

// Flags that depend on the reading alone (and its receipt time).
core::QaFlags PointFlags(const Reading& r, int64_t received_at, const core::QaConfig& qa) {
  core::QaFlags flags = 0;
  if (r.pm2_5) flags |= core::CheckPmValue(*r.pm2_5, qa);
  if (r.pm10) flags |= core::CheckPmValue(*r.pm10, qa);
  if (r.pm1) flags |= core::CheckPmValue(*r.pm1, qa);
  if (r.pm2_5_b) flags |= core::CheckPmValue(*r.pm2_5_b, qa);
  if (r.humidity_pct) flags |= core::CheckHumidity(*r.humidity_pct, qa);
  const auto pm25 = Pm25Value(r);
  const auto pm10 = Pm10Value(r);
  if (pm25 && pm10) flags |= core::CheckPm25NotAbovePm10(*pm25, *pm10, qa);
  if (r.pm2_5_b || r.source == Source::kPurpleAir) flags |= core::CheckDualChannel(r.pm2_5, r.pm2_5_b, qa).flags;
  flags |= core::CheckTimestamp(r.ts, received_at, std::nullopt, qa);
  return flags;
}

// Readings in a row more than this many sample intervals apart are not neighbours (a gap).
constexpr int64_t kGapIntervals = 3;

// Stuck and spike flags over a sensor's PM2.5 series in time order.
std::vector<core::QaFlags> SeriesFlags(const std::vector<const Reading*>& series, int64_t interval,
                                       const core::QaConfig& base) {
  core::QaConfig qa = base;
  // A value repeated for a whole hour of samples (at least stuck_run_length) is stuck.
  qa.stuck_run_length = std::max(base.stuck_run_length, ExpectedSamplesPerHour(interval));
  std::vector<double> values;
  std::vector<int> index;  // position in `values` of each reading
  values.reserve(series.size() + 8);
  index.reserve(series.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t i = 0; i < series.size(); ++i) {
    if (i > 0 && series[i]->ts - series[i - 1]->ts > kGapIntervals * interval) values.push_back(nan);
    const auto v = Pm25Value(*series[i]);
    index.push_back(static_cast<int>(values.size()));
    values.push_back(v ? *v : nan);
  }
  const auto stuck = core::FlagStuckValues(values, qa);
  const auto spikes = core::FlagSpikes(values, qa);
  std::vector<core::QaFlags> out(series.size());
  for (size_t i = 0; i < series.size(); ++i) {
    out[i] = stuck[static_cast<size_t>(index[i])] | spikes[static_cast<size_t>(index[i])];
  }
  return out;
}

constexpr core::QaFlags kSeriesFlags = core::kQaStuck | core::kQaSpike;
constexpr core::QaFlags kNewMark = 1u << 31;  // never stored

// Makes the pieces one ascending series without copying in the common case (each piece sorted,
// each starting no earlier than the one before ends); otherwise one piece, stably sorted, so the
// first of two readings with one time is the one kept. Empty pieces are dropped.
void InTimeOrder(ReadingPieces& pieces) {
  std::erase_if(pieces, [](const std::vector<Reading>& piece) { return piece.empty(); });
  auto by_ts = [](const Reading& a, const Reading& b) { return a.ts < b.ts; };
  int64_t previous_end = std::numeric_limits<int64_t>::min();
  bool ordered = true;
  for (const auto& piece : pieces) {
    if (piece.front().ts < previous_end || !std::is_sorted(piece.begin(), piece.end(), by_ts)) {
      ordered = false;
      break;
    }
    previous_end = piece.back().ts;
  }
  if (ordered) return;
  std::vector<Reading> all;
  for (auto& piece : pieces) {
    all.insert(all.end(), std::make_move_iterator(piece.begin()), std::make_move_iterator(piece.end()));
  }
  std::stable_sort(all.begin(), all.end(), by_ts);
  pieces.clear();
  pieces.push_back(std::move(all));
}

void Merge(LatestReading& latest, const Reading& r) {
  if (!latest.latest || r.ts > latest.latest->ts) latest.latest = r;
  if (Pm25InRange(r) && (!latest.latest_valid || r.ts > latest.latest_valid->ts)) latest.latest_valid = r;
}

// The stored days of a month (key "YYYY-MM") after the days `written` of that month replaced
// theirs: what ReadingStore::Days would read back (in date order, without the packed hours).
std::vector<DayAggregate> WithDaysReplaced(std::vector<DayAggregate> days, std::span<const DayAggregate> written,
                                           std::string_view month) {
  for (const DayAggregate& w : written) {
    if (w.date.compare(0, month.size(), month) != 0) continue;
    auto at = std::lower_bound(days.begin(), days.end(), w.date,
                               [](const DayAggregate& d, const std::string& date) { return d.date < date; });
    if (at == days.end() || at->date != w.date) at = days.insert(at, w);
    else *at = w;
    at->pm25_in_range_hours.clear();
  }
  return days;
}

}  // namespace

Status RecordIngestEvent(UnitOfWork& work, IngestEvent event) {
  if (!event.org_id && !event.device_key.empty()) {
    if (auto found = work.sensors().FindByDeviceKey(event.device_key); found.ok()) {
      event.org_id = found->sensor.org_id;
      event.sensor_id = found->sensor.id;
    }
  }
  return work.readings().InsertIngestEvent(event).status();
}

Status ValidateRawReading(const RawReading& reading, int64_t received_at) {
  const bool any = reading.pm1 || reading.pm2_5 || reading.pm10 || reading.pm2_5_b || reading.pm10_b ||
                   reading.pm2_5_cf1 || reading.temperature_c || reading.humidity_pct || reading.pressure_hpa ||
                   reading.co2_ppm;
  if (!any) return Status::Invalid("no measurement value in the reading", "values");
  const int64_t ts = reading.ts == 0 ? received_at : reading.ts;
  if (ts < kEarliestReadingTs) return Status::Invalid("time is before 2000-01-01", "ts");
  if (ts > received_at + kMaxFutureSeconds) return Status::Invalid("time is more than 24 hours in the future", "ts");
  return Status::Ok();
}

Result<IngestSummary> ReadingService::Ingest(UnitOfWork& work, std::span<const RawReading> readings,
                                             int64_t received_at, const IngestOptions& options) const {
  IngestBatch batch = PrepareBatch(readings, received_at, options);
  RETURN_IF_ERROR(IngestBatches(work, {&batch, 1}));
  return std::move(batch.summary);
}

IngestBatch ReadingService::PrepareBatch(std::span<const RawReading> readings, int64_t received_at,
                                         const IngestOptions& options) const {
  IngestBatch batch;
  batch.received_at = received_at;
  batch.options = options;
  batch.summary.received = static_cast<int64_t>(readings.size());
  // name -> position in batch.named; first the rows per name, so that each name's vectors are
  // allocated once.
  std::unordered_map<std::string_view, size_t> index;
  std::vector<size_t> rows_of;
  for (const RawReading& raw : readings) {
    auto [it, added] = index.try_emplace(raw.device_key, rows_of.size());
    if (added) rows_of.push_back(0);
    ++rows_of[it->second];
  }
  batch.named.resize(rows_of.size());
  for (const auto& [name, at] : index) {
    batch.named[at].name = name;
    batch.named[at].rows.reserve(rows_of[at]);
    batch.named[at].readings.reserve(rows_of[at]);
  }
  for (size_t i = 0; i < readings.size(); ++i) {
    const RawReading& raw = readings[i];
    if (Status valid = ValidateRawReading(raw, received_at); !valid.ok()) {
      ++batch.summary.rejected;
      batch.summary.errors.push_back({i, raw.device_key, valid.message()});
      continue;
    }
    IngestBatch::Named& named = batch.named[index.find(raw.device_key)->second];
    Reading reading = FromRaw(raw, received_at);
    reading.flags = PointFlags(reading, received_at, qa_);
    named.rows.push_back(static_cast<uint32_t>(i));
    named.readings.push_back(std::move(reading));
  }
  std::erase_if(batch.named, [](const IngestBatch::Named& named) { return named.readings.empty(); });
  return batch;
}

Status ReadingService::IngestBatches(UnitOfWork& work, std::span<IngestBatch> batches) const {
  RETURN_IF_ERROR(work.scope().Require(tenancy::Permission::kWrite));
  if (batches.size() > kMaxBatchesPerGroup) {
    return Status::Internal("more than " + std::to_string(kMaxBatchesPerGroup) + " batches in one group");
  }

  // Sensors of the caller's organisations by code and key, when codes may be used.
  const bool any_codes = std::any_of(batches.begin(), batches.end(),
                                     [](const IngestBatch& b) { return b.options.match_codes; });
  std::unordered_map<std::string, sensors::Sensor> by_code, by_key;
  if (any_codes) {
    ASSIGN_OR_RETURN(auto listed, work.sensors().List(std::nullopt));
    for (auto& sensor : listed) {
      if (sensor.device_key) by_key.emplace(*sensor.device_key, sensor);
      by_code.emplace(sensor.code, std::move(sensor));
    }
  }
  // What each name resolved to, with codes allowed and without (node-based: pointers stay valid).
  std::unordered_map<std::string, std::optional<sensors::Sensor>> resolved[2];
  auto resolve = [&](const std::string& key, bool match_codes) -> Result<const sensors::Sensor*> {
    auto& cache = resolved[match_codes ? 1 : 0];
    if (auto it = cache.find(key); it != cache.end()) return it->second ? &*it->second : nullptr;
    std::optional<sensors::Sensor> found;
    if (match_codes) {
      if (auto it = by_code.find(key); it != by_code.end()) found = it->second;
      else if (auto k = by_key.find(key); k != by_key.end()) found = k->second;
    } else {
      auto credential = work.sensors().FindByDeviceKey(key);
      if (credential.ok()) found = credential->sensor;
      else if (credential.status().code() != StatusCode::kNotFound) return credential.status();
    }
    if (found && !work.scope().CanWrite(found->org_id)) found.reset();
    auto& entry = cache.emplace(key, std::move(found)).first->second;
    return entry ? &*entry : nullptr;
  };

  // The readings to store, per sensor in ascending id order (the writers' lock order), one piece
  // per batch in batch order: of two readings with one time the earlier batch's is kept.
  std::map<int64_t, std::pair<const sensors::Sensor*, ReadingPieces>> to_store;
  std::vector<IngestSummary*> summaries;
  int64_t received_at = 0;
  for (size_t b = 0; b < batches.size(); ++b) {
    IngestBatch& batch = batches[b];
    IngestSummary& summary = batch.summary;
    summaries.push_back(&summary);
    std::vector<std::pair<const sensors::Sensor*, IngestBatch::Named*>> found;
    for (IngestBatch::Named& named : batch.named) {
      ASSIGN_OR_RETURN(const sensors::Sensor* sensor, resolve(named.name, batch.options.match_codes));
      std::string refusal;
      if (!sensor) refusal = "sensor: unknown sensor '" + named.name + "'";
      else if (sensor->status == sensors::SensorStatus::kRetired) refusal = "sensor: sensor '" + sensor->code + "' is retired";
      if (refusal.empty()) {
        found.emplace_back(sensor, &named);
        continue;
      }
      summary.rejected += static_cast<int64_t>(named.rows.size());
      for (uint32_t row : named.rows) summary.errors.push_back({row, named.name, refusal});
    }
    // Errors in row order, as the rows came.
    std::stable_sort(summary.errors.begin(), summary.errors.end(),
                     [](const RowError& x, const RowError& y) { return x.index < y.index; });
    if (summary.rejected > 0 && batch.options.all_or_nothing) continue;  // nothing of it is stored
    for (auto& [sensor, named] : found) {
      for (Reading& r : named->readings) r.batch = static_cast<uint8_t>(b);
      auto& entry = to_store[sensor->id];
      entry.first = sensor;
      entry.second.push_back(std::move(named->readings));
    }
    received_at = std::max(received_at, batch.received_at);
  }

  std::set<int64_t> orgs;
  for (auto& [id, entry] : to_store) {
    RETURN_IF_ERROR(StoreSensorReadings(work, *entry.first, std::move(entry.second), received_at, summaries));
    orgs.insert(entry.first->org_id);
  }
  // After every sensor lock (ReadingStore::MarkChanged), in ascending order.
  for (int64_t org : orgs) {
    RETURN_IF_ERROR(work.readings().MarkChanged(org));
    nlohmann::json sensor_ids = nlohmann::json::array();
    for (const auto& [id, entry] : to_store) {
      if (entry.first->org_id == org) sensor_ids.push_back(id);
    }
    RETURN_IF_ERROR(events::Publish(work, org, "readings", nlohmann::json{{"sensors", sensor_ids}}.dump()));
  }
  return Status::Ok();
}

Result<Reading> ReadingService::Prepare(const RawReading& raw, int64_t received_at) const {
  RETURN_IF_ERROR(ValidateRawReading(raw, received_at));
  Reading reading = FromRaw(raw, received_at);
  reading.flags = PointFlags(reading, received_at, qa_);
  return reading;
}

Result<IngestSummary> ReadingService::IngestForSensor(UnitOfWork& work, const sensors::Sensor& sensor,
                                                      std::span<const RawReading> readings,
                                                      int64_t received_at) const {
  IngestSummary summary;
  summary.received = static_cast<int64_t>(readings.size());
  std::vector<Reading> incoming;
  incoming.reserve(readings.size());
  for (size_t i = 0; i < readings.size(); ++i) {
    auto prepared = Prepare(readings[i], received_at);
    if (!prepared.ok()) {
      ++summary.rejected;
      summary.errors.push_back({i, readings[i].device_key, prepared.status().message()});
      continue;
    }
    incoming.push_back(std::move(prepared).value());
  }
  PreparedReadings prepared{&sensor, {}};
  prepared.pieces.push_back(std::move(incoming));
  RETURN_IF_ERROR(StorePrepared(work, {&prepared, 1}, received_at, summary));
  return summary;
}

Status ReadingService::StorePrepared(UnitOfWork& work, std::span<PreparedReadings> prepared, int64_t received_at,
                                     IngestSummary& summary) const {
  for (const PreparedReadings& p : prepared) RETURN_IF_ERROR(work.scope().RequireWrite(p.sensor->org_id, "sensor"));
  // Ascending sensor ids: the lock order of every writer (ReadingStore::LockSensorForWrite).
  std::sort(prepared.begin(), prepared.end(),
            [](const PreparedReadings& a, const PreparedReadings& b) { return a.sensor->id < b.sensor->id; });
  IngestSummary* const summaries[] = {&summary};
  std::set<int64_t> orgs;
  for (PreparedReadings& p : prepared) {
    RETURN_IF_ERROR(StoreSensorReadings(work, *p.sensor, std::move(p.pieces), received_at, summaries));
    orgs.insert(p.sensor->org_id);
  }
  for (int64_t org : orgs) RETURN_IF_ERROR(work.readings().MarkChanged(org));
  return Status::Ok();
}

Status ReadingService::StoreSensorReadings(UnitOfWork& work, const sensors::Sensor& sensor, ReadingPieces incoming,
                                           int64_t received_at, std::span<IngestSummary* const> summaries) const {
  InTimeOrder(incoming);
  if (incoming.empty()) return Status::Ok();
  ReadingStore& store = work.readings();
  ASSIGN_OR_RETURN(const int64_t store_token, store.LockSensorForWrite(sensor.id));
  // What this sensor's last write left, if it is still what the store holds (tail_cache.h).
  std::optional<SensorTail> tail;
  if (tail_) tail = tail_->Take(sensor.id, store_token);

  // The stored hours the batch touches, with one hour of context either side for the series rules.
  const int64_t first_hour = HourEndOf(incoming.front().front().ts);
  const int64_t last_hour = HourEndOf(incoming.back().back().ts);
  const int64_t chunks_from = first_hour - kHour, chunks_to = last_hour + kHour;
  std::map<int64_t, std::vector<Reading>> hours;
  if (tail && chunks_from >= tail->chunks_from) {
    for (auto it = tail->chunks.lower_bound(chunks_from); it != tail->chunks.end() && it->first <= chunks_to; ++it) {
      hours.emplace(it->first, std::move(it->second));
    }
  } else {
    ASSIGN_OR_RETURN(auto stored, store.Chunks(sensor.id, chunks_from, chunks_to));
    for (const StoredChunk& chunk : stored) {
      RETURN_IF_ERROR(DecodeChunk(chunk.data, chunk.hour_end - kHour, hours[chunk.hour_end]));
    }
  }

  // Merge: a (sensor, ts) already stored, or repeated in the batch, is a duplicate.
  const int expected = ExpectedSamplesPerHour(sensor.sample_interval_seconds);
  std::set<int64_t> dirty;
  int64_t previous_ts = std::numeric_limits<int64_t>::min();
  int64_t current_hour = 0;
  std::vector<Reading>* hour_rows = nullptr;
  for (std::vector<Reading>& piece : incoming) {
    for (Reading& r : piece) {
      if (r.ts == previous_ts) {
        ++summaries[r.batch]->duplicates;
        continue;
      }
      previous_ts = r.ts;
      const int64_t h = HourEndOf(r.ts);
      if (!hour_rows || h != current_hour) {
        hour_rows = &hours[h];
        if (hour_rows->empty()) hour_rows->reserve(static_cast<size_t>(std::min(expected, 120)));
        current_hour = h;
        dirty.insert(h);
      }
      r.flags |= kNewMark;  // bit 31 marks "new" until the series pass
      if (hour_rows->empty() || hour_rows->back().ts < r.ts) {  // in order: the common case
        hour_rows->push_back(std::move(r));
        continue;
      }
      auto at = std::lower_bound(hour_rows->begin(), hour_rows->end(), r.ts,
                                 [](const Reading& x, int64_t ts) { return x.ts < ts; });
      if (at != hour_rows->end() && at->ts == r.ts) {
        ++summaries[r.batch]->duplicates;
        continue;
      }
      hour_rows->insert(at, std::move(r));
    }
  }
  // An hour whose every reading was a duplicate is unchanged.
  for (auto it = dirty.begin(); it != dirty.end();) {
    const auto& in_hour = hours[*it];
    const bool changed = std::any_of(in_hour.begin(), in_hour.end(), [](const Reading& r) { return r.flags & kNewMark; });
    it = changed ? std::next(it) : dirty.erase(it);
  }
  if (dirty.empty()) return Status::Ok();

  // Series flags over everything loaded. New readings get them outright; stored ones only gain
  // flags (their context beyond the loaded hours is not here to take one away).
  std::vector<const Reading*> series;
  for (const auto& [h, rows] : hours) {
    for (const Reading& r : rows) series.push_back(&r);
  }
  const auto flags = SeriesFlags(series, std::max<int64_t>(1, sensor.sample_interval_seconds), qa_);
  size_t k = 0;
  for (auto& [h, rows] : hours) {
    for (Reading& r : rows) {
      const core::QaFlags series_flags = flags[k++] & kSeriesFlags;
      if (r.flags & kNewMark) {
        r.flags = (r.flags & ~kNewMark) | series_flags;
        IngestSummary& summary = *summaries[r.batch];
        ++summary.accepted;
        if (r.flags) ++summary.flagged;
      } else if ((r.flags | series_flags) != r.flags) {
        r.flags |= series_flags;
        dirty.insert(h);
      }
    }
  }

  // Chunks and hourly aggregates of the changed hours.
  std::vector<HourWrite> writes;
  writes.reserve(dirty.size());
  for (int64_t h : dirty) {
    const auto& rows = hours[h];
    HourWrite w;
    w.chunk = {sensor.id, h, static_cast<int64_t>(rows.size()), EncodeChunk(rows, h - kHour)};
    w.aggregate = AggregateHour(sensor.id, h, rows, expected);
    writes.push_back(std::move(w));
  }
  // Rolling means (24-h mean, NowCast, raw 24-h sums and the value 24 h before) of the changed
  // hours, and of the stored hours after them that they feed (late data changes the next 24
  // hours too); loaded from the hour ending 24 h before the first change.
  const int64_t first_dirty = *dirty.begin(), last_dirty = *dirty.rbegin();
  const int64_t hours_after = first_dirty - 25 * kHour, hours_to = last_dirty + 24 * kHour;
  std::map<int64_t, HourAggregate> history;
  if (tail && hours_after >= tail->hours_after) {
    for (auto it = tail->hours.upper_bound(hours_after); it != tail->hours.end() && it->first <= hours_to; ++it) {
      history.emplace(it->first, std::move(it->second));
    }
  } else {
    ASSIGN_OR_RETURN(auto around, store.Hours(sensor.id, hours_after, hours_to));
    for (auto& h : around) history.emplace(h.hour_end, std::move(h));
  }
  for (const auto& w : writes) history[w.aggregate.hour_end] = w.aggregate;
  for (auto& w : writes) SetRollingMeans(w.aggregate, history);
  for (const auto& [end, stored_hour] : history) {
    if (end <= first_dirty || dirty.count(end)) continue;
    HourAggregate updated = stored_hour;
    SetRollingMeans(updated, history);
    if (updated.pm25_24h != stored_hour.pm25_24h || updated.pm25_nowcast != stored_hour.pm25_nowcast ||
        updated.pm25_24h_hours != stored_hour.pm25_24h_hours ||
        updated.pm25_in_range_24h.count != stored_hour.pm25_in_range_24h.count ||
        updated.pm25_in_range_24h.sum != stored_hour.pm25_in_range_24h.sum ||
        updated.pm25_in_range_24h_before != stored_hour.pm25_in_range_24h_before) {
      HourWrite w;
      w.chunk.sensor_id = sensor.id;
      w.chunk.hour_end = end;
      w.aggregate_only = true;
      w.aggregate = std::move(updated);
      writes.push_back(std::move(w));
    }
  }
  RETURN_IF_ERROR(store.PutHours(writes));
  for (const auto& w : writes) history[w.aggregate.hour_end] = w.aggregate;  // as now stored

  // Days, then months, recomputed from the level below: a changed day's hours all lie in
  // `history` (every hour within 24 h of a changed one, as stored or as just rewritten).
  std::set<std::string> day_keys;
  std::vector<core::CivilDate> days;
  for (int64_t h : dirty) {
    const core::CivilDate day = DayOfHourEnd(h);
    if (day_keys.insert(DayKey(day)).second) days.push_back(day);
  }
  std::vector<DayAggregate> day_rows;
  std::set<std::pair<int, int>> months;
  for (const core::CivilDate& day : days) {
    const int64_t end = DayEnd(day);
    std::vector<HourAggregate> day_hours;
    for (auto it = history.upper_bound(end - 24 * kHour); it != history.end() && it->first <= end; ++it) {
      day_hours.push_back(it->second);
    }
    day_rows.push_back(AggregateDay(sensor.id, day, day_hours));
    months.insert({day.year, day.month});
  }
  RETURN_IF_ERROR(store.PutDays(day_rows));
  std::vector<MonthAggregate> month_rows;
  std::vector<DayAggregate> month_days;
  for (const auto& [year, month] : months) {
    if (tail && tail->year == year && tail->month == month) {
      month_days = WithDaysReplaced(std::move(tail->month_days), day_rows, MonthKey(year, month));
      tail->year = tail->month = 0;
    } else {
      ASSIGN_OR_RETURN(month_days, store.Days(sensor.id, MonthKey(year, month) + "-01", MonthKey(year, month) + "-31"));
    }
    month_rows.push_back(AggregateMonth(sensor.id, year, month, month_days));
  }
  RETURN_IF_ERROR(store.PutMonths(month_rows));

  // Latest values: the stored ones (refreshed where this pass changed their flags) against the
  // newest readings of the loaded hours, which include every changed reading.
  LatestReading latest;
  if (tail) {
    latest = tail->latest;
  } else {
    auto current = store.LatestOf(sensor.id);
    if (current.ok()) latest = *current;
    else if (current.status().code() != StatusCode::kNotFound) return current.status();
  }
  // The newest stored hour before this write (0: none): beyond the hours loaded, the store may
  // hold more.
  const int64_t newest_before = latest.latest ? HourEndOf(latest.latest->ts) : 0;
  for (const auto& [h, rows] : hours) {
    for (const Reading& r : rows) {
      if (latest.latest && r.ts == latest.latest->ts) latest.latest = r;
      if (latest.latest_valid && r.ts == latest.latest_valid->ts) latest.latest_valid = r;
    }
  }
  // Only the newest loaded reading and the newest in-range one can replace them.
  const Reading* newest = nullptr;
  const Reading* newest_valid = nullptr;
  for (auto h = hours.rbegin(); h != hours.rend() && !newest_valid; ++h) {
    for (auto r = h->second.rbegin(); r != h->second.rend(); ++r) {
      if (!newest) newest = &*r;
      if (Pm25InRange(*r)) {
        newest_valid = &*r;
        break;
      }
    }
  }
  if (newest) Merge(latest, *newest);
  if (newest_valid) Merge(latest, *newest_valid);
  latest.sensor_id = sensor.id;
  latest.received_at = received_at;
  latest.write_token = NewWriteToken();
  RETURN_IF_ERROR(store.PutLatest(latest));
  if (!tail_) return Status::Ok();

  // What the next write of this sensor will read, if it follows on in time: the chunks of the two
  // newest hours, the hourly aggregates of the 26 hours before the newest, the days of the newest
  // month. Kept only when the rows loaded reach the newest stored hour (not after backfill).
  if (newest_before > chunks_to || newest_before > hours_to) return Status::Ok();
  const int64_t newest_hour = std::max(newest_before, hours.rbegin()->first);
  SensorTail next;
  next.write_token = latest.write_token;
  next.chunks_from = std::max(chunks_from, newest_hour - kHour);
  for (auto it = hours.lower_bound(next.chunks_from); it != hours.end(); ++it) {
    if (it->second.empty()) continue;
    for (Reading& r : it->second) r.batch = 0;
    next.chunks.emplace(it->first, std::move(it->second));
  }
  next.hours_after = std::max(hours_after, newest_hour - 26 * kHour);
  for (auto it = history.upper_bound(next.hours_after); it != history.end(); ++it) next.hours.insert(*it);
  const core::CivilDate newest_day = DayOfHourEnd(newest_hour);
  if (!months.empty() && *months.rbegin() == std::make_pair(newest_day.year, newest_day.month)) {
    next.year = newest_day.year;
    next.month = newest_day.month;
    next.month_days = std::move(month_days);
    for (DayAggregate& d : next.month_days) d.pm25_in_range_hours.clear();
  } else if (tail && tail->year == newest_day.year && tail->month == newest_day.month) {
    next.year = tail->year;
    next.month = tail->month;
    next.month_days = std::move(tail->month_days);
  }
  next.latest = std::move(latest);
  tail_->Put(sensor.id, std::move(next));
  return Status::Ok();
}

}  // namespace ecotown::readings
