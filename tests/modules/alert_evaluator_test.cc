// The alert rules and their pure evaluator: validation naming the field, quiet hours (across
// midnight), every state transition, maintenance, and the notice texts.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "modules/alerts/alert.h"
#include "modules/alerts/evaluator.h"
#include "modules/alerts/messages.h"
#include "modules/alerts/snapshot.h"

namespace ecotown::alerts {
namespace {

// 2025-06-15 00:00 in Bangkok (17:00 UTC the day before).
constexpr int64_t kBangkokMidnight = 1'749'920'400;

int64_t At(int hour, int minute = 0, int day = 0) { return kBangkokMidnight + day * 86400 + hour * 3600 + minute * 60; }

AlertRule Pm25Rule(double threshold = 37.5) {
  AlertRule rule;
  rule.id = 7;
  rule.org_id = 3;
  rule.name = "ฝุ่นเกินมาตรฐาน";
  rule.kind = RuleKind::kPm25Daily;
  rule.threshold = threshold;
  rule.channels.webhooks = {"https://hooks.example.org/ecotown"};
  return rule;
}

SensorSnapshot Snapshot(int64_t at, std::optional<double> pm25_24h) {
  SensorSnapshot s;
  s.sensor_id = 11;
  s.org_id = 3;
  s.code = "bp-01";
  s.name = "โรงเรียนบ้านโป่ง";
  s.at = at;
  s.pm25_24h = pm25_24h;
  return s;
}

AlertState State(Phase phase, int64_t since, std::optional<int64_t> cleared_at = std::nullopt) {
  AlertState state;
  state.rule_id = 7;
  state.sensor_id = 11;
  state.phase = phase;
  state.since = since;
  state.cleared_at = cleared_at;
  state.value = 40;
  state.updated_at = since;
  return state;
}

// --- Validation -----------------------------------------------------------------------------

TEST(AlertRuleValidationTest, AcceptsAWellFormedRule) { EXPECT_TRUE(ValidateRule(Pm25Rule()).ok()); }

TEST(AlertRuleValidationTest, EachBadFieldIsNamed) {
  struct Case {
    const char* what;
    std::function<void(AlertRule&)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"empty name", [](AlertRule& r) { r.name = ""; }, "name"},
      {"long name", [](AlertRule& r) { r.name = std::string(201, 'a'); }, "name"},
      {"control char in name", [](AlertRule& r) { r.name = "a\nb"; }, "name"},
      {"pm25 zero", [](AlertRule& r) { r.threshold = 0; }, "threshold"},
      {"pm25 above 1000", [](AlertRule& r) { r.threshold = 1000.5; }, "threshold"},
      {"pm25 NaN", [](AlertRule& r) { r.threshold = std::nan(""); }, "threshold"},
      {"scale on pm25", [](AlertRule& r) { r.scale = core::AqiScale::kThai; }, "scale"},
      {"aqi without scale",
       [](AlertRule& r) {
         r.kind = RuleKind::kAqiLevel;
         r.threshold = 3;
       },
       "scale"},
      {"thai level 6",
       [](AlertRule& r) {
         r.kind = RuleKind::kAqiLevel;
         r.scale = core::AqiScale::kThai;
         r.threshold = 6;
       },
       "threshold"},
      {"aqi level 1",
       [](AlertRule& r) {
         r.kind = RuleKind::kAqiLevel;
         r.scale = core::AqiScale::kUs;
         r.threshold = 1;
       },
       "threshold"},
      {"aqi fractional",
       [](AlertRule& r) {
         r.kind = RuleKind::kAqiLevel;
         r.scale = core::AqiScale::kUs;
         r.threshold = 3.5;
       },
       "threshold"},
      {"offline 4 minutes",
       [](AlertRule& r) {
         r.kind = RuleKind::kOffline;
         r.threshold = 4;
       },
       "threshold"},
      {"offline 8 days",
       [](AlertRule& r) {
         r.kind = RuleKind::kOffline;
         r.threshold = 11520;
       },
       "threshold"},
      {"quality zero",
       [](AlertRule& r) {
         r.kind = RuleKind::kDataQuality;
         r.threshold = 0;
       },
       "threshold"},
      {"no channel", [](AlertRule& r) { r.channels = {}; }, "channels"},
      {"ftp webhook", [](AlertRule& r) { r.channels.webhooks = {"ftp://example.org/x"}; }, "channels.webhooks"},
      {"webhook with space", [](AlertRule& r) { r.channels.webhooks = {"https://example.org/a b"}; },
       "channels.webhooks"},
      {"webhook with password", [](AlertRule& r) { r.channels.webhooks = {"https://u:p@example.org/"}; },
       "channels.webhooks"},
      {"webhook without host", [](AlertRule& r) { r.channels.webhooks = {"https:///path"}; }, "channels.webhooks"},
      {"duplicate webhook",
       [](AlertRule& r) {
         r.channels.webhooks = {"https://a.org/", "https://a.org/"};
       },
       "channels.webhooks"},
      {"eleven webhooks",
       [](AlertRule& r) {
         r.channels.webhooks.clear();
         for (int i = 0; i < 11; ++i) r.channels.webhooks.push_back("https://a.org/" + std::to_string(i));
       },
       "channels.webhooks"},
      {"address without domain", [](AlertRule& r) { r.channels.emails = {"officer@localhost"}; }, "channels.emails"},
      {"address with header injection", [](AlertRule& r) { r.channels.emails = {"a@b.org\r\nBcc: x@y.org"}; },
       "channels.emails"},
      {"address with space", [](AlertRule& r) { r.channels.emails = {"a b@example.org"}; }, "channels.emails"},
      {"address with two dots", [](AlertRule& r) { r.channels.emails = {"a..b@example.org"}; }, "channels.emails"},
      {"line id short", [](AlertRule& r) { r.channels.line_to = {"U1234"}; }, "channels.line_to"},
      {"line id upper hex", [](AlertRule& r) { r.channels.line_to = {"U4AF4980629C1D8E1E7E8B3E2F6B0D1A9"}; },
       "channels.line_to"},
      {"line id wrong prefix", [](AlertRule& r) { r.channels.line_to = {"X4af4980629c1d8e1e7e8b3e2f6b0d1a9"}; },
       "channels.line_to"},
      {"quiet hours empty",
       [](AlertRule& r) {
         r.quiet_hours = QuietHours{600, 600};
       },
       "quiet_hours.end"},
  };
  for (const auto& c : cases) {
    AlertRule rule = Pm25Rule();
    c.change(rule);
    const Status status = ValidateRule(rule);
    EXPECT_EQ(status.code(), StatusCode::kInvalid) << c.what;
    EXPECT_EQ(status.field(), c.field) << c.what << ": " << status.message();
  }
}

TEST(AlertRuleValidationTest, AcceptsEveryChannelKind) {
  AlertRule rule = Pm25Rule();
  rule.channels.webhooks = {"http://127.0.0.1:8081/hook?x=1", "https://hooks.example.org"};
  rule.channels.emails = {"env.officer@banpong.go.th", "a+alerts@example.co.th"};
  rule.channels.line_to = {"U4af4980629c1d8e1e7e8b3e2f6b0d1a9", "C23fcbe8d92b0e428298ae1e32585fb36",
                           "Rabcdef0123456789abcdef0123456789"};
  EXPECT_TRUE(ValidateRule(rule).ok()) << ValidateRule(rule).ToString();
  rule.kind = RuleKind::kAqiLevel;
  rule.scale = core::AqiScale::kUs;
  rule.threshold = 6;
  EXPECT_TRUE(ValidateRule(rule).ok());
  rule.kind = RuleKind::kOffline;
  rule.scale.reset();
  rule.threshold = 30;
  EXPECT_TRUE(ValidateRule(rule).ok());
}

TEST(AlertRuleValidationTest, ParsesNamesAndTimesNamingTheField) {
  EXPECT_EQ(ParseRuleKind("pm25_nowcast").value(), RuleKind::kPm25NowCast);
  EXPECT_EQ(ParseRuleKind("pm10").status().field(), "kind");
  EXPECT_EQ(ParseScale("eu").status().field(), "scale");
  EXPECT_EQ(ParseClockTime("22:30", "x").value(), 22 * 60 + 30);
  EXPECT_EQ(ParseQuietHours("24:00", "06:00").status().field(), "quiet_hours.start");
  EXPECT_EQ(ParseQuietHours("22:00", "6:00").status().field(), "quiet_hours.end");
  EXPECT_EQ(ParseQuietHours("22:00", "22:00").status().field(), "quiet_hours.end");
  EXPECT_EQ(FormatClockTime(6 * 60 + 5), "06:05");
}

// --- Quiet hours ----------------------------------------------------------------------------

TEST(QuietHoursTest, SamePeriodWithinADay) {
  const QuietHours lunch{12 * 60, 13 * 60};
  EXPECT_FALSE(InQuietHours(lunch, At(11, 59)));
  EXPECT_TRUE(InQuietHours(lunch, At(12, 0)));
  EXPECT_TRUE(InQuietHours(lunch, At(12, 59)));
  EXPECT_FALSE(InQuietHours(lunch, At(13, 0)));  // end is exclusive
}

TEST(QuietHoursTest, NightPeriodWrapsMidnightInBangkokTime) {
  const QuietHours night{22 * 60, 6 * 60};
  EXPECT_FALSE(InQuietHours(night, At(21, 59)));
  EXPECT_TRUE(InQuietHours(night, At(22, 0)));
  EXPECT_TRUE(InQuietHours(night, At(23, 59)));
  EXPECT_TRUE(InQuietHours(night, At(0, 0, 1)));
  EXPECT_TRUE(InQuietHours(night, At(5, 59, 1)));
  EXPECT_FALSE(InQuietHours(night, At(6, 0, 1)));
  EXPECT_FALSE(InQuietHours(night, At(12, 0)));
  // 16:00 UTC is 23:00 in Bangkok: quiet, although 16:00 is not inside 22:00-06:00.
  EXPECT_TRUE(InQuietHours(night, 1'749'945'600 + 16 * 3600));
}

// --- Measures -------------------------------------------------------------------------------

TEST(AlertMeasureTest, EachKindComparesItsValue) {
  SensorSnapshot s = Snapshot(At(10), 37.5);
  AlertRule rule = Pm25Rule(37.5);
  auto m = Measure(rule, s);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->active) << "equal to the threshold is not above it";
  s.pm25_24h = 37.6;
  EXPECT_TRUE(Measure(rule, s)->active);
  s.pm25_24h.reset();
  EXPECT_FALSE(Measure(rule, s)) << "no 24-hour mean: unknown";

  rule.kind = RuleKind::kPm25NowCast;
  s.nowcast = 55.2;
  s.us_aqi = core::ComputeUsAqi(core::Pollutant::kPm25, 55.2).value();
  m = Measure(rule, s);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->active);
  EXPECT_EQ(m->scale, core::AqiScale::kUs);
  EXPECT_EQ(m->level, s.us_aqi->level);

  rule.kind = RuleKind::kAqiLevel;
  rule.scale = core::AqiScale::kThai;
  rule.threshold = 3;
  s.thai_aqi = core::ComputeThaiAqi(core::Pollutant::kPm25, 30.0).value();  // level 3 (25.1-37.5)
  m = Measure(rule, s);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->active);
  EXPECT_EQ(m->level, 3);
  EXPECT_EQ(m->value, s.thai_aqi->value);
  s.thai_aqi = core::ComputeThaiAqi(core::Pollutant::kPm25, 20.0).value();  // level 2
  EXPECT_FALSE(Measure(rule, s)->active);

