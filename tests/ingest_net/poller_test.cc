// The pollers against a local HTTP server started in the test (cpp-httplib on 127.0.0.1),
// serving the reference payloads: AirGradient /measures/current (air-quality.md §4b),
// PurpleAir /json built from the §4c field set with the A/B vectors of aq-test-vectors.json, and
// the real Air4Thai response in shared/data/air4thai. Failures: a server that never answers,
// HTTP 500, bodies over the limit, a closed port.
#include "ingest/poller.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/qa.h"
#include "ingest_net/net_test_support.h"

namespace ecotown::ingest {
namespace {

using namespace std::chrono_literals;
using testing::CollectingSink;
using testing::WaitUntil;

// A PurpleAir /json body with the §4c field groups and the given channel A and B PM2.5.
std::string PurpleAirBody(double a, double b) {
  nlohmann::ordered_json body = {{"SensorId", "84:F3:EB:7B:C8:EE"},
                                 {"DateTime", "2024/08/20T18:59:56z"},
                                 {"Geo", "PurpleAir-c8ee"},
                                 {"place", "outside"},
                                 {"version", "7.02"},
                                 {"hardwareversion", "2.0"},
                                 {"hardwarediscovered", "2.0+BME280+PMSX003-B+PMSX003-A"},
                                 {"uptime", 86732},
                                 {"rssi", -61},
                                 {"period", 120},
                                 {"current_temp_f", 88},
                                 {"current_humidity", 52},
                                 {"current_dewpoint_f", 68},
                                 {"pressure", 1006.21},
                                 {"pm2_5_cf_1", a},
                                 {"pm2_5_atm", a},
                                 {"pm2_5_cf_1_b", b},
                                 {"pm2_5_atm_b", b}};
  return body.dump();
}

// The history sample of docs/ingest-formats.md (hour-ending labels, JSON numbers).
constexpr const char* kHistory =
    R"({"result":"OK","error":"","stations":[{"stationID":"bkp100t","params":["PM25"],"data":[{"DATETIMEDATA":"2026-09-28 14:00:00","PM25":9.3},{"DATETIMEDATA":"2026-09-28 15:00:00","PM25":16}],"summary":{"PM25":{"max":16,"count":2,"countPercentage":100}}}]})";

class DeviceServer {
 public:
  DeviceServer() {
    const std::string airgradient = testing::AirGradientBody();
    server_.Get("/measures/current", [airgradient](const httplib::Request&, httplib::Response& res) {
      res.set_content(airgradient, "application/json");
    });
    server_.Get(R"(/json/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      const auto vectors = nlohmann::json::parse(
          testing::ReadFileOrFail(testing::SharedDir() / "reference/aq-test-vectors.json"))["purpleair_ab_qc"];
      const auto& v = vectors.at(std::stoul(req.matches[1].str()));
      res.set_content(PurpleAirBody(v.at("channel_a_ugm3"), v.at("channel_b_ugm3")), "application/json");
    });
    server_.Get("/air4thai/current", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          testing::ReadFileOrFail(testing::SharedDir() / "data/air4thai/getAQI_JSON_20251224_171621_UTC.json"),
          "application/json");
    });
    server_.Get("/air4thai/history", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mu_);
        history_query_ = req.get_param_value("sdate") + ".." + req.get_param_value("edate");
      }
      res.set_content(kHistory, "application/json");
    });
    server_.Get("/error", [](const httplib::Request&, httplib::Response& res) {
      res.status = 500;
      res.set_content("database down", "text/plain");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(100 * 1024, ' '), "application/json");
    });
    server_.Get("/big-chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("application/json", [](size_t offset, httplib::DataSink& sink) {
        if (offset >= 100 * 1024) {
          sink.done();
          return true;
        }
        const std::string chunk(8 * 1024, ' ');
        return sink.write(chunk.data(), chunk.size());
      });
    });
    server_.Get("/slow", [this, airgradient](const httplib::Request&, httplib::Response& res) {
      const int now = ++in_flight_;
      int seen = max_in_flight_.load();
      while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
      }
      for (int i = 0; i < 120 && !closing_.load(); ++i) std::this_thread::sleep_for(10ms);
      --in_flight_;
      res.set_content(airgradient, "application/json");
    });
    server_.set_logger([this](const httplib::Request& req, const httplib::Response&) {
      std::lock_guard lock(mu_);
      ++hits_[req.path];
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    EXPECT_TRUE(WaitUntil([this] { return server_.is_running(); }));
  }

  ~DeviceServer() {
    closing_.store(true);
    server_.stop();
    thread_.join();
  }

  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int Hits(const std::string& path) const {
    std::lock_guard lock(mu_);
    const auto found = hits_.find(path);
    return found == hits_.end() ? 0 : found->second;
  }
  std::string HistoryQuery() const {
    std::lock_guard lock(mu_);
    return history_query_;
  }
  int MaxInFlight() const { return max_in_flight_.load(); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::map<std::string, int> hits_;  // guarded by mu_
  std::string history_query_;        // guarded by mu_
  std::atomic<int> in_flight_{0}, max_in_flight_{0};
  std::atomic<bool> closing_{false};
};

// A TCP port that accepts connections (the kernel completes them into the backlog) and never
// reads or answers.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/measures/current"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

PollTarget Target(PollKind kind, std::string url, int interval_seconds = 1) {
  PollTarget target;
  target.kind = kind;
  target.url = std::move(url);
  target.interval_seconds = interval_seconds;
  target.timeout_seconds = 5;
  return target;
}

PollerOptions NoJitter() { return {.connect_timeout_ms = 2000, .jitter_fraction = 0}; }

TEST(PollerTest, AirGradientLocalMeasuresReachTheSink) {
  DeviceServer server;
  CollectingSink sink;
  PollTarget target = Target(PollKind::kAirGradientLocal, server.Url("/measures/current"), 60);
  target.device_key = "ecda3b1eaaaf";
  Poller poller({target}, sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(sink.WaitForReadings(1));

  const auto deliveries = sink.deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  const readings::RawReading& r = deliveries[0].readings.at(0);
  const auto expected = testing::AirGradientVector().at("expected_parse");
  EXPECT_EQ(r.device_key, "ecda3b1eaaaf");  // from the body's serialno
  EXPECT_EQ(r.source, readings::Source::kAirGradient);
  EXPECT_EQ(r.pm2_5, expected.at("pm25_ugm3").get<double>());
  EXPECT_EQ(r.pm10, expected.at("pm10_ugm3").get<double>());
  EXPECT_EQ(r.temperature_c, expected.at("temperature_c").get<double>());
  EXPECT_EQ(r.humidity_pct, expected.at("humidity_percent").get<double>());
  EXPECT_EQ(r.co2_ppm, expected.at("co2_ppm").get<double>());
  EXPECT_EQ(r.signal_dbm, expected.at("rssi_dbm").get<int>());
  EXPECT_EQ(r.ts, deliveries[0].received_at);

  ASSERT_TRUE(WaitUntil([&] { return poller.status().at(0).last_success_at > 0; }));
  const PollTargetStatus status = poller.status().at(0);
  EXPECT_EQ(status.kind, "airgradient_local");
  EXPECT_EQ(status.polls, 1);
  EXPECT_EQ(status.failures, 0);
  EXPECT_EQ(status.readings, 1);
  EXPECT_EQ(status.accepted, 1);
  EXPECT_EQ(status.last_error, "");
  // The server counts a request once it has answered it; interval 60 s: no second poll yet.
  EXPECT_TRUE(WaitUntil([&] { return server.Hits("/measures/current") == 1; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(server.Hits("/measures/current"), 1);
}

TEST(PollerTest, AirGradientAnsweringWithAnotherSerialIsRefused) {
  DeviceServer server;
  CollectingSink sink;
  PollTarget target = Target(PollKind::kAirGradientLocal, server.Url("/measures/current"), 60);
  target.device_key = "aaaaaaaaaaaa";
  Poller poller({target}, sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return poller.status().at(0).failures == 1; }));
  EXPECT_NE(poller.status().at(0).last_error.find("serialno"), std::string::npos) << poller.status().at(0).last_error;
  EXPECT_TRUE(sink.readings().empty());
}

// Channel A and B both reach the sink, so the readings service can apply the A/B rule; checked
// here with core::CheckDualChannel against the reference's vectors.
TEST(PollerTest, PurpleAirKeepsBothChannelsForTheABRule) {
  DeviceServer server;
  CollectingSink sink;
  const auto vectors = nlohmann::json::parse(
      testing::ReadFileOrFail(testing::SharedDir() / "reference/aq-test-vectors.json"))["purpleair_ab_qc"];
  ASSERT_EQ(vectors.size(), 3u);
  std::vector<PollTarget> targets;
  for (size_t i = 0; i < vectors.size(); ++i) {
    PollTarget target = Target(PollKind::kPurpleAirLocal, server.Url("/json/" + std::to_string(i)), 60);
    target.device_key = "84:f3:eb:7b:c8:ee";
    targets.push_back(target);
  }
  Poller poller(targets, sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(sink.WaitForReadings(3));
  poller.Stop();

  // The poller polls in turn; match readings to vectors by their channel values.
  const auto all = sink.readings();
  ASSERT_EQ(all.size(), 3u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.dump());
    const double a = v.at("channel_a_ugm3"), b = v.at("channel_b_ugm3");
    const auto found =
        std::find_if(all.begin(), all.end(), [&](const auto& r) { return r.pm2_5 == a && r.pm2_5_b == b; });
    ASSERT_NE(found, all.end());
    EXPECT_EQ(found->device_key, "84:f3:eb:7b:c8:ee");
    EXPECT_EQ(found->source, readings::Source::kPurpleAir);
    EXPECT_EQ(found->ts, 1724180396);  // DateTime 2024-08-20T18:59:56Z
    EXPECT_EQ(found->pm2_5_cf1, a);
    EXPECT_EQ(found->pm2_5_cf1_b, b);
    EXPECT_NEAR(*found->temperature_c, 31.111111, 1e-6);
    const core::DualChannelCheck check = core::CheckDualChannel(found->pm2_5, found->pm2_5_b);
    EXPECT_EQ(check.flags == 0, v.at("expected_valid").get<bool>());
    if (v.at("expected_valid").get<bool>()) {
      EXPECT_EQ(check.mean, v.at("expected_pm25_ab_mean").get<double>());
    }
  }
}

TEST(PollerTest, PurpleAirReportingAnotherMacIsRefused) {
  DeviceServer server;
  CollectingSink sink;
  PollTarget target = Target(PollKind::kPurpleAirLocal, server.Url("/json/0"), 60);
  target.device_key = "84:f3:eb:00:00:01";
  Poller poller({target}, sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return poller.status().at(0).failures == 1; }));
  EXPECT_NE(poller.status().at(0).last_error.find("SensorId"), std::string::npos);
  EXPECT_TRUE(sink.readings().empty());
}

// The real national response (186 stations, 185 with a PM value; docs/ingest-formats.md).
TEST(PollerTest, Air4ThaiCurrentWithAndWithoutAStationFilter) {
  DeviceServer server;
  CollectingSink all_sink, filtered_sink;
  PollTarget everything = Target(PollKind::kAir4ThaiCurrent, server.Url("/air4thai/current"), 3600);
  PollTarget two = everything;
  two.stations = {"119t", "54t"};
  Poller all_poller({everything}, all_sink.sink(), NoJitter());
  Poller filtered_poller({two}, filtered_sink.sink(), NoJitter());
  ASSERT_TRUE(all_poller.Start().ok());
  ASSERT_TRUE(filtered_poller.Start().ok());
  ASSERT_TRUE(all_sink.WaitForReadings(185));
  ASSERT_TRUE(filtered_sink.WaitForReadings(2));
  EXPECT_EQ(all_sink.readings().size(), 185u);
  EXPECT_EQ(all_poller.status().at(0).skipped, 0);

  const auto readings = filtered_sink.readings();
  ASSERT_EQ(readings.size(), 2u);
  for (const auto& r : readings) {
    EXPECT_EQ(r.source, readings::Source::kAir4Thai);
    if (r.device_key == "119t") {
      EXPECT_EQ(r.pm2_5, 13.2);
      EXPECT_EQ(r.ts, 1766595600);  // 2025-12-24T17:00Z
    } else {
      EXPECT_EQ(r.device_key, "54t");
      EXPECT_EQ(r.pm2_5, 36.7);
      EXPECT_EQ(r.pm10, 83.0);
      EXPECT_EQ(r.ts, 1766592000);  // 16:00Z
    }
  }
}

TEST(PollerTest, Air4ThaiHistoryUrlCarriesTheThaiDates) {
  DeviceServer server;
  CollectingSink sink;
  PollTarget target =
      Target(PollKind::kAir4ThaiHistory,
             server.Url("/air4thai/history?stationID=bkp100t&param=PM25&type=hr&sdate={yesterday}&edate={today}"
                        "&stime=00&etime=23"),
             3600);
  Poller poller({target}, sink.sink(), NoJitter());
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(sink.WaitForReadings(2));
  const auto readings = sink.readings();
  EXPECT_EQ(readings[0].device_key, "bkp100t");
  EXPECT_EQ(readings[0].ts, 1790578800);  // 2026-09-28 14:00 ICT, the hour's end
  EXPECT_EQ(readings[1].pm2_5, 16.0);
  const std::string expected = ExpandPollUrl("{yesterday}..{today}", now);
  EXPECT_EQ(server.HistoryQuery(), expected);
}

TEST(PollerTest, AServerThatNeverAnswersTimesOutAndIsPolledAgain) {
  SilentServer silent;
  CollectingSink sink;
  PollTarget target = Target(PollKind::kAirGradientLocal, silent.Url(), 1);
  target.timeout_seconds = 1;
  Poller poller({target}, sink.sink(), NoJitter());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return poller.status().at(0).failures >= 2; }));
  // Two timeouts of 1 s, one interval apart (the next poll is due 1 s after the last began).
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1900ms);
  const PollTargetStatus status = poller.status().at(0);
  EXPECT_NE(status.last_error.find("timed out"), std::string::npos) << status.last_error;
  EXPECT_EQ(status.last_success_at, 0);
  EXPECT_TRUE(sink.readings().empty());
}

