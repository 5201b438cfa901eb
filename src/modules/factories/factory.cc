#include "modules/factories/factory.h"

#include <array>
#include <cmath>
#include <utility>

#include "core/factory_registration.h"
#include "core/thai_calendar.h"
#include "core/utf8.h"

namespace ecotown::factories {
namespace {

constexpr std::array<std::pair<FactoryStatus, const char*>, 3> kStatuses = {{
    {FactoryStatus::kOperating, "operating"},
    {FactoryStatus::kSuspended, "suspended"},
    {FactoryStatus::kClosed, "closed"},
}};

Status ValidateText(std::string_view text, size_t max, const char* field, bool required = false) {
  if (!core::IsValidUtf8(text) || core::CodePointCount(text) > max || (required && text.empty())) {
    return Status::Invalid(std::string(field) + " must be valid text of " + (required ? "1" : "0") + " to " +
                               std::to_string(max) + " characters",
                           field);
  }
  return Status::Ok();
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

const char* FactoryStatusName(FactoryStatus status) {
  for (const auto& [s, name] : kStatuses) {
    if (s == status) return name;
  }
  return "operating";
}

Result<FactoryStatus> ParseFactoryStatus(std::string_view name) {
  for (const auto& [s, text] : kStatuses) {
    if (name == text) return s;
  }
  return Status::Invalid("status must be operating, suspended or closed", "status");
}

Status ValidateIsoDate(std::string_view date, const char* field) {
  const Status bad = Status::Invalid(std::string(field) + " must be a date written YYYY-MM-DD", field);
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(date[i])) return bad;
  }
  const int year = std::stoi(std::string(date.substr(0, 4)));
  const int month = std::stoi(std::string(date.substr(5, 2)));
  const int day = std::stoi(std::string(date.substr(8, 2)));
  if (!core::IsValidDate(year, month, day)) return bad;
  if (year >= 2400) {
    return Status::Invalid(std::string(field) + " looks like a Buddhist Era year; write the Common Era year (" +
                               std::to_string(year - core::kBuddhistEraOffset) + ")",
                           field);
  }
  if (year < 1900 || year > 2200) return Status::Invalid(std::string(field) + " has an implausible year", field);
  return Status::Ok();
}

Status ValidateFactoryFields(const Factory& f) {
  RETURN_IF_ERROR(ValidateText(f.name, 300, "name", true));
  if (f.category) RETURN_IF_ERROR(core::ValidateCategory(*f.category));
  if (f.registration_no) {
    ASSIGN_OR_RETURN(const core::OldRegistration reg, core::ParseOldRegistration(*f.registration_no));
    if (!f.category) {
      return Status::Invalid("category is required with a registration number", "category");
    }
    if (reg.category != *f.category) {
      return Status::Invalid("registration_no says category " + std::to_string(reg.category) +
                                 " but the factory's category is " + std::to_string(*f.category),
                             "registration_no");
    }
  }
  if (f.registration_no14) {
    // The province digits are checked against the loaded geography by the service.
    RETURN_IF_ERROR(core::ValidateFactoryNo14(*f.registration_no14, [](std::string_view) { return true; }));
  }
  if (f.type_code && !core::IsClassCode(*f.type_code)) {
    return Status::Invalid("type_code must be DIW's 5-digit class code, e.g. 00906 for type 9(6)", "type_code");
  }
  RETURN_IF_ERROR(ValidateText(f.business, 2000, "business"));
  RETURN_IF_ERROR(ValidateText(f.operator_name, 300, "operator_name"));
  RETURN_IF_ERROR(ValidateText(f.products, 2000, "products"));
  if (f.capital_thb && (!std::isfinite(*f.capital_thb) || *f.capital_thb < 0 || *f.capital_thb > 1e13)) {
    return Status::Invalid("capital_thb must be a number of baht from 0", "capital_thb");
  }
  if (f.workers && (*f.workers < 0 || *f.workers > 1'000'000)) {
    return Status::Invalid("workers must be a whole number from 0 to 1,000,000", "workers");
  }
  if (f.horsepower && (!std::isfinite(*f.horsepower) || *f.horsepower < 0 || *f.horsepower > 10'000'000)) {
    return Status::Invalid("horsepower must be a number from 0 to 10,000,000", "horsepower");
  }
  RETURN_IF_ERROR(ValidateText(f.address, 1000, "address"));
  if (f.subdistrict_code) {
    const auto& code = *f.subdistrict_code;
    bool digits = code.size() == 6;
    for (char c : code) digits = digits && IsDigit(c);
    if (!digits) return Status::Invalid("subdistrict_code must be the 6-digit DOPA code", "subdistrict_code");
  }
  if (f.lat.has_value() != f.lon.has_value()) {
    return Status::Invalid("lat and lon are given together or not at all", f.lat ? "lon" : "lat");
  }
  if (f.lat) RETURN_IF_ERROR(core::ValidateThaiPoint(*f.lat, *f.lon));
  RETURN_IF_ERROR(ValidateText(f.phone, 100, "phone"));
  RETURN_IF_ERROR(ValidateText(f.contact_name, 200, "contact_name"));
  RETURN_IF_ERROR(ValidateText(f.contact_email, 200, "contact_email"));
  if (!f.contact_email.empty() && f.contact_email.find('@') == std::string::npos) {
    return Status::Invalid("contact_email must be an e-mail address", "contact_email");
  }
  if (f.registered_on) RETURN_IF_ERROR(ValidateIsoDate(*f.registered_on, "registered_on"));
  return Status::Ok();
}

std::string SearchTextOf(const Factory& f) {
  std::string text = f.name + "\n" + f.registration_no.value_or("") + "\n" + f.registration_no14.value_or("") +
                     "\n" + f.operator_name;
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

}  // namespace ecotown::factories
