// LoadConfig: the TOML file over the defaults, then the environment. Strict: an unknown key or a
// wrong type is refused naming the key. Here mostly the device transports: [mqtt],
// [[mqtt.subscriptions]] and [[pollers]].
#include "app/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace ecotown::app {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The developer's environment must not leak in.
    for (const char* name : {"ECOTOWN_DB", "ECOTOWN_LISTEN", "ECOTOWN_LOG_LEVEL", "ECOTOWN_MQTT_PASSWORD"}) {
      ::unsetenv(name);
    }
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    ::unsetenv("ECOTOWN_MQTT_PASSWORD");
  }

  Result<Config> Load(const std::string& toml) {
    std::ofstream(path_) << toml;
    return LoadConfig(path_.string());
  }

  // The field of the error that loading `toml` gives (and fails the test when it loads).
  std::string ErrorField(const std::string& toml) {
    auto loaded = Load(toml);
    EXPECT_FALSE(loaded.ok()) << toml;
    return loaded.ok() ? std::string("<loaded>") : loaded.status().field();
  }

  std::filesystem::path path_ =
      std::filesystem::temp_directory_path() / ("ecotown-config-test-" + std::to_string(::getpid()) + ".toml");
};

TEST_F(ConfigTest, NoFileGivesTheDefaultsWithTransportsOff) {
  auto config = LoadConfig("");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->mqtt.host.empty());
  EXPECT_EQ(config->mqtt.port, 1883);
  EXPECT_EQ(config->mqtt.client_id, "ecotown");
  EXPECT_TRUE(config->mqtt.subscriptions.empty());
  EXPECT_TRUE(config->pollers.empty());
}

TEST_F(ConfigTest, ReadsMqttAndPollers) {
  auto config = Load(R"(
[server]
listen = "127.0.0.1:9000"

[mqtt]
host = "broker.example.go.th"
port = 8883
username = "ecotown"
password = "from-file"
client_id = "ecotown-a"
ca_file = "/etc/ssl/certs/lao-ca.pem"
keepalive_seconds = 30

[[mqtt.subscriptions]]
topic = "airgradient/readings/+"
format = "airgradient"

[[mqtt.subscriptions]]
topic = "$share/ecotown/lao/+/readings"
format = "ecotown"

[[pollers]]
kind = "airgradient_local"
url = "http://airgradient_ecda3b1eaaaf.local/measures/current"
device_key = "ecda3b1eaaaf"
interval_seconds = 120

[[pollers]]
kind = "purpleair_local"
url = "http://192.0.2.7/json"

[[pollers]]
kind = "air4thai_history"
url = "http://air4thai.com/forweb/getHistoryData.php?stationID=44t&param=PM25,PM10&type=hr&sdate={yesterday}&edate={today}&stime=00&etime=23"
stations = ["44t", "35t"]
timeout_seconds = 60
)");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->listen, "127.0.0.1:9000");
  const ingest::MqttSettings& mqtt = config->mqtt;
  EXPECT_EQ(mqtt.host, "broker.example.go.th");
  EXPECT_EQ(mqtt.port, 8883);
  EXPECT_EQ(mqtt.username, "ecotown");
  EXPECT_EQ(mqtt.password, "from-file");
  EXPECT_EQ(mqtt.client_id, "ecotown-a");
  EXPECT_EQ(mqtt.ca_file, "/etc/ssl/certs/lao-ca.pem");
  EXPECT_EQ(mqtt.keepalive_seconds, 30);
  ASSERT_EQ(mqtt.subscriptions.size(), 2u);
  EXPECT_EQ(mqtt.subscriptions[0].topic, "airgradient/readings/+");
  EXPECT_EQ(mqtt.subscriptions[0].format, ingest::MqttFormat::kAirGradient);
  EXPECT_EQ(mqtt.subscriptions[1].format, ingest::MqttFormat::kEcotown);

  ASSERT_EQ(config->pollers.size(), 3u);
  EXPECT_EQ(config->pollers[0].kind, ingest::PollKind::kAirGradientLocal);
  EXPECT_EQ(config->pollers[0].device_key, "ecda3b1eaaaf");
  EXPECT_EQ(config->pollers[0].interval_seconds, 120);
  EXPECT_EQ(config->pollers[0].timeout_seconds, 20);
  EXPECT_EQ(config->pollers[1].kind, ingest::PollKind::kPurpleAirLocal);
  EXPECT_EQ(config->pollers[1].interval_seconds, 60);  // the device default
  EXPECT_EQ(config->pollers[2].kind, ingest::PollKind::kAir4ThaiHistory);
  EXPECT_EQ(config->pollers[2].interval_seconds, 3600);  // the Air4Thai default
  EXPECT_EQ(config->pollers[2].timeout_seconds, 60);
  EXPECT_EQ(config->pollers[2].stations, (std::vector<std::string>{"44t", "35t"}));
}

TEST_F(ConfigTest, MqttPasswordFromTheEnvironmentWins) {
  ::setenv("ECOTOWN_MQTT_PASSWORD", "from-env", 1);
  auto config = Load(R"(
[mqtt]
host = "127.0.0.1"
username = "ecotown"
password = "from-file"
[[mqtt.subscriptions]]
topic = "airgradient/readings/+"
format = "airgradient"
)");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->mqtt.password, "from-env");
}

