#include "store/sql_reading_store.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "modules/readings/aggregate.h"
#include "modules/readings/chunk_codec.h"
#include "modules/readings/period_pack.h"
#include "store/sql_rows.h"

namespace ecotown::store {
namespace {

using readings::DayAggregate;
using readings::HourAggregate;
using readings::MonthAggregate;
using readings::Sum;

// Rows per multi-row INSERT: well under both backends' parameter limits (SQLite 32766,
// PostgreSQL 65535) and few enough distinct statement texts for the statement caches.
constexpr size_t kRowsPerInsert = 200;

// "($1, $2, ...), (...)" for rows × columns parameters.
std::string MakeValuesList(size_t rows, size_t columns) {
  std::string out;
  size_t n = 1;
  for (size_t r = 0; r < rows; ++r) {
    out += r ? ", (" : "(";
    for (size_t c = 0; c < columns; ++c) {
      if (c) out += ", ";
      out += '$';  // appended apart: GCC 12 -O3 warns (-Wrestrict) on "$" + std::to_string(...)
      out += std::to_string(n++);
    }
    out += ")";
  }
  return out;
}

// The same, made once per thread and shape (InsertMany uses a handful of shapes).
const std::string& ValuesList(size_t rows, size_t columns) {
  thread_local std::map<std::pair<size_t, size_t>, std::string> made;
  auto [it, inserted] = made.try_emplace({rows, columns});
  if (inserted) it->second = MakeValuesList(rows, columns);
  return it->second;
}

// Runs `INSERT INTO table (columns) VALUES ... upsert` over items in slices of kRowsPerInsert.
template <typename T, typename Bind>
Status InsertMany(Connection& conn, std::string_view head, size_t columns, std::string_view tail,
                  std::span<const T> items, Bind bind) {
  Params params;
  size_t rows = 0;
  for (size_t start = 0; start < items.size(); start += rows) {
    // Slices of a few fixed sizes only, so the statement caches hold a handful of texts.
    const size_t left = items.size() - start;
    rows = left >= kRowsPerInsert ? kRowsPerInsert : left >= 50 ? 50 : left >= 10 ? 10 : 1;
    params.clear();
    params.reserve(rows * columns);
    for (size_t i = 0; i < rows; ++i) bind(items[start + i], params);
    std::string sql(head);
    sql += ValuesList(rows, columns);
    sql += tail;
    auto result = conn.Query(sql, params);
    if (!result.ok()) return result.status();
  }
  return Status::Ok();
}

Sum SumAt(const Row& row, size_t n) { return Sum{row.Int(n), row.Real(n + 1)}; }

HourAggregate HourFromRow(const Row& row) {
  HourAggregate h;
  h.sensor_id = row.Int(0);
  h.hour_end = row.Int(1);
  h.samples = row.Int(2);
  h.flagged = row.Int(3);
  h.flags = static_cast<core::QaFlags>(row.Int(4));
  h.expected_samples = static_cast<int>(row.Int(5));
  h.pm25_in_range = SumAt(row, 6);
  h.pm25_in_range_at_end = row.OptReal(8);
  h.pm25 = SumAt(row, 9);
  h.pm10 = SumAt(row, 11);
  h.humidity = SumAt(row, 13);
  h.temperature = SumAt(row, 15);
  h.pm25_24h = row.OptReal(17);
  h.pm25_24h_hours = static_cast<int>(row.Int(18));
  h.pm25_nowcast = row.OptReal(19);
  h.pm25_in_range_24h = SumAt(row, 20);
  h.pm25_in_range_24h_before = row.OptReal(22);
  h.pm25_cf1 = SumAt(row, 23);
  return h;
}

constexpr const char* kHourColumns =
    "sensor_id, hour_end, samples, flagged, flags, expected, pm25_ir_n, pm25_ir_sum, pm25_ir_end, pm25_n, pm25_sum, "
    "pm10_n, pm10_sum, rh_n, rh_sum, t_n, t_sum, pm25_24h, pm25_24h_n, pm25_nowcast, pm25_ir_24h_n, pm25_ir_24h_sum, "
    "pm25_ir_24h_before, pm25_cf1_n, pm25_cf1_sum";

DayAggregate DayFromRow(const Row& row) {
  DayAggregate d;
  d.sensor_id = row.Int(0);
  d.date = row.Text(1);
  d.day_end = row.Int(2);
  d.samples = row.Int(3);
  d.flagged = row.Int(4);
  d.pm25_in_range = SumAt(row, 5);
  d.pm25_in_range_at_end = row.OptReal(7);
  d.pm25_hours = SumAt(row, 8);
  d.pm10_hours = SumAt(row, 10);
  return d;
}

constexpr const char* kDayColumns =
    "sensor_id, day, day_end, samples, flagged, pm25_ir_n, pm25_ir_sum, pm25_ir_end, pm25_hours_n, pm25_hours_sum, "
    "pm10_hours_n, pm10_hours_sum";

MonthAggregate MonthFromRow(const Row& row) {
  MonthAggregate m;
  m.sensor_id = row.Int(0);
  m.month = row.Text(1);
  m.month_end = row.Int(2);
  m.days_in_month = static_cast<int>(row.Int(3));
  m.samples = row.Int(4);
  m.flagged = row.Int(5);
  m.pm25_in_range = SumAt(row, 6);
  m.pm25_in_range_at_end = row.OptReal(8);
  m.pm25_days = SumAt(row, 9);
  m.pm10_days = SumAt(row, 11);
  return m;
}

constexpr const char* kMonthColumns =
    "sensor_id, month, month_end, days_in_month, samples, flagged, pm25_ir_n, pm25_ir_sum, pm25_ir_end, pm25_days_n, "
    "pm25_days_sum, pm10_days_n, pm10_days_sum";

// The names of a comma-separated column list ("a, b, c").
std::vector<std::string> ColumnNames(std::string_view columns) {
  std::vector<std::string> names;
  size_t pos = 0;
  while (pos <= columns.size()) {
    size_t comma = columns.find(',', pos);
    if (comma == std::string_view::npos) comma = columns.size();
    std::string name(columns.substr(pos, comma - pos));
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    names.push_back(std::move(name));
    pos = comma + 1;
  }
  return names;
}

// "ON CONFLICT (k1, k2) DO UPDATE SET c = excluded.c, ..." for every non-key column.
std::string UpdateAll(std::string_view columns, size_t keys) {
  std::string key_list, sets;
  const auto names = ColumnNames(columns);
  for (size_t i = 0; i < names.size(); ++i) {
    if (i < keys) key_list += (i ? ", " : "") + names[i];
    else sets += (sets.empty() ? "" : ", ") + names[i] + " = excluded." + names[i];
  }
  return " ON CONFLICT (" + key_list + ") DO UPDATE SET " + sets;
}

Value OptV(const std::optional<double>& v) { return v ? Value(*v) : Value(Null{}); }

Result<std::optional<readings::Reading>> DecodeOne(const Row& row, size_t ts_col, size_t data_col) {
  if (row.IsNull(ts_col) || row.IsNull(data_col)) return std::optional<readings::Reading>();
  const int64_t ts = row.Int(ts_col);
  ASSIGN_OR_RETURN(auto decoded, readings::DecodeChunk(row.Bytes(data_col), ts));
  if (decoded.size() != 1) return Status::Internal("latest reading row holds " + std::to_string(decoded.size()));
  return std::optional<readings::Reading>(decoded.front());
}

std::string EncodeOne(const readings::Reading& r) { return readings::EncodeChunk({&r, 1}, r.ts); }

Result<readings::LatestReading> LatestFromRow(const Row& row) {
  readings::LatestReading latest;
  latest.sensor_id = row.Int(0);
  ASSIGN_OR_RETURN(latest.latest, DecodeOne(row, 1, 2));
  ASSIGN_OR_RETURN(latest.latest_valid, DecodeOne(row, 3, 4));
  latest.received_at = row.Int(5);
  latest.write_token = row.Int(6);
  return latest;
}

}  // namespace

Status SqlReadingStore::CheckSensor(int64_t sensor_id) {
  if (readable_sensors_.count(sensor_id)) return Status::Ok();
  auto row = conn_.QueryOne("SELECT org_id FROM sensors WHERE id = $1 AND " + scope_.OrgFilterSql("org_id"),
                            {V(sensor_id)}, "sensor");
  if (!row.ok()) return row.status();
  readable_sensors_.insert(sensor_id);
  return Status::Ok();
}

Result<std::vector<HourAggregate>> SqlReadingStore::Hours(int64_t sensor_id, int64_t from_end, int64_t to_end) {
  RETURN_IF_ERROR(CheckSensor(sensor_id));
  return CollectRows<HourAggregate>(conn_, std::string("SELECT ") + kHourColumns +
                                                " FROM reading_hours WHERE sensor_id = $1 AND hour_end > $2 AND "
                                                "hour_end <= $3 ORDER BY hour_end", {V(sensor_id), V(from_end), V(to_end)}, HourFromRow);
}

Result<std::vector<DayAggregate>> SqlReadingStore::Days(int64_t sensor_id, std::string_view from_date,
                                                        std::string_view to_date) {
  RETURN_IF_ERROR(CheckSensor(sensor_id));
  return CollectRows<DayAggregate>(conn_, std::string("SELECT ") + kDayColumns +
                                                " FROM reading_days WHERE sensor_id = $1 AND day >= $2 AND day <= $3 "
                                                "ORDER BY day", {V(sensor_id), V(from_date), V(to_date)}, DayFromRow);
}

Result<std::vector<MonthAggregate>> SqlReadingStore::Months(int64_t sensor_id, std::string_view from_month,
                                                            std::string_view to_month) {
  RETURN_IF_ERROR(CheckSensor(sensor_id));
  return CollectRows<MonthAggregate>(conn_, std::string("SELECT ") + kMonthColumns +
                                   " FROM reading_months WHERE sensor_id = $1 AND month >= $2 AND month <= $3 "
                                   "ORDER BY month", {V(sensor_id), V(from_month), V(to_month)}, MonthFromRow);
}

namespace {

// "SELECT h.c1, h.c2, ... FROM <table> h JOIN sensors s ON s.id = h.sensor_id WHERE <scope> AND
// s.org_id = $1 AND h.<key> >= $2 AND h.<key> <= $3", in no particular order: the caller puts the
// rows in order with SortBySensorThen. PostgreSQL would sort them, packed blobs and all, comparing
// the text keys under the database's collation (at M, the daily report's statement took 3.8 ms
// with its sort and 2.4 ms without); SQLite gives them in its index order anyway, which the sort
// checks in one pass.
std::string OrgQuery(std::string_view columns, std::string_view table, std::string_view key, bool from_inclusive,
                     const tenancy::Scope& scope) {
  std::string prefixed;
  for (const auto& name : ColumnNames(columns)) prefixed += (prefixed.empty() ? "h." : ", h.") + name;
  return "SELECT " + prefixed + " FROM " + std::string(table) + " h JOIN sensors s ON s.id = h.sensor_id WHERE " +
         scope.OrgFilterSql("s.org_id") + " AND s.org_id = $1 AND h." + std::string(key) +
         (from_inclusive ? " >= $2" : " > $2") + " AND h." + std::string(key) + " <= $3";
}

// Rows by sensor, then by time(row) (an int64_t); already ordered rows cost one pass.
template <typename T, typename Time>
void SortBySensorThen(std::vector<T>& rows, Time time) {
  const auto before = [&](const T& a, const T& b) {
    return a.sensor_id != b.sensor_id ? a.sensor_id < b.sensor_id : time(a) < time(b);
  };
  if (!std::is_sorted(rows.begin(), rows.end(), before)) std::sort(rows.begin(), rows.end(), before);
}

template <typename T, typename Time>
Result<std::vector<T>> SortedBySensorThen(Result<std::vector<T>> rows, Time time) {
  if (rows.ok()) SortBySensorThen(*rows, time);
  return rows;
}

}  // namespace

Result<std::vector<HourAggregate>> SqlReadingStore::HoursOfOrg(int64_t org_id, int64_t from_end, int64_t to_end) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  return SortedBySensorThen(
      CollectRows<HourAggregate>(conn_, OrgQuery(kHourColumns, "reading_hours", "hour_end", false, scope_),
                                 {V(org_id), V(from_end), V(to_end)}, HourFromRow),
      [](const HourAggregate& h) { return h.hour_end; });
}

