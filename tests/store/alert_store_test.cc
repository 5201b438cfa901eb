// Alerts on both backends: rules (audited, tenant-isolated, validated), the evaluation cycle
// end to end over real readings (fire once, de-duplicated, recovery, quiet hours, maintenance,
// data quality), the compare-and-set of states under concurrent evaluators, the outbox lease and
// the alert history.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "modules/alerts/alert_service.h"
#include "modules/readings/reading_service.h"
#include "store/store_fixture.h"

namespace ecotown::store {
namespace {

using alerts::AlertService;
using alerts::AlertWithDeliveries;
using alerts::NewRule;
using alerts::RuleKind;

// kNow is 2025-06-15 22:06:40 in Bangkok; the last complete hour ended 22:00 (15:00 UTC).
constexpr int64_t kLastHour = 1'749'999'600;

class AlertStoreTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(AddOrg("banpong", orgs::OrgType::kTown, std::nullopt).ok());
    ASSERT_TRUE(AddOrg("boekphrai", orgs::OrgType::kSubdistrictMunicipality, std::nullopt).ok());
    admin_ = AddUser("banpong", "bp-admin", Role::kLaoAdmin).value();
    officer_ = AddUser("banpong", "bp-officer", Role::kOfficer).value();
    executive_ = AddUser("banpong", "bp-mayor", Role::kExecutive).value();
    other_admin_ = AddUser("boekphrai", "bk-admin", Role::kLaoAdmin).value();
    s1_ = AddSensor("bp-01", "dev-1", "banpong");
    s2_ = AddSensor("bp-02", "dev-2", "banpong");
    s3_ = AddSensor("bk-01", "dev-3", "boekphrai");
  }

  // A sensor that reports once an hour, so one reading makes a complete hour.
  sensors::Sensor AddSensor(const std::string& code, const std::string& key, const std::string& org) {
    std::optional<sensors::Sensor> created;
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      sensors::NewSensor request;
      request.org_code = org;
      request.code = code;
      request.name = "เซนเซอร์ " + code;
      request.model = sensors::Model::kOther;
      request.device_key = key;
      request.lat = 13.8;
      request.lon = 99.9;
      request.sample_interval_seconds = 3600;
      ASSIGN_OR_RETURN(created, sensors::SensorService().Create(work, request));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return created.value_or(sensors::Sensor{});
  }

