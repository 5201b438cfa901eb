// The cooperation network store and service on every backend: partners, contacts (personal
// data, staff only), agreements with parties and computed status, meetings with attendees, and
// action items followed to done; tenancy, roles, validation with nothing half-saved, and the
// audit trail. SQLite always; PostgreSQL with the CTest fixture.
#include <gtest/gtest.h>

#include <string>

#include "modules/network/network_service.h"
#include "store/store_fixture.h"

namespace ecotown::store {
namespace {

using network::ActionItem;
using network::ActionStatus;
using network::Agreement;
using network::AgreementStatus;
using network::Contact;
using network::Meeting;
using network::NetworkService;
using network::Partner;
using network::PartnerKind;

constexpr int64_t kDay = 86400;

class NetworkStoreTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(AddOrg("national", orgs::OrgType::kNationalOffice, std::nullopt).ok());
    ASSERT_TRUE(AddOrg("po-70", orgs::OrgType::kProvinceOffice, std::string("national")).ok());
    auto a = AddOrg("lao-a", orgs::OrgType::kTown, std::string("po-70"));
    auto b = AddOrg("lao-b", orgs::OrgType::kTown, std::string("po-70"));
    ASSERT_TRUE(a.ok() && b.ok());
    lao_a_ = *a;
    lao_b_ = *b;
    auto officer = AddUser("lao-a", "officer-a", Role::kOfficer);
    auto executive = AddUser("lao-a", "mayor-a", Role::kExecutive);
    auto officer_b = AddUser("lao-b", "officer-b", Role::kOfficer);
    auto oversight = AddUser("po-70", "province", Role::kOversight);
    ASSERT_TRUE(officer.ok() && executive.ok() && officer_b.ok() && oversight.ok());
    officer_a_ = *officer;
    executive_a_ = *executive;
    officer_b_ = *officer_b;
    oversight_ = *oversight;
  }

  // One write (or read) as a user; the result of fn.
  template <typename T, typename Fn>
  Result<T> As(const User& user, Fn fn, bool write = true, int64_t now = kNow) {
    std::optional<T> out;
    const auto work_fn = [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(out, fn(work));
      return Status::Ok();
    };
    const Scope scope = ScopeOf(user);
    Status status = write ? transactor_->Write(scope, Info(now), work_fn) : transactor_->Read(scope, Info(now), work_fn);
    if (!status.ok()) return status;
    return *out;
  }

  Partner NewPartner(const std::string& name_th, PartnerKind kind = PartnerKind::kCommunityGroup) {
    Partner p;
    p.org_id = lao_a_.id;
    p.kind = kind;
    p.name_th = name_th;
    p.name_en = "Group " + name_th;
    p.phone = "032-000-000";
    p.email = "office@example.org";
    p.website = "https://example.org";
    return p;
  }

  Partner AddPartnerOk(const std::string& name_th, PartnerKind kind = PartnerKind::kCommunityGroup) {
    auto added = As<Partner>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddPartner(w, NewPartner(name_th, kind)); });
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : Partner{};
  }

  Contact AddContactOk(int64_t partner_id, const std::string& name) {
    Contact c;
    c.name = name;
    c.position = "ประธาน";
    c.phone = "0812345678";
    c.email = "person@example.org";
    auto added = As<Contact>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddContact(w, partner_id, c); });
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : Contact{};
  }

  orgs::Org lao_a_, lao_b_;
  User officer_a_, executive_a_, officer_b_, oversight_;
};