Result<std::vector<DayAggregate>> SqlReadingStore::DaysOfOrg(int64_t org_id, std::string_view from_date,
                                                             std::string_view to_date) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  return SortedBySensorThen(
      CollectRows<DayAggregate>(conn_, OrgQuery(kDayColumns, "reading_days", "day", true, scope_),
                                {V(org_id), V(from_date), V(to_date)}, DayFromRow),
      [](const DayAggregate& d) { return d.day_end; });
}

Result<std::vector<MonthAggregate>> SqlReadingStore::MonthsOfOrg(int64_t org_id, std::string_view from_month,
                                                                 std::string_view to_month) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  return SortedBySensorThen(
      CollectRows<MonthAggregate>(conn_, OrgQuery(kMonthColumns, "reading_months", "month", true, scope_),
                                  {V(org_id), V(from_month), V(to_month)}, MonthFromRow),
      [](const MonthAggregate& m) { return m.month_end; });
}

Result<std::vector<readings::InRangeSums>> SqlReadingStore::InRangeSumsOfOrg(int64_t org_id, int64_t from_end,
                                                                              int64_t to_end) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  // A 24-h window ending with a stored hour is that hour's kept 24-h sums and the value stamped
  // 24 h before: one row per sensor. Other windows (another length, or no hour stored at to_end)
  // are summed from the hours, with the value at from_end from the hour ending there.
  const bool day = to_end - from_end == 24 * readings::kHour;
  const std::string summed = day ? "t.sensor_id IS NULL" : "1 = 1";
  const std::string at_from =
      "(SELECT f.pm25_ir_end FROM reading_hours f WHERE f.sensor_id = s.id AND f.hour_end = $2)";
  std::vector<readings::InRangeSums> out;
  RETURN_IF_ERROR(conn_.ForEachRow(
      std::string("SELECT s.id, ") +
                      (day ? "t.pm25_ir_24h_n, t.pm25_ir_24h_sum, " : "NULL, NULL, ") +
                      (day ? "CASE WHEN " + summed + " THEN " + at_from + " ELSE t.pm25_ir_24h_before END, "
                           : at_from + ", ") +
                      "t.pm25_ir_end, "
                      "CASE WHEN " + summed + " THEN (SELECT CAST(sum(h.pm25_ir_n) AS BIGINT) FROM "
                      "reading_hours h WHERE h.sensor_id = s.id AND h.hour_end > $2 AND h.hour_end <= $3) END, "
                      "CASE WHEN " + summed + " THEN (SELECT sum(h.pm25_ir_sum) FROM reading_hours h "
                      "WHERE h.sensor_id = s.id AND h.hour_end > $2 AND h.hour_end <= $3) END, "
                      "s.code, l.sensor_id IS NOT NULL, l.valid_ts, l.valid_data "
                      "FROM sensors s LEFT JOIN reading_hours t ON t.sensor_id = s.id AND t.hour_end = $3 "
                      "LEFT JOIN reading_latest l ON l.sensor_id = s.id WHERE " +
                      scope_.OrgFilterSql("s.org_id") + " AND s.org_id = $1 ORDER BY s.id",
      {V(org_id), V(from_end), V(to_end)}, [&](const Row& row) -> Status {
        readings::InRangeSums sums;
        sums.sensor_id = row.Int(0);
        sums.at_from = row.OptReal(3);
        sums.at_to = row.OptReal(4);
        sums.hours = row.IsNull(1) ? Sum{row.OptInt(5).value_or(0), row.OptReal(6).value_or(0)} : SumAt(row, 1);
        sums.has_latest = row.Bool(8);
        if (!sums.has_latest && sums.hours.count == 0 && !sums.at_from && !sums.at_to) return Status::Ok();
        sums.code = row.Bytes(7);
        ASSIGN_OR_RETURN(sums.latest_valid, DecodeOne(row, 9, 10));
        out.push_back(std::move(sums));
        return Status::Ok();
      }));
  return out;
}

