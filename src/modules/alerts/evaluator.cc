#include "modules/alerts/evaluator.h"

namespace ecotown::alerts {
namespace {

Measurement OfConcentration(double value, double threshold, core::AqiScale scale, const std::optional<core::Aqi>& aqi) {
  Measurement m;
  m.value = value;
  m.active = value > threshold;
  if (aqi) {
    m.scale = scale;
    m.level = aqi->level;
  }
  return m;
}

}  // namespace

std::optional<Measurement> Measure(const AlertRule& rule, const SensorSnapshot& snapshot) {
  switch (rule.kind) {
    case RuleKind::kPm25Daily:
      if (!snapshot.pm25_24h) return std::nullopt;
      return OfConcentration(*snapshot.pm25_24h, rule.threshold, core::AqiScale::kThai, snapshot.thai_aqi);
    case RuleKind::kPm25NowCast:
      if (!snapshot.nowcast) return std::nullopt;
      return OfConcentration(*snapshot.nowcast, rule.threshold, core::AqiScale::kUs, snapshot.us_aqi);
    case RuleKind::kAqiLevel: {
      const core::AqiScale scale = rule.scale.value_or(core::AqiScale::kThai);
      const auto& aqi = scale == core::AqiScale::kThai ? snapshot.thai_aqi : snapshot.us_aqi;
      if (!aqi) return std::nullopt;
      Measurement m;
      m.value = aqi->value;
      m.scale = scale;
      m.level = aqi->level;
      m.active = aqi->level >= rule.threshold;
      return m;
    }
    case RuleKind::kOffline: {
      if (!snapshot.last_seen) return std::nullopt;
      const int64_t silent = snapshot.at - *snapshot.last_seen;
      Measurement m;
      m.value = static_cast<double>(silent > 0 ? silent / 60 : 0);
      m.active = silent >= static_cast<int64_t>(rule.threshold) * 60;
      return m;
    }
    case RuleKind::kDataQuality: {
      // No data in the hour says nothing about its quality (the offline rule covers silence).
      if (snapshot.readings_last_hour == 0) return std::nullopt;
      Measurement m;
      m.value = static_cast<double>(snapshot.implausible_last_hour);
      m.active = m.value >= rule.threshold;
      return m;
    }
  }
  return std::nullopt;
}

const char* ActionName(Action action) {
  switch (action) {
    case Action::kNothing:
      return "nothing";
    case Action::kFire:
      return "fire";
    case Action::kStillFiring:
      return "still_firing";
    case Action::kHold:
      return "hold";
    case Action::kCancel:
      return "cancel";
    case Action::kRecover:
      return "recover";
    case Action::kHoldRecovery:
      return "hold_recovery";
    case Action::kResume:
      return "resume";
    case Action::kReset:
      return "reset";
  }
  return "nothing";
}

Decision Evaluate(const AlertRule& rule, const SensorSnapshot& snapshot, const std::optional<AlertState>& previous) {
  Decision decision;
  const int64_t now = snapshot.at;
  const Phase phase = previous ? previous->phase : Phase::kClear;

  // Maintenance silences the sensor: whatever was pending or firing is closed without a notice.
  if (snapshot.maintenance) {
    if (phase != Phase::kClear) {
      decision.action = Action::kReset;
      decision.changes_state = true;
    }
    return decision;
  }

  decision.measurement = Measure(rule, snapshot);
  if (!decision.measurement) return decision;
  const bool active = decision.measurement->active;
  const bool quiet = rule.quiet_hours && InQuietHours(*rule.quiet_hours, now);

  auto state = [&](Phase next_phase, int64_t since) {
    AlertState next;
    next.rule_id = rule.id;
    next.sensor_id = snapshot.sensor_id;
    next.phase = next_phase;
    next.since = since;
    next.value = decision.measurement->value;
    next.updated_at = now;
    return next;
  };
  auto fire = [&](int64_t since) {
    decision.action = Action::kFire;
    decision.next = state(Phase::kFiring, since);
    decision.changes_state = true;
    decision.notice = AlertKind::kFire;
    decision.notice_since = since;
  };
  auto recover = [&](int64_t cleared_at) {
    decision.action = Action::kRecover;
    decision.changes_state = true;
    decision.notice = AlertKind::kRecover;
    decision.notice_since = cleared_at;
  };

  switch (phase) {
    case Phase::kClear:
      if (!active) break;
      if (quiet) {
        decision.action = Action::kHold;
        decision.next = state(Phase::kPending, now);
        decision.changes_state = true;
      } else {
        fire(now);
      }
      break;
    case Phase::kPending:
      if (!active) {
        decision.action = Action::kCancel;
        decision.changes_state = true;
      } else if (!quiet) {
        fire(previous->since);
      }
      break;
    case Phase::kFiring:
      if (active) {
        decision.action = Action::kStillFiring;
      } else if (quiet) {
        decision.action = Action::kHoldRecovery;
        decision.next = state(Phase::kRecoveryPending, previous->since);
        decision.next->cleared_at = now;
        decision.changes_state = true;
      } else {
        recover(now);
      }
      break;
    case Phase::kRecoveryPending:
      if (active) {
        decision.action = Action::kResume;
        decision.next = state(Phase::kFiring, previous->since);
        decision.changes_state = true;
      } else if (!quiet) {
        recover(previous->cleared_at.value_or(now));
      }
      break;
  }
  return decision;
}

}  // namespace ecotown::alerts
