// The demo of the programme's four pilot municipalities.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <ostream>
#include <string_view>
#include <vector>

#include "app/demo_clinic.h"
#include "app/demo_inspections.h"
#include "app/demo_complaints.h"
#include "app/demo_network.h"
#include "app/runtime.h"
#include "modules/calibration/calibration_service.h"
#include "modules/orgs/org_service.h"
#include "modules/readings/reading_service.h"
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

// Demo readings: the 48 hours before the demo first starts, so that the map, the sensor page and
// the public page have something to show. Values are a pure function of (sensor, time): a daily
// cycle (worst in the early morning, as in Thai towns in the burning season) around each
// sensor's level, with hash noise so that no value repeats for long (the stuck-value QA rule).
struct DemoSeries {
  const char* code;
  double pm25_level;    // µg/m³, the 48-h mean
  int64_t stops_early;  // seconds before now that the sensor fell silent (shows a stale sensor)
};

const DemoSeries kDemoSeries[] = {
    {"bp-school-01", 29.0, 0},         // Thai AQI level 3 (moderate)
    {"bp-market-01", 48.0, 0},         // level 4 (starting to affect health)
    {"bp-hospital-01", 13.0, 0},       // level 1, but the sensor is in maintenance
    {"pt-office-01", 11.0, 0},         // level 1
    {"pt-market-01", 21.0, 3 * 3600},  // stopped three hours ago: stale
};
constexpr int64_t kDemoSeriesSeconds = 48 * 3600;

// A deterministic number in [-1, 1] from a sensor and a time (splitmix64).
double Noise(uint64_t sensor, int64_t ts) {
  uint64_t z = sensor * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(ts);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z % 2001) / 1000.0 - 1.0;
}

double Tenth(double v) { return std::round(v * 10.0) / 10.0; }

readings::Source SourceOf(sensors::Model model) {
  switch (model) {
    case sensors::Model::kSds011: return readings::Source::kAirrohr;
    case sensors::Model::kAirGradient: return readings::Source::kAirGradient;
    case sensors::Model::kPurpleAir: return readings::Source::kPurpleAir;
    default: return readings::Source::kJsonBatch;
  }
}

std::vector<readings::RawReading> DemoReadings(const sensors::Sensor& sensor, const DemoSeries& series, int64_t now) {
  const int64_t step = sensor.sample_interval_seconds;
  const int64_t last = (now - series.stops_early) / step * step;
  std::vector<readings::RawReading> out;
  for (int64_t ts = (now - kDemoSeriesSeconds) / step * step + step; ts <= last; ts += step) {
    const double hour = static_cast<double>((ts + 7 * 3600) % 86400) / 3600.0;  // Bangkok time of day
    const double cycle = std::cos(2.0 * std::numbers::pi * (hour - 6.0) / 24.0);  // 1 at 06:00
    const double pm25 = std::max(1.0, series.pm25_level * (1.0 + 0.35 * cycle) + 2.5 * Noise(sensor.id, ts));
    readings::RawReading r;
    r.device_key = sensor.device_key.value_or(sensor.code);
    r.ts = ts;
    r.source = SourceOf(sensor.model);
    r.pm2_5 = Tenth(pm25);
    r.pm10 = Tenth(pm25 * 1.45 + 3.0 + 2.0 * Noise(sensor.id + 100, ts));
    r.pm1 = Tenth(pm25 * 0.7);
    r.humidity_pct = Tenth(68.0 + 18.0 * cycle + 3.0 * Noise(sensor.id + 200, ts));
    r.temperature_c = Tenth(29.0 - 4.0 * cycle + 0.5 * Noise(sensor.id + 300, ts));
    if (sensor.model == sensors::Model::kPurpleAir) {
      r.pm2_5_b = Tenth(pm25 + 0.8 * Noise(sensor.id + 400, ts));
      r.pm2_5_cf1 = r.pm2_5;
      r.pm2_5_cf1_b = r.pm2_5_b;
    }
    if (sensor.model == sensors::Model::kAirGradient) r.pm2_5_cf1 = r.pm2_5;
    out.push_back(std::move(r));
  }
  return out;
}