Result<std::vector<readings::InRangePeriod>> SqlReadingStore::InRangeHours(int64_t sensor_id, int64_t from_end,
                                                                           int64_t to_end) {
  // The hours ending in (from_end, to_end] are packed on the rows of the days that hold them.
  std::vector<readings::InRangePeriod> out;
  if (to_end <= from_end) {
    RETURN_IF_ERROR(CheckSensor(sensor_id));
    return out;
  }
  const std::string from_day = readings::DayKey(readings::DayOfHourEnd(readings::HourEndOf(from_end + 1)));
  const std::string to_day = readings::DayKey(readings::DayOfHourEnd(readings::HourEndOf(to_end)));
  std::vector<readings::SubPeriodSum> slots;
  bool any_row = false;
  // The sensor's scope is checked by the read itself (one statement, not two: a round trip each
  // on PostgreSQL); only a read that finds nothing asks whether the sensor is there at all. The
  // rows come in no particular order, and the hours are put in order after (see OrgQuery).
  RETURN_IF_ERROR(conn_.ForEachRow(
      "SELECT day_end, pm25_ir_hours FROM reading_days WHERE sensor_id = $1 AND day >= $2 AND day <= $3 AND "
      "EXISTS (SELECT 1 FROM sensors s WHERE s.id = $1 AND " + scope_.OrgFilterSql("s.org_id") + ")",
      {V(sensor_id), V(from_day), V(to_day)}, [&](const Row& row) -> Status {
        any_row = true;
        const int64_t day_start = row.Int(0) - 24 * readings::kHour;
        slots.clear();
        RETURN_IF_ERROR(readings::UnpackSubPeriods(row.Bytes(1), slots));
        for (const auto& s : slots) {
          const int64_t end = day_start + (s.slot + 1) * readings::kHour;
          if (end > from_end && end <= to_end) {
            out.push_back({sensor_id, end - readings::kHour, end, {}, s.pm25, s.at_end});
          }
        }
        return Status::Ok();
      }));
  if (any_row) {
    readable_sensors_.insert(sensor_id);
  } else {
    RETURN_IF_ERROR(CheckSensor(sensor_id));
  }
  SortBySensorThen(out, [](const readings::InRangePeriod& p) { return p.end; });
  return out;
}

