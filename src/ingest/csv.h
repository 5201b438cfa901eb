// Streaming CSV readers for `ecotown import readings FILE`: our import format (a superset of the
// shared benchmark's `sensor_id,ts,pm2_5,pm10,temperature,humidity`) and the Sensor.Community
// archive (`sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2`).
// Columns, time rules and edge cases are in docs/ingest-formats.md.
//
// Both read the stream in 1 MiB blocks and hand out one RawReading per data row without a
// per-row allocation (a sensor id longer than the string's in-place buffer excepted). A bad row is
// reported through on_error with its line number and does not stop the file. Not thread-safe per
// call (the callbacks run on the caller's thread); separate calls are independent.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "core/result.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::ingest {

// Receives each good row. The reading may be moved from; the reader refills it for the next row.
using ReadingCallback = std::function<void(readings::RawReading&&)>;
// Receives each bad row: its first line number (1-based, the header is line 1) and a
// Status::Invalid naming the line, the column number and the column name
// ("line 17, column 3 (pm2_5): \"abc\" is not a number"); field() is the column name.
using RowErrorCallback = std::function<void(size_t line, const Status& error)>;

struct CsvReadStats {
  size_t lines = 0;                          // physical lines read, the header included
  size_t rows = 0;                           // rows handed to on_row
  size_t errors = 0;                         // rows handed to on_error
  std::vector<std::string> ignored_columns;  // header columns that map to nothing (kept in file order)
};

// Longest record accepted, bytes (a longer one, e.g. an unclosed quote swallowing the file,
// stops the read).
inline constexpr size_t kMaxCsvRecordBytes = 64 * 1024;

// Our import format: ',' separated, header required. Required columns sensor_id and ts; optional
// pm1, pm2_5, pm10 (µg/m³), temperature (°C), humidity (%), pressure (hPa), co2 (ppm). Header
// names are matched without regard to case or surrounding spaces; other columns are ignored
// (listed in CsvReadStats::ignored_columns). ts: Unix seconds, or ISO 8601 with 'Z' or an offset;
// without one, Asia/Bangkok (UTC+7). An empty cell is absent; "NaN"/"nan"/"NAN" is a present
// quiet NaN (QA flags it). RFC 4180 quoting, CRLF or LF, a UTF-8 BOM, blank lines skipped.
// source = Source::kCsv, device_key = sensor_id.
//
// Row errors (on_error, reading continues): wrong number of cells, empty or invalid sensor_id,
// empty or bad ts, a cell that is not a number, a row with no measurement at all. Fatal
// (returned): no header, a required column missing, a column named twice, a record longer than
// kMaxCsvRecordBytes, an unreadable stream.
Result<CsvReadStats> ReadCsvReadings(std::istream& in, const ReadingCallback& on_row, const RowErrorCallback& on_error);

// The Sensor.Community archive (archive.sensor.community/YYYY-MM-DD/..._<type>_sensor_<id>.csv):
// ';' separated as published (',' also accepted: detected from the header). Columns sensor_id,
// timestamp (ISO 8601 without zone = UTC, as the archive writes it) required; P1 -> pm10,
// P2 -> pm2_5, P0 -> pm1 (µg/m³), temperature, humidity, pressure (Pa -> hPa) optional; the
// others (sensor_type, location, lat, lon, durP1, ratioP1, ...) ignored. device_key = the archive's
// sensor_id ("15092"), source = Source::kCsv. Errors as for ReadCsvReadings.
Result<CsvReadStats> ReadSensorCommunityArchive(std::istream& in, const ReadingCallback& on_row,
                                                const RowErrorCallback& on_error);

}  // namespace ecotown::ingest
