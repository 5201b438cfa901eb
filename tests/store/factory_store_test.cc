// The factory registry on both backends: create with validation against the type list, the
// geography and the registry (duplicates per organisation), read back every field, the scoped
// list with its filters and keyset paging, updates, the audit trail, and tenancy (another LAO and
// a factory representative).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "modules/factories/factory_service.h"
#include "store/factory_types_loader.h"
#include "store/store_fixture.h"

namespace ecotown::store {
namespace {

using factories::Factory;
using factories::FactoryPage;
using factories::FactoryQuery;
using factories::FactoryService;
using factories::FactoryStatus;

class FactoryStoreTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(LoadGeographyIfEmpty(*db_, ECOTOWN_TEST_FIXTURE_DATA_DIR).ok());
    auto types = SyncFactoryTypes(*db_, ECOTOWN_TEST_FIXTURE_DATA_DIR);
    ASSERT_TRUE(types.ok()) << types.status().ToString();
    ASSERT_GT(types->inserted, 0);
    ASSERT_TRUE(AddOrg("banpong", orgs::OrgType::kTown, std::nullopt).ok());
    ASSERT_TRUE(AddOrg("hatyai", orgs::OrgType::kCity, std::nullopt).ok());
    officer_ = AddUser("banpong", "bp-officer", Role::kOfficer).value();
    executive_ = AddUser("banpong", "bp-mayor", Role::kExecutive).value();
    other_officer_ = AddUser("hatyai", "hy-officer", Role::kOfficer).value();
  }

  // A complete, valid factory of Ban Pong (type 9(6), category 3).
  static Factory Sample(const std::string& name = "โรงงานมันเส้นบ้านโป่ง (ข้อมูลสาธิต)") {
    Factory f;
    f.name = name;
    f.registration_no = "3-9(6)-12/60รบ";
    f.registration_no14 = "10700000126001";
    f.type_code = "00906";
    f.category = 3;
    f.business = "ทำมันเส้น";
    f.operator_name = "บริษัท ตัวอย่าง จำกัด";
    f.products = "มันเส้น 5,000 ตัน/ปี";
    f.capital_thb = 2'500'000;
    f.workers = 35;
    f.horsepower = 290;
    f.address = "99 หมู่ 3 ถนนแสงชูโต";
    f.subdistrict_code = "700501";
    f.lat = 13.816;
    f.lon = 99.873;
    f.phone = "032-000000";
    f.contact_name = "คุณสมชาย";
    f.contact_email = "plant@example.org";
    f.registered_on = "2017-03-01";
    return f;
  }

  // A factory without registration numbers (so that any number of them can be registered), in work.
  Result<Factory> CreateUnnumbered(UnitOfWork& work, const std::string& name,
                                   FactoryStatus status = FactoryStatus::kOperating) {
    Factory f = Sample(name);
    f.registration_no = std::nullopt;
    f.registration_no14 = std::nullopt;
    f.status = status;
    return service_.Create(work, f);
  }