  // Stores PM2.5 readings (ts, value) of a sensor received at `received_at`.
  void Ingest(const sensors::Sensor& sensor, const std::vector<std::pair<int64_t, double>>& values,
              int64_t received_at) {
    std::vector<readings::RawReading> rows;
    for (const auto& [ts, pm25] : values) {
      readings::RawReading r;
      r.device_key = *sensor.device_key;
      r.ts = ts;
      r.pm2_5 = pm25;
      rows.push_back(r);
    }
    Status status = SystemWrite(
        [&](UnitOfWork& work) -> Status {
          ASSIGN_OR_RETURN(auto summary, readings::ReadingService().IngestForSensor(work, sensor, rows, received_at));
          EXPECT_EQ(summary.accepted, static_cast<int64_t>(rows.size()));
          return Status::Ok();
        },
        received_at);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  // 24 hourly readings ending at kLastHour around `level` µg/m³ (never three equal in a row).
  void IngestDay(const sensors::Sensor& sensor, double level) {
    std::vector<std::pair<int64_t, double>> values;
    for (int k = 23; k >= 0; --k) values.push_back({kLastHour - k * 3600, level + (k % 5) * 0.3});
    Ingest(sensor, values, kLastHour + 60);
  }

  static NewRule Rule(RuleKind kind, double threshold, std::optional<int64_t> sensor = std::nullopt) {
    NewRule rule;
    rule.name = "กฎ " + std::string(alerts::RuleKindName(kind));
    rule.kind = kind;
    rule.threshold = threshold;
    rule.sensor_id = sensor;
    rule.channels.webhooks = {"http://127.0.0.1:9/hook", "https://hooks.example.org/a"};
    rule.channels.emails = {"env@banpong.go.th"};
    rule.channels.line_to = {"U4af4980629c1d8e1e7e8b3e2f6b0d1a9"};
    return rule;
  }

  Result<alerts::AlertRule> Create(const User& as, const NewRule& rule, int64_t now = kNow) {
    std::optional<alerts::AlertRule> created;
    Status status = transactor_->Write(ScopeOf(as), Info(now), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(created, AlertService().CreateRule(work, rule));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *created;
  }

  alerts::EvaluationReport Evaluate(int64_t now) {
    return alerts::EvaluateRules(
        *transactor_, [](UnitOfWork& work) -> readings::ReadingStore& { return work.readings(); }, now);
  }

  std::vector<AlertWithDeliveries> History(const User& as, alerts::AlertQuery query = {}) {
    std::vector<AlertWithDeliveries> items;
    Status status = transactor_->Read(ScopeOf(as), Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(items, AlertService().ListAlerts(work, query));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return items;
  }

  std::vector<alerts::AlertState> States(int64_t rule_id) {
    std::vector<alerts::AlertState> states;
    EXPECT_TRUE(transactor_
                    ->Read(Scope::System("test"), Info(),
                           [&](UnitOfWork& work) -> Status {
                             ASSIGN_OR_RETURN(states, work.alerts().StatesOf(rule_id));
                             return Status::Ok();
                           })
                    .ok());
    return states;
  }

  Status SetMaintenance(const sensors::Sensor& sensor, bool on) {
    return SystemWrite([&](UnitOfWork& work) -> Status {
      sensors::SensorChanges changes;
      changes.maintenance = on;
      return sensors::SensorService().Update(work, sensor.id, changes).status();
    });
  }

  User admin_, officer_, executive_, other_admin_;
  sensors::Sensor s1_, s2_, s3_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AlertStoreTest, ::testing::Values("sqlite", "postgres"), BackendName);

// --- Rules ------------------------------------------------------------------------------------

TEST_P(AlertStoreTest, RulesAreCreatedReadUpdatedAndDeletedWithAudit) {
  NewRule request = Rule(RuleKind::kAqiLevel, 4, s1_.id);
  request.scale = core::AqiScale::kUs;
  request.quiet_hours = alerts::QuietHours{22 * 60, 6 * 60};
  auto created = Create(officer_, request);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_GT(created->id, 0);

  const AlertService service;
  Status status = transactor_->Write(ScopeOf(admin_), Info(kNow + 10), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto read, service.GetRule(work, created->id));
    EXPECT_EQ(read.name, request.name);
    EXPECT_EQ(read.kind, RuleKind::kAqiLevel);
    EXPECT_EQ(read.scale, core::AqiScale::kUs);
    EXPECT_EQ(read.threshold, 4);
    EXPECT_EQ(read.sensor_id, s1_.id);
    EXPECT_EQ(read.channels, request.channels);
    EXPECT_EQ(read.quiet_hours, request.quiet_hours);
    EXPECT_TRUE(read.enabled);
    EXPECT_EQ(read.created_at, kNow);

    alerts::RuleChanges changes;
    changes.name = "ฝุ่นสูง";
    changes.kind = RuleKind::kPm25NowCast;  // drops the scale
    changes.threshold = 50.5;
    changes.sensor_id = std::optional<int64_t>();
    changes.quiet_hours = std::optional<alerts::QuietHours>();
    changes.enabled = false;
    ASSIGN_OR_RETURN(auto updated, service.UpdateRule(work, created->id, changes));
    EXPECT_EQ(updated.updated_at, kNow + 10);
    ASSIGN_OR_RETURN(auto again, service.GetRule(work, created->id));
    EXPECT_EQ(again.name, "ฝุ่นสูง");
    EXPECT_EQ(again.kind, RuleKind::kPm25NowCast);
    EXPECT_FALSE(again.scale);
    EXPECT_EQ(again.threshold, 50.5);
    EXPECT_FALSE(again.sensor_id);
    EXPECT_FALSE(again.quiet_hours);
    EXPECT_FALSE(again.enabled);
    ASSIGN_OR_RETURN(auto listed, service.ListRules(work));
    EXPECT_EQ(listed.size(), 1u);
    RETURN_IF_ERROR(service.DeleteRule(work, created->id));
    EXPECT_EQ(service.GetRule(work, created->id).status().code(), StatusCode::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("alert_rules"), 0);
  EXPECT_EQ(Count("audit_log", "entity = 'alert_rule' AND action = 'create' AND after_json LIKE '%aqi_level%'"), 1);
  EXPECT_EQ(Count("audit_log", "entity = 'alert_rule' AND action = 'update' AND before_json IS NOT NULL"), 1);
  EXPECT_EQ(Count("audit_log", "entity = 'alert_rule' AND action = 'delete'"), 1);
}

TEST_P(AlertStoreTest, RulesOfAnotherLaoAreNotFoundAndViewersOnlyRead) {
  auto rule = Create(admin_, Rule(RuleKind::kOffline, 60));
  ASSERT_TRUE(rule.ok()) << rule.status().ToString();
  const AlertService service;
  // Another LAO neither sees nor changes it.
  Status status = transactor_->Write(ScopeOf(other_admin_), Info(), [&](UnitOfWork& work) -> Status {
    EXPECT_EQ(service.GetRule(work, rule->id).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(service.DeleteRule(work, rule->id).code(), StatusCode::kNotFound);
    EXPECT_EQ(service.SendTest(work, rule->id).status().code(), StatusCode::kNotFound);
    ASSIGN_OR_RETURN(auto listed, service.ListRules(work));
    EXPECT_TRUE(listed.empty());
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  // An executive reads but does not write.
  status = transactor_->Write(ScopeOf(executive_), Info(), [&](UnitOfWork& work) -> Status {
    EXPECT_TRUE(service.GetRule(work, rule->id).ok());
    alerts::RuleChanges changes;
    changes.enabled = false;
    EXPECT_EQ(service.UpdateRule(work, rule->id, changes).status().code(), StatusCode::kForbidden);
    EXPECT_EQ(service.CreateRule(work, Rule(RuleKind::kOffline, 30)).status().code(), StatusCode::kForbidden);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  // Nor can a LAO put a rule into another LAO.
  NewRule into = Rule(RuleKind::kOffline, 60);
  into.org_code = "banpong";
  EXPECT_EQ(Create(other_admin_, into).status().code(), StatusCode::kNotFound);
}

TEST_P(AlertStoreTest, RuleInputIsRefusedNamingTheField) {
  EXPECT_EQ(Create(admin_, Rule(RuleKind::kPm25Daily, 37.5, s3_.id)).status().field(), "sensor_id")
      << "a sensor of another LAO";
  EXPECT_EQ(Create(admin_, Rule(RuleKind::kPm25Daily, 37.5, 987654)).status().field(), "sensor_id");
  EXPECT_EQ(Create(admin_, Rule(RuleKind::kPm25Daily, -1)).status().field(), "threshold");
  NewRule no_channels = Rule(RuleKind::kOffline, 60);
  no_channels.channels = {};
  EXPECT_EQ(Create(admin_, no_channels).status().field(), "channels");
  NewRule unknown_org = Rule(RuleKind::kOffline, 60);
  unknown_org.org_code = "atlantis";
  EXPECT_EQ(Create(admin_, unknown_org).status().field(), "org");
  EXPECT_EQ(Count("alert_rules"), 0);
}

// --- Evaluation end to end --------------------------------------------------------------------

TEST_P(AlertStoreTest, DailyMeanAboveThresholdFiresOnceWithOneDeliveryPerTarget) {
  IngestDay(s1_, 40.0);  // mean about 40.6
  IngestDay(s2_, 20.0);
  auto rule = Create(admin_, Rule(RuleKind::kPm25Daily, 37.5));
  ASSERT_TRUE(rule.ok()) << rule.status().ToString();

  auto first = Evaluate(kNow);
  EXPECT_TRUE(first.errors.empty()) << first.errors.front();
  EXPECT_EQ(first.rules, 1);
  EXPECT_EQ(first.pairs, 2) << "both banpong sensors, not boekphrai's";
  EXPECT_EQ(first.fired, 1);
  auto history = History(admin_);
  ASSERT_EQ(history.size(), 1u);
  const auto& alert = history[0].alert;
  EXPECT_EQ(alert.kind, alerts::AlertKind::kFire);
  EXPECT_EQ(alert.sensor_id, s1_.id);
  EXPECT_EQ(alert.sensor_code, "bp-01");
  EXPECT_EQ(alert.rule_id, rule->id);
  ASSERT_TRUE(alert.value);
  EXPECT_NEAR(*alert.value, 40.575, 1e-9);
  EXPECT_EQ(alert.scale, core::AqiScale::kThai);
  EXPECT_EQ(alert.level, 4);  // 37.6-75.0: unhealthy for sensitive groups
  EXPECT_EQ(alert.at, kNow);
  EXPECT_NE(alert.message_th.find("เกินเกณฑ์ 37.5"), std::string::npos) << alert.message_th;
  ASSERT_EQ(history[0].deliveries.size(), 4u);
  for (const auto& delivery : history[0].deliveries) {
    EXPECT_EQ(delivery.status, alerts::DeliveryStatus::kPending);
    EXPECT_EQ(delivery.attempts, 0);
    EXPECT_EQ(delivery.next_attempt_at, kNow);
    EXPECT_EQ(delivery.retry_key.size(), 36u);
  }
  EXPECT_NE(history[0].deliveries[0].retry_key, history[0].deliveries[1].retry_key);
  auto states = States(rule->id);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].phase, alerts::Phase::kFiring);
  EXPECT_EQ(states[0].sensor_id, s1_.id);
  EXPECT_EQ(Count("events", "topic = 'alert'"), 1);

  // Evaluated again a minute later: still firing, de-duplicated.
  auto second = Evaluate(kNow + 60);
  EXPECT_EQ(second.fired, 0);
  EXPECT_EQ(Count("alerts"), 1);
  EXPECT_EQ(Count("alert_deliveries"), 4);
  // Another LAO sees none of it.
  EXPECT_TRUE(History(other_admin_).empty());
}

TEST_P(AlertStoreTest, OfflineRuleFiresAndRecoversWhenDataReturns) {
  Ingest(s1_, {{kNow - 7200, 20.1}}, kNow - 7200);
  Ingest(s2_, {{kNow - 600, 20.2}}, kNow - 600);
  auto rule = Create(admin_, Rule(RuleKind::kOffline, 60));
  ASSERT_TRUE(rule.ok());
  auto fired = Evaluate(kNow);
  EXPECT_EQ(fired.fired, 1);
  auto history = History(admin_);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].alert.sensor_id, s1_.id);
  EXPECT_EQ(history[0].alert.value, 120);

  Ingest(s1_, {{kNow + 100, 21.0}}, kNow + 110);
  auto recovered = Evaluate(kNow + 120);
  EXPECT_EQ(recovered.recovered, 1);
  history = History(admin_);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].alert.kind, alerts::AlertKind::kRecover);
  EXPECT_EQ(history[0].alert.since, kNow + 120);
  EXPECT_EQ(history[0].deliveries.size(), 4u) << "recovery notices go to the same channels";
  EXPECT_TRUE(States(rule->id).empty());
}

TEST_P(AlertStoreTest, SensorInMaintenanceRaisesNothingAndItsOpenAlertCloses) {
  IngestDay(s1_, 60.0);
  auto rule = Create(admin_, Rule(RuleKind::kPm25Daily, 37.5, s1_.id));
  ASSERT_TRUE(rule.ok());
  ASSERT_TRUE(SetMaintenance(s1_, true).ok());
  auto quiet = Evaluate(kNow);
  EXPECT_EQ(quiet.fired, 0);
  EXPECT_EQ(Count("alerts"), 0);
  EXPECT_TRUE(States(rule->id).empty());

  ASSERT_TRUE(SetMaintenance(s1_, false).ok());
  EXPECT_EQ(Evaluate(kNow + 60).fired, 1);
  ASSERT_TRUE(SetMaintenance(s1_, true).ok());
  auto closed = Evaluate(kNow + 120);
  EXPECT_EQ(closed.silent, 1);
  EXPECT_EQ(closed.recovered, 0);
  EXPECT_EQ(Count("alerts"), 1) << "no recovery notice for maintenance";
  EXPECT_TRUE(States(rule->id).empty());
}

TEST_P(AlertStoreTest, QuietHoursHoldTheNoticeUntilTheyEnd) {
  Ingest(s1_, {{kNow - 7200, 20.1}}, kNow - 7200);
  NewRule request = Rule(RuleKind::kOffline, 60, s1_.id);
  request.quiet_hours = alerts::QuietHours{21 * 60, 23 * 60};  // kNow is 22:06 in Bangkok
  auto rule = Create(admin_, request);
  ASSERT_TRUE(rule.ok());
  auto held = Evaluate(kNow);
  EXPECT_EQ(held.held, 1);
  EXPECT_EQ(Count("alerts"), 0);
  auto states = States(rule->id);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].phase, alerts::Phase::kPending);
  EXPECT_EQ(states[0].since, kNow);

