// `ecotown import readings FILE`: a streaming bulk import through the same pipeline as every
// other ingest path (readings::ReadingService), so imported readings are QA-flagged, idempotent on
// (sensor, ts) and their hourly, daily and monthly aggregates are current when it returns.
//
// A reader thread parses the file while the calling thread stores what was parsed, in write
// transactions of up to kFlushRows readings; each committed transaction is durable on its own,
// so an interrupted import is resumed by running it again (duplicates are skipped).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "app/runtime.h"
#include "core/result.h"

namespace ecotown::app {

struct ImportOptions {
  std::string path;            // "-" reads standard input
  std::string format = "csv";  // csv | sensor-community | air4thai (hourly history)
  std::optional<std::string> org_code;  // sensors are matched within this organisation, else all
  bool progress = false;       // draw a progress line on the progress stream
};

struct ImportReport {
  int64_t rows = 0;        // readings parsed from the file
  int64_t accepted = 0;    // stored (flagged ones included)
  int64_t flagged = 0;
  int64_t duplicates = 0;
  int64_t rejected = 0;    // bad lines plus readings of unknown sensors
  std::map<std::string, int64_t> reasons;  // rejection reason -> count
  std::vector<std::string> examples;       // the first few rejections, with their line numbers
  double seconds = 0;
};

// Sensors are matched by code, then by device key. Fatal problems (unreadable file, missing
// header columns, a database failure) are returned; bad rows are counted in the report.
Result<ImportReport> ImportReadings(Runtime& runtime, const ImportOptions& options, std::ostream& progress);

// The report as the CLI prints it.
void PrintImportReport(const ImportReport& report, std::ostream& out);

}  // namespace ecotown::app