TEST_P(NetworkStoreTest, PartnersAreListedByKindThenNameAndFoundByEitherName) {
  AddPartnerOk("โรงเรียนบ้านโป่ง", PartnerKind::kSchool);
  AddPartnerOk("สำนักงานอุตสาหกรรมจังหวัดราชบุรี", PartnerKind::kProvincialIndustryOffice);
  AddPartnerOk("กลุ่มอาสา ข", PartnerKind::kCommunityGroup);
  AddPartnerOk("กลุ่มอาสา ก", PartnerKind::kCommunityGroup);

  auto all = As<std::vector<Partner>>(executive_a_, [&](UnitOfWork& w) { return NetworkService().ListPartners(w, {}); }, false);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].kind, PartnerKind::kProvincialIndustryOffice);
  EXPECT_EQ((*all)[1].name_th, "กลุ่มอาสา ก");
  EXPECT_EQ((*all)[2].name_th, "กลุ่มอาสา ข");
  EXPECT_EQ((*all)[3].kind, PartnerKind::kSchool);

  network::PartnerQuery by_english;
  by_english.text = "GROUP กลุ่มอาสา";  // Latin letters match in any case
  auto found = As<std::vector<Partner>>(officer_a_, [&](UnitOfWork& w) { return NetworkService().ListPartners(w, by_english); }, false);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 2u);
  network::PartnerQuery literal;
  literal.text = "%";  // a LIKE wildcard is matched literally
  auto none = As<std::vector<Partner>>(officer_a_, [&](UnitOfWork& w) { return NetworkService().ListPartners(w, literal); }, false);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  network::PartnerQuery schools;
  schools.kind = PartnerKind::kSchool;
  auto only = As<std::vector<Partner>>(officer_a_, [&](UnitOfWork& w) { return NetworkService().ListPartners(w, schools); }, false);
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ(only->front().name_th, "โรงเรียนบ้านโป่ง");
}

TEST_P(NetworkStoreTest, AnotherLaoSeesNothingAndCannotReferToOurRecords) {
  const Partner ours = AddPartnerOk("กลุ่มอาสา");
  auto theirs = As<std::vector<Partner>>(officer_b_, [&](UnitOfWork& w) { return NetworkService().ListPartners(w, {}); }, false);
  ASSERT_TRUE(theirs.ok());
  EXPECT_TRUE(theirs->empty());
  auto get = As<network::PartnerDetail>(officer_b_, [&](UnitOfWork& w) { return NetworkService().GetPartner(w, ours.id); }, false);
  EXPECT_EQ(get.status().code(), StatusCode::kNotFound);

  // An agreement of LAO B naming LAO A's partner: refused naming the party, nothing saved.
  auto b_partner = As<Partner>(officer_b_, [&](UnitOfWork& w) {
    Partner p = NewPartner("กลุ่ม บี");
    p.org_id = lao_b_.id;
    return NetworkService().AddPartner(w, p);
  });
  ASSERT_TRUE(b_partner.ok()) << b_partner.status().ToString();
  Agreement a;
  a.org_id = lao_b_.id;
  a.title = "MoU";
  a.starts_on = "2025-01-01";
  a.parties = {{b_partner->id, "", ""}, {ours.id, "", ""}};
  auto refused = As<Agreement>(officer_b_, [&](UnitOfWork& w) { return NetworkService().AddAgreement(w, a); });
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalid);
  EXPECT_EQ(refused.status().field(), "parties[1]");
  EXPECT_EQ(Count("network_agreements"), 0);
  EXPECT_EQ(Count("network_agreement_parties"), 0);
}

