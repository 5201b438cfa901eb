// The MQTT subscription against a real mosquitto broker on loopback: the `mosquitto` CTest
// fixture's broker (ECOTOWN_TEST_MQTT_PORT), or a private one for tests that restart or
// configure it. Messages are published with libmosquitto as a device would.
#include "ingest/mqtt_subscriber.h"

#include <gtest/gtest.h>

#include <mutex>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "ingest_net/net_test_support.h"

namespace ecotown::ingest {
namespace {

using namespace std::chrono_literals;
using testing::CollectingSink;
using testing::FixtureBrokerPort;
using testing::PrivateBroker;
using testing::Publisher;
using testing::WaitUntil;

// Client ids and topics unique to this process, so that tests running at once on the shared
// broker do not see each other's sessions and messages.
std::string Unique(const std::string& name) { return "ingest-net-" + name + "-" + std::to_string(::getpid()); }

MqttSettings Settings(int port, const std::string& name, std::vector<MqttSubscription> subscriptions) {
  MqttSettings settings;
  settings.host = "127.0.0.1";
  settings.port = port;
  settings.client_id = Unique(name);
  settings.keepalive_seconds = 10;
  settings.subscriptions = std::move(subscriptions);
  return settings;
}

MqttSubscriberOptions FastReconnect() { return {.reconnect_min_ms = 100, .reconnect_max_ms = 400}; }

bool WaitSubscribed(const MqttSubscriber& subscriber) {
  return WaitUntil([&] { return subscriber.counters().subscribed; });
}

TEST(MqttSubscriberTest, AirGradientMessageReachesTheSinkWithTheSerialFromTheTopic) {
  const int port = FixtureBrokerPort();
  const std::string prefix = Unique("ag");
  CollectingSink sink;
  MqttSubscriber subscriber(Settings(port, "ag", {{prefix + "/airgradient/readings/+", MqttFormat::kAirGradient}}),
                            sink.sink());
  ASSERT_TRUE(subscriber.Start().ok());
  ASSERT_TRUE(WaitSubscribed(subscriber));

  // The reference's topic and payload, under this test's prefix.
  const auto vector = testing::AirGradientVector();
  const std::string topic = prefix + "/" + vector.at("topic").get<std::string>();
  const int64_t before =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  Publisher publisher(port);
  ASSERT_TRUE(publisher.Publish(topic, testing::AirGradientBody()));
  ASSERT_TRUE(sink.WaitForReadings(1));

  const auto deliveries = sink.deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  ASSERT_EQ(deliveries[0].readings.size(), 1u);
  const readings::RawReading& r = deliveries[0].readings[0];
  EXPECT_EQ(r.device_key, "ecda3b1eaaaf");  // the topic's serial (aq-test-vectors: airgradient:<serial>)
  EXPECT_EQ(r.source, readings::Source::kAirGradient);
  const auto& expected = vector.at("expected_parse");
  EXPECT_EQ(r.pm2_5, expected.at("pm25_ugm3").get<double>());
  EXPECT_EQ(r.pm10, expected.at("pm10_ugm3").get<double>());
  EXPECT_EQ(r.pm1, 3.0);
  EXPECT_EQ(r.temperature_c, expected.at("temperature_c").get<double>());
  EXPECT_EQ(r.humidity_pct, expected.at("humidity_percent").get<double>());
  EXPECT_EQ(r.co2_ppm, expected.at("co2_ppm").get<double>());
  EXPECT_EQ(r.signal_dbm, expected.at("rssi_dbm").get<int>());
  EXPECT_EQ(r.firmware, "3.1.3");
  EXPECT_GE(deliveries[0].received_at, before);
  EXPECT_EQ(r.ts, deliveries[0].received_at);  // the device sends no time

  const MqttCounters counters = subscriber.counters();
  EXPECT_TRUE(counters.connected);
  EXPECT_EQ(counters.connects, 1);
  EXPECT_EQ(counters.messages, 1);
  EXPECT_EQ(counters.readings, 1);
  EXPECT_EQ(counters.accepted, 1);
  EXPECT_EQ(counters.parse_errors, 0);
  EXPECT_EQ(counters.sink_errors, 0);
}

TEST(MqttSubscriberTest, MalformedPayloadsAreCountedAndTheNextMessageStillArrives) {
  const int port = FixtureBrokerPort();
  const std::string prefix = Unique("bad");
  CollectingSink sink;
  std::mutex refused_mutex;
  std::vector<std::pair<std::string, std::string>> refused;  // device, message
  MqttSubscriber subscriber(Settings(port, "bad", {{prefix + "/airgradient/readings/+", MqttFormat::kAirGradient}}),
                            sink.sink(), {},
                            [&](readings::Source source, std::string device, std::string message, int64_t) {
                              EXPECT_EQ(source, readings::Source::kMqtt);
                              std::lock_guard lock(refused_mutex);
                              refused.emplace_back(std::move(device), std::move(message));
                            });
  ASSERT_TRUE(subscriber.Start().ok());
  ASSERT_TRUE(WaitSubscribed(subscriber));

  Publisher publisher(port);
  const std::string topic = prefix + "/airgradient/readings/ecda3b1eaaaf";
  ASSERT_TRUE(publisher.Publish(topic, "not json"));
  ASSERT_TRUE(publisher.Publish(topic, R"({"serialno":"ecda3b1eaaaf","pm02":"7"})"));  // a string
  ASSERT_TRUE(publisher.Publish(topic, R"({"serialno":"aaaaaaaaaaaa","pm02":7})"));    // other serial
  ASSERT_TRUE(publisher.Publish(prefix + "/airgradient/readings/NOT-A-SERIAL", testing::AirGradientBody()));
  ASSERT_TRUE(publisher.Publish(topic, std::string(100 * 1024, ' ')));  // over 64 KiB
  ASSERT_TRUE(publisher.Publish(topic, testing::AirGradientBody()));
  ASSERT_TRUE(sink.WaitForReadings(1));
  ASSERT_TRUE(WaitUntil([&] { return subscriber.counters().messages == 6; }));

  const MqttCounters counters = subscriber.counters();
  EXPECT_EQ(counters.parse_errors, 5);
  EXPECT_EQ(counters.readings, 1);
  EXPECT_TRUE(counters.connected);
  EXPECT_EQ(sink.readings().at(0).pm2_5, 7.0);

  // Each refused message went to the refusal sink (the network health page's ingest events),
  // with the serial its topic names, if any, and the parser's reason.
  std::lock_guard lock(refused_mutex);
  ASSERT_EQ(refused.size(), 5u);
  const std::vector<std::string> devices = {"ecda3b1eaaaf", "ecda3b1eaaaf", "ecda3b1eaaaf", "", "ecda3b1eaaaf"};
  for (size_t i = 0; i < refused.size(); ++i) {
    EXPECT_EQ(refused[i].first, devices[i]) << i;
    EXPECT_NE(refused[i].second.find("(airgradient) refused: "), std::string::npos) << refused[i].second;
  }
  EXPECT_NE(refused[3].second.find("does not end in an AirGradient serial"), std::string::npos) << refused[3].second;
}

TEST(MqttSubscriberTest, EcotownBatchAirrohrAndSharedSubscriptions) {
  const int port = FixtureBrokerPort();
  const std::string prefix = Unique("formats");
  CollectingSink sink;
  MqttSubscriber subscriber(Settings(port, "formats",
                                     {{prefix + "/batch", MqttFormat::kEcotown},
                                      {prefix + "/airrohr/#", MqttFormat::kAirrohr},
                                      {"$share/ecotown/" + prefix + "/shared/+", MqttFormat::kAirGradient}}),
                            sink.sink());
  ASSERT_TRUE(subscriber.Start().ok());
  ASSERT_TRUE(WaitSubscribed(subscriber));

  Publisher publisher(port);
  ASSERT_TRUE(publisher.Publish(prefix + "/batch",
                                R"({"readings":[{"sensor":"s0001","ts":"2026-01-05T08:00:00+07:00","pm2_5":12.3},)"
                                R"({"sensor":"s0002","ts":1767574800,"pm10":20}]})"));
  ASSERT_TRUE(sink.WaitForReadings(2));

  // The reference's airrohr body: device key from the topic's sensor name, or from esp8266id.
  const std::string airrohr = testing::ReadFileOrFail(testing::SharedDir() / "reference/aq-test-vectors.json");
  const std::string body =
      nlohmann::json::parse(airrohr).at("wire_formats").at("airrohr_custom_api").at("body").get<std::string>();
  ASSERT_TRUE(publisher.Publish(prefix + "/airrohr/esp8266-13966475", body));
  ASSERT_TRUE(publisher.Publish(prefix + "/airrohr/garden", body));
  ASSERT_TRUE(publisher.Publish(prefix + "/airrohr/esp8266-99", body));  // names another chip
  ASSERT_TRUE(publisher.Publish(prefix + "/shared/ecda3b1eaaaf", testing::AirGradientBody()));
  ASSERT_TRUE(sink.WaitForReadings(5));
  ASSERT_TRUE(WaitUntil([&] { return subscriber.counters().messages == 5; }));

  const auto all = sink.readings();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].device_key, "s0001");
  EXPECT_EQ(all[0].ts, 1767574800);
  EXPECT_EQ(all[0].pm2_5, 12.3);
  EXPECT_EQ(all[0].source, readings::Source::kMqtt);
  EXPECT_EQ(all[1].device_key, "s0002");
  EXPECT_EQ(all[1].pm10, 20.0);
  EXPECT_EQ(all[2].device_key, "esp8266-13966475");
  EXPECT_EQ(all[2].source, readings::Source::kAirrohr);
  EXPECT_EQ(all[2].pm2_5, 12.7);
  EXPECT_EQ(all[2].pm10, 23.43);
  EXPECT_NEAR(*all[2].pressure_hpa, 1008.4544, 1e-9);
  EXPECT_EQ(all[3].device_key, "esp8266-13966475");
  EXPECT_EQ(all[4].device_key, "ecda3b1eaaaf");
  EXPECT_EQ(subscriber.counters().parse_errors, 1);
}

