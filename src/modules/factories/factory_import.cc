#include "modules/factories/factory_import.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <map>
#include <sstream>

#include "core/csv.h"
#include "core/factory_registration.h"
#include "core/thai_calendar.h"
#include "core/utf8.h"
#include "modules/factories/factory_service.h"

namespace ecotown::factories {
namespace {

// How a registry field is read from the source columns.
enum class Read {
  kText,        // the first column, trimmed; "", " " and "-" are blank
  kJoin,        // the non-blank columns joined with spaces (address parts, capacity and unit)
  kNumber,      // a decimal number; blank is absent
  kWholeSum,    // the sum of whole numbers (male and female workers ...); all blank is absent
  kExcelDate,   // an Excel serial day number
  kIsoDate,     // YYYY-MM-DD or YYYY-MM-DDThh:mm:ss
  kCategory,    // 1, 2 or 3
  kTypeCode,    // DIW 5-digit class code (or a display class such as 9(6))
};

struct ColumnRule {
  const char* field;                  // registry field
  std::vector<const char*> columns;   // source columns; the first one is the main one
  Read read;
  bool required_column = false;       // the file must have this column
};

struct Mapping {
  const char* name;
  std::vector<ColumnRule> rules;
  std::vector<std::pair<const char*, const char*>> address_labels;  // column -> prefix ("หมู่ " ...)
};

// The column mappings, one per export shape. Columns of a rule that a file lacks are skipped
// unless required_column.
const std::vector<Mapping>& Mappings() {
  static const std::vector<Mapping> kMappings = {
      {"diw-prachinburi",
       {
           {"registration_no", {"เลขทะเบียน"}, Read::kText, true},
           {"type_code", {"ประเภท"}, Read::kTypeCode},
           {"category", {"จำพวก"}, Read::kCategory},
           {"name", {"ชื่อโรงงาน"}, Read::kText, true},
           {"operator_name", {"ผู้ประกอบก"}, Read::kText},
           {"business", {"ประกอบกิจก"}, Read::kText},
           {"products", {"กำลังผลิต", "หน่วย"}, Read::kJoin},
           {"address", {"เลขที่", "หมู่", "ซอย", "ถนน", "ตำบล", "อำเภอ", "จังหวัด", "ไปรษณีย์"}, Read::kJoin},
           {"phone", {"โทรศัพท์"}, Read::kText},
           {"horsepower", {"แรงม้า"}, Read::kNumber},
           {"capital_thb", {"เงินลงทุนค"}, Read::kNumber},
           {"workers", {"ช่างฝีมือช", "คนงานชาย", "ช่างฝีมือห", "คนงานหญิง"}, Read::kWholeSum},
           {"registered_on", {"วันที่ใบอน"}, Read::kExcelDate},
           {"lat", {"ละติจูด"}, Read::kNumber},
           {"lon", {"ลองติจูด"}, Read::kNumber},
           {"subdistrict_code", {"TAM_ID_U"}, Read::kText},
       },
       {{"หมู่", "หมู่ "}, {"ซอย", "ซอย "}, {"ถนน", "ถนน "}, {"ตำบล", "ต."}, {"อำเภอ", "อ."}, {"จังหวัด", "จ."}}},
      {"diw-openapi",
       {
           {"registration_no14", {"FACREG"}, Read::kText},
           {"registration_no", {"DISPFACREG"}, Read::kText},
           {"name", {"FNAME"}, Read::kText, true},
           {"operator_name", {"ONAME"}, Read::kText},
           {"business", {"OBJECT"}, Read::kText},
           {"type_code", {"FACTYPE"}, Read::kTypeCode},
           {"address", {"FADDR", "FMOO", "FSOI", "FROAD", "FTUMNAME", "FAMPNAME", "FPROVNAME"}, Read::kJoin},
           {"lat", {"LAT"}, Read::kNumber},
           {"lon", {"LNG"}, Read::kNumber},
           {"capital_thb", {"TOTAL_CAP"}, Read::kNumber},
           {"workers", {"TOTAL_WORKER"}, Read::kWholeSum},
           {"horsepower", {"HP"}, Read::kNumber},
       },
       {{"FMOO", "หมู่ "}, {"FSOI", "ซอย "}, {"FROAD", "ถนน "}, {"FTUMNAME", "ต."}, {"FAMPNAME", "อ."},
        {"FPROVNAME", "จ."}}},
  };
  return kMappings;
}

std::string Trim(std::string_view text) {
  size_t a = 0, b = text.size();
  while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r' || text[a] == '\n')) ++a;
  while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r' || text[b - 1] == '\n')) --b;
  return std::string(text.substr(a, b - a));
}

// DIW cells use " " and "-" for nothing.
bool IsBlank(const std::string& trimmed) { return trimmed.empty() || trimmed == "-" || trimmed == "--"; }

std::optional<double> ParseNumber(const std::string& text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// An update keeps what the file does not say (status, contacts, location entered by the LAO).
Factory MergeImported(Factory current, const Factory& imported) {
  auto take = [](auto& to, const auto& from) {
    if (from) to = from;
  };
  auto take_text = [](std::string& to, const std::string& from) {
    if (!from.empty()) to = from;
  };
  take_text(current.name, imported.name);
  take(current.registration_no, imported.registration_no);
  take(current.registration_no14, imported.registration_no14);
  take(current.type_code, imported.type_code);
  take(current.category, imported.category);
  take_text(current.business, imported.business);
  take_text(current.operator_name, imported.operator_name);
  take_text(current.products, imported.products);
  take(current.capital_thb, imported.capital_thb);
  take(current.workers, imported.workers);
  take(current.horsepower, imported.horsepower);
  take_text(current.address, imported.address);
  take(current.subdistrict_code, imported.subdistrict_code);
  if (imported.lat && imported.lon) {
    current.lat = imported.lat;
    current.lon = imported.lon;
  }
  take_text(current.phone, imported.phone);
  take(current.registered_on, imported.registered_on);
  return current;
}

struct RowError {
  std::string field, column, reason;
};

}  // namespace

const char* ImportOutcomeName(ImportOutcome outcome) {
  switch (outcome) {
    case ImportOutcome::kAccepted: return "accepted";
    case ImportOutcome::kUpdated: return "updated";
    case ImportOutcome::kRejected: return "rejected";
  }
  return "rejected";
}

std::vector<std::string> ImportMappingNames() {
  std::vector<std::string> names;
  for (const auto& m : Mappings()) names.emplace_back(m.name);
  return names;
}

Result<std::string> ExcelSerialToIsoDate(std::string_view text) {
  auto value = ParseNumber(Trim(text));
  if (!value || *value < 1 || *value > 2958465 || std::floor(*value) != *value) {
    return Status::Invalid("not an Excel date serial number");
  }
  // Excel counts from 1899-12-30 (its serial 60 is the non-existent 1900-02-29).
  const core::CivilDate date =
      core::CivilFromDays(core::DaysFromCivil({1899, 12, 30}) + static_cast<int64_t>(*value));
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  return std::string(buffer);
}

Result<ImportReport> ImportFactoriesCsv(UnitOfWork& work, int64_t org_id, std::string_view csv_text,
                                        std::string_view mapping_name) {
  const Mapping* mapping = nullptr;
  for (const auto& m : Mappings()) {
    if (mapping_name == m.name) mapping = &m;
  }
  if (!mapping) {
    std::string names;
    for (const auto& n : ImportMappingNames()) names += (names.empty() ? "" : ", ") + n;
    return Status::Invalid("mapping must be one of " + names, "mapping");
  }
  RETURN_IF_ERROR(work.scope().Require(tenancy::Permission::kWrite));
  RETURN_IF_ERROR(work.scope().RequireWrite(org_id, "organisation"));
  if (!core::IsValidUtf8(csv_text)) return Status::Invalid("the file is not UTF-8 text", "file");

  std::istringstream in{std::string(csv_text)};
  core::CsvReader reader(in);
  std::vector<std::string> header;
  if (!reader.Next(header)) return Status::Invalid("the file is empty", "file");
  std::map<std::string, size_t, std::less<>> column_at;
  for (size_t i = 0; i < header.size(); ++i) column_at.emplace(Trim(header[i]), i);
  for (const auto& rule : mapping->rules) {
    if (rule.required_column && !column_at.count(rule.columns.front())) {
      return Status::Invalid(std::string("the file has no column ") + rule.columns.front() + " (mapping " +
                                 mapping->name + ")",
                             "file");
    }
  }

  ImportReport report;
  report.mapping = mapping->name;
  const FactoryService service;
  std::vector<std::string> cells;
  int64_t next_statistics_refresh = 1000;  // then at each doubling of the rows written
  while (reader.Next(cells)) {
    if (report.accepted + report.updated >= next_statistics_refresh) {
      RETURN_IF_ERROR(work.factories().RefreshStatistics());
      next_statistics_refresh *= 2;
    }
    ImportRow row;
    row.line = static_cast<int64_t>(reader.line());
    if (!reader.error().empty()) return Status::Invalid("line " + std::to_string(row.line) + ": " + reader.error(), "file");
    if (cells.size() == 1 && Trim(cells[0]).empty()) continue;  // an empty line

    auto cell = [&](const char* column) -> std::optional<std::string> {
      auto at = column_at.find(column);
      if (at == column_at.end() || at->second >= cells.size()) return std::nullopt;
      std::string text = Trim(cells[at->second]);
      if (IsBlank(text)) return std::nullopt;
      return text;
    };

    Factory f;
    f.org_id = org_id;
    std::optional<RowError> error;
    for (const auto& rule : mapping->rules) {
      if (error) break;
      const std::string field = rule.field;
      const char* main_column = rule.columns.front();
      auto fail = [&](const std::string& reason) { error = RowError{field, main_column, reason}; };
      switch (rule.read) {
        case Read::kText: {
          auto v = cell(main_column);
          if (!v) break;
          if (field == "registration_no") f.registration_no = *v;
          else if (field == "registration_no14") f.registration_no14 = *v;
          else if (field == "name") f.name = *v;
          else if (field == "operator_name") f.operator_name = *v;
          else if (field == "business") f.business = *v;
          else if (field == "phone") f.phone = *v;
          else if (field == "subdistrict_code") f.subdistrict_code = *v;
          break;
        }
        case Read::kJoin: {
          std::string joined;
          for (const char* column : rule.columns) {
            auto v = cell(column);
            if (!v) continue;
            std::string prefix;
            for (const auto& [label_column, label] : mapping->address_labels) {
              if (std::string_view(label_column) == column && field == "address") prefix = label;
            }
            joined += (joined.empty() ? "" : " ") + prefix + *v;
          }
          if (field == "address") f.address = joined;
          else if (field == "products") {
            // A capacity of 0 means "not recorded" in DIW data: keep only a real figure.
            auto capacity = cell(rule.columns.front());
            auto number = capacity ? ParseNumber(*capacity) : std::nullopt;
            f.products = number && *number > 0 ? joined : "";
          }
          break;
        }
        case Read::kNumber: {
          auto v = cell(main_column);
          if (!v) break;
          auto number = ParseNumber(*v);
          if (!number) {
            fail("'" + *v + "' is not a number");
            break;
          }
          if (field == "lat") f.lat = *number;
          else if (field == "lon") f.lon = *number;
          else if (field == "horsepower") f.horsepower = *number;
          else if (field == "capital_thb") f.capital_thb = *number > 0 ? std::optional(*number) : std::nullopt;
          break;
        }
        case Read::kWholeSum: {
          std::optional<int64_t> sum;
          for (const char* column : rule.columns) {
            auto v = cell(column);
            if (!v) continue;
            auto number = ParseNumber(*v);
            if (!number || *number < 0 || std::floor(*number) != *number) {
              error = RowError{field, column, "'" + *v + "' is not a whole number of workers"};
              break;
            }
            sum = sum.value_or(0) + static_cast<int64_t>(*number);
          }
          if (!error) f.workers = sum;
          break;
        }
        case Read::kExcelDate: {
          auto v = cell(main_column);
          if (!v) break;
          auto date = ExcelSerialToIsoDate(*v);
          if (!date.ok()) {
            fail("'" + *v + "' is not an Excel date serial number");
            break;
          }
          if (std::stoi(date->substr(0, 4)) >= 2400) {
            fail("'" + *v + "' is the date " + *date + ": a Buddhist Era year typed into a Common Era date field");
            break;
          }
          f.registered_on = *date;
          break;
        }
        case Read::kIsoDate: {
          auto v = cell(main_column);
          if (v) f.registered_on = v->substr(0, 10);
          break;
        }
        case Read::kCategory: {
          auto v = cell(main_column);
          if (!v) break;
          auto number = ParseNumber(*v);
          if (!number || (*number != 1 && *number != 2 && *number != 3)) {
            fail("category '" + *v + "' is not 1, 2 or 3");
            break;
          }
          f.category = static_cast<int>(*number);
          break;
        }
        case Read::kTypeCode: {
          auto v = cell(main_column);
          if (!v) break;
          if (core::IsClassCode(*v)) {
            f.type_code = *v;
          } else if (v->size() < 5 && std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; })) {
            f.type_code = std::string(5 - v->size(), '0') + *v;  // leading zeros lost by a spreadsheet
            row.notes.push_back("type code " + *v + " read as " + *f.type_code);
          } else {
            fail("type '" + *v + "' is not a DIW 5-digit class code");
          }
          break;
        }
      }
    }
    if (!error && !f.category && f.registration_no) {
      // The national export has no category column; the old registration number carries it.
      auto reg = core::ParseOldRegistration(*f.registration_no);
      if (reg.ok()) f.category = reg->category;
    }
    if (!error && f.name.empty() && !f.operator_name.empty()) {
      f.name = f.operator_name;
      row.notes.push_back("the factory name is blank; the operator's name is used");
    }
    if (!error && f.name.empty()) error = RowError{"name", "", "the factory name is blank and so is the operator's"};
    row.registration = f.registration_no ? *f.registration_no : f.registration_no14.value_or("");
    row.name = f.name;