  EXPECT_EQ(Evaluate(kNow + 1800).fired, 0);  // 22:36, still quiet
  const int64_t after_quiet = kNow + 3600;    // 23:06
  auto fired = Evaluate(after_quiet);
  EXPECT_EQ(fired.fired, 1);
  auto history = History(admin_);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].alert.since, kNow) << "the notice says when the sensor went silent";
  EXPECT_EQ(history[0].alert.at, after_quiet);
}

TEST_P(AlertStoreTest, DataQualityRuleFiresOnStuckReadings) {
  std::vector<std::pair<int64_t, double>> stuck;
  for (int i = 0; i < 6; ++i) stuck.push_back({kNow - 3000 + i * 300, 12.0});
  Ingest(s1_, stuck, kNow - 100);
  Ingest(s2_, {{kNow - 1200, 10.1}, {kNow - 900, 11.3}, {kNow - 600, 10.7}}, kNow - 100);
  auto rule = Create(admin_, Rule(RuleKind::kDataQuality, 3));
  ASSERT_TRUE(rule.ok());
  auto report = Evaluate(kNow);
  EXPECT_EQ(report.fired, 1);
  auto history = History(admin_);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].alert.sensor_id, s1_.id);
  EXPECT_EQ(history[0].alert.value, 6);
  EXPECT_NE(history[0].alert.message_en.find("stuck"), std::string::npos) << history[0].alert.message_en;
}

