// Fuzzes ParseAirrohr with and without an X-Sensor header.
#include "fuzz/fuzz_checks.h"
#include "ingest/airrohr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ecotown;
  constexpr int64_t kReceivedAt = 1767574800;
  for (const std::string_view header : {std::string_view(), std::string_view("esp8266-13966475")}) {
    const auto result = ingest::ParseAirrohr(fuzz::AsText(data, size), header, kReceivedAt);
    if (!result.ok()) {
      fuzz::CheckError(result.status());
      continue;
    }
    fuzz::Require(result->size() <= 1);
    for (const auto& reading : *result) {
      fuzz::CheckReading(reading);
      fuzz::Require(reading.ts == kReceivedAt);
      fuzz::Require(reading.source == readings::Source::kAirrohr);
      if (!header.empty()) fuzz::Require(reading.device_key == header);
    }
  }
  return 0;
}
