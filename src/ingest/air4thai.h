// Air4Thai, the Pollution Control Department's network (air-quality.md §4e; observed, not
// officially specified). Two responses we poll:
//
//  - current: GET .../services/getNewAQI_JSON.php (same payload as .../forweb/getAQI_JSON.php)
//    -> {"stations":[{"stationID":"44t", ..., "AQILast":{"date":"2025-12-25","time":"00:00",
//    "PM25":{"color_id":"1","aqi":"22","value":"13.2"}, "PM10":{...}, ...}}]}, or one station object
//    with ?stationID=. Older responses name the block "LastUpdate". All numbers are strings;
//    "-1" or "-" means no value. The PM values are the 24-hour moving means that PCD's AQI uses,
//    not hourly concentrations (§4e, pcd.go.th/?p=34396).
//  - history: GET .../forweb/getHistoryData.php?stationID=..&param=PM25,PM10,..&type=hr&...
//    -> {"result":"OK","error":"","stations":[{"stationID":"44t","params":[...],"data":[
//    {"DATETIMEDATA":"2026-09-28 14:00:00","PM25":9.3,"PM10":null,...}],"summary":{...}}]}.
//    Hourly means, labelled with the hour's end (14:00 = 13:00-14:00), numbers as JSON numbers.
//
// Times are Thai local (UTC+7) and become Unix seconds; device_key = stationID. One station or
// row that cannot be read does not lose the rest: it is listed in `skipped`. The mapping and the
// missing-value rules are in docs/ingest-formats.md. Pure functions; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::ingest {

// Largest Air4Thai response accepted (the national current response is about 230 KiB; a
// month of hourly history for a few stations a few MiB).
inline constexpr size_t kMaxAir4ThaiBodyBytes = 32 * 1024 * 1024;

struct Air4ThaiReadings {
  std::vector<readings::RawReading> readings;  // stations or rows with a PM, T or RH value
  // Stations or rows left out, each Status::Invalid naming the field
  // ("stations[17].AQILast.date"). Stations that report no value at all are not listed.
  std::vector<Status> skipped;
  // Averaging period of the PM values: 24 for the current response (24-h moving means), 1 for
  // the hourly history.
  int averaging_hours = 1;
};

// The current response (all stations, or one station object). PM25.value -> pm2_5,
// PM10.value -> pm10; ts = AQILast (or LastUpdate) date + time, local UTC+7. Invalid for
// malformed JSON, a body that is neither {"stations":[...]} nor a station object, a repeated
// key. TooLarge above kMaxAir4ThaiBodyBytes.
Result<Air4ThaiReadings> ParseAir4ThaiCurrent(std::string_view json);

// The hourly history response. PM25 -> pm2_5, PM10 -> pm10, TEMP -> temperature_c,
// RH -> humidity_pct (TEMP and RH both exactly 0 mean "no meteorology": absent); ts =
// DATETIMEDATA, local UTC+7, the end of the hour. Other parameters (O3, CO, NO2, SO2, WS, WD,
// BP, ...) are ignored. Invalid when "result" is not "OK" (with PCD's "error" text), for
// malformed JSON, a missing stations array, a repeated key. TooLarge as above.
Result<Air4ThaiReadings> ParseAir4ThaiHistory(std::string_view json);

}  // namespace ecotown::ingest
