#include "app/demo_network.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "modules/factories/factory.h"
#include "modules/network/network_service.h"

namespace ecotown::app {
namespace {

using network::PartnerKind;

struct DemoPartner {
  const char* key;  // to refer to it below
  PartnerKind kind;
  const char* name_th;
  const char* name_en;
  const char* address;
  const char* phone;
  const char* website;
};

struct DemoContact {
  const char* partner;
  const char* name;
  const char* position;
  const char* phone;
  const char* email;
};

// The public offices are real; the people, phone numbers and e-mail addresses are not.
const std::vector<DemoPartner>& DemoPartners() {
  static const std::vector<DemoPartner> kList = {
      {"industry", PartnerKind::kProvincialIndustryOffice, "สำนักงานอุตสาหกรรมจังหวัดราชบุรี",
       "Ratchaburi Provincial Industry Office", "อ.เมืองราชบุรี จ.ราชบุรี", "", ""},
      {"environment", PartnerKind::kRegionalEnvironmentOffice, "สำนักงานสิ่งแวดล้อมภาคที่ 8 (ราชบุรี)",
       "Regional Environment Office 8 (Ratchaburi)", "อ.เมืองราชบุรี จ.ราชบุรี", "", ""},
      {"community", PartnerKind::kCommunityGroup, "กลุ่มอาสาเฝ้าระวังคุณภาพอากาศชุมชนริมทางรถไฟ (ข้อมูลสาธิต)",
       "Railside community air watch volunteers (demo)", "ชุมชนริมทางรถไฟ", "0810000101", ""},
      {"school", PartnerKind::kSchool, "โรงเรียนสาธิตบ้านโป่ง (ข้อมูลสาธิต)", "Ban Pong Demonstration School (demo)",
       "", "032000102", ""},
      {"factory", PartnerKind::kFactory, "โรงงานอาหารสัตว์สาธิต (ข้อมูลสาธิต)", "Demo animal feed mill (demo)", "",
       "", ""},
  };
  return kList;
}

const std::vector<DemoContact>& DemoContacts() {
  static const std::vector<DemoContact> kList = {
      {"industry", "นายสมชาย ตัวอย่าง (ข้อมูลสาธิต)", "วิศวกรชำนาญการ กลุ่มกำกับโรงงาน", "0320000201",
       "industry.demo@example.org"},
      {"environment", "นางสาวสุดา สาธิต (ข้อมูลสาธิต)", "นักวิชาการสิ่งแวดล้อมชำนาญการ", "0320000202",
       "environment.demo@example.org"},
      {"community", "นายประยูร อาสา (ข้อมูลสาธิต)", "ประธานกลุ่ม", "0810000103", ""},
      {"school", "นางวันดี ครูดี (ข้อมูลสาธิต)", "ครูผู้รับผิดชอบโครงการโรงเรียนสีเขียว", "", "school.demo@example.org"},
      {"factory", "นายวิชัย โรงงาน (ข้อมูลสาธิต)", "ผู้จัดการฝ่ายสิ่งแวดล้อม", "0320000204", ""},
  };
  return kList;
}

Status SeedOne(UnitOfWork& work, const orgs::Org& org, int64_t now) {
  const network::NetworkService service;
  network::PartnerQuery existing;
  existing.org_id = org.id;
  ASSIGN_OR_RETURN(auto partners, service.ListPartners(work, existing));
  if (!partners.empty()) return Status::Ok();

  // The demo feed mill of the registry, when this LAO has it.
  std::optional<int64_t> feed_mill;
  factories::FactoryQuery query;
  query.org_id = org.id;
  query.text = "อาหารสัตว์สาธิต";
  if (auto found = work.factories().List(query); found.ok() && !found->items.empty()) {
    feed_mill = found->items.front().id;
  }

  std::map<std::string, int64_t> ids;
  for (const auto& demo : DemoPartners()) {
    if (demo.kind == PartnerKind::kFactory && !feed_mill) continue;
    network::Partner p;
    p.org_id = org.id;
    p.kind = demo.kind;
    p.name_th = demo.name_th;
    p.name_en = demo.name_en;
    p.address = demo.address;
    p.phone = demo.phone;
    p.website = demo.website;
    if (demo.kind == PartnerKind::kFactory) p.factory_id = feed_mill;
    ASSIGN_OR_RETURN(auto added, service.AddPartner(work, p));
    ids[demo.key] = added.id;
  }
  std::map<std::string, int64_t> contacts;
  for (const auto& demo : DemoContacts()) {
    if (!ids.contains(demo.partner)) continue;
    network::Contact c;
    c.name = demo.name;
    c.position = demo.position;
    c.phone = demo.phone;
    c.email = demo.email;
    ASSIGN_OR_RETURN(auto added, service.AddContact(work, ids.at(demo.partner), c));
    contacts[demo.partner] = added.id;
  }

  constexpr int64_t kDay = 86400;
  network::Agreement mou;
  mou.org_id = org.id;
  mou.title = "บันทึกข้อตกลงความร่วมมือการพัฒนาเมืองอุตสาหกรรมเชิงนิเวศ (" + org.name_th + ")";
  mou.signed_on = network::BangkokDay(now - 300 * kDay);
  mou.starts_on = network::BangkokDay(now - 300 * kDay);
  mou.ends_on = network::BangkokDay(now + 60 * kDay);  // ends within the reminder window
  mou.document_note = "ต้นฉบับเก็บที่กองสาธารณสุขและสิ่งแวดล้อม แฟ้ม MoU ปี 2569 (ข้อมูลสาธิต)";
  for (const char* key : {"industry", "environment", "community", "school"}) mou.parties.push_back({ids.at(key), "", ""});
  RETURN_IF_ERROR(service.AddAgreement(work, mou).status());

  network::Meeting meeting;
  meeting.org_id = org.id;
  meeting.title = "ประชุมคณะทำงานเมืองอุตสาหกรรมเชิงนิเวศ ครั้งที่ 3 (ข้อมูลสาธิต)";
  meeting.starts_at = now - 20 * kDay - (now % 3600);
  meeting.place = "ห้องประชุมสำนักงาน" + org.name_th;
  meeting.agenda =
      "1. เรื่องแจ้งเพื่อทราบ\n2. ผลการตรวจวัดฝุ่น PM2.5 ในพื้นที่ช่วงฤดูหนาว\n3. แผนลดการเผาในที่โล่งร่วมกับชุมชน\n"
      "4. โครงการโรงเรียนสีเขียว\n5. เรื่องอื่น ๆ";
  meeting.minutes =
      "ที่ประชุมรับทราบผลการตรวจวัด สำนักงานอุตสาหกรรมจังหวัดจะร่วมตรวจโรงงานที่มีเรื่องร้องเรียน "
      "กลุ่มอาสาจะรณรงค์งดเผาในชุมชน โรงเรียนจะติดตั้งธงคุณภาพอากาศ (ข้อมูลสาธิต)";
  for (const char* key : {"industry", "environment", "community", "school"}) {
    network::Attendee a;
    a.partner_id = ids.at(key);
    a.contact_id = contacts.at(key);
    a.attended = std::string(key) != "school";
    meeting.attendees.push_back(a);
  }
  ASSIGN_OR_RETURN(auto held, service.AddMeeting(work, meeting));

  struct DemoAction {
    const char* text;
    const char* owner;
    int64_t due_in_days;
    bool done;
  };
  for (const auto& demo : {DemoAction{"ตรวจโรงงานที่มีเรื่องร้องเรียนฝุ่นร่วมกัน", "industry", -5, true},
                           DemoAction{"รณรงค์งดเผาในที่โล่งในชุมชนริมทางรถไฟ", "community", -3, false},
                           DemoAction{"ติดตั้งธงคุณภาพอากาศที่โรงเรียน", "school", 25, false}}) {
    network::ActionItem item;
    item.text = demo.text;
    item.owner_partner_id = ids.at(demo.owner);
    item.owner_contact_id = contacts.at(demo.owner);
    item.due_on = network::BangkokDay(now + demo.due_in_days * kDay);
    if (demo.done) {
      item.status = network::ActionStatus::kDone;
      item.done_on = network::BangkokDay(now - 7 * kDay);
    }
    RETURN_IF_ERROR(service.AddAction(work, held.id, item).status());
  }
  return Status::Ok();
}

}  // namespace

Status SeedDemoNetwork(Runtime& runtime, std::ostream& out) {
  int seeded = 0;
  RETURN_IF_ERROR(
      runtime.transactor().Write(tenancy::Scope::System("demo"), runtime.CliInfo(), [&](UnitOfWork& work) -> Status {
        for (const char* code : {"banpong", "boekphrai"}) {
          auto org = work.orgs().FindByCode(code);
          if (!org.ok()) continue;
          RETURN_IF_ERROR(SeedOne(work, *org, work.info().now));
          ++seeded;
        }
        return Status::Ok();
      }));
  if (seeded > 0) out << "  cooperation network: partners, an MoU and a meeting for Ban Pong and Boek Phrai\n";
  return Status::Ok();
}

}  // namespace ecotown::app
