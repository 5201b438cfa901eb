#include "app/import_factories.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace ecotown::app {

Result<factories::ImportReport> ImportFactories(Runtime& runtime, const FactoryImportOptions& options) {
  std::string text;
  if (options.path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(options.path, std::ios::binary);
    if (!in) return Status::NotFound("cannot read " + options.path);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    text = bytes.str();
  }
  std::optional<factories::ImportReport> report;
  const RequestInfo info = runtime.CliInfo();
  RETURN_IF_ERROR(runtime.transactor().Write(tenancy::Scope::System("cli"), info, [&](UnitOfWork& work) -> Status {
    auto org = work.orgs().FindByCode(options.org_code);
    if (!org.ok()) return Status::NotFound("there is no organisation " + options.org_code);
    ASSIGN_OR_RETURN(report, factories::ImportFactoriesCsv(work, org->id, text, options.mapping));
    return Status::Ok();
  }));
  return *report;
}

void PrintFactoryImportReport(const factories::ImportReport& report, std::ostream& out) {
  for (const auto& row : report.rows) {
    out << "line " << row.line << ": " << factories::ImportOutcomeName(row.outcome);
    if (!row.registration.empty()) out << " " << row.registration;
    if (row.outcome == factories::ImportOutcome::kRejected) {
      out << " - " << row.field;
      if (!row.column.empty()) out << " (" << row.column << ")";
      out << ": " << row.reason;
    } else {
      out << " -> factory " << row.factory_id;
    }
    for (const auto& note : row.notes) out << " [" << note << "]";
    out << "\n";
  }
  out << "factories import (" << report.mapping << "): " << report.accepted << " accepted, " << report.updated
      << " updated, " << report.rejected << " rejected\n";
}

}  // namespace ecotown::app
