// MQTT subscription: a libmosquitto client that connects to a configured broker, subscribes to
// topic filters, parses every message with the wire format its subscription names, and hands the
// readings to a readings::ReadingSink (docs/ingest-formats.md §"MQTT").
//
// Delivery: QoS 1 and a persistent session (clean_session false), so that the broker queues
// messages for us while we are away and delivers them when we come back. libmosquitto
// acknowledges a QoS 1 message before our callback runs, so a message whose sink call fails is
// logged and counted, not redelivered. A message whose acknowledgement was lost with the
// connection is sent again by the broker after the reconnect, with its original packet id;
// MqttRedeliveryFilter drops it, because AirGradient and airrohr payloads carry no time and the
// store's (sensor, ts) idempotence would not (their ts is the receive time).
//
// Threads: one thread of our own runs the network loop, the parsers and the sink, one message
// at a time. Start, Stop and the destructor from one owning thread; counters() from any.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "modules/readings/ingest_summary.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::ingest {

// What the payloads of one subscription are.
enum class MqttFormat {
  kAirGradient,  // "airgradient": topic airgradient/readings/<serial>, the local-server JSON
  kEcotown,      // "ecotown": our JSON batch (json_batch.h)
  kAirrohr,      // "airrohr": Sensor.Community "send to own API" JSON (airrohr.h)
};
const char* MqttFormatName(MqttFormat format);
// "airgradient", "ecotown" or "airrohr"; Invalid naming `field` otherwise.
Result<MqttFormat> ParseMqttFormat(std::string_view name, const std::string& field);

struct MqttSubscription {
  // An MQTT topic filter ('+' and '#' allowed). "$share/<group>/<filter>" is a shared
  // subscription: several ecotown instances share the messages instead of each getting a copy.
  std::string topic;
  MqttFormat format = MqttFormat::kAirGradient;
};

// Invalid, naming `field`, unless `filter` is a valid subscription topic filter (not empty, at
// most 65535 bytes, valid UTF-8, '+' and '#' only as whole levels, '#' last; a "$share/" prefix
// needs a group name and a filter).
Status ValidateTopicFilter(std::string_view filter, const std::string& field);

// Where the broker is and what to subscribe to. Config section [mqtt] (app/config.h).
struct MqttSettings {
  std::string host;      // broker host name or address; empty = MQTT off
  int port = 1883;       // 8883 is the usual TLS port
  std::string username;  // empty: connect without credentials
  std::string password;
  std::string client_id = "ecotown";  // the broker keeps our session under this name: every
                                      // instance needs its own, or they keep taking it over
  std::string ca_file;                // PEM CA bundle; non-empty = TLS, broker certificate and
                                      // host name verified against it
  int keepalive_seconds = 60;         // MQTT keep-alive; a dead connection is noticed after 1.5x
  std::vector<MqttSubscription> subscriptions;
};

// Tuning that has no place in the config file (tests shorten it).
struct MqttSubscriberOptions {
  int reconnect_min_ms = 1000;   // first wait after a failed or lost connection
  int reconnect_max_ms = 60000;  // the wait doubles up to this
  // How long a received QoS 1 message is remembered to recognise its redelivery. Default 1 h:
  // longer than any reconnect backoff; a broker that is away longer than this can still get a
  // redelivered message stored twice.
  int64_t redelivery_window_seconds = 3600;
};

// Recognises a QoS 1/2 message that the broker sends again after a reconnect because our
// acknowledgement was lost: MQTT 3.1.1 §4.4 has it resent with its original packet id (libmosquitto
// does not show us the DUP flag). A message counts as a redelivery when a message with the same
// packet id, topic and payload arrived within the window; the broker reuses a packet id only after
// it has been acknowledged, for a new message, so a different topic or payload under the same id is
// new and replaces the remembered one. A broker that lost our session starts numbering anew, so the
// subscriber clears the filter on a connect without a session (CONNACK session-present flag). At
// most one entry per packet id (65,535). Not thread-safe:
// the subscriber's thread owns it.
class MqttRedeliveryFilter {
 public:
  explicit MqttRedeliveryFilter(int64_t window_seconds) : window_seconds_(window_seconds) {}

  // True when this message is a redelivery of one seen before (and remembers it otherwise).
  // QoS 0 messages (packet id 0) are never redelivered: always false.
  bool IsRedelivery(int packet_id, std::string_view topic, std::string_view payload, int64_t now);
  // Forgets every message: called when the broker answers a connect without our session (it was
  // restarted without persistence), since nothing can then be sent again and the broker numbers
  // packets from 1 anew.
  void Clear() { seen_.clear(); }

 private:
  struct Seen {
    uint64_t digest = 0;
    int64_t at = 0;
  };
  int64_t window_seconds_;
  std::unordered_map<int, Seen> seen_;
};

// Counters for /metrics: totals since Start, plain numbers.
struct MqttCounters {
  bool connected = false;
  bool subscribed = false;          // connected and every subscription acknowledged
  int64_t connects = 0;             // sessions established (CONNACK accepted)
  int64_t connection_failures = 0;  // connection attempts that failed, and connections lost
  int64_t messages = 0;             // messages received
  int64_t readings = 0;             // readings handed to the sink (in calls that succeeded)
  int64_t parse_errors = 0;         // messages refused by their parser (or matching no subscription)
  int64_t sink_errors = 0;          // sink calls that failed: nothing of that message stored
  int64_t accepted = 0;             // from the sink's IngestSummary
  int64_t duplicates = 0;
  int64_t rejected = 0;
  int64_t redeliveries = 0;         // QoS 1 messages sent again by the broker, dropped (MqttRedeliveryFilter)
};

// Parses one message with `format`. The device key comes from the topic where the format says so:
// - airgradient: the topic's last level is the serial (airgradient/readings/ecda3b1eaaaf); the
//   payload's "serialno", when present, must match it;
// - airrohr: the topic's last level when it is a sensor name such as "esp8266-13966475" (it then
//   plays the X-Sensor header's part), else the payload's esp8266id;
// - ecotown: each row's "sensor"; readings are marked Source::kMqtt.
// Errors are the parser's (Invalid naming the field, TooLarge), or Invalid for a topic whose last
// level is not an AirGradient serial.
Result<std::vector<readings::RawReading>> ParseMqttMessage(MqttFormat format, std::string_view topic,
                                                           std::string_view payload, int64_t received_at);

class MqttSubscriber {
 public:
  // `sink` (and `refusals`, for messages that match no subscription or that the parser refuses:
  // the device is the topic's serial or sensor name where the format has one) is called on the
  // subscriber's thread and must be thread-safe with respect to the rest of the application.
  MqttSubscriber(MqttSettings settings, readings::ReadingSink sink, MqttSubscriberOptions options = {},
                 readings::RefusalSink refusals = nullptr);
  ~MqttSubscriber();  // Stop()
  MqttSubscriber(const MqttSubscriber&) = delete;
  MqttSubscriber& operator=(const MqttSubscriber&) = delete;

  // Checks the settings and starts the client thread, which connects in the background and
  // retries with backoff for as long as it runs: an unreachable broker is logged, not an error
  // here. Invalid (naming "mqtt.<key>") for an empty host, a bad port, no subscriptions, a bad
  // topic filter, an unreadable CA file; Internal when libmosquitto cannot be set up. Called
  // at most once.
  Status Start();

  // Disconnects cleanly (the broker keeps our session and queues for us) and joins the thread.
  // Returns within about a quarter of a second unless a sink call is in progress, which is let
  // finish. Idempotent.
  void Stop();

  MqttCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecotown::ingest