TEST(MqttSubscriberTest, FailedSinkCallsAreCountedAndLaterMessagesStored) {
  const int port = FixtureBrokerPort();
  const std::string prefix = Unique("sink");
  CollectingSink sink;
  MqttSubscriber subscriber(Settings(port, "sink", {{prefix + "/+", MqttFormat::kAirGradient}}), sink.sink());
  ASSERT_TRUE(subscriber.Start().ok());
  ASSERT_TRUE(WaitSubscribed(subscriber));

  Publisher publisher(port);
  sink.FailWith(Status::Unavailable("database is down"));
  ASSERT_TRUE(publisher.Publish(prefix + "/ecda3b1eaaaf", testing::AirGradientBody()));
  ASSERT_TRUE(WaitUntil([&] { return subscriber.counters().sink_errors == 1; }));
  sink.FailWith(Status::Ok());
  ASSERT_TRUE(publisher.Publish(prefix + "/ecda3b1eaaaf", testing::AirGradientBody()));
  ASSERT_TRUE(sink.WaitForReadings(1));
  const MqttCounters counters = subscriber.counters();
  EXPECT_EQ(counters.sink_errors, 1);
  EXPECT_EQ(counters.readings, 1);
  EXPECT_EQ(counters.parse_errors, 0);
}

// clean_session false: QoS 1 messages published while we are stopped are delivered when a
// subscriber with the same client id comes back.
TEST(MqttSubscriberTest, MessagesQueuedWhileStoppedAreDeliveredOnReturn) {
  const int port = FixtureBrokerPort();
  const std::string prefix = Unique("queued");
  const MqttSettings settings = Settings(port, "queued", {{prefix + "/+", MqttFormat::kAirGradient}});
  {
    CollectingSink first_sink;
    MqttSubscriber first(settings, first_sink.sink());
    ASSERT_TRUE(first.Start().ok());
    ASSERT_TRUE(WaitSubscribed(first));
    first.Stop();
    EXPECT_FALSE(first.counters().connected);
  }
  {
    Publisher publisher(port);
    ASSERT_TRUE(publisher.Publish(prefix + "/ecda3b1eaaaf", testing::AirGradientBody()));
    ASSERT_TRUE(publisher.Publish(prefix + "/ecda3b1eaaab", testing::AirGradientBody()));  // serial mismatch
  }
  CollectingSink sink;
  MqttSubscriber second(settings, sink.sink());
  ASSERT_TRUE(second.Start().ok());
  ASSERT_TRUE(sink.WaitForReadings(1));
  ASSERT_TRUE(WaitUntil([&] { return second.counters().messages == 2; }));
  EXPECT_EQ(sink.readings().at(0).device_key, "ecda3b1eaaaf");
  EXPECT_EQ(second.counters().parse_errors, 1);
}