  rule.kind = RuleKind::kOffline;
  rule.scale.reset();
  rule.threshold = 30;
  s.last_seen = At(10) - 29 * 60 - 59;
  m = Measure(rule, s);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->active);
  EXPECT_EQ(m->value, 29);
  s.last_seen = At(10) - 30 * 60;
  EXPECT_TRUE(Measure(rule, s)->active);
  s.last_seen.reset();
  EXPECT_FALSE(Measure(rule, s)) << "a sensor that never reported is not judged offline";

  rule.kind = RuleKind::kDataQuality;
  rule.threshold = 3;
  s.readings_last_hour = 30;
  s.implausible_last_hour = 2;
  EXPECT_FALSE(Measure(rule, s)->active);
  s.implausible_last_hour = 3;
  EXPECT_TRUE(Measure(rule, s)->active);
  s.readings_last_hour = 0;
  s.implausible_last_hour = 0;
  EXPECT_FALSE(Measure(rule, s)) << "no readings in the hour: unknown";
}

TEST(AlertMeasureTest, ImplausibleFlagsLeaveOutWeatherAndClock) {
  const core::QaFlags flags = ImplausibleFlags();
  EXPECT_NE(flags & core::kQaStuck, 0u);
  EXPECT_NE(flags & core::kQaAboveRange, 0u);
  EXPECT_EQ(flags & core::kQaHighHumidity, 0u);
  EXPECT_EQ(flags & core::kQaClockSkew, 0u);
  EXPECT_EQ(flags & core::kQaChannelMissing, 0u);
}

