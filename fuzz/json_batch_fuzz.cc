// Fuzzes ParseJsonBatch.
#include "fuzz/fuzz_checks.h"
#include "ingest/json_batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ecotown;
  const auto result = ingest::ParseJsonBatch(fuzz::AsText(data, size));
  if (!result.ok()) {
    fuzz::CheckError(result.status());
    return 0;
  }
  fuzz::Require(result->size() <= ingest::kMaxJsonBatchRows);
  for (const auto& reading : *result) {
    fuzz::CheckReading(reading);
    fuzz::Require(reading.source == readings::Source::kJsonBatch);
  }
  return 0;
}
