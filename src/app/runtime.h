// The wired application: configuration, an open and migrated database, the services, and the
// HTTP server built from them. main.cc turns command lines into calls on this.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/config.h"
#include "core/clock.h"
#include "ingest/mqtt_subscriber.h"
#include "ingest/poller.h"
#include "modules/accounts/account_service.h"
#include "modules/readings/ingest_summary.h"
#include "store/database.h"
#include "store/sql_stores.h"

namespace ecotown::app {

class Runtime;

// The HTTP service of a Runtime while it runs: the live-update hub, the API and the listening
// server, served by a background thread. Made by Runtime::StartServer; `ecotown serve` adds
// signal handling around it and tests drive it directly. Destroying it stops it gracefully.
// Stop() may be called from any thread; Wait() and the destructor from one thread only.
class RunningServer {
 public:
  ~RunningServer();
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  // The port the server listens on (the actual one when 0 was asked for).
  uint16_t port() const;
  // Graceful stop (see http::Server::Stop); returns at once.
  void Stop();
  // Blocks until the server has stopped: in-flight requests answered, Server::Run returned and
  // the hub stopped. Returns at once when that has already happened.
  void Wait();

 private:
  friend class Runtime;
  struct Parts;  // hub, API and server, in runtime.cc
  explicit RunningServer(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
  std::thread thread_;  // runs Server::Run
};

// The device transports of a Runtime while they run: the MQTT subscription of config().mqtt and
// the pollers of config().pollers, each on its own thread, handing readings to one sink. Made by
// Runtime::StartIngest; destroying it stops them. Stop() and the destructor from one thread;
// MetricValues() from any.
class RunningIngest {
 public:
  ~RunningIngest();
  RunningIngest(const RunningIngest&) = delete;
  RunningIngest& operator=(const RunningIngest&) = delete;

  // Stops the subscription (a clean DISCONNECT: the broker queues for us) and the pollers
  // (a request in flight is aborted). Idempotent.
  void Stop();

  // Totals since start for /metrics, by Prometheus name (ecotown_mqtt_messages_total, ...);
  // pollers summed over their targets. Empty when nothing is configured.
  std::map<std::string, double> MetricValues() const;

  const ingest::MqttSubscriber* mqtt() const { return mqtt_.get(); }  // null when MQTT is off
  const ingest::Poller* pollers() const { return pollers_.get(); }    // null without [[pollers]]

 private:
  friend class Runtime;
  RunningIngest() = default;

  std::unique_ptr<ingest::MqttSubscriber> mqtt_;
  std::unique_ptr<ingest::Poller> pollers_;
};

class Runtime {
 public:
  // Opens the database, applies migrations and loads the shipped geography when absent.
  static Result<std::unique_ptr<Runtime>> Open(const Config& config);

  const Config& config() const { return config_; }
  store::Database& db() { return *db_; }
  Transactor& transactor() { return transactor_; }
  accounts::AccountService& accounts() { return accounts_; }
  const core::Clock& clock() const { return clock_; }
  RequestInfo CliInfo() const { return RequestInfo{"cli", "local", clock_.NowUnix()}; }

  // Starts serving HTTP on listen ("host:port"; port 0 picks a free one) on background threads,
  // with the limits and options of config(). Unavailable when the address cannot be bound.
  Result<std::unique_ptr<RunningServer>> StartServer(const std::string& listen);

  // Starts the MQTT subscription (when mqtt.host is set) and the pollers that config() lists,
  // handing what they read to `sink`; with neither, an idle RunningIngest. Invalid (naming the
  // key) for settings the transports refuse, such as an unreadable mqtt.ca_file. An unreachable
  // broker or device is not an error: it is retried in the background.
  // Messages the MQTT subscription refuses whole go to `refusals` when given.
  Result<std::unique_ptr<RunningIngest>> StartIngest(readings::ReadingSink sink,
                                                     readings::RefusalSink refusals = nullptr);

  // The sink of the device transports: readings::ReadingService::Ingest as the system, in one
  // write transaction per message or poll. Readings are matched by device key only; the rows of
  // unknown devices or with bad values are refused (counted in the summary) and the rest stored;
  // refused rows are recorded as one ingest event per call, in the same transaction.
  readings::ReadingSink DeviceReadingSink();
  // The refusal sink of the device transports: each refused message is an ingest event, of the
  // organisation that registered the device when the transport names one ("rejected"), else of
  // none (seen by platform administrators).
  readings::RefusalSink DeviceRefusalSink();

  // Serves HTTP on host:port, with the device transports of config() feeding
  // DeviceReadingSink(), until SIGINT or SIGTERM, then stops gracefully. on_ready is called
  // once the socket listens (with the actual port).
  Status Serve(const std::string& listen, const std::function<void(uint16_t)>& on_ready = {});

  // The counters of the device transports that Serve runs (RunningIngest::MetricValues); empty
  // before they start and after they stop. Thread-safe: /metrics calls it.
  std::map<std::string, double> IngestMetrics() const;
  // Serve registers its transports here; tests that run their own may too. Null to unregister.
  void SetIngestForMetrics(const RunningIngest* ingest);

 private:
  Runtime(Config config, std::unique_ptr<store::Database> db);

  Config config_;
  std::unique_ptr<store::Database> db_;
  store::SqlTransactor transactor_;
  accounts::AccountService accounts_;
  core::SystemClock clock_;
  mutable std::mutex ingest_mutex_;
  const RunningIngest* ingest_ = nullptr;  // guarded by ingest_mutex_
};

// Creates (idempotently) the four pilot LAOs, their provincial offices, one user per role and
// the demo sensors with 48 hours of readings (only for sensors that have none), and prints the
// credentials.
Status SeedDemo(Runtime& runtime, std::ostream& out);

}  // namespace ecotown::app