  Result<Factory> Create(const Scope& scope, const Factory& draft) {
    std::optional<Factory> created;
    Status status = transactor_->Write(scope, Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(created, service_.Create(work, draft));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *created;
  }

  Result<Factory> Get(const Scope& scope, int64_t id) {
    std::optional<Factory> found;
    Status status = transactor_->Read(scope, Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(found, service_.Get(work, id));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *found;
  }

  Result<FactoryPage> List(const Scope& scope, const FactoryQuery& query) {
    std::optional<FactoryPage> page;
    Status status = transactor_->Read(scope, Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(page, service_.List(work, query));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *page;
  }

  // The scope of a factory representative of `factory_id` in Ban Pong.
  Scope FactoryRepScope(int64_t factory_id) {
    auto rep = AddUser("banpong", "rep-" + std::to_string(factory_id), Role::kFactory).value();
    tenancy::Principal principal;
    principal.user_id = rep.id;
    principal.org_id = rep.org_id;
    principal.org_code = rep.org_code;
    principal.role = Role::kFactory;
    principal.name = rep.username;
    principal.factory_id = factory_id;
    std::optional<Scope> scope;
    EXPECT_TRUE(transactor_->Read(Scope::System("test"), Info(), [&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(scope, AccountService::BuildScope(work.orgs(), principal));
                  return Status::Ok();
                }).ok());
    return scope.value_or(Scope(principal, {}, false));
  }

  FactoryService service_;
  User officer_, executive_, other_officer_;
};

TEST_P(FactoryStoreTest, CreatedFactoryReadsBackWithEveryField) {
  const Scope scope = ScopeOf(officer_);
  auto created = Create(scope, Sample());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->org_id, officer_.org_id);
  auto got = Get(scope, created->id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const Factory expected = Sample();
  EXPECT_EQ(got->name, expected.name);
  EXPECT_EQ(got->registration_no, expected.registration_no);
  EXPECT_EQ(got->registration_no14, expected.registration_no14);
  EXPECT_EQ(got->type_code, expected.type_code);
  EXPECT_EQ(got->category, 3);
  EXPECT_EQ(got->business, expected.business);
  EXPECT_EQ(got->operator_name, expected.operator_name);
  EXPECT_EQ(got->products, expected.products);
  EXPECT_EQ(got->capital_thb, 2'500'000);
  EXPECT_EQ(got->workers, 35);
  EXPECT_EQ(got->horsepower, 290);
  EXPECT_EQ(got->address, expected.address);
  EXPECT_EQ(got->subdistrict_code, "700501");
  EXPECT_DOUBLE_EQ(got->lat.value_or(0), 13.816);
  EXPECT_DOUBLE_EQ(got->lon.value_or(0), 99.873);
  EXPECT_EQ(got->phone, expected.phone);
  EXPECT_EQ(got->contact_name, expected.contact_name);
  EXPECT_EQ(got->contact_email, expected.contact_email);
  EXPECT_EQ(got->registered_on, "2017-03-01");
  EXPECT_EQ(got->status, FactoryStatus::kOperating);
  EXPECT_EQ(got->created_at, kNow);
  EXPECT_EQ(Count("audit_log", "entity = 'factory' AND action = 'create'"), 1);
}

TEST_P(FactoryStoreTest, BusinessOutsideTheFactoryActNeedsOnlyAName) {
  Factory f;
  f.name = "ร้านเชื่อมเหล็ก (ข้อมูลสาธิต)";
  auto created = Create(ScopeOf(officer_), f);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_FALSE(created->type_code.has_value());
  EXPECT_FALSE(created->category.has_value());
}

TEST_P(FactoryStoreTest, BadInputIsRefusedNamingTheFieldAndNothingIsSaved) {
  struct Case {
    const char* what;
    std::function<void(Factory&)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"empty name", [](Factory& f) { f.name = ""; }, "name"},
      {"malformed registration", [](Factory& f) { f.registration_no = "3-9(6)12/60รบ"; }, "registration_no"},
      {"registration category disagrees", [](Factory& f) { f.category = 2; }, "registration_no"},
      {"14 digits with a letter", [](Factory& f) { f.registration_no14 = "1070000012600A"; }, "registration_no14"},
      {"14 digits, wrong issuer", [](Factory& f) { f.registration_no14 = "30700000126001"; }, "registration_no14"},
      {"14 digits, unknown province", [](Factory& f) { f.registration_no14 = "10990000126001"; },
       "registration_no14"},
      {"unknown type", [](Factory& f) { f.type_code = "09999"; }, "type_code"},
      {"type not 5 digits", [](Factory& f) { f.type_code = "9(6)"; }, "type_code"},
      {"category 4", [](Factory& f) { f.category = 4; }, "category"},
      {"latitude in Laos", [](Factory& f) { f.lat = 21.0; }, "lat"},
      {"longitude at sea", [](Factory& f) { f.lon = 106.5; }, "lon"},
      {"lat without lon", [](Factory& f) { f.lon.reset(); }, "lon"},
      {"unknown subdistrict", [](Factory& f) { f.subdistrict_code = "259999"; }, "subdistrict_code"},
      {"negative workers", [](Factory& f) { f.workers = -1; }, "workers"},
      {"BE year in a CE date", [](Factory& f) { f.registered_on = "2554-03-01"; }, "registered_on"},
      {"bad status date", [](Factory& f) { f.registered_on = "2017-02-30"; }, "registered_on"},
  };
  for (const auto& c : cases) {
    Factory f = Sample();
    c.change(f);
    auto created = Create(ScopeOf(officer_), f);
    ASSERT_FALSE(created.ok()) << c.what;
    EXPECT_EQ(created.status().code(), StatusCode::kInvalid) << c.what << ": " << created.status().ToString();
    EXPECT_EQ(created.status().field(), c.field) << c.what << ": " << created.status().ToString();
  }
  EXPECT_EQ(Count("factories"), 0);
  EXPECT_EQ(Count("audit_log", "entity = 'factory'"), 0);
}

TEST_P(FactoryStoreTest, DuplicateNumbersInOneOrganisationAreConflictsNamingTheField) {
  const Scope scope = ScopeOf(officer_);
  ASSERT_TRUE(Create(scope, Sample()).ok());
  Factory same14 = Sample("อีกโรงงาน");
  same14.registration_no = "3-9(6)-13/60รบ";
  auto dup = Create(scope, same14);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kConflict);
  EXPECT_EQ(dup.status().field(), "registration_no14");

  Factory same_old = Sample("อีกโรงงาน");
  same_old.registration_no14 = "10700000127001";
  dup = Create(scope, same_old);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kConflict);
  EXPECT_EQ(dup.status().field(), "registration_no");
  EXPECT_EQ(Count("factories"), 1);