TEST(MqttSubscriberTest, SurvivesABrokerRestart) {
  PrivateBroker broker("restart");
  ASSERT_TRUE(broker.Start());
  CollectingSink sink;
  MqttSubscriber subscriber(Settings(broker.port(), "restart", {{"airgradient/readings/+", MqttFormat::kAirGradient}}),
                            sink.sink(), FastReconnect());
  ASSERT_TRUE(subscriber.Start().ok());
  ASSERT_TRUE(WaitSubscribed(subscriber));
  {
    Publisher publisher(broker.port());
    ASSERT_TRUE(publisher.Publish("airgradient/readings/ecda3b1eaaaf", testing::AirGradientBody()));
  }
  ASSERT_TRUE(sink.WaitForReadings(1));

  broker.Stop();
  ASSERT_TRUE(WaitUntil([&] { return !subscriber.counters().connected; }));
  ASSERT_TRUE(WaitUntil([&] { return subscriber.counters().connection_failures >= 2; }));  // lost, then refused
  ASSERT_TRUE(broker.Start());
  // The restarted broker (no persistence) has forgotten our session: we subscribe again.
  ASSERT_TRUE(WaitSubscribed(subscriber));
  {
    Publisher publisher(broker.port());
    ASSERT_TRUE(publisher.Publish("airgradient/readings/ecda3b1eaaaf", testing::AirGradientBody()));
  }
  ASSERT_TRUE(sink.WaitForReadings(2));
  const MqttCounters counters = subscriber.counters();
  EXPECT_EQ(counters.connects, 2);
  EXPECT_EQ(counters.readings, 2);
}