TEST_P(AlertStoreTest, ConcurrentEvaluatorsRaiseEachNoticeOnce) {
  Ingest(s1_, {{kNow - 7200, 20.1}}, kNow - 7200);
  Ingest(s2_, {{kNow - 7000, 20.3}}, kNow - 7000);
  ASSERT_TRUE(Create(admin_, Rule(RuleKind::kOffline, 60)).ok());
  std::atomic<int> fired{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto report = Evaluate(kNow);
      fired += report.fired;
      conflicts += report.conflicts;
      for (const auto& error : report.errors) ADD_FAILURE() << error;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fired.load(), 2);
  EXPECT_EQ(Count("alerts"), 2);
  EXPECT_EQ(Count("alert_deliveries"), 8);
}

TEST_P(AlertStoreTest, StateCompareAndSetRefusesAStaleWriter) {
  auto rule = Create(admin_, Rule(RuleKind::kOffline, 60));
  ASSERT_TRUE(rule.ok());
  alerts::AlertState firing{rule->id, s1_.id, alerts::Phase::kFiring, kNow, std::nullopt, 75.0, kNow};
  Status status = SystemWrite([&](UnitOfWork& work) -> Status {
    RETURN_IF_ERROR(work.alerts().ReplaceState(rule->id, s1_.id, std::nullopt, firing));
    EXPECT_EQ(work.alerts().ReplaceState(rule->id, s1_.id, std::nullopt, firing).code(), StatusCode::kConflict)
        << "a second writer that also saw no row";
    alerts::AlertState stale = firing;
    stale.updated_at = kNow - 1;
    EXPECT_EQ(work.alerts().ReplaceState(rule->id, s1_.id, stale, std::nullopt).code(), StatusCode::kConflict);
    alerts::AlertState pending = firing;
    pending.phase = alerts::Phase::kRecoveryPending;
    pending.cleared_at = kNow + 60;
    pending.updated_at = kNow + 60;
    RETURN_IF_ERROR(work.alerts().ReplaceState(rule->id, s1_.id, firing, pending));
    ASSIGN_OR_RETURN(auto states, work.alerts().StatesOf(rule->id));
    EXPECT_EQ(states.size(), 1u);
    if (!states.empty()) {
      EXPECT_EQ(states[0], pending);
    }
    return work.alerts().ReplaceState(rule->id, s1_.id, pending, std::nullopt);
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("alert_states"), 0);
  // Someone else's rule is not writable at all.
  status = transactor_->Write(ScopeOf(other_admin_), Info(), [&](UnitOfWork& work) -> Status {
    return work.alerts().ReplaceState(rule->id, s1_.id, std::nullopt, firing);
  });
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
}

TEST_P(AlertStoreTest, OutboxRowIsLeasedToOneDispatcherThenFinished) {
  auto rule = Create(admin_, Rule(RuleKind::kOffline, 60));
  ASSERT_TRUE(rule.ok());
  std::optional<AlertWithDeliveries> test;
  ASSERT_TRUE(transactor_
                  ->Write(ScopeOf(officer_), Info(),
                          [&](UnitOfWork& work) -> Status {
                            ASSIGN_OR_RETURN(test, AlertService().SendTest(work, rule->id));
                            return Status::Ok();
                          })
                  .ok());
  ASSERT_EQ(test->deliveries.size(), 4u);
  EXPECT_EQ(test->alert.kind, alerts::AlertKind::kTest);

  auto claim = [&](int64_t now, int limit) {
    std::vector<alerts::DueDelivery> claimed;
    EXPECT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(claimed, work.alerts().ClaimDue(now, now + 120, limit));
                  return Status::Ok();
                }).ok());
    return claimed;
  };
  EXPECT_TRUE(claim(kNow - 1, 10).empty()) << "not due before its time";
  auto first = claim(kNow, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].delivery.attempts, 1);
  EXPECT_EQ(first[0].delivery.next_attempt_at, kNow + 120);
  EXPECT_EQ(first[0].alert.id, test->alert.id);
  EXPECT_EQ(first[0].alert.rule_name, rule->name);
  EXPECT_NE(first[0].alert.message_th.find("ทดสอบ"), std::string::npos);
  auto rest = claim(kNow + 5, 10);
  EXPECT_EQ(rest.size(), 3u) << "the leased row is not handed out twice";
  EXPECT_TRUE(claim(kNow + 10, 10).empty());
  // After the lease the unfinished row is due again.
  auto again = claim(kNow + 121, 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].delivery.id, first[0].delivery.id);
  EXPECT_EQ(again[0].delivery.attempts, 2);

  ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                RETURN_IF_ERROR(work.alerts().FinishDelivery(again[0].delivery.id, alerts::DeliveryStatus::kSent,
                                                             kNow + 122, std::nullopt, kNow + 122));
                return work.alerts().FinishDelivery(rest[0].delivery.id, alerts::DeliveryStatus::kFailed, kNow + 122,
                                                    std::string("webhook answered 404"), std::nullopt);
              }).ok());
  auto history = History(admin_);
  ASSERT_EQ(history.size(), 1u);
  int sent = 0, failed = 0;
  for (const auto& d : history[0].deliveries) {
    if (d.status == alerts::DeliveryStatus::kSent) {
      ++sent;
      EXPECT_EQ(d.sent_at, kNow + 122);
    }
    if (d.status == alerts::DeliveryStatus::kFailed) {
      ++failed;
      EXPECT_EQ(d.last_error, "webhook answered 404");
    }
  }
  EXPECT_EQ(sent, 1);
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(Count("audit_log", "entity = 'alert_rule' AND action = 'test'"), 1);
}