  // Another LAO may register the same numbers (each keeps its own registry).
  auto elsewhere = Create(ScopeOf(other_officer_), Sample());
  EXPECT_TRUE(elsewhere.ok()) << elsewhere.status().ToString();
}

TEST_P(FactoryStoreTest, ReadOnlyRolesCannotRegister) {
  auto created = Create(ScopeOf(executive_), Sample());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), StatusCode::kForbidden);
}

TEST_P(FactoryStoreTest, OtherLaosAndOtherFactoriesRepresentativesSeeNotFound) {
  auto mine = Create(ScopeOf(officer_), Sample());
  ASSERT_TRUE(mine.ok());
  Factory second = Sample("โรงงานที่สอง");
  second.registration_no = "3-9(6)-14/60รบ";
  second.registration_no14 = "10700000146001";
  auto other = Create(ScopeOf(officer_), second);
  ASSERT_TRUE(other.ok());

  auto seen = Get(ScopeOf(other_officer_), mine->id);
  ASSERT_FALSE(seen.ok());
  EXPECT_EQ(seen.status().code(), StatusCode::kNotFound);
  auto listed = List(ScopeOf(other_officer_), FactoryQuery{});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->items.empty());

  const Scope rep = FactoryRepScope(mine->id);
  auto own = Get(rep, mine->id);
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->name, mine->name);
  auto foreign = Get(rep, other->id);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), StatusCode::kNotFound);
  auto rep_list = List(rep, FactoryQuery{});
  ASSERT_TRUE(rep_list.ok());
  ASSERT_EQ(rep_list->items.size(), 1u);
  EXPECT_EQ(rep_list->items[0].id, mine->id);
  // A representative writes nothing organisation-wide.
  auto created = Create(rep, Sample("ของปลอม"));
  EXPECT_FALSE(created.ok());
}