TEST(MqttSubscriberTest, UnreachableBrokerIsRetriedAndStopIsPrompt) {
  CollectingSink sink;
  MqttSubscriber subscriber(
      Settings(testing::FreePort(), "unreachable", {{"airgradient/readings/+", MqttFormat::kAirGradient}}), sink.sink(),
      FastReconnect());
  ASSERT_TRUE(subscriber.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return subscriber.counters().connection_failures >= 3; }));
  EXPECT_FALSE(subscriber.counters().connected);
  const auto started = std::chrono::steady_clock::now();
  subscriber.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST(MqttSubscriberTest, UsernameAndPasswordAreSentAndAWrongPasswordIsRetried) {
  const std::filesystem::path password_file =
      std::filesystem::temp_directory_path() / ("ecotown-mqtt-passwd-" + std::to_string(::getpid()));
  std::filesystem::remove(password_file);
  ASSERT_EQ(std::system(("mosquitto_passwd -b -c " + password_file.string() + " gateway s3cret-pass").c_str()), 0);
  PrivateBroker broker("auth");
  ASSERT_TRUE(broker.Start("--password-file " + password_file.string()));

  MqttSettings wrong = Settings(broker.port(), "auth-wrong", {{"airgradient/readings/+", MqttFormat::kAirGradient}});
  wrong.username = "gateway";
  wrong.password = "not-the-password";
  CollectingSink wrong_sink;
  MqttSubscriber refused(wrong, wrong_sink.sink(), FastReconnect());
  ASSERT_TRUE(refused.Start().ok());

  MqttSettings right = Settings(broker.port(), "auth-right", {{"airgradient/readings/+", MqttFormat::kAirGradient}});
  right.username = "gateway";
  right.password = "s3cret-pass";
  CollectingSink sink;
  MqttSubscriber accepted(right, sink.sink());
  ASSERT_TRUE(accepted.Start().ok());
  ASSERT_TRUE(WaitSubscribed(accepted));
  {
    Publisher publisher(broker.port(), "gateway", "s3cret-pass");
    ASSERT_TRUE(publisher.Publish("airgradient/readings/ecda3b1eaaaf", testing::AirGradientBody()));
  }
  ASSERT_TRUE(sink.WaitForReadings(1));
  ASSERT_TRUE(WaitUntil([&] { return refused.counters().connection_failures >= 2; }));
  EXPECT_EQ(refused.counters().connects, 0);
  EXPECT_TRUE(wrong_sink.readings().empty());
  refused.Stop();
  accepted.Stop();
  std::filesystem::remove(password_file);
}