TEST_P(NetworkStoreTest, ContactsAreShownOnlyToStaffOfTheLao) {
  const Partner p = AddPartnerOk("สำนักงานสิ่งแวดล้อมภาคที่ 8", PartnerKind::kRegionalEnvironmentOffice);
  AddContactOk(p.id, "สุดา ตัวอย่าง");
  auto staff = As<network::PartnerDetail>(executive_a_, [&](UnitOfWork& w) { return NetworkService().GetPartner(w, p.id); }, false);
  ASSERT_TRUE(staff.ok());
  EXPECT_TRUE(staff->contacts_visible);
  ASSERT_EQ(staff->contacts.size(), 1u);
  EXPECT_EQ(staff->contacts[0].phone, "0812345678");
  EXPECT_EQ(staff->partner.contact_count, 1);

  // The provincial office oversees LAO A: it reads the partner but not the people.
  auto province = As<network::PartnerDetail>(oversight_, [&](UnitOfWork& w) { return NetworkService().GetPartner(w, p.id); }, false);
  ASSERT_TRUE(province.ok()) << province.status().ToString();
  EXPECT_FALSE(province->contacts_visible);
  EXPECT_TRUE(province->contacts.empty());
  auto list = As<std::vector<Contact>>(oversight_, [&](UnitOfWork& w) { return NetworkService().ListContacts(w, lao_a_.id); }, false);
  EXPECT_EQ(list.status().code(), StatusCode::kNotFound);

  // The audit log names the contact's record, never the phone or e-mail.
  EXPECT_EQ(Count("audit_log", "entity = 'network_contact' AND (after_json LIKE '%0812345678%' OR after_json LIKE '%person@%')"), 0);
  EXPECT_EQ(Count("audit_log", "entity = 'network_contact'"), 1);
}

TEST_P(NetworkStoreTest, ViewersReadButDoNotWrite) {
  auto refused = As<Partner>(executive_a_, [&](UnitOfWork& w) { return NetworkService().AddPartner(w, NewPartner("กลุ่ม")); });
  EXPECT_EQ(refused.status().code(), StatusCode::kForbidden);
  EXPECT_EQ(Count("network_partners"), 0);
}

TEST_P(NetworkStoreTest, BadInputNamesTheField) {
  const auto field_of = [&](Partner p) {
    auto r = As<Partner>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddPartner(w, p); });
    return r.ok() ? std::string("<ok>") : r.status().field();
  };
  Partner empty = NewPartner("  ");
  EXPECT_EQ(field_of(empty), "name_th");
  Partner email = NewPartner("กลุ่ม");
  email.email = "not-an-address";
  EXPECT_EQ(field_of(email), "email");
  Partner web = NewPartner("กลุ่ม");
  web.website = "javascript:alert(1)";
  EXPECT_EQ(field_of(web), "website");
  Partner factory = NewPartner("โรงงาน", PartnerKind::kFactory);
  factory.factory_id = 999999;
  EXPECT_EQ(field_of(factory), "factory_id");
  Partner not_factory = NewPartner("กลุ่ม");
  not_factory.factory_id = 1;
  EXPECT_EQ(field_of(not_factory), "factory_id");
  EXPECT_EQ(Count("network_partners"), 0);

  const Partner p = AddPartnerOk("กลุ่ม");
  Agreement backwards;
  backwards.org_id = lao_a_.id;
  backwards.title = "MoU";
  backwards.starts_on = "2026-01-01";
  backwards.ends_on = "2025-12-31";
  backwards.parties = {{p.id, "", ""}};
  auto r = As<Agreement>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddAgreement(w, backwards); });
  EXPECT_EQ(r.status().field(), "ends_on");
  backwards.ends_on = "2569-12-31";  // a Buddhist Era year
  r = As<Agreement>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddAgreement(w, backwards); });
  EXPECT_EQ(r.status().field(), "ends_on");
  backwards.ends_on.reset();
  backwards.parties.clear();
  r = As<Agreement>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddAgreement(w, backwards); });
  EXPECT_EQ(r.status().field(), "parties");
  EXPECT_EQ(Count("network_agreements"), 0);
}