TEST_P(FactoryStoreTest, ListFiltersAndPagesNewestFirst) {
  const Scope scope = ScopeOf(officer_);
  std::vector<int64_t> ids;
  for (int i = 1; i <= 7; ++i) {
    Factory f = Sample(i % 2 ? "Odd Plant " + std::to_string(i) : "โรงงานคู่ " + std::to_string(i));
    f.registration_no = "3-9(6)-" + std::to_string(100 + i) + "/60รบ";
    f.registration_no14 = "10700" + std::to_string(10000 + i) + "6001";
    f.status = i == 3 ? FactoryStatus::kClosed : FactoryStatus::kOperating;
    f.subdistrict_code = i <= 4 ? "700501" : "700101";
    f.registered_on = "2017-0" + std::to_string(i) + "-01";
    if (i == 6) {
      f.type_code = "10500";
      f.registration_no = "3-105-106/60รบ";
    }
    auto created = Create(scope, f);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ids.push_back(created->id);
  }
  FactoryQuery q;
  q.limit = 3;
  auto page1 = List(scope, q);
  ASSERT_TRUE(page1.ok()) << page1.status().ToString();
  ASSERT_EQ(page1->items.size(), 3u);
  EXPECT_EQ(page1->items[0].id, ids[6]);
  ASSERT_TRUE(page1->next_after_id.has_value());
  q.after_id = page1->next_after_id;
  auto page2 = List(scope, q);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->items.size(), 3u);
  EXPECT_EQ(page2->items[0].id, ids[3]);
  q.after_id = page2->next_after_id;
  auto page3 = List(scope, q);
  ASSERT_TRUE(page3.ok());
  ASSERT_EQ(page3->items.size(), 1u);
  EXPECT_FALSE(page3->next_after_id.has_value());

  auto count = [&](FactoryQuery query) {
    auto page = List(scope, query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items.size() : 0u;
  };
  FactoryQuery closed;
  closed.status = FactoryStatus::kClosed;
  EXPECT_EQ(count(closed), 1u);
  FactoryQuery type;
  type.type_code = "10500";
  EXPECT_EQ(count(type), 1u);
  FactoryQuery area;
  area.area_code = "7005";
  EXPECT_EQ(count(area), 4u);
  area.area_code = "700101";
  EXPECT_EQ(count(area), 3u);
  area.area_code = "70";
  EXPECT_EQ(count(area), 7u);
  area.area_code = "90";
  EXPECT_EQ(count(area), 0u);
  FactoryQuery dates;
  dates.registered_from = "2017-02-01";
  dates.registered_to = "2017-04-01";
  EXPECT_EQ(count(dates), 3u);
  FactoryQuery text;
  text.text = "odd plant";  // case-insensitive for Latin letters
  EXPECT_EQ(count(text), 4u);
  text.text = "โรงงานคู่";
  EXPECT_EQ(count(text), 3u);
  text.text = "-104/60";  // registration number
  EXPECT_EQ(count(text), 1u);
  text.text = "100%";  // LIKE wildcards are literal
  EXPECT_EQ(count(text), 0u);
  FactoryQuery bad;
  bad.registered_from = "2560-01-01";
  auto refused = List(scope, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "registered_from");
}

