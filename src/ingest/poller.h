// Pollers: devices and services that we ask for their readings over HTTP, on a schedule
// (docs/ingest-formats.md §"Polling"):
//   - airgradient_local: GET http://airgradient_<serial>.local/measures/current (airgradient.h)
//   - purpleair_local:   GET http://<sensor-ip>/json (purpleair.h; channels A and B both kept)
//   - air4thai:          GET a URL answering Air4Thai's current JSON (getNewAQI_JSON.php)
//   - air4thai_history:  GET a URL answering Air4Thai's hourly history (getHistoryData.php)
// Each answer is parsed and handed to a readings::ReadingSink.
//
// One thread of our own polls every target in turn, so polls never overlap: a slow target
// delays the others rather than piling up. Each target is due every interval_seconds (plus a
// random jitter so that many pollers do not hit a service together); a poll that fails is logged
// and counted and simply happens again at the next interval. HTTP by libcurl, with connect and
// total timeouts and a body size limit.
//
// Threads: Start, Stop and the destructor from one owning thread; status() from any.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/readings/ingest_summary.h"

namespace ecotown::ingest {

enum class PollKind { kAirGradientLocal, kPurpleAirLocal, kAir4ThaiCurrent, kAir4ThaiHistory };
const char* PollKindName(PollKind kind);
// "airgradient_local", "purpleair_local", "air4thai" or "air4thai_history"; Invalid naming
// `field` otherwise.
Result<PollKind> ParsePollKind(std::string_view name, const std::string& field);
// The interval a target gets when the config names none: 60 s for a device, 3600 s for Air4Thai
// (PCD updates hourly).
int DefaultPollIntervalSeconds(PollKind kind);

// One thing to poll. Config [[pollers]] (app/config.h).
struct PollTarget {
  PollKind kind = PollKind::kAirGradientLocal;
  // http:// or https:// URL. "{today}" and "{yesterday}" are replaced by the Thai (UTC+7) date,
  // YYYY-MM-DD, at each poll: for history queries such as ...&sdate={yesterday}&edate={today}.
  std::string url;
  // airgradient_local: the serial the device must report ("serialno"); purpleair_local: the MAC
  // ("SensorId", any case). Empty: whatever the device reports. Not used by the air4thai kinds.
  std::string device_key;
  // air4thai kinds: keep only these station ids ("44t"); empty = every station in the answer.
  std::vector<std::string> stations;
  int interval_seconds = 60;  // 10 .. 86400
  int timeout_seconds = 20;   // whole request, connect included; 1 .. 300
};

// Invalid, naming "<field>.<key>" (field is e.g. "pollers[2]"), for a bad URL, interval or
// timeout, or a device_key/stations on a kind that does not use it.
Status ValidatePollTarget(const PollTarget& target, const std::string& field);

// Tuning that has no place in the config file (tests shorten it).
struct PollerOptions {
  int connect_timeout_ms = 5000;  // TCP (and TLS) connect; capped by the target's timeout
  double jitter_fraction = 0.1;   // each wait is lengthened by up to this share of the interval,
                                  // and the first poll comes within that much after Start; 0 = none
  // Largest body accepted; 0 = the parser's own limit (64 KiB for devices, 32 MiB for Air4Thai).
  size_t max_body_bytes = 0;
};

// What one target has done since Start, for /metrics and the network health page.
struct PollTargetStatus {
  std::string kind;                                    // PollKindName
  std::string url;                                     // as configured (placeholders unexpanded)
  int64_t polls = 0;                                   // polls attempted
  int64_t failures = 0;                                // transport or HTTP errors, refused bodies, failed sink calls
  int64_t readings = 0;                                // readings handed to the sink (in calls that succeeded)
  int64_t skipped = 0;                                 // Air4Thai stations or rows the parser could not read
  int64_t accepted = 0, duplicates = 0, rejected = 0;  // from the sink's IngestSummary
  int64_t last_success_at = 0;                         // Unix seconds of the last good poll, 0 never
  std::string last_error;                              // of the last poll, empty when it went well
};

class Poller {
 public:
  // `sink` is called on the poller's thread.
  Poller(std::vector<PollTarget> targets, readings::ReadingSink sink, PollerOptions options = {});
  ~Poller();  // Stop()
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Checks every target (Invalid naming "pollers[i].<key>") and starts the polling thread.
  // Called at most once.
  Status Start();

  // Aborts a request in flight and joins the thread: returns promptly (a sink call in progress
  // is let finish). Idempotent.
  void Stop();

  std::vector<PollTargetStatus> status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Replaces "{today}" and "{yesterday}" in url with Thai (UTC+7) dates of now_unix, YYYY-MM-DD.
std::string ExpandPollUrl(std::string_view url, int64_t now_unix);

}  // namespace ecotown::ingest