TEST(PollerTest, Http500IsAFailureRetriedAtTheNextInterval) {
  DeviceServer server;
  CollectingSink sink;
  Poller poller({Target(PollKind::kAirGradientLocal, server.Url("/error"), 1)}, sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return poller.status().at(0).failures >= 2; }));
  poller.Stop();
  const PollTargetStatus status = poller.status().at(0);
  EXPECT_EQ(status.last_error, "HTTP 500");
  EXPECT_EQ(status.polls, status.failures);
  EXPECT_GE(server.Hits("/error"), 2);
  EXPECT_TRUE(sink.readings().empty());
}

TEST(PollerTest, BodiesOverTheLimitAreRefused) {
  DeviceServer server;
  CollectingSink sink;
  // 100 KiB against AirGradient's 64 KiB: announced by Content-Length, and sent chunked.
  Poller poller({Target(PollKind::kAirGradientLocal, server.Url("/big"), 60),
                 Target(PollKind::kAirGradientLocal, server.Url("/big-chunked"), 60)},
                sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(WaitUntil([&] {
    const auto status = poller.status();
    return status[0].failures == 1 && status[1].failures == 1;
  }));
  for (const auto& status : poller.status()) {
    EXPECT_EQ(status.last_error, "the answer is larger than 65536 bytes") << status.url;
  }
  EXPECT_TRUE(sink.readings().empty());
}

TEST(PollerTest, AClosedPortIsAFailure) {
  CollectingSink sink;
  Poller poller(
      {Target(PollKind::kPurpleAirLocal, "http://127.0.0.1:" + std::to_string(testing::FreePort()) + "/json", 60)},
      sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return poller.status().at(0).failures == 1; }));
  EXPECT_NE(poller.status().at(0).last_error.find("onnect"), std::string::npos) << poller.status().at(0).last_error;
}