TEST_P(AlertStoreTest, EditingWhatARuleWatchesForgetsItsStatesAndDeletingKeepsHistory) {
  Ingest(s1_, {{kNow - 7200, 20.1}}, kNow - 7200);
  auto rule = Create(admin_, Rule(RuleKind::kOffline, 60));
  ASSERT_TRUE(rule.ok());
  EXPECT_EQ(Evaluate(kNow).fired, 1);
  const AlertService service;
  // Renaming keeps the state: the alert still recovers later.
  ASSERT_TRUE(transactor_
                  ->Write(ScopeOf(admin_), Info(kNow + 5),
                          [&](UnitOfWork& work) -> Status {
                            alerts::RuleChanges changes;
                            changes.name = "เซนเซอร์เงียบ";
                            return service.UpdateRule(work, rule->id, changes).status();
                          })
                  .ok());
  EXPECT_EQ(States(rule->id).size(), 1u);
  // A new threshold starts afresh.
  ASSERT_TRUE(transactor_
                  ->Write(ScopeOf(admin_), Info(kNow + 6),
                          [&](UnitOfWork& work) -> Status {
                            alerts::RuleChanges changes;
                            changes.threshold = 180;
                            return service.UpdateRule(work, rule->id, changes).status();
                          })
                  .ok());
  EXPECT_TRUE(States(rule->id).empty());
  // Deleting the rule keeps its alerts, with the name they were raised under.
  ASSERT_TRUE(transactor_
                  ->Write(ScopeOf(admin_), Info(kNow + 7),
                          [&](UnitOfWork& work) -> Status { return service.DeleteRule(work, rule->id); })
                  .ok());
  auto history = History(admin_);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_FALSE(history[0].alert.rule_id);
  EXPECT_EQ(history[0].alert.rule_name, rule->name);
  EXPECT_EQ(history[0].deliveries.size(), 4u);
}

