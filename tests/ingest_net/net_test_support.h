// Helpers of the ingest transport tests: a collecting sink, a libmosquitto publisher, the
// shared reference payloads, free ports and waiting. ECOTOWN_SHARED_DIR is ../shared beside the
// repository; a missing file fails the test that needs it, never skips.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "modules/readings/ingest_summary.h"

namespace ecotown::ingest::testing {

using namespace std::chrono_literals;

inline std::filesystem::path SharedDir() { return std::filesystem::path(ECOTOWN_SHARED_DIR); }

inline std::string ReadFileOrFail(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "required shared file is missing: " << path;
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The AirGradient local-server / MQTT example of the reference (air-quality.md §4b, verbatim from
// airgradienthq/arduino docs/local-server.md), as aq-test-vectors.json keeps it, key order kept.
inline nlohmann::ordered_json AirGradientVector() {
  const std::string text = ReadFileOrFail(SharedDir() / "reference/aq-test-vectors.json");
  if (text.empty()) return {};
  return nlohmann::ordered_json::parse(text).at("wire_formats").at("airgradient_local_or_mqtt");
}
inline std::string AirGradientBody() { return AirGradientVector().at("body").dump(); }

// Polls `done` every 10 ms until it is true or `timeout` passes; returns its last value.
inline bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// A loopback TCP port that nothing listens on right now (bound, then released).
inline int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    ADD_FAILURE() << "cannot find a free port";
    return 0;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// What a sink call received.
struct Delivery {
  std::vector<readings::RawReading> readings;
  int64_t received_at = 0;
};

// A ReadingSink that keeps every call, answering with a summary that accepts all, or with the
// status set by FailWith().
class CollectingSink {
 public:
  readings::ReadingSink sink() {
    return [this](std::vector<readings::RawReading> batch, int64_t received_at) -> Result<readings::IngestSummary> {
      std::lock_guard lock(mu_);
      if (!fail_with_.ok()) return fail_with_;
      readings::IngestSummary summary;
      summary.received = static_cast<int64_t>(batch.size());
      summary.accepted = summary.received;
      deliveries_.push_back({std::move(batch), received_at});
      return summary;
    };
  }

  void FailWith(Status status) {
    std::lock_guard lock(mu_);
    fail_with_ = std::move(status);
  }

  std::vector<Delivery> deliveries() const {
    std::lock_guard lock(mu_);
    return deliveries_;
  }

  std::vector<readings::RawReading> readings() const {
    std::lock_guard lock(mu_);
    std::vector<readings::RawReading> all;
    for (const auto& delivery : deliveries_) all.insert(all.end(), delivery.readings.begin(), delivery.readings.end());
    return all;
  }

  bool WaitForReadings(size_t count, std::chrono::milliseconds timeout = 10s) const {
    return WaitUntil([&] { return readings().size() >= count; }, timeout);
  }

 private:
  mutable std::mutex mu_;
  std::vector<Delivery> deliveries_;
  Status fail_with_;
};

// Publishes with libmosquitto, as a device would: connects (clean session), publishes with
// QoS 1 and waits for the broker's PUBACK.
class Publisher {
 public:
  explicit Publisher(int port, const std::string& username = {}, const std::string& password = {}) {
    mosquitto_lib_init();
    mosq_ = mosquitto_new(nullptr, true, this);
    if (!username.empty()) mosquitto_username_pw_set(mosq_, username.c_str(), password.c_str());
    mosquitto_publish_callback_set(mosq_, [](struct mosquitto*, void* self, int mid) {
      auto* publisher = static_cast<Publisher*>(self);
      std::lock_guard lock(publisher->mu_);
      publisher->acked_.push_back(mid);
      publisher->cv_.notify_all();
    });
    const int rc = mosquitto_connect(mosq_, "127.0.0.1", port, 30);
    EXPECT_EQ(rc, MOSQ_ERR_SUCCESS) << "publisher cannot connect to 127.0.0.1:" << port << ": "
                                    << mosquitto_strerror(rc);
    mosquitto_loop_start(mosq_);
  }

  ~Publisher() {
    mosquitto_disconnect(mosq_);
    mosquitto_loop_stop(mosq_, false);
    mosquitto_destroy(mosq_);
  }

  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // True once the broker has acknowledged the message.
  bool Publish(const std::string& topic, const std::string& payload) {
    int mid = 0;
    const int rc =
        mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, false);
    if (rc != MOSQ_ERR_SUCCESS) {
      ADD_FAILURE() << "publish to " << topic << ": " << mosquitto_strerror(rc);
      return false;
    }
    std::unique_lock lock(mu_);
    const bool acked =
        cv_.wait_for(lock, 10s, [&] { return std::find(acked_.begin(), acked_.end(), mid) != acked_.end(); });
    EXPECT_TRUE(acked) << "no PUBACK for " << topic;
    return acked;
  }

 private:
  struct mosquitto* mosq_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> acked_;
};

// A private broker for a test that stops, restarts or configures it (tests/support/mosquitto.sh).
class PrivateBroker {
 public:
  explicit PrivateBroker(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / ("ecotown-mqtt-" + name + "-" + std::to_string(::getpid()))),
        port_(FreePort()),
        plain_port_(FreePort()) {}
  ~PrivateBroker() { Stop(); }

  int port() const { return port_; }
  int plain_port() const { return plain_port_; }  // the plain listener of a --tls broker

  // `options` as mosquitto.sh takes them ("--password-file FILE", "--tls DIR --plain-port N").
  bool Start(const std::string& options = {}) {
    const std::string command =
        std::string(ECOTOWN_MOSQUITTO_SCRIPT) + " start " + dir_.string() + " " + std::to_string(port_) + " " + options;
    return std::system(command.c_str()) == 0;
  }
  void Stop() {
    const std::string command = std::string(ECOTOWN_MOSQUITTO_SCRIPT) + " stop " + dir_.string();
    EXPECT_EQ(std::system(command.c_str()), 0);
  }

 private:
  std::filesystem::path dir_;
  int port_;
  int plain_port_;
};

// The port of the `mosquitto` CTest fixture's broker.
inline int FixtureBrokerPort() {
  const char* port = std::getenv("ECOTOWN_TEST_MQTT_PORT");
  if (port == nullptr) {
    ADD_FAILURE() << "ECOTOWN_TEST_MQTT_PORT is not set: run through ctest (the mosquitto fixture)";
    return 0;
  }
  return std::atoi(port);
}

}  // namespace ecotown::ingest::testing