TEST_F(ConfigTest, WrongMqttSettingsNameTheKey) {
  const std::string subscription = "[[mqtt.subscriptions]]\ntopic = \"a/+\"\nformat = \"airgradient\"\n";
  EXPECT_EQ(ErrorField("[mqtt]\nhost = 1883\n"), "mqtt.host");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\nport = 0\n" + subscription), "mqtt.port");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\nport = \"1883\"\n" + subscription), "mqtt.port");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\nkeepalive_seconds = 2\n" + subscription), "mqtt.keepalive_seconds");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\nqos = 2\n" + subscription), "mqtt.qos");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\n"), "mqtt.subscriptions");  // a broker but nothing to read
  EXPECT_EQ(ErrorField("[mqtt]\n" + subscription), "mqtt.host");          // topics but no broker
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\nclient_id = \"two words\"\n" + subscription), "mqtt.client_id");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\npassword = \"p\"\n" + subscription), "mqtt.username");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\nsubscriptions = \"a/+\"\n"), "mqtt.subscriptions");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\n[[mqtt.subscriptions]]\ntopic = \"a/#/b\"\nformat = \"ecotown\"\n"),
            "mqtt.subscriptions[0].topic");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\n[[mqtt.subscriptions]]\ntopic = \"a/+\"\nformat = \"purpleair\"\n"),
            "mqtt.subscriptions[0].format");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\n[[mqtt.subscriptions]]\nformat = \"ecotown\"\n"),
            "mqtt.subscriptions[0].topic");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\n" + subscription + "[[mqtt.subscriptions]]\ntopic = \"b/+\"\n"),
            "mqtt.subscriptions[1].format");
  EXPECT_EQ(ErrorField("[mqtt]\nhost = \"h\"\n" + subscription + "qos = 1\n"), "mqtt.subscriptions[0].qos");
}

TEST_F(ConfigTest, ReadsQaThresholdsOverTheDefaults) {
  auto config = Load("[qa]\npm_max_ugm3 = 500\nhigh_humidity_percent = 90\nstuck_run_length = 30\n"
                     "spike_ratio = 4\nfuture_tolerance_seconds = 120\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->qa.pm_max_ugm3, 500.0);
  EXPECT_EQ(config->qa.high_humidity_percent, 90.0);
  EXPECT_EQ(config->qa.stuck_run_length, 30);
  EXPECT_EQ(config->qa.spike_ratio, 4.0);
  EXPECT_EQ(config->qa.future_tolerance_seconds, 120);
  EXPECT_EQ(config->qa.spike_min_rise_ugm3, core::QaConfig{}.spike_min_rise_ugm3);  // untouched keys keep defaults
}

TEST_F(ConfigTest, WrongQaThresholdsNameTheKey) {
  EXPECT_EQ(ErrorField("[qa]\npm_max_ugm3 = \"high\"\n"), "qa.pm_max_ugm3");
  EXPECT_EQ(ErrorField("[qa]\npm_max_ugm3 = 0\n"), "qa.pm_max_ugm3");
  EXPECT_EQ(ErrorField("[qa]\nhigh_humidity_percent = 120\n"), "qa.high_humidity_percent");
  EXPECT_EQ(ErrorField("[qa]\nstuck_run_length = 1\n"), "qa.stuck_run_length");
  EXPECT_EQ(ErrorField("[qa]\nstuck_run_length = 2.5\n"), "qa.stuck_run_length");
  EXPECT_EQ(ErrorField("[qa]\nspike_ratio = 0.5\n"), "qa.spike_ratio");
  EXPECT_EQ(ErrorField("[qa]\nfuture_tolerance_seconds = -1\n"), "qa.future_tolerance_seconds");
  EXPECT_EQ(ErrorField("[qa]\ndeletion = true\n"), "qa.deletion");
}

TEST_F(ConfigTest, WrongPollersNameTheKey) {
  const std::string device = "[[pollers]]\nkind = \"airgradient_local\"\nurl = \"http://192.0.2.9/measures/current\"\n";
  EXPECT_TRUE(Load(device).ok());
  EXPECT_EQ(ErrorField("[pollers]\nkind = \"airgradient_local\"\n"), "pollers");
  EXPECT_EQ(ErrorField("[[pollers]]\nurl = \"http://h/json\"\n"), "pollers[0].kind");
  EXPECT_EQ(ErrorField("[[pollers]]\nkind = \"purpleair\"\nurl = \"http://h/json\"\n"), "pollers[0].kind");
  // Air4Thai's current response carries 24-hour means: refused as a source of readings.
  EXPECT_EQ(ErrorField("[[pollers]]\nkind = \"air4thai\"\nurl = \"http://h/x\"\n"), "pollers[0].kind");
  EXPECT_EQ(ErrorField("[[pollers]]\nkind = \"purpleair_local\"\n"), "pollers[0].url");
  EXPECT_EQ(ErrorField(device + "[[pollers]]\nkind = \"purpleair_local\"\nurl = \"ftp://h/json\"\n"), "pollers[1].url");
  EXPECT_EQ(ErrorField(device + "interval_seconds = 0\n"), "pollers[0].interval_seconds");
  EXPECT_EQ(ErrorField(device + "interval_seconds = \"60\"\n"), "pollers[0].interval_seconds");
  EXPECT_EQ(ErrorField(device + "timeout_seconds = 1000\n"), "pollers[0].timeout_seconds");
  EXPECT_EQ(ErrorField(device + "device_key = \"not-a-serial\"\n"), "pollers[0].device_key");
  EXPECT_EQ(ErrorField(device + "stations = [\"44t\"]\n"), "pollers[0].stations");
  EXPECT_EQ(ErrorField(device + "every = 60\n"), "pollers[0].every");
  EXPECT_EQ(ErrorField("[[pollers]]\nkind = \"air4thai_history\"\nurl = \"http://h/a\"\nstations = [\"44t\", 35]\n"),
            "pollers[0].stations[1]");
  EXPECT_EQ(ErrorField("[[pollers]]\nkind = \"air4thai_history\"\nurl = \"http://h/a\"\ninterval_seconds = 60\n"),
            "pollers[0].interval_seconds");
}

}  // namespace
}  // namespace ecotown::app