// --- Transitions ----------------------------------------------------------------------------

struct Transition {
  const char* name;
  std::optional<Phase> previous;  // empty: clear (no row)
  std::optional<double> value;    // 24-hour mean; empty: unknown
  bool quiet;
  Action action;
  std::optional<Phase> next;  // empty: clear
  std::optional<AlertKind> notice;
};

TEST(AlertEvaluatorTest, EveryTransition) {
  const std::vector<Transition> table = {
      {"clear, below", std::nullopt, 20, false, Action::kNothing, std::nullopt, std::nullopt},
      {"clear, above", std::nullopt, 50, false, Action::kFire, Phase::kFiring, AlertKind::kFire},
      {"clear, above, quiet", std::nullopt, 50, true, Action::kHold, Phase::kPending, std::nullopt},
      {"clear, unknown", std::nullopt, std::nullopt, false, Action::kNothing, std::nullopt, std::nullopt},
      {"pending, above, quiet", Phase::kPending, 50, true, Action::kNothing, Phase::kPending, std::nullopt},
      {"pending, above, quiet over", Phase::kPending, 50, false, Action::kFire, Phase::kFiring, AlertKind::kFire},
      {"pending, below", Phase::kPending, 20, true, Action::kCancel, std::nullopt, std::nullopt},
      {"pending, below, quiet over", Phase::kPending, 20, false, Action::kCancel, std::nullopt, std::nullopt},
      {"pending, unknown", Phase::kPending, std::nullopt, false, Action::kNothing, Phase::kPending, std::nullopt},
      {"firing, above", Phase::kFiring, 50, false, Action::kStillFiring, Phase::kFiring, std::nullopt},
      {"firing, above, quiet", Phase::kFiring, 50, true, Action::kStillFiring, Phase::kFiring, std::nullopt},
      {"firing, below", Phase::kFiring, 20, false, Action::kRecover, std::nullopt, AlertKind::kRecover},
      {"firing, below, quiet", Phase::kFiring, 20, true, Action::kHoldRecovery, Phase::kRecoveryPending, std::nullopt},
      {"firing, unknown", Phase::kFiring, std::nullopt, false, Action::kNothing, Phase::kFiring, std::nullopt},
      {"recovery pending, below, quiet", Phase::kRecoveryPending, 20, true, Action::kNothing, Phase::kRecoveryPending,
       std::nullopt},
      {"recovery pending, below, quiet over", Phase::kRecoveryPending, 20, false, Action::kRecover, std::nullopt,
       AlertKind::kRecover},
      {"recovery pending, above again", Phase::kRecoveryPending, 50, true, Action::kResume, Phase::kFiring,
       std::nullopt},
      {"recovery pending, above again, quiet over", Phase::kRecoveryPending, 50, false, Action::kResume, Phase::kFiring,
       std::nullopt},
  };
  AlertRule rule = Pm25Rule(37.5);
  rule.quiet_hours = QuietHours{22 * 60, 6 * 60};
  for (const auto& t : table) {
    const int64_t now = t.quiet ? At(23) : At(9);
    std::optional<AlertState> previous;
    if (t.previous) previous = State(*t.previous, At(8), At(8, 30));
    const Decision d = Evaluate(rule, Snapshot(now, t.value), previous);
    EXPECT_EQ(ActionName(d.action), std::string(ActionName(t.action))) << t.name;
    const bool stored_changes = d.changes_state;
    const std::optional<Phase> next_phase =
        stored_changes ? (d.next ? std::optional(d.next->phase) : std::nullopt) : t.previous;
    EXPECT_EQ(next_phase, t.next) << t.name;
    EXPECT_EQ(d.notice, t.notice) << t.name;
    if (d.next) {
      EXPECT_EQ(d.next->rule_id, 7) << t.name;
      EXPECT_EQ(d.next->sensor_id, 11) << t.name;
      EXPECT_EQ(d.next->updated_at, now) << t.name;
    }
  }
}