// ca_file: TLS, with the broker's certificate checked against that CA (and its name, 127.0.0.1).
TEST(MqttSubscriberTest, TlsWithTheBrokersCaAndRefusedWithAnother) {
  const std::filesystem::path certs =
      std::filesystem::temp_directory_path() / ("ecotown-test-certs-" + std::to_string(::getpid()));
  const std::filesystem::path other_certs = certs.string() + "-other";
  const std::string script = ECOTOWN_MOSQUITTO_SCRIPT;
  ASSERT_EQ(std::system((script + " make-tls " + certs.string()).c_str()), 0);
  ASSERT_EQ(std::system((script + " make-tls " + other_certs.string()).c_str()), 0);
  PrivateBroker broker("tls");
  ASSERT_TRUE(broker.Start("--tls " + certs.string() + " --plain-port " + std::to_string(broker.plain_port())));

  MqttSettings trusted = Settings(broker.port(), "tls", {{"airgradient/readings/+", MqttFormat::kAirGradient}});
  trusted.ca_file = (certs / "ca.crt").string();
  MqttSettings untrusted = Settings(broker.port(), "tls-other", {{"airgradient/readings/+", MqttFormat::kAirGradient}});
  untrusted.ca_file = (other_certs / "ca.crt").string();
  CollectingSink sink, untrusted_sink;
  MqttSubscriber subscriber(trusted, sink.sink());
  MqttSubscriber refused(untrusted, untrusted_sink.sink(), FastReconnect());
  ASSERT_TRUE(subscriber.Start().ok());
  ASSERT_TRUE(refused.Start().ok());
  ASSERT_TRUE(WaitSubscribed(subscriber));
  {
    Publisher publisher(broker.plain_port());
    ASSERT_TRUE(publisher.Publish("airgradient/readings/ecda3b1eaaaf", testing::AirGradientBody()));
  }
  ASSERT_TRUE(sink.WaitForReadings(1));
  ASSERT_TRUE(WaitUntil([&] { return refused.counters().connection_failures >= 2; }));
  EXPECT_EQ(refused.counters().connects, 0);
  EXPECT_TRUE(untrusted_sink.readings().empty());
  subscriber.Stop();
  refused.Stop();
  std::filesystem::remove_all(certs);
  std::filesystem::remove_all(other_certs);
}

TEST(MqttSubscriberTest, StartRefusesBadSettingsNamingTheKey) {
  CollectingSink sink;
  const auto start_error = [&](MqttSettings settings) {
    MqttSubscriber subscriber(std::move(settings), sink.sink());
    const Status status = subscriber.Start();
    EXPECT_FALSE(status.ok());
    return status.field();
  };
  const MqttSettings good = Settings(1883, "settings", {{"airgradient/readings/+", MqttFormat::kAirGradient}});
  MqttSettings s = good;
  s.host = "";
  EXPECT_EQ(start_error(s), "mqtt.host");
  s = good;
  s.port = 70000;
  EXPECT_EQ(start_error(s), "mqtt.port");
  s = good;
  s.client_id = "";
  EXPECT_EQ(start_error(s), "mqtt.client_id");
  s = good;
  s.subscriptions.clear();
  EXPECT_EQ(start_error(s), "mqtt.subscriptions");
  s = good;
  s.subscriptions.push_back({"a/#/b", MqttFormat::kEcotown});
  EXPECT_EQ(start_error(s), "mqtt.subscriptions[1].topic");
  s = good;
  s.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(start_error(s), "mqtt.ca_file");
}

