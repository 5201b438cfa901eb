// Fuzzes both CSV readers (our import format and the Sensor.Community archive) with every input.
#include <sstream>
#include <string>

#include "fuzz/fuzz_checks.h"
#include "ingest/csv.h"

namespace {

using ReaderFn = ecotown::Result<ecotown::ingest::CsvReadStats> (*)(std::istream&,
                                                                    const ecotown::ingest::ReadingCallback&,
                                                                    const ecotown::ingest::RowErrorCallback&);

void Run(ReaderFn reader, std::string_view text) {
  using namespace ecotown;
  std::istringstream in{std::string(text)};
  size_t rows = 0, errors = 0, last_line = 0;
  const auto result = reader(
      in,
      [&](readings::RawReading&& reading) {
        fuzz::CheckReading(reading, /*allow_nan=*/true);
        fuzz::Require(reading.source == readings::Source::kCsv);
        ++rows;
      },
      [&](size_t line, const Status& error) {
        fuzz::CheckError(error);
        fuzz::Require(error.code() == StatusCode::kInvalid);
        fuzz::Require(line >= 2 && line > last_line);
        last_line = line;
        ++errors;
      });
  if (!result.ok()) {
    fuzz::CheckError(result.status());
    return;
  }
  fuzz::Require(result->rows == rows && result->errors == errors);
  fuzz::Require(rows + errors + 1 <= result->lines || (rows + errors == 0));
  fuzz::Require(last_line <= result->lines);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Run(&ecotown::ingest::ReadCsvReadings, ecotown::fuzz::AsText(data, size));
  Run(&ecotown::ingest::ReadSensorCommunityArchive, ecotown::fuzz::AsText(data, size));
  return 0;
}