// A text in more rows than PostgreSQL's rare-text cap (1,000) is found by walking the newest rows,
// a rarer one through the trigram index; paging through either gives every match once, newest
// first, alone or with another filter, as on SQLite.
TEST_P(FactoryStoreTest, TextSearchPagesEveryMatchNewestFirstForRareAndCommonTexts) {
  const Scope scope = ScopeOf(officer_);
  constexpr int kFactories = 1010;
  std::vector<int64_t> all, riverside, closed;
  Status status = transactor_->Write(scope, Info(), [&](UnitOfWork& work) -> Status {
    for (int i = 0; i < kFactories; ++i) {
      ASSIGN_OR_RETURN(const Factory created,
                       CreateUnnumbered(work, "Common Plant " + std::to_string(i) + (i % 97 == 5 ? " Riverside" : ""),
                                        i % 3 == 0 ? FactoryStatus::kClosed : FactoryStatus::kOperating));
      all.push_back(created.id);
      if (i % 97 == 5) riverside.push_back(created.id);
      if (i % 3 == 0) closed.push_back(created.id);
    }
    // The newest rows do not have the common text: its first page is not among them.
    for (int i = 0; i < 20; ++i) {
      RETURN_IF_ERROR(CreateUnnumbered(work, "Late Mill " + std::to_string(i)).status());
    }
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  auto newest_first = [](std::vector<int64_t> ids) {
    std::sort(ids.rbegin(), ids.rend());
    return ids;
  };
  // Every page of `query` in turn, checking that each but the last is full.
  auto every_page = [&](FactoryQuery query) {
    std::vector<int64_t> ids;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = List(scope, query);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const auto& f : page->items) ids.push_back(f.id);
      if (!page->next_after_id) break;
      EXPECT_EQ(static_cast<int>(page->items.size()), query.limit);
      query.after_id = page->next_after_id;
    }
    return ids;
  };
  FactoryQuery common;
  common.text = "common plant";
  common.limit = 150;  // the first pages walk (over 1,000 matches left), the last ones do not
  EXPECT_EQ(every_page(common), newest_first(all));
  common.status = FactoryStatus::kClosed;
  common.limit = 40;
  EXPECT_EQ(every_page(common), newest_first(closed));
  // A small page of a common text behind 20 newer rows without it (on PostgreSQL the test of the
  // newest rows finds no full page, so the walk of the newest rows answers).
  common.status = std::nullopt;
  common.limit = 4;
  auto first = List(scope, common);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::vector<int64_t> first_ids;
  for (const auto& f : first->items) first_ids.push_back(f.id);
  const auto newest = newest_first(all);
  EXPECT_EQ(first_ids, std::vector<int64_t>(newest.begin(), newest.begin() + 4));
  // A text without a letter, as a registration-number fragment: "Common Plant 100" and 1000 to 1009.
  FactoryQuery digits;
  digits.text = "100";
  digits.limit = 4;
  std::vector<int64_t> hundred = {all[100]};
  for (int i = 1000; i < 1010; ++i) hundred.push_back(all[i]);
  EXPECT_EQ(every_page(digits), newest_first(hundred));
  FactoryQuery rare;
  rare.text = "riverside";
  rare.limit = 4;
  EXPECT_EQ(every_page(rare), newest_first(riverside));
  ASSERT_GE(riverside.size(), 10u);
  rare.after_id = riverside[7];
  rare.limit = 50;
  EXPECT_EQ(every_page(rare), std::vector<int64_t>({riverside[6], riverside[5], riverside[4], riverside[3],
                                                    riverside[2], riverside[1], riverside[0]}));
  rare.after_id = std::nullopt;
  rare.text = "no such plant";
  EXPECT_TRUE(every_page(rare).empty());
}

