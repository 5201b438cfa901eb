// A reading as a device or a file delivered it, before any QA, calibration or registry lookup.
//
// Ingest parsers (src/ingest/) turn wire formats into RawReadings; the readings service checks
// them (ValidateReading), resolves device_key to a registered sensor, flags them with the QA
// rules of core/qa.h and stores them. Raw values are kept as delivered; corrected values are
// derived, never written over them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ecotown::readings {

// Which wire format a reading came in (stored with it, shown on the network health page).
enum class Source : uint8_t { kAirrohr, kAirGradient, kPurpleAir, kAir4Thai, kJsonBatch, kCsv, kMqtt };
const char* SourceName(Source source);

struct RawReading {
  std::string device_key;  // how the device names itself: "esp8266-13966475", AirGradient serial
                           // "ecda3b1eaaaf", PurpleAir MAC, Air4Thai station id "44t", or our sensor id
  int64_t ts = 0;          // measurement time, Unix seconds UTC; 0 when the device sends none
                           // (the service then uses the receive time)
  Source source = Source::kJsonBatch;

  // Particulate mass concentrations in µg/m³ as the device reported them. For dual-channel
  // devices (PurpleAir A/B, AirGradient channels 1/2) the first channel goes in pm*, the second
  // in pm*_b; the QA dual-channel rule compares them.
  std::optional<double> pm1, pm2_5, pm10;
  std::optional<double> pm2_5_b, pm10_b;
  std::optional<double> pm2_5_cf1;  // Plantower CF=1 PM2.5 (input of the EPA PurpleAir correction)
  std::optional<double> pm2_5_cf1_b;

  std::optional<double> temperature_c;  // °C (PurpleAir's °F converted by the parser)
  std::optional<double> humidity_pct;   // relative humidity, %
  std::optional<double> pressure_hpa;   // hPa (airrohr's Pa converted by the parser)
  std::optional<double> co2_ppm;

  // Device health, when the format carries it.
  std::optional<int> signal_dbm;
  std::string firmware;
};

}  // namespace ecotown::readings