// A TCP relay between the subscriber and a broker that loses the subscriber's first PUBACK, as a
// network failure at that moment would: it drops that packet and cuts the connection. Later
// connections are relayed unchanged. One connection at a time.
class PubackLosingRelay {
 public:
  explicit PubackLosingRelay(int broker_port) : broker_port_(broker_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "relay cannot listen";
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Run(); });
  }

  ~PubackLosingRelay() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }

  int port() const { return port_; }
  bool dropped() const { return dropped_; }

 private:
  void Run() {
    while (!stop_) {
      pollfd waiting{listener_, POLLIN, 0};
      if (::poll(&waiting, 1, 100) <= 0) continue;
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      const int broker = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(static_cast<uint16_t>(broker_port_));
      if (::connect(broker, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) Relay(client, broker);
      ::close(client);
      ::close(broker);
    }
  }

  // Copies both ways until either side closes; client-to-broker bytes are split into MQTT packets
  // (fixed header, remaining length, body) so that the first PUBACK (type 4) can be lost.
  void Relay(int client, int broker) {
    std::string from_client;
    char buffer[4096];
    while (!stop_) {
      pollfd fds[2] = {{client, POLLIN, 0}, {broker, POLLIN, 0}};
      if (::poll(fds, 2, 100) <= 0) continue;
      if (fds[1].revents != 0) {
        const ssize_t n = ::read(broker, buffer, sizeof buffer);
        if (n <= 0 || ::write(client, buffer, static_cast<size_t>(n)) != n) return;
      }
      if (fds[0].revents != 0) {
        const ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) return;
        from_client.append(buffer, static_cast<size_t>(n));
        for (;;) {  // whole packets only
          size_t length = 0, shift = 0, header = 1;
          bool complete = false;
          while (header < from_client.size() && header <= 4) {
            const auto byte = static_cast<unsigned char>(from_client[header++]);
            length |= static_cast<size_t>(byte & 0x7f) << shift;
            shift += 7;
            if ((byte & 0x80) == 0) {
              complete = true;
              break;
            }
          }
          if (!complete || from_client.size() < header + length) break;
          const std::string packet = from_client.substr(0, header + length);
          from_client.erase(0, header + length);
          if ((static_cast<unsigned char>(packet[0]) >> 4) == 4 && !dropped_) {
            dropped_ = true;  // the PUBACK is lost with the connection
            return;
          }
          if (::write(broker, packet.data(), packet.size()) != static_cast<ssize_t>(packet.size())) return;
        }
      }
    }
  }

  int broker_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> dropped_{false};
  std::thread thread_;
};

// Issue 3, "MQTT redelivery duplicates": AirGradient messages carry no time, so a QoS 1 message
// that the broker sends again after a reconnect (our PUBACK was lost) must not be stored twice.
TEST(MqttSubscriberTest, AMessageTheBrokerRedeliversAfterALostPubackIsHandledOnce) {
  const int port = FixtureBrokerPort();
  const std::string prefix = Unique("redelivery");
  PubackLosingRelay relay(port);
  CollectingSink sink;
  // The reconnect waits over a second, so that a second delivery would get another receive time.
  MqttSubscriber subscriber(Settings(relay.port(), "redelivery", {{prefix + "/+", MqttFormat::kAirGradient}}),
                            sink.sink(), {.reconnect_min_ms = 1200, .reconnect_max_ms = 1200});
  ASSERT_TRUE(subscriber.Start().ok());
  ASSERT_TRUE(WaitSubscribed(subscriber));
  Publisher publisher(port);
  ASSERT_TRUE(publisher.Publish(prefix + "/ecda3b1eaaaf", testing::AirGradientBody()));
  ASSERT_TRUE(sink.WaitForReadings(1));
  ASSERT_TRUE(WaitUntil([&] { return relay.dropped(); }));
  // The broker sends the message again on the resumed session; it is recognised and dropped.
  ASSERT_TRUE(WaitUntil([&] { return subscriber.counters().messages == 2; }, 15s));
  EXPECT_EQ(subscriber.counters().connects, 2);
  EXPECT_EQ(subscriber.counters().redeliveries, 1);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(sink.readings().size(), 1u);

  // The same payload published again is a new message (a new packet id): stored.
  ASSERT_TRUE(publisher.Publish(prefix + "/ecda3b1eaaaf", testing::AirGradientBody()));
  ASSERT_TRUE(sink.WaitForReadings(2));
  EXPECT_EQ(subscriber.counters().redeliveries, 1);
}

