// Fuzzes ParseAirGradient with the serial from a URL/topic and without one.
#include "fuzz/fuzz_checks.h"
#include "ingest/airgradient.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ecotown;
  constexpr int64_t kReceivedAt = 1767574800;
  for (const std::string_view serial : {std::string_view(), std::string_view("ecda3b1eaaaf")}) {
    const auto result = ingest::ParseAirGradient(fuzz::AsText(data, size), serial, kReceivedAt);
    if (!result.ok()) {
      fuzz::CheckError(result.status());
      continue;
    }
    fuzz::Require(result->size() <= 1);
    for (const auto& reading : *result) {
      fuzz::CheckReading(reading);
      fuzz::Require(ingest::IsAirGradientSerial(reading.device_key));
      fuzz::Require(reading.ts == kReceivedAt);
      if (!serial.empty()) fuzz::Require(reading.device_key == serial);
      // Channel B is only ever filled together with channel A.
      if (reading.pm2_5_b || reading.pm10_b)
        fuzz::Require(reading.pm2_5 || reading.pm10 || reading.pm1 || reading.pm2_5_cf1);
    }
  }
  return 0;
}
