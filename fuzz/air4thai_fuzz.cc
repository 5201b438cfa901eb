// Fuzzes both Air4Thai responses (current and hourly history) with every input.
#include "fuzz/fuzz_checks.h"
#include "ingest/air4thai.h"

namespace {

void Check(const ecotown::Result<ecotown::ingest::Air4ThaiReadings>& result, int averaging_hours) {
  using namespace ecotown;
  if (!result.ok()) {
    fuzz::CheckError(result.status());
    return;
  }
  fuzz::Require(result->averaging_hours == averaging_hours);
  for (const auto& reading : result->readings) {
    fuzz::CheckReading(reading);
    fuzz::Require(reading.source == readings::Source::kAir4Thai);
  }
  for (const auto& skipped : result->skipped) {
    fuzz::CheckError(skipped);
    fuzz::Require(skipped.code() == StatusCode::kInvalid);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ecotown;
  Check(ingest::ParseAir4ThaiCurrent(fuzz::AsText(data, size)), 24);
  Check(ingest::ParseAir4ThaiHistory(fuzz::AsText(data, size)), 1);
  return 0;
}