TEST(MqttSubscriberTest, RedeliveryFilterMatchesPacketIdTopicAndPayloadWithinTheWindow) {
  MqttRedeliveryFilter filter(3600);
  EXPECT_FALSE(filter.IsRedelivery(7, "airgradient/readings/a", "{\"pm02\":7}", 1000));
  EXPECT_TRUE(filter.IsRedelivery(7, "airgradient/readings/a", "{\"pm02\":7}", 1005)) << "sent again";
  EXPECT_FALSE(filter.IsRedelivery(8, "airgradient/readings/a", "{\"pm02\":7}", 1006)) << "another packet id";
  EXPECT_FALSE(filter.IsRedelivery(7, "airgradient/readings/b", "{\"pm02\":7}", 1010)) << "id reused, other topic";
  EXPECT_FALSE(filter.IsRedelivery(7, "airgradient/readings/a", "{\"pm02\":7}", 1011)) << "replaced by topic b";
  EXPECT_FALSE(filter.IsRedelivery(7, "airgradient/readings/a", "{\"pm02\":8}", 1012)) << "other payload";
  EXPECT_FALSE(filter.IsRedelivery(7, "airgradient/readings/a", "{\"pm02\":8}", 1012 + 3601)) << "past the window";
  EXPECT_TRUE(filter.IsRedelivery(7, "airgradient/readings/a", "{\"pm02\":8}", 1012 + 3602));
  filter.Clear();  // a connect without our session: the broker numbers anew
  EXPECT_FALSE(filter.IsRedelivery(7, "airgradient/readings/a", "{\"pm02\":8}", 1012 + 3603));
  EXPECT_FALSE(filter.IsRedelivery(0, "q0", "x", 1)) << "QoS 0 has no packet id";
  EXPECT_FALSE(filter.IsRedelivery(0, "q0", "x", 2));
}

TEST(MqttSubscriberTest, TopicFiltersAndFormats) {
  EXPECT_TRUE(ValidateTopicFilter("airgradient/readings/+", "t").ok());
  EXPECT_TRUE(ValidateTopicFilter("#", "t").ok());
  EXPECT_TRUE(ValidateTopicFilter("$share/ecotown/airgradient/readings/+", "t").ok());
  for (const char* bad : {"", "a/b#", "a/#/b", "a+/b", "$share/ecotown", "$share//a", "$share/g+/a"}) {
    const Status status = ValidateTopicFilter(bad, "mqtt.subscriptions[0].topic");
    EXPECT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.field(), "mqtt.subscriptions[0].topic");
  }
  EXPECT_EQ(*ParseMqttFormat("airrohr", "f"), MqttFormat::kAirrohr);
  EXPECT_EQ(ParseMqttFormat("AirGradient", "mqtt.subscriptions[2].format").status().field(),
            "mqtt.subscriptions[2].format");

  // The topic's last level is the AirGradient serial; the body's serialno must agree.
  auto parsed =
      ParseMqttMessage(MqttFormat::kAirGradient, "airgradient/readings/ecda3b1eaaaf", R"({"pm02":7})", 1767574800);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->at(0).device_key, "ecda3b1eaaaf");
  EXPECT_EQ(ParseMqttMessage(MqttFormat::kAirGradient, "airgradient/readings", R"({"pm02":7})", 1).status().field(),
            "topic");
  // A valid airrohr body whose sensors all failed carries no reading: not an error.
  auto empty = ParseMqttMessage(MqttFormat::kAirrohr, "airrohr/x",
                                R"({"esp8266id":"1","sensordatavalues":[{"value_type":"signal","value":"-70"}]})", 1);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace ecotown::ingest