// The boundaries between PostgreSQL's statements for a text (the end of SqlFactoryStore::List): the
// newest rows' test for a word answering with exactly a full page or one row short of it, a text
// without a letter past the cap of 1,000 matches (the walk) and below it after a few pages, an
// exact registration-like fragment, and texts found nowhere. SQLite answers the same through FTS5.
TEST_P(FactoryStoreTest, TextSearchAnswersAlikeOnEitherSideOfEachStatementsLimit) {
  const Scope scope = ScopeOf(officer_);
  constexpr int kMills = 1010;
  std::vector<int64_t> mills, closed;
  Status status = transactor_->Write(scope, Info(), [&](UnitOfWork& work) -> Status {
    for (int i = 0; i < kMills; ++i) {
      ASSIGN_OR_RETURN(const Factory created,
                       CreateUnnumbered(work, "Mill 55-" + std::to_string(1000 + i),
                                        i % 4 == 0 ? FactoryStatus::kClosed : FactoryStatus::kOperating));
      mills.push_back(created.id);
      if (i % 4 == 0) closed.push_back(created.id);
    }
    for (int i = 0; i < 10; ++i) {  // the newest rows have neither text
      RETURN_IF_ERROR(CreateUnnumbered(work, "Late Shed " + std::to_string(i)).status());
    }
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::sort(mills.rbegin(), mills.rend());
  std::sort(closed.rbegin(), closed.rend());
  // The ids of the first page, checking that it says whether more follow.
  auto ids_of = [&](const FactoryQuery& query, bool more) {
    std::vector<int64_t> ids;
    auto page = List(scope, query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const auto& f : page->items) ids.push_back(f.id);
      EXPECT_EQ(page->next_after_id.has_value(), more) << "text " << *query.text << ", limit " << query.limit;
      if (page->next_after_id && !ids.empty()) {
        EXPECT_EQ(*page->next_after_id, ids.back());
      }
    }
    return ids;
  };
  auto newest = [](const std::vector<int64_t>& ids, size_t n) {
    return std::vector<int64_t>(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(std::min(n, ids.size())));
  };
  // A word: the newest 3 x (limit + 1) rows hold 10 sheds and the rest mills. Limit 3: 2 mills
  // there, short of a page; limit 4: exactly limit + 1 (a full page with a next one); limit 5: more.
  FactoryQuery word;
  word.text = "mill";
  for (int limit : {3, 4, 5, 50}) {
    word.limit = limit;
    EXPECT_EQ(ids_of(word, true), newest(mills, static_cast<size_t>(limit))) << "limit " << limit;
  }
  // The same word behind a filter that the newest rows fail (closed: none of the sheds).
  word.status = FactoryStatus::kClosed;
  word.limit = 7;
  EXPECT_EQ(ids_of(word, true), newest(closed, 7));
  // Without a letter: 1,010 matches, over the cap, so the first page walks the newest rows; after
  // it fewer than the cap are left, and the later pages come from the collected matches.
  FactoryQuery fragment;
  fragment.text = "55-";
  fragment.limit = 200;
  std::vector<int64_t> paged;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = List(scope, fragment);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& f : page->items) paged.push_back(f.id);
    if (!page->next_after_id) break;
    EXPECT_EQ(page->items.size(), 200u);
    fragment.after_id = page->next_after_id;
  }
  EXPECT_EQ(paged, mills);
  fragment.after_id = std::nullopt;
  fragment.status = FactoryStatus::kClosed;  // 253 matches: under the cap
  fragment.limit = 253;
  EXPECT_EQ(ids_of(fragment, false), closed);
  fragment.status = std::nullopt;
  fragment.text = "55-2009";  // the last mill only
  EXPECT_EQ(ids_of(fragment, false), std::vector<int64_t>{mills.front()});
  fragment.text = "55-9";
  EXPECT_TRUE(ids_of(fragment, false).empty());
  word.status = std::nullopt;
  word.text = "no such mill";
  EXPECT_TRUE(ids_of(word, false).empty());
}

TEST_P(FactoryStoreTest, UpdateReplacesFieldsKeepsDuplicatesOutAndIsAudited) {
  const Scope scope = ScopeOf(officer_);
  auto a = Create(scope, Sample());
  ASSERT_TRUE(a.ok());
  Factory second = Sample("โรงงานที่สอง");
  second.registration_no = "3-9(6)-14/60รบ";
  second.registration_no14 = "10700000146001";
  auto b = Create(scope, second);
  ASSERT_TRUE(b.ok());

  Factory change = *a;
  change.status = FactoryStatus::kSuspended;
  change.workers = 40;
  change.name = "โรงงานเปลี่ยนชื่อใหม่";
  std::optional<Factory> updated;
  Status status = transactor_->Write(scope, Info(kNow + 60), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(updated, service_.Update(work, a->id, change));
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(updated->updated_at, kNow + 60);
  auto got = Get(scope, a->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, FactoryStatus::kSuspended);
  EXPECT_EQ(got->workers, 40);
  // The search index follows the change (SQLite keeps a trigram index by triggers).
  FactoryQuery renamed;
  renamed.text = "เปลี่ยนชื่อใหม่";
  auto found = List(scope, renamed);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].id, a->id);
  renamed.text = "มันเส้นบ้านโป่ง";  // the old name is gone from the index
  found = List(scope, renamed);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->items.size(), 0u);

  Factory clash = *b;
  clash.registration_no14 = a->registration_no14;
  status = transactor_->Write(scope, Info(), [&](UnitOfWork& work) -> Status {
    return service_.Update(work, b->id, clash).status();
  });
  EXPECT_EQ(status.code(), StatusCode::kConflict);
  EXPECT_EQ(status.field(), "registration_no14");
  EXPECT_EQ(Count("audit_log", "entity = 'factory' AND action = 'update'"), 1);
}