TEST(PollerTest, AFailingSinkIsAFailedPoll) {
  DeviceServer server;
  CollectingSink sink;
  sink.FailWith(Status::Unavailable("database is down"));
  Poller poller({Target(PollKind::kAirGradientLocal, server.Url("/measures/current"), 60)}, sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return poller.status().at(0).failures == 1; }));
  const PollTargetStatus status = poller.status().at(0);
  EXPECT_NE(status.last_error.find("database is down"), std::string::npos) << status.last_error;
  EXPECT_EQ(status.readings, 0);
}

// One thread polls: a target slower than its interval is never asked twice at once.
TEST(PollerTest, PollsNeverOverlap) {
  DeviceServer server;
  CollectingSink sink;
  Poller poller({Target(PollKind::kAirGradientLocal, server.Url("/slow"), 1)}, sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(sink.WaitForReadings(3, 15s));
  poller.Stop();
  EXPECT_EQ(server.MaxInFlight(), 1);
  EXPECT_EQ(poller.status().at(0).failures, 0);
}

TEST(PollerTest, StopAbortsARequestInFlight) {
  SilentServer silent;
  CollectingSink sink;
  PollTarget target = Target(PollKind::kAirGradientLocal, silent.Url(), 60);
  target.timeout_seconds = 60;
  Poller poller({target}, sink.sink(), NoJitter());
  ASSERT_TRUE(poller.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return poller.status().at(0).polls == 1; }));
  std::this_thread::sleep_for(200ms);
  const auto started = std::chrono::steady_clock::now();
  poller.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_EQ(poller.status().at(0).failures, 0);  // an aborted poll is not the target's failure
}

