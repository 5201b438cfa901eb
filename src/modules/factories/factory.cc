#include "modules/factories/factory.h"

#include <array>
#include <cmath>
#include <cstdio>
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

// A limit as people write it: 400, 0.5, 10000000.
std::string FormatLimit(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

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

namespace ecotown::factories {
namespace {

constexpr std::array<std::pair<LicenceKind, const char*>, 4> kLicenceKinds = {{
    {LicenceKind::kFactoryRg4, "factory_rg4"},
    {LicenceKind::kFactoryNotification, "factory_notification"},
    {LicenceKind::kPhHazardousBusiness, "ph_hazardous_business"},
    {LicenceKind::kPhNotificationCertificate, "ph_notification_certificate"},
}};

constexpr std::array<std::pair<ReceptorKind, const char*>, 6> kReceptorKinds = {{
    {ReceptorKind::kSchool, "school"},
    {ReceptorKind::kHospital, "hospital"},
    {ReceptorKind::kHealthCentre, "health_centre"},
    {ReceptorKind::kTemple, "temple"},
    {ReceptorKind::kMarket, "market"},
    {ReceptorKind::kCommunity, "community"},
}};

constexpr std::array<const char*, 11> kPollutants = {"pm", "pm10", "pm2_5", "so2", "nox", "co",
                                                     "voc", "h2s", "hcl", "nh3", "other"};

Status Between(double value, double min, double max, bool min_open, const std::string& field,
               const std::string& unit) {
  const bool ok = std::isfinite(value) && (min_open ? value > min : value >= min) && value <= max;
  if (ok) return Status::Ok();
  std::string range = (min_open ? "more than " : "from ") + FormatLimit(min) + " to " + FormatLimit(max);
  return Status::Invalid(field + " must be " + range + " " + unit, field);
}

Status OptionalPoint(const std::optional<double>& lat, const std::optional<double>& lon) {
  if (lat.has_value() != lon.has_value()) {
    return Status::Invalid("lat and lon are given together or not at all", lat ? "lon" : "lat");
  }
  if (lat) return core::ValidateThaiPoint(*lat, *lon);
  return Status::Ok();
}

}  // namespace

const char* LicenceKindThai(LicenceKind kind) {
  switch (kind) {
    case LicenceKind::kFactoryRg4: return "ใบอนุญาตประกอบกิจการโรงงาน (ร.ง.4)";
    case LicenceKind::kFactoryNotification: return "การแจ้งประกอบกิจการโรงงาน";
    case LicenceKind::kPhHazardousBusiness: return "ใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ";
    case LicenceKind::kPhNotificationCertificate: return "หนังสือรับรองการแจ้ง";
  }
  return "ใบอนุญาต";
}

std::string IsoDate(const core::CivilDate& d) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", d.year, d.month, d.day);
  return text;
}

std::optional<core::CivilDate> ParseIsoDate(std::string_view iso) {
  core::CivilDate d;
  const std::string text(iso);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d", &d.year, &d.month, &d.day) != 3) return std::nullopt;
  return d;
}

const char* LicenceKindName(LicenceKind kind) {
  for (const auto& [k, name] : kLicenceKinds) {
    if (k == kind) return name;
  }
  return "ph_hazardous_business";
}

Result<LicenceKind> ParseLicenceKind(std::string_view name) {
  for (const auto& [k, text] : kLicenceKinds) {
    if (name == text) return k;
  }
  return Status::Invalid(
      "kind must be factory_rg4, factory_notification, ph_hazardous_business or ph_notification_certificate", "kind");
}

Status ValidateLicence(const Licence& l) {
  RETURN_IF_ERROR(ValidateText(l.number, 100, "number", true));
  RETURN_IF_ERROR(ValidateText(l.issuer, 300, "issuer"));
  RETURN_IF_ERROR(ValidateText(l.notes, 2000, "notes"));
  if (l.issued_on) RETURN_IF_ERROR(ValidateIsoDate(*l.issued_on, "issued_on"));
  if (l.expires_on) RETURN_IF_ERROR(ValidateIsoDate(*l.expires_on, "expires_on"));
  if (l.issued_on && l.expires_on && *l.expires_on < *l.issued_on) {
    return Status::Invalid("expires_on cannot be before issued_on", "expires_on");
  }
  return Status::Ok();
}

bool IsPollutantCode(std::string_view code) {
  for (const char* p : kPollutants) {
    if (code == p) return true;
  }
  return false;
}

Status ValidateEmissionSource(const EmissionSource& s) {
  RETURN_IF_ERROR(ValidateText(s.name, 200, "name", true));
  RETURN_IF_ERROR(Between(s.stack_height_m, 0, 400, true, "stack_height_m", "m"));
  RETURN_IF_ERROR(Between(s.inner_diameter_m, 0, 20, true, "inner_diameter_m", "m"));
  RETURN_IF_ERROR(Between(s.exit_velocity_m_s, 0, 100, false, "exit_velocity_m_s", "m/s"));
  RETURN_IF_ERROR(Between(s.exit_temperature_k, 200, 2000, false, "exit_temperature_k", "K (kelvin)"));
  RETURN_IF_ERROR(ValidateText(s.fuel, 200, "fuel"));
  if (s.pollutants.size() > 20) return Status::Invalid("at most 20 pollutants per source", "pollutants");
  for (size_t i = 0; i < s.pollutants.size(); ++i) {
    const std::string at = "pollutants[" + std::to_string(i) + "]";
    if (!IsPollutantCode(s.pollutants[i].pollutant)) {
      return Status::Invalid(at + ".pollutant must be one of pm, pm10, pm2_5, so2, nox, co, voc, h2s, hcl, nh3, other",
                             at + ".pollutant");
    }
    for (size_t j = 0; j < i; ++j) {
      if (s.pollutants[j].pollutant == s.pollutants[i].pollutant) {
        return Status::Invalid(at + ".pollutant is listed twice", at + ".pollutant");
      }
    }
    RETURN_IF_ERROR(Between(s.pollutants[i].rate_g_s, 0, 1e6, false, at + ".rate_g_s", "g/s"));
  }
  return OptionalPoint(s.lat, s.lon);
}

Status ValidateWastewaterOutlet(const WastewaterOutlet& o) {
  RETURN_IF_ERROR(ValidateText(o.name, 200, "name", true));
  RETURN_IF_ERROR(ValidateText(o.receiving_water, 200, "receiving_water"));
  RETURN_IF_ERROR(ValidateText(o.treatment, 500, "treatment"));
  if (o.flow_m3_day) RETURN_IF_ERROR(Between(*o.flow_m3_day, 0, 1e7, false, "flow_m3_day", "m3/day"));
  return OptionalPoint(o.lat, o.lon);
}

const char* ReceptorKindName(ReceptorKind kind) {
  for (const auto& [k, name] : kReceptorKinds) {
    if (k == kind) return name;
  }
  return "community";
}

Result<ReceptorKind> ParseReceptorKind(std::string_view name) {
  for (const auto& [k, text] : kReceptorKinds) {
    if (name == text) return k;
  }
  return Status::Invalid("kind must be school, hospital, health_centre, temple, market or community", "kind");
}

Status ValidateReceptor(const Receptor& r) {
  RETURN_IF_ERROR(ValidateText(r.name, 200, "name", true));
  RETURN_IF_ERROR(core::ValidateThaiPoint(r.lat, r.lon));
  if (r.people && (*r.people < 0 || *r.people > 10'000'000)) {
    return Status::Invalid("people must be a whole number from 0", "people");
  }
  return ValidateText(r.notes, 2000, "notes");
}

}  // namespace ecotown::factories
