// Demo factories, their licences, emission sources and outlets, and sensitive receptors of the pilot
// LAOs (`ecotown demo`). Everything here is invented demo data: names say "(ข้อมูลสาธิต)" and the
// registration numbers use running numbers from 9001, not numbers of real companies.
#include <cstdio>
#include <optional>
#include <string>

#include "app/runtime.h"
#include "core/thai_calendar.h"
#include "modules/factories/factory_service.h"

namespace ecotown::app {
namespace {

using factories::Factory;
using factories::FactoryService;

struct DemoFactory {
  const char* org;
  const char* name;
  const char* registration_no;
  const char* type_code;
  int category;
  const char* business;
  const char* operator_name;
  double horsepower;
  int64_t workers;
  const char* subdistrict;
  double lat, lon;
  const char* registered_on;
  int ph_licence_days;  // the LAO's Public Health Act licence expires this many days after seeding
};

const DemoFactory kDemoFactories[] = {
    {"banpong", "โรงสีข้าวสาธิตบ้านโป่ง (ข้อมูลสาธิต)", "3-2(2)-9001/62รบ", "00202", 3, "สีข้าว อบข้าวเปลือก",
     "บริษัท สาธิตการเกษตร จำกัด", 420, 38, "700501", 13.8221, 99.8794, "2019-05-14", 150},
    {"banpong", "โรงงานอาหารสัตว์สาธิต (ข้อมูลสาธิต)", "3-9(6)-9002/63รบ", "00906", 3, "ผลิตอาหารสัตว์",
     "บริษัท สาธิตอาหารสัตว์ จำกัด", 610, 72, "700501", 13.8095, 99.8689, "2020-02-03", 240},
    {"banpong", "อู่ซ่อมและพ่นสีรถยนต์สาธิต (ข้อมูลสาธิต)", nullptr, nullptr, 0, "ซ่อมและพ่นสีรถยนต์",
     "นายสาธิต ตัวอย่าง", 30, 8, "700501", 13.8188, 99.8731, nullptr, 18},
    {"krapyai", "โรงงานคัดแยกวัสดุสาธิต (ข้อมูลสาธิต)", "3-105-9003/64รบ", "10500", 3,
     "คัดแยกวัสดุที่ไม่ใช้แล้ว", "บริษัท สาธิตรีไซเคิล จำกัด", 180, 25, "700503", 13.9052, 99.8702, "2021-08-20",
     45},
    {"phatong", "โรงผลิตไฟฟ้าชีวมวลสาธิต (ข้อมูลสาธิต)", "3-88(2)-9004/61สข", "08802", 3,
     "ผลิตไฟฟ้าจากชีวมวล (ไม้ยางพารา)", "บริษัท สาธิตพลังงาน จำกัด", 9500, 45, "901118", 6.8412, 100.5531,
     "2018-11-01", 300},
};

struct DemoReceptor {
  const char* org;
  factories::ReceptorKind kind;
  const char* name;
  double lat, lon;
  int64_t people;
};

const DemoReceptor kDemoReceptors[] = {
    {"banpong", factories::ReceptorKind::kSchool, "โรงเรียนสาธิตบ้านโป่ง (ข้อมูลสาธิต)", 13.8160, 99.8770, 850},
    {"banpong", factories::ReceptorKind::kHospital, "โรงพยาบาลสาธิต (ข้อมูลสาธิต)", 13.8129, 99.8740, 120},
    {"banpong", factories::ReceptorKind::kTemple, "วัดสาธิตาราม (ข้อมูลสาธิต)", 13.8205, 99.8815, 40},
    {"banpong", factories::ReceptorKind::kMarket, "ตลาดสดสาธิต (ข้อมูลสาธิต)", 13.8172, 99.8712, 600},
    {"banpong", factories::ReceptorKind::kCommunity, "ชุมชนสาธิตริมทางรถไฟ (ข้อมูลสาธิต)", 13.8240, 99.8760, 320},
    {"krapyai", factories::ReceptorKind::kHealthCentre, "รพ.สต.สาธิต (ข้อมูลสาธิต)", 13.9020, 99.8690, 15},
    {"phatong", factories::ReceptorKind::kSchool, "โรงเรียนสาธิตพะตง (ข้อมูลสาธิต)", 6.8380, 100.5580, 420},
};

}  // namespace

Status SeedDemoFactories(UnitOfWork& work) {
  const FactoryService service;
  for (const auto& demo : kDemoFactories) {
    ASSIGN_OR_RETURN(const orgs::Org org, work.orgs().FindByCode(demo.org));
    factories::FactoryQuery query;
    query.org_id = org.id;
    query.text = demo.name;
    ASSIGN_OR_RETURN(const auto existing, service.List(work, query));
    if (!existing.items.empty()) continue;  // seeded before
    Factory f;
    f.org_id = org.id;
    f.name = demo.name;
    if (demo.registration_no) f.registration_no = demo.registration_no;
    if (demo.type_code) f.type_code = demo.type_code;
    if (demo.category) f.category = demo.category;
    f.business = demo.business;
    f.operator_name = demo.operator_name;
    f.horsepower = demo.horsepower;
    f.workers = demo.workers;
    f.address = "ที่อยู่สาธิต";
    f.subdistrict_code = demo.subdistrict;
    f.lat = demo.lat;
    f.lon = demo.lon;
    if (demo.registered_on) f.registered_on = demo.registered_on;
    ASSIGN_OR_RETURN(const Factory created, service.Create(work, f));

    factories::Licence ph;
    ph.kind = factories::LicenceKind::kPhHazardousBusiness;
    ph.number = std::string("สธ-สาธิต-") + std::to_string(created.id);
    ph.issuer = org.name_th;
    const core::CivilDate expiry =
        core::CivilFromDays(core::DaysFromCivil(core::BangkokDateOf(work.info().now)) + demo.ph_licence_days);
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", expiry.year, expiry.month, expiry.day);
    ph.expires_on = std::string(date);
    RETURN_IF_ERROR(service.AddLicence(work, created.id, ph).status());
    if (demo.registration_no) {
      factories::Licence rg4;
      rg4.kind = factories::LicenceKind::kFactoryRg4;
      rg4.number = demo.registration_no;
      rg4.issuer = "กรมโรงงานอุตสาหกรรม";
      rg4.issued_on = demo.registered_on;
      RETURN_IF_ERROR(service.AddLicence(work, created.id, rg4).status());

      factories::EmissionSource stack;
      stack.name = "ปล่องหม้อไอน้ำ 1 (สาธิต)";
      stack.stack_height_m = 25;
      stack.inner_diameter_m = 0.8;
      stack.exit_velocity_m_s = 9.5;
      stack.exit_temperature_k = 433.15;
      stack.fuel = "ชีวมวล (แกลบ)";
      stack.pollutants = {{"pm", 0.45}, {"so2", 0.12}, {"nox", 0.8}};
      RETURN_IF_ERROR(service.AddEmissionSource(work, created.id, stack).status());

      factories::WastewaterOutlet outlet;
      outlet.name = "จุดระบายน้ำทิ้ง 1 (สาธิต)";
      outlet.receiving_water = "ลำรางสาธารณะ";
      outlet.treatment = "บ่อปรับเสถียร";
      outlet.flow_m3_day = 120;
      RETURN_IF_ERROR(service.AddOutlet(work, created.id, outlet).status());
    }
  }
  for (const auto& demo : kDemoReceptors) {
    ASSIGN_OR_RETURN(const orgs::Org org, work.orgs().FindByCode(demo.org));
    ASSIGN_OR_RETURN(const auto existing, service.ListReceptors(work, org.id));
    bool seeded = false;
    for (const auto& r : existing) seeded = seeded || r.name == demo.name;
    if (seeded) continue;
    factories::Receptor r;
    r.org_id = org.id;
    r.kind = demo.kind;
    r.name = demo.name;
    r.lat = demo.lat;
    r.lon = demo.lon;
    r.people = demo.people;
    RETURN_IF_ERROR(service.CreateReceptor(work, r).status());
  }
  return Status::Ok();
}

}  // namespace ecotown::app