TEST(PollerTest, TargetsAreValidatedNamingTheKey) {
  const auto field_of = [](PollTarget target) {
    const Status status = ValidatePollTarget(target, "pollers[3]");
    EXPECT_FALSE(status.ok());
    return status.field();
  };
  const PollTarget good = Target(PollKind::kAirGradientLocal, "http://airgradient_ecda3b1eaaaf.local/measures/current");
  EXPECT_TRUE(ValidatePollTarget(good, "pollers[3]").ok());
  PollTarget t = good;
  t.url = "ftp://example/x";
  EXPECT_EQ(field_of(t), "pollers[3].url");
  t.url = "http:///measures/current";
  EXPECT_EQ(field_of(t), "pollers[3].url");
  t.url = "http://host/a b";
  EXPECT_EQ(field_of(t), "pollers[3].url");
  t = good;
  t.interval_seconds = 0;
  EXPECT_EQ(field_of(t), "pollers[3].interval_seconds");
  t = good;
  t.timeout_seconds = 301;
  EXPECT_EQ(field_of(t), "pollers[3].timeout_seconds");
  t = good;
  t.device_key = "ECDA3B1EAAAF";
  EXPECT_EQ(field_of(t), "pollers[3].device_key");
  t = good;
  t.stations = {"44t"};
  EXPECT_EQ(field_of(t), "pollers[3].stations");
  t = Target(PollKind::kPurpleAirLocal, "http://192.0.2.7/json");
  t.device_key = "84-f3-eb-7b-c8-ee";
  EXPECT_EQ(field_of(t), "pollers[3].device_key");
  t = Target(PollKind::kAir4ThaiCurrent, "http://air4thai.pcd.go.th/services/getNewAQI_JSON.php", 3600);
  EXPECT_TRUE(ValidatePollTarget(t, "pollers[3]").ok());
  t.interval_seconds = 60;  // PCD updates hourly: at least 300 s
  EXPECT_EQ(field_of(t), "pollers[3].interval_seconds");
  t.interval_seconds = 3600;
  t.device_key = "44t";
  EXPECT_EQ(field_of(t), "pollers[3].device_key");
  t.device_key = "";
  t.stations = {"44t", "4 4t"};
  EXPECT_EQ(field_of(t), "pollers[3].stations[1]");

  EXPECT_EQ(*ParsePollKind("air4thai_history", "k"), PollKind::kAir4ThaiHistory);
  EXPECT_EQ(ParsePollKind("purpleair", "pollers[0].kind").status().field(), "pollers[0].kind");
  EXPECT_EQ(DefaultPollIntervalSeconds(PollKind::kPurpleAirLocal), 60);
  EXPECT_EQ(DefaultPollIntervalSeconds(PollKind::kAir4ThaiCurrent), 3600);
}

TEST(PollerTest, UrlDatePlaceholdersUseThaiDates) {
  // 2026-01-04T17:30Z is 2026-01-05 00:30 in Bangkok.
  EXPECT_EQ(ExpandPollUrl("h?sdate={yesterday}&edate={today}&x={other}", 1767547800),
            "h?sdate=2026-01-04&edate=2026-01-05&x={other}");
  EXPECT_EQ(ExpandPollUrl("http://h/json", 0), "http://h/json");
}

}  // namespace
}  // namespace ecotown::ingest