TEST_P(NetworkStoreTest, AgreementStatusFollowsTheDaysAndExpiringListsTheActiveOnesEndingSoon) {
  const Partner p = AddPartnerOk("กลุ่ม");
  // kNow is 2025-06-15 (Bangkok).
  const auto add = [&](const std::string& title, const std::string& from, std::optional<std::string> to) {
    Agreement a;
    a.org_id = lao_a_.id;
    a.title = title;
    a.starts_on = from;
    a.ends_on = to;
    a.parties = {{p.id, "", ""}};
    auto r = As<Agreement>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddAgreement(w, a); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Agreement{};
  };
  const Agreement soon = add("ends soon", "2024-01-01", "2025-07-01");
  add("expired", "2023-01-01", "2025-06-14");
  add("upcoming", "2025-06-16", "2027-01-01");
  add("open-ended", "2025-06-15", std::nullopt);
  EXPECT_EQ(network::StatusOn(soon, "2025-06-15"), AgreementStatus::kActive);
  EXPECT_EQ(network::StatusOn(soon, "2025-07-01"), AgreementStatus::kActive);
  EXPECT_EQ(network::StatusOn(soon, "2025-07-02"), AgreementStatus::kExpired);
  EXPECT_EQ(network::StatusOn(soon, "2023-12-31"), AgreementStatus::kUpcoming);
  ASSERT_EQ(soon.parties.size(), 1u);
  EXPECT_EQ(soon.parties[0].name_th, "กลุ่ม");

  auto active = As<std::vector<Agreement>>(officer_a_, [&](UnitOfWork& w) {
    return NetworkService().ListAgreements(w, {}, AgreementStatus::kActive);
  }, false);
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 2u);
  EXPECT_EQ((*active)[0].title, "ends soon");  // soonest end first, open-ended last
  EXPECT_EQ((*active)[1].title, "open-ended");
  auto expiring = As<std::vector<Agreement>>(officer_a_, [&](UnitOfWork& w) {
    return NetworkService().ExpiringAgreements(w, lao_a_.id, 30);
  }, false);
  ASSERT_TRUE(expiring.ok());
  ASSERT_EQ(expiring->size(), 1u);
  EXPECT_EQ(expiring->front().title, "ends soon");
  auto by_partner = As<std::vector<Agreement>>(officer_a_, [&](UnitOfWork& w) {
    return NetworkService().ListAgreements(w, {std::nullopt, p.id}, std::nullopt);
  }, false);
  ASSERT_TRUE(by_partner.ok());
  EXPECT_EQ(by_partner->size(), 4u);
}

