// The alert evaluator: a pure decision from a rule, what is known about one sensor now (a
// SensorSnapshot) and the previous state of the (rule, sensor) pair.
//
// Transitions (docs/operations.md, "Alerts"):
//   clear            + condition holds   -> fire (notice), or pending when in quiet hours (held)
//   pending          + still holds       -> fire once quiet hours are over (since = first seen)
//   pending          + cleared           -> clear without any notice (the held fire is cancelled)
//   firing           + still holds       -> nothing: de-duplicated
//   firing           + cleared           -> recover (notice), or recovery_pending in quiet hours
//   recovery_pending + cleared           -> recover once quiet hours are over
//   recovery_pending + holds again       -> firing, no notice (the held recovery is cancelled)
//   any              + unknown value     -> unchanged (too little data says nothing either way)
//   any              + sensor in maintenance -> clear without any notice
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/aqi.h"
#include "core/qa.h"
#include "modules/alerts/alert.h"

namespace ecotown::alerts {

// What is known about one sensor at one moment (snapshot.h builds it from the readings store).
struct SensorSnapshot {
  int64_t sensor_id = 0;
  int64_t org_id = 0;
  std::string code;
  std::string name;
  bool maintenance = false;
  int64_t at = 0;  // the evaluation time the snapshot describes

  std::optional<int64_t> last_seen;  // when the newest data arrived; empty when it never did

  std::optional<double> pm25_24h;     // 24-hour moving mean (µg/m³), empty below 18 complete hours
  double pm25_24h_coverage = 0;       // complete hours / 24
  std::optional<core::Aqi> thai_aqi;  // Thai AQI of the 24-hour mean

  std::optional<double> nowcast;    // NowCast PM2.5 truncated to 0.1 µg/m³, the AQI input
  std::optional<core::Aqi> us_aqi;  // US AQI of the NowCast

  int64_t readings_last_hour = 0;
  int64_t implausible_last_hour = 0;  // readings with any of ImplausibleFlags()
  core::QaFlags flags_last_hour = 0;  // union of the implausible flags seen
};

// The rule's measure on a snapshot: the value compared, and whether the condition holds.
struct Measurement {
  bool active = false;
  double value = 0;                     // µg/m³, AQI index, minutes or readings
  std::optional<core::AqiScale> scale;  // with level: the AQI category of the value
  std::optional<int> level;
};

// Empty when the snapshot has too little data to tell (e.g. no 24-hour mean, never seen).
std::optional<Measurement> Measure(const AlertRule& rule, const SensorSnapshot& snapshot);

enum class Action {
  kNothing,       // no change
  kFire,          // new alert: send a fire notice
  kStillFiring,   // condition still holds after a fire: de-duplicated, nothing sent
  kHold,          // condition began in quiet hours: notice held (pending)
  kCancel,        // a held fire whose condition cleared: dropped, nothing sent
  kRecover,       // send a recovery notice
  kHoldRecovery,  // cleared in quiet hours: recovery notice held
  kResume,        // a held recovery whose condition came back: firing again, nothing sent
  kReset,         // sensor in maintenance: state cleared, nothing sent
};
const char* ActionName(Action action);

struct Decision {
  Action action = Action::kNothing;
  std::optional<AlertState> next;          // the state to store; empty means clear (no row)
  std::optional<Measurement> measurement;  // empty when unknown
  // True when the stored state changes (the caller writes `next`).
  bool changes_state = false;
  // The notice to raise, when any: kFire or kRecover, and when its condition began (fire) or
  // cleared (recover).
  std::optional<AlertKind> notice;
  int64_t notice_since = 0;
};

// The decision for one (rule, sensor) pair at snapshot.at.
Decision Evaluate(const AlertRule& rule, const SensorSnapshot& snapshot, const std::optional<AlertState>& previous);

}  // namespace ecotown::alerts