Result<std::vector<readings::InRangePeriod>> SqlReadingStore::InRangeDaysOfOrg(int64_t org_id,
                                                                               std::string_view from_date,
                                                                               std::string_view to_date) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  // The days are packed on the rows of their months: one row per sensor-month.
  std::vector<readings::InRangePeriod> out;
  out.reserve(4096);
  std::vector<readings::SubPeriodSum> slots;
  RETURN_IF_ERROR(conn_.ForEachRow(
      OrgQuery("sensor_id, month, pm25_ir_days", "reading_months", "month", true, scope_),
      {V(org_id), V(from_date.substr(0, 7)), V(to_date.substr(0, 7))}, [&](const Row& row) -> Status {
        const int64_t sensor_id = row.Int(0);
        const std::string& month = row.Bytes(1);
        const int year = std::stoi(month.substr(0, 4)), month_number = std::stoi(month.substr(5, 2));
        slots.clear();
        RETURN_IF_ERROR(readings::UnpackSubPeriods(row.Bytes(2), slots));
        for (const auto& s : slots) {
          const core::CivilDate day{year, month_number, s.slot + 1};
          std::string label = readings::DayKey(day);
          if (label < from_date || label > to_date) continue;
          const int64_t end = readings::DayEnd(day);
          out.push_back({sensor_id, end - 24 * readings::kHour, end, std::move(label), s.pm25, s.at_end});
        }
        return Status::Ok();
      }));
  SortBySensorThen(out, [](const readings::InRangePeriod& p) { return p.end; });
  return out;
}

