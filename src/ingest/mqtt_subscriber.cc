#include "ingest/mqtt_subscriber.h"

#include <mosquitto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "ingest/airgradient.h"
#include "ingest/airrohr.h"
#include "ingest/json_batch.h"
#include "ingest/parse_util.h"

namespace ecotown::ingest {
namespace {

constexpr int kQos = 1;
constexpr int kLoopTimeoutMs = 100;  // how long one network wait lasts: bounds Stop()'s latency
constexpr std::string_view kSharePrefix = "$share/";

void InitMosquittoOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string_view LastLevel(std::string_view topic) {
  const size_t slash = topic.rfind('/');
  return slash == std::string_view::npos ? topic : topic.substr(slash + 1);
}

// The filter a shared subscription applies to topics: "$share/group/a/+" -> "a/+".
std::string_view MatchingFilter(std::string_view filter) {
  if (filter.substr(0, kSharePrefix.size()) != kSharePrefix) return filter;
  const std::string_view rest = filter.substr(kSharePrefix.size());
  const size_t slash = rest.find('/');
  return slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
}

bool IsSensorName(std::string_view level) {
  for (const std::string_view prefix : {std::string_view("esp8266-"), std::string_view("esp32-")}) {
    if (level.size() > prefix.size() && level.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace

const char* MqttFormatName(MqttFormat format) {
  switch (format) {
    case MqttFormat::kAirGradient:
      return "airgradient";
    case MqttFormat::kEcotown:
      return "ecotown";
    case MqttFormat::kAirrohr:
      return "airrohr";
  }
  return "unknown";
}

Result<MqttFormat> ParseMqttFormat(std::string_view name, const std::string& field) {
  for (const MqttFormat format : {MqttFormat::kAirGradient, MqttFormat::kEcotown, MqttFormat::kAirrohr}) {
    if (name == MqttFormatName(format)) return format;
  }
  return Status::Invalid(field + " must be \"airgradient\", \"ecotown\" or \"airrohr\", not " + QuoteForMessage(name),
                         field);
}

Status ValidateTopicFilter(std::string_view filter, const std::string& field) {
  if (filter.empty()) return Status::Invalid(field + " must not be empty", field);
  if (filter.size() > 65535) return Status::Invalid(field + " is longer than 65535 bytes", field);
  if (mosquitto_validate_utf8(filter.data(), static_cast<int>(filter.size())) != MOSQ_ERR_SUCCESS ||
      filter.find('\0') != std::string_view::npos) {
    return Status::Invalid(field + " is not valid UTF-8 text", field);
  }
  const std::string text(filter);
  if (mosquitto_sub_topic_check(text.c_str()) != MOSQ_ERR_SUCCESS) {
    return Status::Invalid(field + " " + QuoteForMessage(filter) +
                               " is not a topic filter: '+' and '#' must stand alone between '/', and '#' only last",
                           field);
  }
  if (filter.substr(0, kSharePrefix.size()) == kSharePrefix) {
    const std::string_view rest = filter.substr(kSharePrefix.size());
    const size_t slash = rest.find('/');
    if (slash == 0 || slash == std::string_view::npos || slash + 1 == rest.size() ||
        rest.substr(0, slash).find_first_of("+#") != std::string_view::npos) {
      return Status::Invalid(field + " " + QuoteForMessage(filter) + " must be $share/<group>/<filter>", field);
    }
  }
  return Status::Ok();
}

Result<std::vector<readings::RawReading>> ParseMqttMessage(MqttFormat format, std::string_view topic,
                                                           std::string_view payload, int64_t received_at) {
  switch (format) {
    case MqttFormat::kAirGradient: {
      const std::string_view serial = LastLevel(topic);
      if (!IsAirGradientSerial(serial)) {
        return Status::Invalid("topic " + QuoteForMessage(topic) +
                                   " does not end in an AirGradient serial (12 lowercase hex digits, as in "
                                   "airgradient/readings/ecda3b1eaaaf)",
                               "topic");
      }
      return ParseAirGradient(payload, serial, received_at);
    }
    case MqttFormat::kAirrohr: {
      const std::string_view level = LastLevel(topic);
      return ParseAirrohr(payload, IsSensorName(level) ? level : std::string_view(), received_at);
    }
    case MqttFormat::kEcotown: {
      auto parsed = ParseJsonBatch(payload);
      if (!parsed.ok()) return parsed.status();
      for (auto& reading : *parsed) reading.source = readings::Source::kMqtt;
      return parsed;
    }
  }
  return Status::Internal("unknown MQTT format");
}

bool MqttRedeliveryFilter::IsRedelivery(int packet_id, std::string_view topic, std::string_view payload,
                                        int64_t now) {
  if (packet_id == 0) return false;
  // 64-bit FNV-1a over the topic, a separator and the payload: together with the packet id an
  // accidental match of two different messages is not a practical concern.
  uint64_t digest = 14695981039346656037ULL;
  auto mix = [&digest](std::string_view bytes) {
    for (const char c : bytes) {
      digest ^= static_cast<unsigned char>(c);
      digest *= 1099511628211ULL;
    }
  };
  mix(topic);
  mix(std::string_view("\0", 1));
  mix(payload);
  auto [it, inserted] = seen_.try_emplace(packet_id, Seen{digest, now});
  if (inserted) return false;
  const bool again = it->second.digest == digest && now - it->second.at <= window_seconds_;
  if (!again) it->second = Seen{digest, now};
  return again;
}

struct MqttSubscriber::Impl {
  Impl(MqttSettings settings_in, readings::ReadingSink sink_in, MqttSubscriberOptions options_in,
       readings::RefusalSink refusals_in)
      : settings(std::move(settings_in)),
        sink(std::move(sink_in)),
        refusals(std::move(refusals_in)),
        options(options_in),
        redelivery(options_in.redelivery_window_seconds) {}

  ~Impl() {
    if (mosq != nullptr) mosquitto_destroy(mosq);
  }

  std::string Where() const { return settings.host + ":" + std::to_string(settings.port); }

  const MqttSubscription* Match(const char* topic) const {
    for (const auto& subscription : settings.subscriptions) {
      const std::string filter(MatchingFilter(subscription.topic));
      bool matches = false;
      if (!filter.empty() && mosquitto_topic_matches_sub(filter.c_str(), topic, &matches) == MOSQ_ERR_SUCCESS &&
          matches) {
        return &subscription;
      }
    }
    return nullptr;
  }

  // Called by libmosquitto on our thread, inside mosquitto_loop.
  static void OnConnect(struct mosquitto* mosq, void* self_ptr, int rc, int flags) {
    auto* self = static_cast<Impl*>(self_ptr);
    self->last_connack = rc;
    if (rc != 0) return;  // the loop returns an error next and reports it
    constexpr int kSessionPresent = 0x01;  // CONNACK acknowledge flags (MQTT 3.1.1 §3.2.2.2)
    if ((flags & kSessionPresent) == 0) self->redelivery.Clear();
    self->connected.store(true);
    self->connects.fetch_add(1);
    self->backoff_ms = self->options.reconnect_min_ms;
    self->last_failure.clear();
    spdlog::info("mqtt: connected to {} as {}; subscribing to {} filter(s)", self->Where(), self->settings.client_id,
                 self->settings.subscriptions.size());
    // Subscribe on every connect: a broker that lost our session (restarted without persistence)
    // no longer knows our subscriptions.
    self->subscribed.store(false);
    self->pending_subacks = 0;
    for (const auto& subscription : self->settings.subscriptions) {
      const int sub_rc = mosquitto_subscribe(mosq, nullptr, subscription.topic.c_str(), kQos);
      if (sub_rc == MOSQ_ERR_SUCCESS) {
        ++self->pending_subacks;
      } else {
        spdlog::error("mqtt: cannot subscribe to {}: {}", subscription.topic, mosquitto_strerror(sub_rc));
      }
    }
  }

  static void OnSubscribe(struct mosquitto*, void* self_ptr, int, int count, const int* granted) {
    auto* self = static_cast<Impl*>(self_ptr);
    for (int i = 0; i < count; ++i) {
      // 0x80: the broker refused the subscription (an ACL, usually).
      if (granted[i] >= 0x80) spdlog::error("mqtt: {} refused a subscription", self->Where());
    }
    if (--self->pending_subacks == 0) self->subscribed.store(true);
  }

  static void OnDisconnect(struct mosquitto*, void* self_ptr, int) {
    auto* self = static_cast<Impl*>(self_ptr);
    self->connected.store(false);
    self->subscribed.store(false);
  }

  // libmosquitto's own log: kept at debug, and its last error explains a TLS failure.
  static void OnLog(struct mosquitto*, void* self_ptr, int level, const char* text) {
    if (level == MOSQ_LOG_ERR || level == MOSQ_LOG_WARNING) static_cast<Impl*>(self_ptr)->library_error = text;
    spdlog::debug("mqtt: libmosquitto: {}", text);
  }

  static void OnMessage(struct mosquitto*, void* self_ptr, const struct mosquitto_message* message) {
    static_cast<Impl*>(self_ptr)->Handle(message);
  }

  void Handle(const struct mosquitto_message* message) {
    messages.fetch_add(1);
    const int64_t received_at = NowUnix();
    const std::string_view topic(message->topic);
    const std::string_view payload(static_cast<const char*>(message->payload),
                                   message->payload == nullptr ? 0 : static_cast<size_t>(message->payloadlen));
    if (message->qos > 0 && redelivery.IsRedelivery(message->mid, topic, payload, received_at)) {
      redeliveries.fetch_add(1);
      spdlog::info("mqtt: message {} on topic {} sent again by the broker after a reconnect; already handled",
                   message->mid, QuoteForMessage(topic, 200));
      return;
    }
    const MqttSubscription* subscription = Match(message->topic);
    if (subscription == nullptr) {
      parse_errors.fetch_add(1);
      spdlog::warn("mqtt: message on topic {} matches no subscription", QuoteForMessage(topic, 200));
      Refuse("", "MQTT topic " + QuoteForMessage(topic, 200) + " matches no subscription", received_at);
      return;
    }
    auto parsed = ParseMqttMessage(subscription->format, topic, payload, received_at);
    if (!parsed.ok()) {
      parse_errors.fetch_add(1);
      spdlog::warn("mqtt: message on topic {} ({}) refused: {}", QuoteForMessage(topic, 200),
                   MqttFormatName(subscription->format), parsed.status().message());
      Refuse(DeviceOfTopic(subscription->format, topic),
             "MQTT message on topic " + QuoteForMessage(topic, 200) + " (" + MqttFormatName(subscription->format) +
                 ") refused: " + parsed.status().message(),
             received_at);
      return;
    }
    if (parsed->empty()) return;  // valid, but no measurement (every sensor of the device failed)
    const size_t count = parsed->size();
    Result<readings::IngestSummary> summary = Status::Internal("sink not called");
    try {
      summary = sink(std::move(*parsed), received_at);
    } catch (const std::exception& e) {
      summary = Status::Internal(std::string("sink threw: ") + e.what());
    } catch (...) {
      summary = Status::Internal("sink threw");
    }
    if (!summary.ok()) {
      sink_errors.fetch_add(1);
      spdlog::error("mqtt: {} reading(s) from topic {} not stored: {}", count, QuoteForMessage(topic, 200),
                    summary.status().ToString());
      return;
    }
    readings.fetch_add(static_cast<int64_t>(count));
    accepted.fetch_add(summary->accepted);
    duplicates.fetch_add(summary->duplicates);
    rejected.fetch_add(summary->rejected);
    if (summary->rejected > 0) {
      spdlog::warn("mqtt: {} of {} reading(s) from topic {} rejected: {}", summary->rejected, count,
                   QuoteForMessage(topic, 200), summary->errors.empty() ? "" : summary->errors.front().message);
    }
  }

  // The device a topic names in the format's topic scheme, or empty.
  static std::string DeviceOfTopic(MqttFormat format, std::string_view topic) {
    const std::string_view level = LastLevel(topic);
    if (format == MqttFormat::kAirGradient && IsAirGradientSerial(level)) return std::string(level);
    if (format == MqttFormat::kAirrohr && IsSensorName(level)) return std::string(level);
    return "";
  }

  void Refuse(std::string device_key, std::string message, int64_t received_at) {
    if (!refusals) return;
    try {
      refusals(readings::Source::kMqtt, std::move(device_key), std::move(message), received_at);
    } catch (const std::exception& e) {
      spdlog::error("mqtt: recording a refused message failed: {}", e.what());
    } catch (...) {
      spdlog::error("mqtt: recording a refused message failed");
    }
  }

  std::string Describe(int rc, int saved_errno) const {
    if (rc == MOSQ_ERR_ERRNO) return std::strerror(saved_errno);
    if (rc == MOSQ_ERR_TLS && !library_error.empty()) return std::string("TLS failed: ") + library_error;
    if (rc == MOSQ_ERR_CONN_REFUSED && last_connack > 0) {
      return std::string("connection refused: ") + mosquitto_connack_string(last_connack);
    }
    return mosquitto_strerror(rc);
  }

  // Waits for `ms` unless Stop() comes first; false when stopping.
  bool Sleep(int ms) {
    std::unique_lock lock(mu);
    return !cv.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop.load(); });
  }

  void Run() {
    int rc = mosquitto_connect_async(mosq, settings.host.c_str(), settings.port, settings.keepalive_seconds);
    while (!stop.load()) {
      if (rc == MOSQ_ERR_SUCCESS) {
        rc = mosquitto_loop(mosq, kLoopTimeoutMs, 1);
        if (rc == MOSQ_ERR_SUCCESS) continue;
      }
      const int saved_errno = errno;
      if (stop.load()) break;
      connected.store(false);
      subscribed.store(false);
      connection_failures.fetch_add(1);
      // A broker that stays away would fill the log: say it when it starts or the reason changes.
      const std::string reason = Describe(rc, saved_errno);
      if (reason != last_failure) {
        spdlog::warn("mqtt: {}: {}; retrying with backoff up to {} ms", Where(), reason, options.reconnect_max_ms);
      } else {
        spdlog::debug("mqtt: {}: {}; retrying in {} ms", Where(), reason, backoff_ms);
      }
      last_failure = reason;
      last_connack = -1;
      library_error.clear();
      if (!Sleep(backoff_ms)) break;
      backoff_ms = std::min(backoff_ms * 2, options.reconnect_max_ms);
      rc = mosquitto_reconnect_async(mosq);
    }
    if (connected.load()) {
      // DISCONNECT tells the broker to keep our session (clean_session false) and queue for us.
      if (mosquitto_disconnect(mosq) == MOSQ_ERR_SUCCESS) {
        for (int i = 0; i < 5 && mosquitto_loop(mosq, 20, 1) == MOSQ_ERR_SUCCESS; ++i) {
        }
      }
      connected.store(false);
      subscribed.store(false);
      spdlog::info("mqtt: disconnected from {}", Where());
    }
  }

  const MqttSettings settings;
  const readings::ReadingSink sink;
  const readings::RefusalSink refusals;
  const MqttSubscriberOptions options;
  struct mosquitto* mosq = nullptr;
  std::thread thread;
  int backoff_ms = 1000;      // our thread only
  int last_connack = -1;      // our thread only: CONNACK code of the last attempt, -1 none
  int pending_subacks = 0;    // our thread only: SUBACKs still awaited on this connection
  std::string last_failure;   // our thread only: why the last attempt failed, empty once connected
  std::string library_error;  // our thread only: libmosquitto's last logged error
  MqttRedeliveryFilter redelivery;  // our thread only

  std::mutex mu;  // with cv: wakes the backoff wait on Stop
  std::condition_variable cv;
  std::atomic<bool> stop{false};

  std::atomic<bool> connected{false};
  std::atomic<bool> subscribed{false};
  std::atomic<int64_t> connects{0}, connection_failures{0}, messages{0}, readings{0}, parse_errors{0}, sink_errors{0},
      accepted{0}, duplicates{0}, rejected{0}, redeliveries{0};
};

MqttSubscriber::MqttSubscriber(MqttSettings settings, readings::ReadingSink sink, MqttSubscriberOptions options,
                               readings::RefusalSink refusals)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(sink), options, std::move(refusals))) {}

MqttSubscriber::~MqttSubscriber() { Stop(); }

Status MqttSubscriber::Start() {
  const MqttSettings& s = impl_->settings;
  if (impl_->thread.joinable() || impl_->mosq != nullptr) return Status::Internal("MqttSubscriber started twice");
  if (s.host.empty()) return Status::Invalid("mqtt.host must name the broker", "mqtt.host");
  if (s.port < 1 || s.port > 65535) return Status::Invalid("mqtt.port must be from 1 to 65535", "mqtt.port");
  if (s.client_id.empty()) return Status::Invalid("mqtt.client_id must not be empty", "mqtt.client_id");
  if (s.keepalive_seconds < 5 || s.keepalive_seconds > 65535) {
    return Status::Invalid("mqtt.keepalive_seconds must be from 5 to 65535", "mqtt.keepalive_seconds");
  }
  if (s.subscriptions.empty()) {
    return Status::Invalid("mqtt.subscriptions must list at least one topic", "mqtt.subscriptions");
  }
  for (size_t i = 0; i < s.subscriptions.size(); ++i) {
    RETURN_IF_ERROR(
        ValidateTopicFilter(s.subscriptions[i].topic, "mqtt.subscriptions[" + std::to_string(i) + "].topic"));
  }
  if (!impl_->sink) return Status::Internal("MqttSubscriber has no sink");
  if (impl_->options.reconnect_min_ms < 1 || impl_->options.reconnect_max_ms < impl_->options.reconnect_min_ms) {
    return Status::Internal("MqttSubscriber reconnect delays are inconsistent");
  }

  InitMosquittoOnce();
  impl_->mosq = mosquitto_new(s.client_id.c_str(), /*clean_session=*/false, impl_.get());
  if (impl_->mosq == nullptr) return Status::Internal("cannot create the MQTT client: " + std::string(strerror(errno)));
  mosquitto_int_option(impl_->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  if (!s.username.empty()) {
    const int rc =
        mosquitto_username_pw_set(impl_->mosq, s.username.c_str(), s.password.empty() ? nullptr : s.password.c_str());
    if (rc != MOSQ_ERR_SUCCESS) {
      return Status::Invalid(std::string("mqtt.username cannot be used: ") + mosquitto_strerror(rc), "mqtt.username");
    }
  }
  if (!s.ca_file.empty()) {
    const int rc = mosquitto_tls_set(impl_->mosq, s.ca_file.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      return Status::Invalid("mqtt.ca_file " + s.ca_file + " cannot be read as a CA file: " + mosquitto_strerror(rc),
                             "mqtt.ca_file");
    }
  }
  mosquitto_connect_with_flags_callback_set(impl_->mosq, &Impl::OnConnect);
  mosquitto_disconnect_callback_set(impl_->mosq, &Impl::OnDisconnect);
  mosquitto_subscribe_callback_set(impl_->mosq, &Impl::OnSubscribe);
  mosquitto_message_callback_set(impl_->mosq, &Impl::OnMessage);
  mosquitto_log_callback_set(impl_->mosq, &Impl::OnLog);
  impl_->backoff_ms = impl_->options.reconnect_min_ms;
  impl_->thread = std::thread([impl = impl_.get()] { impl->Run(); });
  return Status::Ok();
}

void MqttSubscriber::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop.store(true);
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

MqttCounters MqttSubscriber::counters() const {
  const Impl& i = *impl_;
  MqttCounters c;
  c.connected = i.connected.load();
  c.subscribed = i.subscribed.load();
  c.connects = i.connects.load();
  c.connection_failures = i.connection_failures.load();
  c.messages = i.messages.load();
  c.readings = i.readings.load();
  c.parse_errors = i.parse_errors.load();
  c.sink_errors = i.sink_errors.load();
  c.accepted = i.accepted.load();
  c.duplicates = i.duplicates.load();
  c.rejected = i.rejected.load();
  c.redeliveries = i.redeliveries.load();
  return c;
}

}  // namespace ecotown::ingest
