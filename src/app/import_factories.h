// `ecotown import factories FILE --org CODE [--mapping NAME]`: the DIW-shaped CSV import of the
// registry (factories::ImportFactoriesCsv) as the system, in one transaction, with the row-by-row
// report printed.
#pragma once

#include <ostream>
#include <string>

#include "app/runtime.h"
#include "modules/factories/factory_import.h"

namespace ecotown::app {

struct FactoryImportOptions {
  std::string path;  // "-" reads standard input
  std::string org_code;
  std::string mapping = "diw-prachinburi";
};

// NotFound for an unreadable file or unknown organisation; the import's own errors otherwise.
Result<factories::ImportReport> ImportFactories(Runtime& runtime, const FactoryImportOptions& options);

// One line per row ("line 12: rejected registration_no (เลขทะเบียน): ...") and the totals.
void PrintFactoryImportReport(const factories::ImportReport& report, std::ostream& out);

}  // namespace ecotown::app
