// The readings the open-data API tests (openaq_api_test.cc, export_api_test.cc) store, with the
// figures worked out by hand from them. One sensor reporting every 600 s, so a complete hour
// expects 6 samples and needs 5 clean ones (75 %), and a day needs 18 complete hours.
//
// 1 June 2025 (Asia/Bangkok), reading k = 1..16 at 00:00 + k·10 min:
//   PM2.5 = 8 + 2k, PM10 = PM2.5 + 10, temperature = 30 + 0.1k, RH = 60 + k;
//   reading 9 (01:30) has PM2.5 = -5 instead, which QA flags "negative".
//   Hour ending 01:00 (k 1..6): PM2.5 10..20, mean 15, 6 of 6 clean.
//   Hour ending 02:00 (k 7..12): clean PM2.5 22, 24, 28, 30, 32, mean 27.2, 5 of 6 clean (83 %);
//     its temperature counts all 6 (the flag is a PM flag), mean 30.95.
//   Hour ending 03:00 (k 13..16): 4 samples, incomplete, no hourly mean.
// 2 June 2025, hour h = 1..24 (ending 01:00 .. 24:00): readings at hour end - 50, -40, ..., -0 min
//   with PM2.5 = (10 + h) - 2.5, -1.5, ..., +2.5 (mean 10 + h), PM10 = PM2.5 + 10,
//   temperature 28 + 0.1h, RH 60 + 0.5h; hours 3, 7, 11, 15 get only their first 4 readings.
//   20 complete hours: daily PM2.5 mean = (540 - 76) / 20 = 23.2, PM10 33.2, temperature 29.32.
//   136 readings. The newest reading is at 3 June 00:00 local: PM2.5 36.5, PM10 46.5, 30.4 °C, 72 %.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ecotown::testing {

inline constexpr int64_t kJune1 = 1'748'710'800;  // 2025-06-01 00:00 Asia/Bangkok
inline constexpr int64_t kJune2 = kJune1 + 86400;
inline constexpr int64_t kJune3 = kJune2 + 86400;
inline constexpr int64_t kSampleInterval = 600;
inline constexpr int kReadingCount = 16 + 136;

// The JSON batch (POST /api/v1/readings) of the readings above for the sensor with this code.
inline nlohmann::json OpenDataReadings(const std::string& code) {
  nlohmann::json rows = nlohmann::json::array();
  for (int k = 1; k <= 16; ++k) {
    const double pm25 = 8.0 + 2.0 * k;
    rows.push_back({{"sensor", code},
                    {"ts", kJune1 + kSampleInterval * k},
                    {"pm2_5", k == 9 ? -5.0 : pm25},
                    {"pm10", pm25 + 10},
                    {"temperature", 30.0 + 0.1 * k},
                    {"humidity", 60.0 + k}});
  }
  for (int h = 1; h <= 24; ++h) {
    const int64_t hour_end = kJune2 + 3600LL * h;
    const bool incomplete = h == 3 || h == 7 || h == 11 || h == 15;
    for (int j = 0; j < (incomplete ? 4 : 6); ++j) {
      const double pm25 = 10.0 + h + (j - 2.5);
      rows.push_back({{"sensor", code},
                      {"ts", hour_end - 3000 + kSampleInterval * j},
                      {"pm2_5", pm25},
                      {"pm10", pm25 + 10},
                      {"temperature", 28.0 + 0.1 * h},
                      {"humidity", 60.0 + 0.5 * h}});
    }
  }
  return {{"readings", rows}};
}

}  // namespace ecotown::testing