// Seeds readings for demo sensors that have none (so re-running the demo adds nothing), and the
// EPA correction for the AirGradient at the market (so the sensor page shows a corrected series).
Status SeedDemoReadings(UnitOfWork& work, int64_t now, int64_t& stored) {
  const readings::ReadingService service;
  for (const auto& series : kDemoSeries) {
    const DemoSensor* demo = nullptr;
    for (const auto& d : kDemoSensors) {
      if (std::string_view(d.code) == series.code) demo = &d;
    }
    if (!demo) continue;
    ASSIGN_OR_RETURN(auto credential, work.sensors().FindByDeviceKey(demo->device_key));
    const sensors::Sensor& sensor = credential.sensor;
    auto latest = work.readings().LatestOf(sensor.id);
    if (latest.ok() && latest->latest) continue;
    if (!latest.ok() && latest.status().code() != StatusCode::kNotFound) return latest.status();
    const auto rows = DemoReadings(sensor, series, now);
    ASSIGN_OR_RETURN(auto summary, service.IngestForSensor(work, sensor, rows, now));
    stored += summary.accepted;

    if (sensor.model == sensors::Model::kAirGradient && demo->install_date) {
      const calibration::CalibrationService calibrations;
      ASSIGN_OR_RETURN(auto history, calibrations.History(work, sensor.id));
      if (history.empty()) {
        calibration::NewCalibration model;
        model.kind = calibration::ModelKind::kEpaBarkjohn2021;
        ASSIGN_OR_RETURN(model.valid_from, calibration::BangkokDayStart(demo->install_date, "valid_from"));
        model.notes = "ค่าแก้ของ US EPA (ตัวอย่าง)";
        RETURN_IF_ERROR(calibrations.Create(work, sensor.id, model).status());
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status SeedDemoFactories(UnitOfWork& work);  // demo_factories.cc

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
      ASSIGN_OR_RETURN(const auto factory_id, demo.role == tenancy::Role::kFactory ? DemoFactoryOf(work, demo.org)
                                                                                    : std::optional<int64_t>());
      accounts::NewUser user{demo.org, demo.username, demo.role, demo.display_name, std::string(kDemoPassword),
                             factory_id};
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
    RETURN_IF_ERROR(SeedDemoFactories(work));
    return Status::Ok();
  }));
  // The readings in their own transaction, after the sensors exist.
  int64_t stored = 0;
  RETURN_IF_ERROR(runtime.transactor().Write(scope, runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
    return SeedDemoReadings(work, runtime.clock().NowUnix(), stored);
  }));
  RETURN_IF_ERROR(SeedDemoTrainingAndClinic(runtime, out));
  RETURN_IF_ERROR(SeedDemoInspections(runtime, out));
  RETURN_IF_ERROR(SeedDemoNetwork(runtime, out));
  out << "\necotown demo: the four pilot municipalities of the programme\n"
      << "  เทศบาลเมืองบ้านโป่ง, เทศบาลตำบลเบิกไพร, เทศบาลตำบลกรับใหญ่ (ราชบุรี); เทศบาลตำบลพะตง (สงขลา)\n";
  if (stored > 0) out << "  " << stored << " demo readings of the last 48 hours stored\n";
  RETURN_IF_ERROR(SeedDemoComplaints(runtime, out));
  out << "  public air pages: #/public/banpong, #/public/phatong\n\n"
      << "Demo accounts (password for all: " << kDemoPassword << "):\n";
  for (const auto& demo : kDemoUsers) {
    out << "  " << demo.username << std::string(24 - std::string(demo.username).size(), ' ')
        << tenancy::RoleName(demo.role) << " @ " << demo.org << "\n";
  }
  out << "\n";
  return Status::Ok();
}

}  // namespace ecotown::app
