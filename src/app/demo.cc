// The demo of the programme's four pilot municipalities.
#include <ostream>

#include "app/runtime.h"
#include "modules/orgs/org_service.h"
#include "modules/sensors/sensor_service.h"

namespace ecotown::app {
namespace {

// Every demo account has this password; the demo prints it. Never use it in production.
constexpr const char* kDemoPassword = "ecotown-demo";

struct DemoOrg {
  const char* code;
  orgs::OrgType type;
  const char* name_th;
  const char* name_en;
  const char* subdistrict;
  const char* parent;
};

const DemoOrg kDemoOrgs[] = {
    {"dla", orgs::OrgType::kNationalOffice, "กรมส่งเสริมการปกครองท้องถิ่น", "Department of Local Administration",
     "100103", nullptr},
    {"ratchaburi-office", orgs::OrgType::kProvinceOffice, "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดราชบุรี",
     "Ratchaburi Provincial Office for Local Administration", "700101", "dla"},
    {"songkhla-office", orgs::OrgType::kProvinceOffice, "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดสงขลา",
     "Songkhla Provincial Office for Local Administration", "900101", "dla"},
    {"banpong", orgs::OrgType::kTown, "เทศบาลเมืองบ้านโป่ง", "Ban Pong Town Municipality", "700501",
     "ratchaburi-office"},
    {"boekphrai", orgs::OrgType::kSubdistrictMunicipality, "เทศบาลตำบลเบิกไพร", "Boek Phrai Subdistrict Municipality",
     "700514", "ratchaburi-office"},
    {"krapyai", orgs::OrgType::kSubdistrictMunicipality, "เทศบาลตำบลกรับใหญ่", "Krap Yai Subdistrict Municipality",
     "700503", "ratchaburi-office"},
    {"phatong", orgs::OrgType::kSubdistrictMunicipality, "เทศบาลตำบลพะตง", "Phatong Subdistrict Municipality",
     "901118", "songkhla-office"},
};

struct DemoUser {
  const char* username;
  const char* org;
  tenancy::Role role;
  const char* display_name;
};

const DemoUser kDemoUsers[] = {
    {"admin", "dla", tenancy::Role::kSystemAdmin, "ผู้ดูแลระบบ"},
    {"banpong.admin", "banpong", tenancy::Role::kLaoAdmin, "ผู้ดูแลระบบ เทศบาลเมืองบ้านโป่ง"},
    {"banpong.officer", "banpong", tenancy::Role::kOfficer, "นักวิชาการสิ่งแวดล้อม บ้านโป่ง"},
    {"banpong.inspector", "banpong", tenancy::Role::kInspector, "เจ้าหน้าที่ตรวจโรงงาน บ้านโป่ง"},
    {"banpong.executive", "banpong", tenancy::Role::kExecutive, "นายกเทศมนตรีเมืองบ้านโป่ง"},
    {"banpong.factory", "banpong", tenancy::Role::kFactory, "ผู้แทนโรงงาน บ้านโป่ง"},
    {"boekphrai.admin", "boekphrai", tenancy::Role::kLaoAdmin, "ผู้ดูแลระบบ เทศบาลตำบลเบิกไพร"},
    {"krapyai.admin", "krapyai", tenancy::Role::kLaoAdmin, "ผู้ดูแลระบบ เทศบาลตำบลกรับใหญ่"},
    {"phatong.admin", "phatong", tenancy::Role::kLaoAdmin, "ผู้ดูแลระบบ เทศบาลตำบลพะตง"},
    {"phatong.officer", "phatong", tenancy::Role::kOfficer, "นักวิชาการสิ่งแวดล้อม พะตง"},
    {"ratchaburi.oversight", "ratchaburi-office", tenancy::Role::kOversight, "สถจ.ราชบุรี"},
    {"songkhla.oversight", "songkhla-office", tenancy::Role::kOversight, "สถจ.สงขลา"},
};

struct DemoSensor {
  const char* org;
  const char* code;
  const char* name;
  sensors::Model model;
  const char* device_key;
  double lat;
  double lon;
  const char* siting_notes;
  const char* install_date;
  bool maintenance;
};

const DemoSensor kDemoSensors[] = {
    {"banpong", "bp-school-01", "โรงเรียนบ้านโป่ง", sensors::Model::kSds011, "esp8266-13966475", 13.8152, 99.8768,
     "หลังคาอาคารเรียน 2 สูงจากพื้น 4 เมตร", "2024-11-15", false},
    {"banpong", "bp-market-01", "ตลาดเทศบาลบ้านโป่ง", sensors::Model::kAirGradient, "ecda3b1eaaaf", 13.8171, 99.8712,
     "เสาไฟหน้าตลาด ห่างถนนหลัก 15 เมตร", "2024-12-02", false},
    {"banpong", "bp-hospital-01", "โรงพยาบาลบ้านโป่ง", sensors::Model::kPurpleAir, "84:f3:eb:91:4a:2c", 13.8133,
     99.8805, "ระเบียงชั้น 3 อาคารผู้ป่วยนอก", "2025-01-20", true},
    {"phatong", "pt-office-01", "สำนักงานเทศบาลตำบลพะตง", sensors::Model::kSps30, "esp32-7c9ebd4e1a20", 6.8371,
     100.5583, "ดาดฟ้าสำนักงานเทศบาล", "2024-10-01", false},
    {"phatong", "pt-market-01", "ตลาดเทศบาลพะตง", sensors::Model::kSds011, "esp8266-5283910", 6.8392, 100.5561,
     "ใต้หลังคาแผงลอยด้านทิศเหนือ", "2025-02-14", false},
};

}  // namespace

Status SeedDemo(Runtime& runtime, std::ostream& out) {
  const auto scope = tenancy::Scope::System("demo");
  RETURN_IF_ERROR(runtime.transactor().Write(scope, runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
    for (const auto& demo : kDemoOrgs) {
      if (work.orgs().FindByCode(demo.code).ok()) continue;
      orgs::NewOrg org{demo.code, demo.type, demo.name_th, demo.name_en, std::string(demo.subdistrict),
                       demo.parent ? std::optional<std::string>(demo.parent) : std::nullopt};
      auto added = orgs::AddOrg(work, org);
      if (!added.ok()) return added.status();
    }
    for (const auto& demo : kDemoUsers) {
      if (work.accounts().FindUserForLogin(demo.username).ok()) continue;
      accounts::NewUser user{demo.org, demo.username, demo.role, demo.display_name, std::string(kDemoPassword),
                             std::nullopt};
      auto created = runtime.accounts().CreateUser(work, user);
      if (!created.ok()) return created.status();
    }
    for (const auto& demo : kDemoSensors) {
      if (work.sensors().FindByDeviceKey(demo.device_key).ok()) continue;
      sensors::NewSensor sensor;
      sensor.org_code = demo.org;
      sensor.code = demo.code;
      sensor.name = demo.name;
      sensor.model = demo.model;
      sensor.device_key = demo.device_key;
      sensor.lat = demo.lat;
      sensor.lon = demo.lon;
      sensor.siting_notes = demo.siting_notes;
      sensor.install_date = demo.install_date;
      sensor.maintenance = demo.maintenance;
      auto created = sensors::SensorService().Create(work, sensor);
      if (!created.ok()) return created.status();
    }
    return Status::Ok();
  }));
  out << "\necotown demo: the four pilot municipalities of the programme\n"
      << "  เทศบาลเมืองบ้านโป่ง, เทศบาลตำบลเบิกไพร, เทศบาลตำบลกรับใหญ่ (ราชบุรี); เทศบาลตำบลพะตง (สงขลา)\n\n"
      << "Demo accounts (password for all: " << kDemoPassword << "):\n";
  for (const auto& demo : kDemoUsers) {
    out << "  " << demo.username << std::string(24 - std::string(demo.username).size(), ' ')
        << tenancy::RoleName(demo.role) << " @ " << demo.org << "\n";
  }
  out << "\n";
  return Status::Ok();
}

}  // namespace ecotown::app