Result<std::vector<readings::InRangePeriod>> SqlReadingStore::InRangeMonthsOfOrg(int64_t org_id,
                                                                                 std::string_view from_month,
                                                                                 std::string_view to_month) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  return SortedBySensorThen(
      CollectRows<readings::InRangePeriod>(
          conn_,
          OrgQuery("sensor_id, month, month_end, days_in_month, pm25_ir_n, pm25_ir_sum, pm25_ir_end", "reading_months",
                   "month", true, scope_),
          {V(org_id), V(from_month), V(to_month)},
          [](const Row& row) {
            const int64_t end = row.Int(2);
            return readings::InRangePeriod{row.Int(0), end - row.Int(3) * 24 * readings::kHour, end, row.Bytes(1),
                                           SumAt(row, 4), row.OptReal(6)};
          }),
      [](const readings::InRangePeriod& p) { return p.end; });
}

Result<std::vector<readings::Reading>> SqlReadingStore::Raw(int64_t sensor_id, int64_t from, int64_t to,
                                                            int64_t limit) {
  ASSIGN_OR_RETURN(auto chunks, Chunks(sensor_id, readings::HourEndOf(from + 1), readings::HourEndOf(to)));
  std::vector<readings::Reading> out;
  for (const auto& chunk : chunks) {
    std::vector<readings::Reading> rows;
    RETURN_IF_ERROR(readings::DecodeChunk(chunk.data, chunk.hour_end - readings::kHour, rows));
    for (const auto& r : rows) {
      if (r.ts <= from || r.ts > to) continue;
      if (static_cast<int64_t>(out.size()) >= limit) return out;
      out.push_back(r);
    }
  }
  return out;
}