TEST_P(NetworkStoreTest, AMeetingsActionItemIsFollowedToDoneAndOverdueItemsAreFlagged) {
  const Partner p = AddPartnerOk("สำนักงานอุตสาหกรรมจังหวัด", PartnerKind::kProvincialIndustryOffice);
  const Contact c = AddContactOk(p.id, "สมชาย ตัวอย่าง");
  Meeting m;
  m.org_id = lao_a_.id;
  m.title = "ประชุมคณะทำงาน";
  m.starts_at = kNow - 10 * kDay;
  m.agenda = "1. ฝุ่น";
  network::Attendee by_contact;
  by_contact.contact_id = c.id;  // stands for its organisation too
  m.attendees = {by_contact};
  auto held = As<Meeting>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddMeeting(w, m); });
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_EQ(held->attendees.size(), 1u);
  EXPECT_EQ(held->attendees[0].partner_id, p.id);
  EXPECT_EQ(held->attendees[0].contact_name, "สมชาย ตัวอย่าง");

  ActionItem late;
  late.text = "ตรวจโรงงานร่วมกัน";
  late.owner_partner_id = p.id;
  late.owner_contact_id = c.id;
  late.due_on = "2025-06-10";
  auto item = As<ActionItem>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddAction(w, held->id, late); });
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_TRUE(network::IsOverdue(*item, "2025-06-15"));
  auto overdue = As<std::vector<ActionItem>>(officer_a_, [&](UnitOfWork& w) {
    return NetworkService().ListActions(w, {}, true);
  }, false);
  ASSERT_TRUE(overdue.ok());
  ASSERT_EQ(overdue->size(), 1u);

  // The provincial office sees the meeting but not the person.
  auto seen = As<Meeting>(oversight_, [&](UnitOfWork& w) { return NetworkService().GetMeeting(w, held->id); }, false);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->attendees[0].contact_name, "");
  ASSERT_EQ(seen->actions.size(), 1u);
  EXPECT_EQ(seen->actions[0].owner_contact_name, "");
  EXPECT_EQ(seen->open_actions, 1);

  network::ActionStatusChange done;
  done.note = "ตรวจแล้ว 2 โรงงาน";
  auto ticked = As<ActionItem>(officer_a_, [&](UnitOfWork& w) { return NetworkService().SetActionStatus(w, item->id, done); });
  ASSERT_TRUE(ticked.ok()) << ticked.status().ToString();
  EXPECT_EQ(ticked->status, ActionStatus::kDone);
  EXPECT_EQ(ticked->done_on, "2025-06-15");
  EXPECT_EQ(ticked->note, "ตรวจแล้ว 2 โรงงาน");
  EXPECT_FALSE(network::IsOverdue(*ticked, "2025-06-15"));
  auto open = As<std::vector<ActionItem>>(officer_a_, [&](UnitOfWork& w) {
    return NetworkService().ListActions(w, {std::nullopt, std::nullopt, ActionStatus::kOpen}, false);
  }, false);
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(open->empty());
  auto meetings = As<std::vector<Meeting>>(officer_a_, [&](UnitOfWork& w) {
    return NetworkService().ListMeetings(w, {std::nullopt, p.id});
  }, false);
  ASSERT_TRUE(meetings.ok());
  ASSERT_EQ(meetings->size(), 1u);
  EXPECT_EQ(meetings->front().open_actions, 0);

  // Reopened: done_on is cleared.
  network::ActionStatusChange reopen;
  reopen.status = ActionStatus::kOpen;
  auto reopened = As<ActionItem>(officer_a_, [&](UnitOfWork& w) { return NetworkService().SetActionStatus(w, item->id, reopen); });
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(reopened->done_on.has_value());
  // Two updates and a create of the item, all audited.
  EXPECT_EQ(Count("audit_log", "entity = 'network_action'"), 3);

  // Another LAO cannot tick it.
  auto foreign = As<ActionItem>(officer_b_, [&](UnitOfWork& w) { return NetworkService().SetActionStatus(w, item->id, done); });
  EXPECT_EQ(foreign.status().code(), StatusCode::kNotFound);
}

TEST_P(NetworkStoreTest, AMeetingWithAnUnknownAttendeeIsNotSavedAtAll) {
  const Partner p = AddPartnerOk("กลุ่ม");
  Meeting m;
  m.org_id = lao_a_.id;
  m.title = "ประชุม";
  m.starts_at = kNow;
  network::Attendee ok;
  ok.partner_id = p.id;
  network::Attendee ghost;
  ghost.contact_id = 424242;
  m.attendees = {ok, ghost};
  auto r = As<Meeting>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddMeeting(w, m); });
  ASSERT_EQ(r.status().code(), StatusCode::kInvalid);
  EXPECT_EQ(r.status().field(), "attendees[1].contact_id");
  EXPECT_EQ(Count("network_meetings"), 0);
  EXPECT_EQ(Count("network_attendees"), 0);
}