TEST(AlertEvaluatorTest, FireAfterQuietHoursKeepsWhenTheConditionBegan) {
  AlertRule rule = Pm25Rule();
  rule.quiet_hours = QuietHours{22 * 60, 6 * 60};
  // 23:00: the mean goes above; the notice is held.
  Decision held = Evaluate(rule, Snapshot(At(23), 45), std::nullopt);
  ASSERT_EQ(held.action, Action::kHold);
  ASSERT_TRUE(held.next);
  EXPECT_EQ(held.next->since, At(23));
  // 03:00: still quiet, still above: nothing.
  Decision night = Evaluate(rule, Snapshot(At(3, 0, 1), 48), held.next);
  EXPECT_EQ(night.action, Action::kNothing);
  EXPECT_FALSE(night.changes_state);
  // 06:00: quiet hours over and still above: one fire notice, since 23:00.
  Decision morning = Evaluate(rule, Snapshot(At(6, 0, 1), 47), held.next);
  EXPECT_EQ(morning.action, Action::kFire);
  EXPECT_EQ(morning.notice, AlertKind::kFire);
  EXPECT_EQ(morning.notice_since, At(23));
  ASSERT_TRUE(morning.next);
  EXPECT_EQ(morning.next->phase, Phase::kFiring);
  EXPECT_EQ(morning.next->since, At(23));
  EXPECT_EQ(morning.next->value, 47);
}