Result<std::vector<readings::LatestReading>> SqlReadingStore::Latest(std::optional<int64_t> org_id) {
  std::string sql =
      "SELECT l.sensor_id, l.ts, l.data, l.valid_ts, l.valid_data, l.received_at, l.write_token FROM reading_latest l "
      "JOIN sensors s ON s.id = l.sensor_id WHERE " +
      scope_.OrgFilterSql("s.org_id");
  Params params;
  if (org_id) {
    sql += " AND s.org_id = $1";
    params.push_back(V(*org_id));
  }
  sql += " ORDER BY l.sensor_id";
  ASSIGN_OR_RETURN(auto result, conn_.Query(sql, params));
  std::vector<readings::LatestReading> out;
  out.reserve(result.rows.size());
  for (const Row& row : result.rows) {
    ASSIGN_OR_RETURN(auto latest, LatestFromRow(row));
    out.push_back(std::move(latest));
  }
  return out;
}

Result<readings::LatestReading> SqlReadingStore::LatestOf(int64_t sensor_id) {
  RETURN_IF_ERROR(CheckSensor(sensor_id));
  ASSIGN_OR_RETURN(auto row, conn_.QueryOne("SELECT sensor_id, ts, data, valid_ts, valid_data, received_at, "
                                            "write_token FROM reading_latest WHERE sensor_id = $1",
                                            {V(sensor_id)}, "latest reading"));
  return LatestFromRow(row);
}

Result<int64_t> SqlReadingStore::InsertIngestEvent(const readings::IngestEvent& event) {
  ASSIGN_OR_RETURN(auto row, conn_.QueryOne(
                                 "INSERT INTO ingest_events (at, org_id, sensor_id, source, device_key, kind, "
                                 "message, count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                                 {V(event.at), V(event.org_id), V(event.sensor_id), V(event.source),
                                  V(event.device_key), V(event.kind), V(event.message), V(event.count)}));
  return row.Int(0);
}

Result<int64_t> SqlReadingStore::ChangeVersion(int64_t org_id) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  ASSIGN_OR_RETURN(auto result, conn_.Query("SELECT version FROM reading_changes WHERE org_id = $1", {V(org_id)}));
  return result.rows.empty() ? int64_t{0} : result.rows.front().Int(0);
}