    if (!error) {
      Status checked = ValidateFactoryFields(f);
      if (checked.ok()) {
        // Which registered factory this row is, if any: then it is an update.
        auto existing = work.factories().FindByRegistration(org_id, f.registration_no14, f.registration_no);
        if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) return existing.status();
        Result<Factory> written = existing.ok() ? service.Update(work, existing->id, MergeImported(*existing, f))
                                                : service.Create(work, f);
        if (written.ok()) {
          row.outcome = existing.ok() ? ImportOutcome::kUpdated : ImportOutcome::kAccepted;
          row.factory_id = written->id;
        } else {
          checked = written.status();
        }
      }
      if (!checked.ok()) {
        if (checked.code() != StatusCode::kInvalid && checked.code() != StatusCode::kConflict) return checked;
        error = RowError{checked.field(), "", checked.message()};
      }
    }
    if (error) {
      row.outcome = ImportOutcome::kRejected;
      row.field = error->field;
      row.column = error->column;
      if (row.column.empty()) {
        for (const auto& rule : mapping->rules) {
          if (error->field == rule.field) row.column = rule.columns.front();
        }
      }
      row.reason = error->reason;
    }
    switch (row.outcome) {
      case ImportOutcome::kAccepted: ++report.accepted; break;
      case ImportOutcome::kUpdated: ++report.updated; break;
      case ImportOutcome::kRejected: ++report.rejected; break;
    }
    report.rows.push_back(std::move(row));
  }
  if (!reader.error().empty()) return Status::Invalid(reader.error(), "file");
  return report;
}

nlohmann::json ImportReportJson(const ImportReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : report.rows) {
    nlohmann::json j = {{"line", r.line},
                        {"outcome", ImportOutcomeName(r.outcome)},
                        {"registration", r.registration},
                        {"name", r.name}};
    if (r.factory_id) j["factory_id"] = r.factory_id;
    if (r.outcome == ImportOutcome::kRejected) {
      j["field"] = r.field;
      j["column"] = r.column;
      j["reason"] = r.reason;
    }
    if (!r.notes.empty()) j["notes"] = r.notes;
    rows.push_back(std::move(j));
  }
  return {{"mapping", report.mapping},
          {"accepted", report.accepted},
          {"updated", report.updated},
          {"rejected", report.rejected},
          {"rows", rows}};
}

}  // namespace ecotown::factories