TEST(AlertEvaluatorTest, HeldRecoveryIsSentWhenQuietHoursEndWithWhenItCleared) {
  AlertRule rule = Pm25Rule();
  rule.quiet_hours = QuietHours{22 * 60, 6 * 60};
  const AlertState firing = State(Phase::kFiring, At(15));
  Decision cleared = Evaluate(rule, Snapshot(At(1, 0, 1), 30), firing);
  ASSERT_EQ(cleared.action, Action::kHoldRecovery);
  ASSERT_TRUE(cleared.next);
  EXPECT_EQ(cleared.next->since, At(15)) << "the alert's start is kept";
  EXPECT_EQ(cleared.next->cleared_at, At(1, 0, 1));
  Decision morning = Evaluate(rule, Snapshot(At(6, 10, 1), 28), cleared.next);
  EXPECT_EQ(morning.action, Action::kRecover);
  EXPECT_EQ(morning.notice_since, At(1, 0, 1));
  EXPECT_FALSE(morning.next);
  // The same recovery that comes back above before the morning is no notice at all.
  Decision again = Evaluate(rule, Snapshot(At(4, 0, 1), 41), cleared.next);
  EXPECT_EQ(again.action, Action::kResume);
  ASSERT_TRUE(again.next);
  EXPECT_EQ(again.next->phase, Phase::kFiring);
  EXPECT_EQ(again.next->since, At(15));
  EXPECT_FALSE(again.next->cleared_at);
  EXPECT_FALSE(again.notice);
}

TEST(AlertEvaluatorTest, RepeatedEvaluationsWhileFiringSendOneNotice) {
  const AlertRule rule = Pm25Rule();
  std::optional<AlertState> state;
  int notices = 0;
  for (int hour = 8; hour < 20; ++hour) {
    const Decision d = Evaluate(rule, Snapshot(At(hour), 40 + hour), state);
    if (d.notice) ++notices;
    if (d.changes_state) state = d.next;
  }
  EXPECT_EQ(notices, 1);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->phase, Phase::kFiring);
  EXPECT_EQ(state->since, At(8));
}

TEST(AlertEvaluatorTest, MaintenanceRaisesNothingAndClosesWhatWasOpen) {
  const AlertRule rule = Pm25Rule();
  SensorSnapshot s = Snapshot(At(10), 80);
  s.maintenance = true;
  Decision fresh = Evaluate(rule, s, std::nullopt);
  EXPECT_EQ(fresh.action, Action::kNothing);
  EXPECT_FALSE(fresh.changes_state);
  EXPECT_FALSE(fresh.notice);
  for (const Phase phase : {Phase::kPending, Phase::kFiring, Phase::kRecoveryPending}) {
    Decision d = Evaluate(rule, s, State(phase, At(8)));
    EXPECT_EQ(d.action, Action::kReset) << PhaseName(phase);
    EXPECT_TRUE(d.changes_state);
    EXPECT_FALSE(d.next);
    EXPECT_FALSE(d.notice);
  }
  // Out of maintenance the rule starts afresh: a new fire.
  s.maintenance = false;
  EXPECT_EQ(Evaluate(rule, s, std::nullopt).action, Action::kFire);
}