TEST_P(AlertStoreTest, HistoryFiltersBySensorKindAndTimeAndPages) {
  Ingest(s1_, {{kNow - 7200, 20.1}}, kNow - 7200);
  Ingest(s2_, {{kNow - 7200, 20.3}}, kNow - 7200);
  ASSERT_TRUE(Create(admin_, Rule(RuleKind::kOffline, 60)).ok());
  EXPECT_EQ(Evaluate(kNow).fired, 2);
  Ingest(s1_, {{kNow + 100, 21.0}}, kNow + 100);
  EXPECT_EQ(Evaluate(kNow + 200).recovered, 1);

  alerts::AlertQuery query;
  EXPECT_EQ(History(admin_, query).size(), 3u);
  query.sensor_id = s1_.id;
  EXPECT_EQ(History(admin_, query).size(), 2u);
  query.kind = alerts::AlertKind::kRecover;
  auto recoveries = History(admin_, query);
  ASSERT_EQ(recoveries.size(), 1u);
  EXPECT_EQ(recoveries[0].alert.kind, alerts::AlertKind::kRecover);
  alerts::AlertQuery by_time;
  by_time.from = kNow + 1;
  EXPECT_EQ(History(admin_, by_time).size(), 1u);
  by_time.from.reset();
  by_time.to = kNow + 1;
  EXPECT_EQ(History(admin_, by_time).size(), 2u);

  alerts::AlertQuery page;
  page.limit = 2;
  auto first = History(admin_, page);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_GT(first[0].alert.id, first[1].alert.id) << "newest first";
  page.before_id = first[1].alert.id;
  auto second = History(admin_, page);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_LT(second[0].alert.id, first[1].alert.id);

  alerts::AlertQuery bad;
  bad.limit = 501;
  Status status = transactor_->Read(ScopeOf(admin_), Info(), [&](UnitOfWork& work) -> Status {
    return AlertService().ListAlerts(work, bad).status();
  });
  EXPECT_EQ(status.field(), "limit");
}

}  // namespace
}  // namespace ecotown::store