Result<std::vector<readings::IngestEvent>> SqlReadingStore::IngestEvents(int64_t since, int64_t limit) {
  std::string filter = scope_.OrgFilterSql("org_id");
  if (scope_.all_orgs()) filter = "(" + filter + " OR org_id IS NULL)";
  ASSIGN_OR_RETURN(auto result,
                   conn_.Query("SELECT id, at, org_id, sensor_id, source, device_key, kind, message, count "
                               "FROM ingest_events WHERE at >= $1 AND " +
                                   filter + " ORDER BY id DESC LIMIT $2",
                               {V(since), V(limit)}));
  std::vector<readings::IngestEvent> out;
  out.reserve(result.rows.size());
  for (const Row& row : result.rows) {
    readings::IngestEvent e;
    e.id = row.Int(0);
    e.at = row.Int(1);
    e.org_id = row.OptInt(2);
    e.sensor_id = row.OptInt(3);
    e.source = row.Text(4);
    e.device_key = row.Text(5);
    e.kind = row.Text(6);
    e.message = row.Text(7);
    e.count = row.Int(8);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<readings::StoredChunk>> SqlReadingStore::Chunks(int64_t sensor_id, int64_t from_end,
                                                                   int64_t to_end) {
  RETURN_IF_ERROR(CheckSensor(sensor_id));
  ASSIGN_OR_RETURN(auto result, conn_.Query("SELECT hour_end, n, data FROM reading_chunks WHERE sensor_id = $1 AND "
                                            "hour_end >= $2 AND hour_end <= $3 ORDER BY hour_end",
                                            {V(sensor_id), V(from_end), V(to_end)}));
  std::vector<readings::StoredChunk> out;
  out.reserve(result.rows.size());
  for (const Row& row : result.rows) out.push_back({sensor_id, row.Int(0), row.Int(1), row.Bytes(2)});
  return out;
}

Result<int64_t> SqlReadingStore::LockSensorForWrite(int64_t sensor_id) {
  RETURN_IF_ERROR(CheckSensor(sensor_id));
  // SQLite write transactions are serialised already (BEGIN IMMEDIATE); PostgreSQL runs them
  // concurrently under READ COMMITTED, so take the sensor's row lock, and read the token in the
  // same round trip (the row lock makes it the token of the last committed write).
  ASSIGN_OR_RETURN(auto result,
                   conn_.Query(conn_.dialect() == Dialect::kPostgres
                                   ? "SELECT l.write_token FROM sensors s LEFT JOIN reading_latest l ON "
                                     "l.sensor_id = s.id WHERE s.id = $1 FOR UPDATE OF s"
                                   : "SELECT write_token FROM reading_latest WHERE sensor_id = $1",
                               {V(sensor_id)}));
  if (result.rows.empty()) return int64_t{0};
  return result.rows.front().OptInt(0).value_or(0);
}

Status VacuumReadingTables(Database& db) {
  if (db.dialect() != Dialect::kPostgres) return Status::Ok();
  ASSIGN_OR_RETURN(auto conn, db.Acquire());
  return conn->ExecScript(
      "VACUUM (ANALYZE) reading_chunks, reading_hours, reading_days, reading_months, reading_latest");
}

Status SqlReadingStore::PutHours(std::span<const readings::HourWrite> hours) {
  bool all_chunks = true;
  for (const auto& h : hours) {
    RETURN_IF_ERROR(CheckSensor(h.chunk.sensor_id));
    all_chunks = all_chunks && !h.aggregate_only;
  }
  std::vector<readings::HourWrite> with_chunks;  // only when some hours changed their rolling means alone
  if (!all_chunks) {
    for (const auto& h : hours) {
      if (!h.aggregate_only) with_chunks.push_back(h);
    }
  }
  const std::span<const readings::HourWrite> chunks = all_chunks ? hours : std::span<const readings::HourWrite>(with_chunks);
  RETURN_IF_ERROR(InsertMany(conn_, "INSERT INTO reading_chunks (sensor_id, hour_end, n, data) VALUES ", 4,
                             " ON CONFLICT (sensor_id, hour_end) DO UPDATE SET n = excluded.n, data = excluded.data",
                             chunks, [](const readings::HourWrite& h, Params& p) {
                               p.push_back(V(h.chunk.sensor_id));
                               p.push_back(V(h.chunk.hour_end));
                               p.push_back(V(h.chunk.count));
                               p.push_back(B(h.chunk.data));
                             }));
  static const std::string kHead = std::string("INSERT INTO reading_hours (") + kHourColumns + ") VALUES ";
  static const std::string kTail = UpdateAll(kHourColumns, 2);
  return InsertMany(conn_, kHead, 25, kTail, hours, [](const readings::HourWrite& w, Params& p) {
    const HourAggregate& h = w.aggregate;
    p.insert(p.end(), {V(h.sensor_id), V(h.hour_end), V(h.samples), V(h.flagged), V(static_cast<int64_t>(h.flags)),
                       V(h.expected_samples), V(h.pm25_in_range.count), V(h.pm25_in_range.sum),
                       OptV(h.pm25_in_range_at_end), V(h.pm25.count), V(h.pm25.sum), V(h.pm10.count),
                       V(h.pm10.sum), V(h.humidity.count), V(h.humidity.sum), V(h.temperature.count),
                       V(h.temperature.sum), OptV(h.pm25_24h), V(static_cast<int64_t>(h.pm25_24h_hours)),
                       OptV(h.pm25_nowcast), V(h.pm25_in_range_24h.count), V(h.pm25_in_range_24h.sum),
                       OptV(h.pm25_in_range_24h_before), V(h.pm25_cf1.count), V(h.pm25_cf1.sum)});
  });
}

Status SqlReadingStore::PutDays(std::span<const DayAggregate> days) {
  for (const auto& d : days) RETURN_IF_ERROR(CheckSensor(d.sensor_id));
  static const std::string kColumns = std::string(kDayColumns) + ", pm25_ir_hours";
  static const std::string kHead = "INSERT INTO reading_days (" + kColumns + ") VALUES ";
  static const std::string kTail = UpdateAll(kColumns, 2);
  return InsertMany(conn_, kHead, 13, kTail, days, [](const DayAggregate& d, Params& p) {
    p.insert(p.end(), {V(d.sensor_id), V(d.date), V(d.day_end), V(d.samples), V(d.flagged),
                       V(d.pm25_in_range.count), V(d.pm25_in_range.sum), OptV(d.pm25_in_range_at_end),
                       V(d.pm25_hours.count), V(d.pm25_hours.sum), V(d.pm10_hours.count), V(d.pm10_hours.sum),
                       B(readings::PackSubPeriods(d.pm25_in_range_hours))});
  });
}

Status SqlReadingStore::PutMonths(std::span<const MonthAggregate> months) {
  for (const auto& m : months) RETURN_IF_ERROR(CheckSensor(m.sensor_id));
  static const std::string kColumns = std::string(kMonthColumns) + ", pm25_ir_days";
  static const std::string kHead = "INSERT INTO reading_months (" + kColumns + ") VALUES ";
  static const std::string kTail = UpdateAll(kColumns, 2);
  return InsertMany(conn_, kHead, 14, kTail, months, [](const MonthAggregate& m, Params& p) {
    p.insert(p.end(), {V(m.sensor_id), V(m.month), V(m.month_end), V(static_cast<int64_t>(m.days_in_month)),
                       V(m.samples), V(m.flagged), V(m.pm25_in_range.count), V(m.pm25_in_range.sum),
                       OptV(m.pm25_in_range_at_end), V(m.pm25_days.count), V(m.pm25_days.sum),
                       V(m.pm10_days.count), V(m.pm10_days.sum), B(readings::PackSubPeriods(m.pm25_in_range_days))});
  });
}

Status SqlReadingStore::PutLatest(const readings::LatestReading& latest) {
  RETURN_IF_ERROR(CheckSensor(latest.sensor_id));
  if (!latest.latest) return Status::Invalid("a latest-values row needs a reading", "latest");
  auto result = conn_.Query(
      "INSERT INTO reading_latest (sensor_id, ts, data, valid_ts, valid_data, received_at, write_token) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sensor_id) DO UPDATE SET ts = excluded.ts, "
      "data = excluded.data, valid_ts = excluded.valid_ts, valid_data = excluded.valid_data, "
      "received_at = excluded.received_at, write_token = excluded.write_token",
      {V(latest.sensor_id), V(latest.latest->ts), B(EncodeOne(*latest.latest)),
       latest.latest_valid ? V(latest.latest_valid->ts) : Value(Null{}),
       latest.latest_valid ? B(EncodeOne(*latest.latest_valid)) : Value(Null{}), V(latest.received_at),
       V(latest.write_token)});
  return result.status();
}

Status SqlReadingStore::MarkChanged(int64_t org_id) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  return conn_
      .Query("INSERT INTO reading_changes (org_id, version) VALUES ($1, 1) ON CONFLICT (org_id) DO UPDATE SET "
             "version = reading_changes.version + 1",
             {V(org_id)})
      .status();
}

}  // namespace ecotown::store
