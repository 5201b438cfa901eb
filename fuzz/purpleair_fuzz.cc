// Fuzzes ParsePurpleAir.
#include "fuzz/fuzz_checks.h"
#include "ingest/purpleair.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ecotown;
  const auto result = ingest::ParsePurpleAir(fuzz::AsText(data, size), 1767574800);
  if (!result.ok()) {
    fuzz::CheckError(result.status());
    return 0;
  }
  fuzz::Require(result->size() <= 1);
  for (const auto& reading : *result) {
    fuzz::CheckReading(reading);
    fuzz::Require(reading.device_key.size() == 17);
  }
  return 0;
}