TEST(AlertEvaluatorTest, OfflineRuleFiresAndRecovers) {
  AlertRule rule = Pm25Rule();
  rule.kind = RuleKind::kOffline;
  rule.threshold = 60;
  SensorSnapshot s = Snapshot(At(12), std::nullopt);
  s.last_seen = At(10, 45);
  Decision fired = Evaluate(rule, s, std::nullopt);
  EXPECT_EQ(fired.action, Action::kFire);
  EXPECT_EQ(fired.measurement->value, 75);
  s.last_seen = At(12) - 30;
  Decision back = Evaluate(rule, s, fired.next);
  EXPECT_EQ(back.action, Action::kRecover);
}

// --- Snapshot windows and texts -------------------------------------------------------------

TEST(AlertSnapshotTest, WindowsEndAtTheLastCompleteHour) {
  EXPECT_EQ(LastCompleteHourEnd(At(10, 20)), At(10));
  EXPECT_EQ(LastCompleteHourEnd(At(10)), At(10));
  EXPECT_EQ(LastCompleteHourEnd(At(10) - 1), At(9));
}

TEST(AlertMessageTest, NoticesAreThaiFirstWithBuddhistEraAndEnglish) {
  const AlertRule rule = Pm25Rule(37.5);
  Measurement m;
  m.active = true;
  m.value = 52.34;
  m.scale = core::AqiScale::kThai;
  m.level = 4;
  const NoticeText fire = ComposeNotice(rule, Snapshot(At(14), 52.34), AlertKind::kFire, m, At(14));
  EXPECT_NE(fire.th.find("แจ้งเตือน [ฝุ่นเกินมาตรฐาน]"), std::string::npos) << fire.th;
  EXPECT_NE(fire.th.find("52.3 มคก./ลบ.ม."), std::string::npos) << fire.th;
  EXPECT_NE(fire.th.find("37.5"), std::string::npos) << fire.th;
  EXPECT_NE(fire.th.find("15 มิ.ย. 2568 14:00 น."), std::string::npos) << fire.th;
  EXPECT_NE(fire.th.find("โรงเรียนบ้านโป่ง (bp-01)"), std::string::npos) << fire.th;
  EXPECT_NE(fire.en.find("24-hour mean PM2.5"), std::string::npos) << fire.en;
  EXPECT_NE(fire.en.find("15 June 2025 14:00"), std::string::npos) << fire.en;
  m.active = false;
  m.value = 30;
  const NoticeText recover = ComposeNotice(rule, Snapshot(At(18), 30), AlertKind::kRecover, m, At(18));
  EXPECT_EQ(recover.th.rfind("กลับสู่ปกติ", 0), 0u) << recover.th;
  EXPECT_EQ(recover.en.rfind("Recovered", 0), 0u) << recover.en;

  AlertRule quality = rule;
  quality.kind = RuleKind::kDataQuality;
  quality.threshold = 3;
  SensorSnapshot s = Snapshot(At(9), std::nullopt);
  s.flags_last_hour = core::kQaStuck | core::kQaAboveRange;
  m.value = 12;
  const NoticeText q = ComposeNotice(quality, s, AlertKind::kFire, m, At(9));
  EXPECT_NE(q.th.find("ค่าค้างไม่เปลี่ยน"), std::string::npos) << q.th;
  EXPECT_NE(q.en.find("above_range, stuck"), std::string::npos) << q.en;

  const NoticeText test = ComposeTestNotice(rule, At(9, 5));
  EXPECT_NE(test.th.find("ทดสอบ"), std::string::npos);
  EXPECT_NE(test.en.find("nothing has happened"), std::string::npos);
  EXPECT_EQ(CombinedText("ก", "b"), "ก\n\nb");
}

}  // namespace
}  // namespace ecotown::alerts
