// Import of factories from a CSV in the shape of DIW's open factory data.
//
// DIW exports change their column names (the Prachinburi shapefile extract truncates Thai names to
// ten characters; the national OpenAPI export uses FACREG, FNAME, ...), so the columns are mapped
// by a table per export shape (kMappings in factory_import.cc): a new shape is a new table.
//
// Transaction: the whole file is one transaction (the caller's UnitOfWork). Each row is checked
// completely before anything of it is written, so a rejected row writes nothing and is reported;
// accepted and updated rows commit together when the import returns. A row that matches a factory
// already registered in the organisation (same 14-digit id or old registration number) updates it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "modules/factories/factory.h"
#include "modules/unit_of_work.h"

namespace ecotown::factories {

enum class ImportOutcome { kAccepted, kUpdated, kRejected };
const char* ImportOutcomeName(ImportOutcome outcome);  // "accepted", "updated", "rejected"

struct ImportRow {
  int64_t line = 0;  // line of the CSV where the record starts (header = 1)
  ImportOutcome outcome = ImportOutcome::kRejected;
  int64_t factory_id = 0;        // set when accepted or updated
  std::string registration;      // the row's registration number, as written
  std::string name;
  std::string field;             // the registry field a rejection is about
  std::string column;            // the CSV column it came from, when known
  std::string reason;            // why rejected
  std::vector<std::string> notes;  // what was cleaned (e.g. name taken from the operator)
};

struct ImportReport {
  std::string mapping;
  int64_t accepted = 0;
  int64_t updated = 0;
  int64_t rejected = 0;
  std::vector<ImportRow> rows;
};

// Names of the known column mappings: "diw-prachinburi" (the shapefile extract, Thai columns) and
// "diw-openapi" (FACREG, FNAME, ...).
std::vector<std::string> ImportMappingNames();

// Imports csv_text into organisation org_id. Invalid ("mapping") for an unknown mapping, Invalid
// ("file") for a file without the mapping's required columns or that is not UTF-8 CSV; needs kWrite
// and write access to the organisation. Other errors of the database abort the whole import.
Result<ImportReport> ImportFactoriesCsv(UnitOfWork& work, int64_t org_id, std::string_view csv_text,
                                        std::string_view mapping_name);

// Excel's serial day number (1900 date system, as DIW's licence dates are stored) as YYYY-MM-DD.
// Invalid when it is not a number of days from 1 to 2958465.
Result<std::string> ExcelSerialToIsoDate(std::string_view text);

nlohmann::json ImportReportJson(const ImportReport& report);

}  // namespace ecotown::factories
