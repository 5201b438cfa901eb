#include "store/checklist_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "modules/inspections/checklist_service.h"
#include "store/sql_stores.h"

namespace ecotown::store {

Result<int> LoadDefaultChecklists(Database& db, const std::string& data_dir, int64_t now) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(data_dir) / "checklists";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<inspections::ChecklistTemplate> templates;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::Internal("cannot read " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    auto tmpl = inspections::TemplateFromFileJson(text.str());
    if (!tmpl.ok()) {
      return Status::Invalid(file.filename().string() + ": " + tmpl.status().message(), tmpl.status().field());
    }
    templates.push_back(std::move(tmpl).value());
  }
  if (templates.empty()) return 0;
  SqlTransactor transactor(db);
  int saved = 0;
  RETURN_IF_ERROR(transactor.Write(tenancy::Scope::System("checklists"), RequestInfo{"startup", "", now},
                                   [&](UnitOfWork& work) -> Status {
                                     ASSIGN_OR_RETURN(saved, inspections::ChecklistService().LoadDefaults(work, templates));
                                     return Status::Ok();
                                   }));
  return saved;
}

}  // namespace ecotown::store