// Issue 5: deletes. A partner nothing names is deleted; one that an agreement names is archived
// (out of the directory, still named on the agreement) and deleted once nothing names it.
TEST_P(NetworkStoreTest, ANamedPartnerIsArchivedAndAnUnnamedOneDeleted) {
  const Partner lone = AddPartnerOk("กลุ่มที่ไม่มีใครอ้างถึง");
  const Partner named = AddPartnerOk("สำนักงานอุตสาหกรรมจังหวัด", PartnerKind::kProvincialIndustryOffice);
  Agreement mou;
  mou.org_id = lao_a_.id;
  mou.title = "บันทึกความร่วมมือ";
  mou.starts_on = "2025-01-01";
  mou.parties = {{named.id, "", ""}};
  auto signed_mou = As<Agreement>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddAgreement(w, mou); });
  ASSERT_TRUE(signed_mou.ok()) << signed_mou.status().ToString();
  const auto remove = [&](const User& user, int64_t id) {
    return As<network::PartnerRemoval>(user, [&](UnitOfWork& w) { return NetworkService().RemovePartner(w, id); });
  };

  EXPECT_FALSE(remove(executive_a_, lone.id).ok());  // a reader does not delete
  EXPECT_EQ(remove(officer_b_, lone.id).status().code(), StatusCode::kNotFound);
  auto deleted = remove(officer_a_, lone.id);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, network::PartnerRemoval::kDeleted);
  EXPECT_EQ(Count("network_partners", "id = " + std::to_string(lone.id)), 0);

  auto archived = remove(officer_a_, named.id);
  ASSERT_TRUE(archived.ok()) << archived.status().ToString();
  EXPECT_EQ(*archived, network::PartnerRemoval::kArchived);
  auto directory = As<std::vector<Partner>>(officer_a_, [&](UnitOfWork& w) { return NetworkService().ListPartners(w, {}); }, false);
  ASSERT_TRUE(directory.ok());
  EXPECT_TRUE(directory->empty());
  network::PartnerQuery archive;
  archive.archived = true;
  auto in_archive = As<std::vector<Partner>>(officer_a_, [&](UnitOfWork& w) { return NetworkService().ListPartners(w, archive); }, false);
  ASSERT_TRUE(in_archive.ok());
  ASSERT_EQ(in_archive->size(), 1u);
  EXPECT_EQ(in_archive->front().archived_at, kNow);
  auto still_named = As<Agreement>(officer_a_, [&](UnitOfWork& w) { return NetworkService().GetAgreement(w, signed_mou->id); }, false);
  ASSERT_TRUE(still_named.ok());
  EXPECT_EQ(still_named->parties.at(0).name_th, "สำนักงานอุตสาหกรรมจังหวัด");
  EXPECT_EQ(remove(officer_a_, named.id).status().code(), StatusCode::kConflict);  // archived, still named

  // Restored, archived again, then deleted once the agreement is gone.
  auto restored = As<Partner>(officer_a_, [&](UnitOfWork& w) { return NetworkService().RestorePartner(w, named.id); });
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_FALSE(restored->archived_at.has_value());
  EXPECT_EQ(As<Partner>(officer_a_, [&](UnitOfWork& w) { return NetworkService().RestorePartner(w, named.id); })
                .status()
                .code(),
            StatusCode::kConflict);
  ASSERT_TRUE(remove(officer_a_, named.id).ok());
  ASSERT_TRUE(transactor_
                  ->Write(ScopeOf(officer_a_), Info(),
                          [&](UnitOfWork& w) { return NetworkService().DeleteAgreement(w, signed_mou->id); })
                  .ok());
  EXPECT_EQ(Count("network_agreements"), 0);
  EXPECT_EQ(Count("network_agreement_parties"), 0);
  auto gone = remove(officer_a_, named.id);
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_EQ(*gone, network::PartnerRemoval::kDeleted);
  EXPECT_EQ(Count("network_partners"), 0);
  EXPECT_EQ(Count("audit_log", "entity = 'network_partner' AND action = 'delete'"), 2);
  EXPECT_EQ(Count("audit_log", "entity = 'network_partner' AND action = 'archive'"), 2);
  EXPECT_EQ(Count("audit_log", "entity = 'network_partner' AND action = 'restore'"), 1);
  EXPECT_EQ(Count("audit_log", "entity = 'network_agreement' AND action = 'delete'"), 1);
}