TEST_P(FactoryStoreTest, TypeListLoadsOnceAndIsSearchable) {
  auto again = SyncFactoryTypes(*db_, ECOTOWN_TEST_FIXTURE_DATA_DIR);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->Changed());
  std::vector<factories::FactoryType> found;
  ASSERT_TRUE(transactor_->Read(ScopeOf(officer_), Info(), [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(found, work.factories().SearchTypes("ฝังกลบ", 20));
                return Status::Ok();
              }).ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].class_code, "10500");
  EXPECT_EQ(found[0].disp_class, "105");
  auto missing = SyncFactoryTypes(*db_, "/nonexistent");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

// Issue 4: the type list used to be loaded only into an empty table, so a database never got the
// names and rules added to data/factory_types.csv later. A database loaded with an older list is
// brought up to date on the next start, and the start after that changes nothing.
TEST_P(FactoryStoreTest, TypeListBroughtUpToDateOnRestartAndLeftAloneAfter) {
  const std::string header =
      "class_code,disp_class,main_order,sub_item,description_th,category1_rule,category2_rule,category3_rule,"
      "regulation\n";
  const auto WriteList = [&](const std::string& name, const std::string& rows) {
    const auto dir = dir_.path() / name;
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "factory_types.csv") << header << rows;
    return dir.string();
  };
  const std::string older = WriteList("older",
                                      "00100,1,1,,,-,เครื่องจักรไม่เกิน 50 แรงม้า,,\n"
                                      "00906,9(6),9,6,,,,,\n"
                                      "04200,42,42,,,,,,\n"
                                      "04300,43,43,,,,,,\n");
  const std::string newer = WriteList(
      "newer",
      "00100,1,1,,โรงงานประกอบกิจการเกี่ยวกับการบ่มใบชาหรือใบยาสูบ,-,เครื่องจักรไม่เกิน 75 แรงม้า,"
      "เครื่องจักรเกิน 75 แรงม้า,กฎกระทรวงกำหนดประเภท ชนิด และขนาดของโรงงาน พ.ศ. 2563\n"
      "00906,9(6),9,6,,,,,\n"
      "10500,105,105,,โรงงานคัดแยกหรือฝังกลบสิ่งปฏิกูลหรือวัสดุที่ไม่ใช้แล้ว,,,,\n");
  const auto Restart = [&] {
    transactor_.reset();
    db_.reset();
    auto db = Database::Open(url_, 4);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    transactor_ = std::make_unique<SqlTransactor>(*db_);
  };
  const auto Table = [&] {
    auto rows = Sql("SELECT class_code, disp_class, main_order, sub_item, description_th, category1_rule, "
                    "category2_rule, category3_rule, regulation FROM factory_types ORDER BY class_code");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    for (const Row& r : rows.ok() ? rows->rows : std::vector<Row>{}) {
      std::string line;
      for (size_t c = 0; c < 9; ++c) line += (c == 2 || c == 3 ? std::to_string(r.Int(c)) : r.Text(c)) + "|";
      out.push_back(line);
    }
    return out;
  };
  const auto Type = [&](const std::string& code) {
    std::optional<factories::FactoryType> type;
    Status status = transactor_->Read(ScopeOf(officer_), Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(type, work.factories().GetType(code));
      return Status::Ok();
    });
    return status.ok() ? type : std::nullopt;
  };

  ASSERT_TRUE(Sql("DELETE FROM factory_types").ok());
  auto first = SyncFactoryTypes(*db_, older);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->inserted, 4);
  // A factory of type 43, which the newer list drops: that type must stay.
  Factory uses_43 = Sample();
  uses_43.type_code = "04300";
  ASSERT_TRUE(Create(ScopeOf(officer_), uses_43).ok());

  Restart();
  auto second = SyncFactoryTypes(*db_, newer);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->inserted, 1);  // 105
  EXPECT_EQ(second->updated, 1);   // 1: its name, the rules of categories 2 and 3, the regulation
  EXPECT_EQ(second->removed, 1);   // 42: no factory uses it
  EXPECT_EQ(second->kept, std::vector<std::string>{"04300"});
  auto tobacco = Type("00100");
  ASSERT_TRUE(tobacco.has_value());
  EXPECT_EQ(tobacco->description_th, "โรงงานประกอบกิจการเกี่ยวกับการบ่มใบชาหรือใบยาสูบ");
  EXPECT_EQ(tobacco->category2_rule, "เครื่องจักรไม่เกิน 75 แรงม้า");
  EXPECT_EQ(tobacco->category3_rule, "เครื่องจักรเกิน 75 แรงม้า");
  EXPECT_EQ(tobacco->regulation, "กฎกระทรวงกำหนดประเภท ชนิด และขนาดของโรงงาน พ.ศ. 2563");
  auto landfill = Type("10500");
  ASSERT_TRUE(landfill.has_value());
  EXPECT_EQ(landfill->disp_class, "105");
  EXPECT_FALSE(Type("04200").has_value());
  EXPECT_TRUE(Type("04300").has_value());
  EXPECT_EQ(Count("factories", "type_code = '04300'"), 1);

  const auto after_update = Table();
  ASSERT_EQ(after_update.size(), 4u);
  Restart();
  auto third = SyncFactoryTypes(*db_, newer);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_FALSE(third->Changed());
  EXPECT_EQ(third->kept, std::vector<std::string>{"04300"});
  EXPECT_EQ(Table(), after_update);

  // A list with a repeated code is refused, naming the line, and changes nothing.
  const std::string repeated = WriteList("repeated",
                                         "00100,1,1,,ชื่อใหม่,,,,\n"
                                         "12000,120,120,,,,,,\n"
                                         "00100,1,1,,,,,,\n");
  auto refused = SyncFactoryTypes(*db_, repeated);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalid);
  EXPECT_NE(refused.status().message().find("line 4: class_code 00100 repeats line 2"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(Table(), after_update);
  const std::string header_only = WriteList("empty", "");
  EXPECT_EQ(SyncFactoryTypes(*db_, header_only).status().code(), StatusCode::kInvalid);
  EXPECT_EQ(Table(), after_update);
}

// The shipped list (data/factory_types.csv), not the test copy: every row loads, and the rows named
// from the 1992 schedule (data/factory_types_sources.csv) keep their name and say which regulation.
TEST_P(FactoryStoreTest, ShippedTypeListNamesRowsFromThe1992Schedule) {
  ASSERT_TRUE(Sql("DELETE FROM factory_types").ok());
  auto loaded = SyncFactoryTypes(*db_, ECOTOWN_DATA_DIR);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_GE(loaded->inserted, 134);
  const auto Search = [&](const std::string& q) {
    std::vector<factories::FactoryType> found;
    EXPECT_TRUE(transactor_->Read(ScopeOf(officer_), Info(), [&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(found, work.factories().SearchTypes(q, 20));
                  return Status::Ok();
                }).ok());
    return found;
  };
  const auto steam = Search("ไอน้ำ");
  ASSERT_EQ(steam.size(), 1u);
  EXPECT_EQ(steam[0].class_code, "10200");
  EXPECT_EQ(steam[0].description_th, "โรงงานประกอบกิจการเกี่ยวกับการผลิต และหรือจำหน่ายไอน้ำ");
  EXPECT_EQ(steam[0].regulation, "กฎกระทรวง (พ.ศ. 2535) ออกตามความในพระราชบัญญัติโรงงาน พ.ศ. 2535");
  const auto packing = Search("บรรจุสินค้า");
  ASSERT_EQ(packing.size(), 1u);
  EXPECT_EQ(packing[0].disp_class, "91(1)");
  EXPECT_EQ(packing[0].category3_rule, "");  // the source cuts the size rules off: none taken
  // Every named row says which regulation it was checked against, except the three names quoted
  // from the management reference.
  EXPECT_EQ(Count("factory_types", "description_th <> '' AND regulation = ''"), 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, FactoryStoreTest, ::testing::Values("sqlite", "postgres"), BackendName);

}  // namespace
}  // namespace ecotown::store