// Issue 5: a contact is personal data, so it is deleted, never archived; the meeting and the
// action item that named the person keep the organisation. A meeting goes with its action items.
TEST_P(NetworkStoreTest, DeletingAContactKeepsTheOrganisationAndAMeetingGoesWithItsActionItems) {
  const Partner p = AddPartnerOk("กลุ่มเฝ้าระวังฝุ่น");
  const Contact c = AddContactOk(p.id, "สมหญิง ทดสอบ");
  Meeting m;
  m.org_id = lao_a_.id;
  m.title = "ประชุมติดตามฝุ่น";
  m.starts_at = kNow - kDay;
  network::Attendee by_contact;
  by_contact.contact_id = c.id;
  m.attendees = {by_contact};
  auto held = As<Meeting>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddMeeting(w, m); });
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ActionItem item;
  item.text = "ติดตั้งเครื่องวัดฝุ่นเพิ่ม";
  item.owner_partner_id = p.id;
  item.owner_contact_id = c.id;
  auto first = As<ActionItem>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddAction(w, held->id, item); });
  item.text = "รายงานผลในการประชุมครั้งหน้า";
  auto second = As<ActionItem>(officer_a_, [&](UnitOfWork& w) { return NetworkService().AddAction(w, held->id, item); });
  ASSERT_TRUE(first.ok() && second.ok());
  const auto as_officer = [&](auto fn) {
    return transactor_->Write(ScopeOf(officer_a_), Info(), [&](UnitOfWork& w) -> Status { return fn(w); });
  };

  EXPECT_FALSE(transactor_
                   ->Write(ScopeOf(executive_a_), Info(),
                           [&](UnitOfWork& w) { return NetworkService().DeleteContact(w, c.id); })
                   .ok());
  ASSERT_TRUE(as_officer([&](UnitOfWork& w) { return NetworkService().DeleteContact(w, c.id); }).ok());
  EXPECT_EQ(Count("network_contacts"), 0);
  auto after = As<Meeting>(officer_a_, [&](UnitOfWork& w) { return NetworkService().GetMeeting(w, held->id); }, false);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->attendees.size(), 1u);
  EXPECT_EQ(after->attendees[0].partner_id, p.id);
  EXPECT_FALSE(after->attendees[0].contact_id.has_value());
  ASSERT_EQ(after->actions.size(), 2u);
  EXPECT_EQ(after->actions[0].owner_partner_id, p.id);
  EXPECT_FALSE(after->actions[0].owner_contact_id.has_value());
  EXPECT_EQ(Count("audit_log", "entity = 'network_contact' AND action = 'delete'"), 1);
  EXPECT_EQ(Count("audit_log", "after_json LIKE '%0812345678%' OR before_json LIKE '%0812345678%'"), 0);

  ASSERT_TRUE(as_officer([&](UnitOfWork& w) { return NetworkService().DeleteAction(w, first->id); }).ok());
  EXPECT_EQ(Count("network_actions"), 1);
  EXPECT_EQ(transactor_
                ->Write(ScopeOf(officer_b_), Info(),
                        [&](UnitOfWork& w) { return NetworkService().DeleteMeeting(w, held->id); })
                .code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(as_officer([&](UnitOfWork& w) { return NetworkService().DeleteMeeting(w, held->id); }).ok());
  EXPECT_EQ(Count("network_meetings"), 0);
  EXPECT_EQ(Count("network_attendees"), 0);
  EXPECT_EQ(Count("network_actions"), 0);
  EXPECT_EQ(Count("audit_log", "entity = 'network_action' AND action = 'delete'"), 2);
  EXPECT_EQ(Count("audit_log", "entity = 'network_meeting' AND action = 'delete'"), 1);
  // The partner is named by nothing any more: deleted, not archived.
  auto removed = As<network::PartnerRemoval>(officer_a_, [&](UnitOfWork& w) { return NetworkService().RemovePartner(w, p.id); });
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, network::PartnerRemoval::kDeleted);
}

INSTANTIATE_TEST_SUITE_P(store, NetworkStoreTest, ::testing::Values("sqlite", "postgres"), BackendName);

}  // namespace
}  // namespace ecotown::store
