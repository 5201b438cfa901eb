#include "app/runtime.h"

#include <malloc.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <thread>

#include "http/api.h"
#include "http/server.h"
#include "modules/accounts/secrets.h"
#include "modules/events/event_hub.h"
#include "notify/alert_worker.h"
#include "notify/complaint_mailer.h"
#include "notify/licence_reminder_mailer.h"
#include "notify/line_inbox.h"
#include "modules/readings/reading_service.h"
#include "store/clinic_articles_loader.h"
#include "store/factory_types_loader.h"
#include "store/checklist_loader.h"
#include "store/geography_loader.h"
#include "store/migrations/migrations.h"

#ifndef ECOTOWN_VERSION
#define ECOTOWN_VERSION "dev"
#endif

namespace ecotown::app {
namespace {

accounts::AuthSettings AuthSettingsOf(const Config& config) {
  accounts::AuthSettings settings;
  settings.session_ttl_seconds = static_cast<int64_t>(config.session_ttl_minutes) * 60;
  settings.max_failures_per_username = config.max_login_failures;
  settings.max_failures_per_ip = config.max_login_failures_per_ip;
  settings.throttle_window_seconds = static_cast<int64_t>(config.login_throttle_minutes) * 60;
  return settings;
}

// The alert channels and delivery policy of the [alerts] settings.
notify::ChannelSettings AlertChannelsOf(const Config& config) {
  notify::ChannelSettings settings;
  settings.smtp.url = config.smtp_url;
  settings.smtp.from = config.smtp_from;
  settings.smtp.user = config.smtp_user;
  settings.smtp.password = config.smtp_password;
  settings.smtp.require_tls = config.smtp_require_tls;
  settings.smtp.timeout_seconds = config.alerts_timeout_seconds;
  settings.line.api_base = config.line_api_base;
  settings.line.channel_token = config.line_channel_token;
  settings.line.timeout_seconds = config.alerts_timeout_seconds;
  settings.webhook_timeout_seconds = config.alerts_timeout_seconds;
  return settings;
}

notify::DispatchOptions AlertDispatchOf(const Config& config) {
  notify::DispatchOptions options;
  options.max_attempts = config.alerts_max_attempts;
  // A claimed row must outlive the longest send (curl connect + transfer within the timeout).
  options.lease_seconds = 2 * static_cast<int64_t>(config.alerts_timeout_seconds) + 60;
  return options;
}

http::ApiOptions ApiOptionsOf(const Config& config) {
  http::ApiOptions options;
  options.web_dir = config.web_dir;
  options.node_modules_dir = config.node_modules_dir;
  options.cookie_secure = config.cookie_secure;
  options.version = ECOTOWN_VERSION;
  options.qa = config.qa;
  options.complaint_posts = http::RateLimit{static_cast<double>(config.complaints_post_burst),
                                            static_cast<double>(config.complaints_posts_per_hour)};
  options.public_reads = http::RateLimit{static_cast<double>(config.complaints_read_burst),
                                         static_cast<double>(config.complaints_reads_per_hour)};
  options.public_cache_entries = static_cast<size_t>(config.complaints_public_cache_entries);
  return options;
}

// The public address of the web app with its trailing slash (LINE answers link the tracking page).
std::string PublicUrlOf(const Config& config) {
  std::string url = config.public_url;
  if (!url.empty() && url.back() != '/') url += '/';
  return url;
}

notify::MailerOptions ComplaintMailOf(const Config& config) {
  notify::MailerOptions options;
  options.max_attempts = config.alerts_max_attempts;
  options.lease_seconds = 2 * static_cast<int64_t>(config.alerts_timeout_seconds) + 60;
  return options;
}

}  // namespace

Runtime::Runtime(Config config, std::unique_ptr<store::Database> db)
    : config_(std::move(config)), db_(std::move(db)), transactor_(*db_), accounts_(AuthSettingsOf(config_)) {}

Result<std::unique_ptr<Runtime>> Runtime::Open(const Config& config) {
  RETURN_IF_ERROR(accounts::InitSecrets());
  ASSIGN_OR_RETURN(auto db, store::Database::Open(config.db_url, config.db_pool_size));
  core::SystemClock clock;
  ASSIGN_OR_RETURN(const int applied, store::Migrate(*db, clock.NowUnix()));
  if (applied > 0) spdlog::info("applied {} migration(s) to {}", applied, db->Describe());
  ASSIGN_OR_RETURN(const int64_t loaded, store::LoadGeographyIfEmpty(*db, config.data_dir));
  if (loaded > 0) spdlog::info("loaded {} subdistricts of the Thai administrative divisions", loaded);
  ASSIGN_OR_RETURN(const store::FactoryTypeSync types, store::SyncFactoryTypes(*db, config.data_dir));
  if (types.Changed()) {
    spdlog::info("factory types of the ministerial regulation: {} added, {} updated, {} removed", types.inserted,
                 types.updated, types.removed);
  }
  for (const std::string& code : types.kept) {
    spdlog::warn("factory type {} is no longer in {}/factory_types.csv but factories use it: kept", code,
                 config.data_dir);
  }
  ASSIGN_OR_RETURN(const int64_t articles, store::LoadClinicArticles(*db, config.data_dir, clock.NowUnix()));
  if (articles > 0) spdlog::debug("loaded {} pollution clinic articles", articles);
  ASSIGN_OR_RETURN(const int checklists, store::LoadDefaultChecklists(*db, config.data_dir, clock.NowUnix()));
  if (checklists > 0) spdlog::info("loaded {} default checklist version(s)", checklists);
  return std::unique_ptr<Runtime>(new Runtime(config, std::move(db)));
}

// The parts of a running server, in dependency order: the API uses the hub, the server calls
// the API, so they are destroyed server first.
struct RunningServer::Parts {
  Parts(Runtime& runtime, const http::ServerOptions& options)
      : hub(runtime.transactor(), runtime.clock()),
        line_api(runtime.config().line_api_base, runtime.config().line_content_base,
                 runtime.config().alerts_timeout_seconds),
        line_inbox(runtime.transactor(), runtime.clock(), line_api, PublicUrlOf(runtime.config())),
        api(ApiOptionsOf(runtime.config()),
            http::ApiDeps{runtime.transactor(), runtime.accounts(), runtime.clock(),
                          [&runtime] { return runtime.db().Ping(); },
                          [this] { return server ? server->open_connections() : size_t{0}; },
                          [&runtime] { return runtime.IngestMetrics(); }, &hub, [this] { line_inbox.Wake(); },
                          nullptr}),
        alert_sender(AlertChannelsOf(runtime.config())),
        alert_dispatcher(runtime.transactor(), runtime.clock(), alert_sender, AlertDispatchOf(runtime.config())),
        alert_worker(
            runtime.transactor(), runtime.clock(),
            [](UnitOfWork& work) -> readings::ReadingStore& { return work.readings(); }, alert_dispatcher,
            notify::WorkerOptions{std::chrono::seconds(runtime.config().alerts_evaluate_interval_seconds),
                                  std::chrono::seconds(runtime.config().alerts_dispatch_interval_seconds)}),
        complaint_mailer(runtime.transactor(), runtime.clock(), AlertChannelsOf(runtime.config()).smtp,
                         ComplaintMailOf(runtime.config()), AlertChannelsOf(runtime.config()).line),
        complaint_worker(runtime.transactor(), runtime.clock(), complaint_mailer,
                         notify::ComplaintWorkerOptions{
                             std::chrono::seconds(runtime.config().alerts_dispatch_interval_seconds),
                             std::chrono::seconds(60 * runtime.config().complaints_retention_interval_minutes)}),
        licence_reminder_mailer(runtime.transactor(), runtime.clock(), AlertChannelsOf(runtime.config()).smtp,
                                ComplaintMailOf(runtime.config())),
        licence_reminder_worker(licence_reminder_mailer,
                                std::chrono::seconds(60 * runtime.config().licences_reminder_interval_minutes)) {
    server = std::make_unique<http::Server>(
        options, [this](http::Request& request) { return api.Handle(request); },
        [this](const http::Request& request, const http::Response& response, std::chrono::microseconds latency) {
          api.Observe(request, response, latency);
        });
  }

  events::EventHub hub;
  notify::LineMessagingApi line_api;  // replies and content downloads of the LINE complaint channel
  notify::LineInboxWorker line_inbox;  // handles the events the webhook stored, after its answer
  http::Api api;
  std::unique_ptr<http::Server> server;
  // Alerts: evaluation of the rules and delivery of the outbox, on the worker's thread.
  notify::ChannelSender alert_sender;
  notify::Dispatcher alert_dispatcher;
  notify::AlertWorker alert_worker;
  // Complaints: e-mail and LINE pushes to residents and the PDPA retention erasure.
  notify::ComplaintMailer complaint_mailer;
  notify::ComplaintWorker complaint_worker;
  // Licences: expiry reminders e-mailed to each LAO's chosen recipients.
  notify::LicenceReminderMailer licence_reminder_mailer;
  notify::LicenceReminderWorker licence_reminder_worker;
};

RunningServer::RunningServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {
  thread_ = std::thread([server = parts_->server.get()] { server->Run(); });
}

RunningServer::~RunningServer() {
  Stop();
  Wait();
}

uint16_t RunningServer::port() const { return parts_->server->port(); }

void RunningServer::Stop() { parts_->server->Stop(); }

void RunningServer::Wait() {
  if (thread_.joinable()) thread_.join();
  parts_->hub.Stop();
  parts_->line_inbox.Stop();
  parts_->alert_worker.Stop();
  parts_->complaint_worker.Stop();
  parts_->licence_reminder_worker.Stop();
}

Result<std::unique_ptr<RunningServer>> Runtime::StartServer(const std::string& listen) {
  ASSIGN_OR_RETURN(const auto endpoint, ParseListen(listen));
  http::ServerOptions options;
  options.host = endpoint.first;
  options.port = endpoint.second;
  options.body_limit = config_.body_limit_bytes;
  options.worker_threads = config_.worker_threads;
  options.io_threads = config_.io_threads;
  options.trust_proxy = config_.trust_proxy;

  auto parts = std::make_unique<RunningServer::Parts>(*this, options);
  RETURN_IF_ERROR(parts->server->Listen());
  RETURN_IF_ERROR(parts->hub.Start());
  parts->line_inbox.Start();
  parts->alert_worker.Start();
  parts->complaint_worker.Start();
  parts->licence_reminder_worker.Start();
  return std::unique_ptr<RunningServer>(new RunningServer(std::move(parts)));
}

RunningIngest::~RunningIngest() { Stop(); }

void RunningIngest::Stop() {
  if (mqtt_) mqtt_->Stop();
  if (pollers_) pollers_->Stop();
}

std::map<std::string, double> RunningIngest::MetricValues() const {
  std::map<std::string, double> values;
  if (mqtt_) {
    const ingest::MqttCounters c = mqtt_->counters();
    values["ecotown_mqtt_connected"] = c.subscribed ? 1 : 0;
    values["ecotown_mqtt_connects_total"] = static_cast<double>(c.connects);
    values["ecotown_mqtt_connection_failures_total"] = static_cast<double>(c.connection_failures);
    values["ecotown_mqtt_messages_total"] = static_cast<double>(c.messages);
    values["ecotown_mqtt_readings_total"] = static_cast<double>(c.readings);
    values["ecotown_mqtt_parse_errors_total"] = static_cast<double>(c.parse_errors);
    values["ecotown_mqtt_sink_errors_total"] = static_cast<double>(c.sink_errors);
    values["ecotown_mqtt_redeliveries_total"] = static_cast<double>(c.redeliveries);
    values["ecotown_mqtt_readings_rejected_total"] = static_cast<double>(c.rejected);
  }
  if (pollers_) {
    double polls = 0, failures = 0, readings = 0, rejected = 0, failing = 0;
    for (const auto& target : pollers_->status()) {
      polls += static_cast<double>(target.polls);
      failures += static_cast<double>(target.failures);
      readings += static_cast<double>(target.readings);
      rejected += static_cast<double>(target.rejected);
      failing += target.last_error.empty() ? 0 : 1;
    }
    values["ecotown_poller_polls_total"] = polls;
    values["ecotown_poller_failures_total"] = failures;
    values["ecotown_poller_readings_total"] = readings;
    values["ecotown_poller_readings_rejected_total"] = rejected;
    values["ecotown_poller_targets_failing"] = failing;
  }
  return values;
}

Result<std::unique_ptr<RunningIngest>> Runtime::StartIngest(readings::ReadingSink sink,
                                                            readings::RefusalSink refusals) {
  std::unique_ptr<RunningIngest> ingest(new RunningIngest());
  if (!config_.mqtt.host.empty()) {
    ingest->mqtt_ = std::make_unique<ingest::MqttSubscriber>(config_.mqtt, sink, ingest::MqttSubscriberOptions{},
                                                             std::move(refusals));
    RETURN_IF_ERROR(ingest->mqtt_->Start());
    spdlog::info("mqtt: subscribing at {}:{} to {} topic filter(s)", config_.mqtt.host, config_.mqtt.port,
                 config_.mqtt.subscriptions.size());
  }
  if (!config_.pollers.empty()) {
    ingest->pollers_ = std::make_unique<ingest::Poller>(config_.pollers, sink);
    RETURN_IF_ERROR(ingest->pollers_->Start());
    spdlog::info("poller: polling {} target(s)", config_.pollers.size());
  }
  return ingest;
}

namespace {

// Refused rows of one MQTT message or poll as an ingest event, as the HTTP device paths record
// theirs: in the organisation of the first refused row's device ("rejected"), or in none when no
// organisation registered that device ("unknown_device", seen by platform administrators).
Status RecordDeviceRefusals(UnitOfWork& work, const std::vector<readings::RawReading>& batch,
                            const readings::IngestSummary& summary, int64_t received_at) {
  if (summary.rejected == 0 || summary.errors.empty()) return Status::Ok();
  const readings::RowError& first = summary.errors.front();
  readings::IngestEvent event;
  event.at = received_at;
  event.source = readings::SourceName(first.index < batch.size() ? batch[first.index].source : batch.front().source);
  event.device_key = first.device_key;
  event.kind = "unknown_device";
  event.message = first.message;
  event.count = summary.rejected;
  if (auto found = work.sensors().FindByDeviceKey(first.device_key); found.ok()) {
    event.org_id = found->sensor.org_id;
    event.sensor_id = found->sensor.id;
    event.kind = "rejected";
  }
  return work.readings().InsertIngestEvent(event).status();
}

}  // namespace

readings::ReadingSink Runtime::DeviceReadingSink() {
  return [this, service = readings::ReadingService(config_.qa)](std::vector<readings::RawReading> batch,
                                                      int64_t received_at) -> Result<readings::IngestSummary> {
    readings::IngestSummary summary;
    const readings::IngestOptions options{.match_codes = false, .all_or_nothing = false};
    Status status = transactor_.Write(tenancy::Scope::System("ingest"), RequestInfo{"ingest", "device", received_at},
                                      [&](UnitOfWork& work) -> Status {
                                        ASSIGN_OR_RETURN(summary, service.Ingest(work, batch, received_at, options));
                                        return RecordDeviceRefusals(work, batch, summary, received_at);
                                      });
    if (!status.ok()) return status;
    return summary;
  };
}

readings::RefusalSink Runtime::DeviceRefusalSink() {
  return [this](readings::Source source, std::string device_key, std::string message, int64_t received_at) {
    readings::IngestEvent event;
    event.at = received_at;
    event.source = readings::SourceName(source);
    event.device_key = std::move(device_key);
    event.kind = "rejected";
    event.message = std::move(message);
    Status status = transactor_.Write(tenancy::Scope::System("ingest"), RequestInfo{"ingest", "device", received_at},
                                      [&](UnitOfWork& work) { return readings::RecordIngestEvent(work, event); });
    if (!status.ok()) {
      spdlog::error("ingest: recording a refused {} message failed: {}", readings::SourceName(source), status.ToString());
    }
  };
}

std::map<std::string, double> Runtime::IngestMetrics() const {
  std::lock_guard lock(ingest_mutex_);
  return ingest_ ? ingest_->MetricValues() : std::map<std::string, double>{};
}

void Runtime::SetIngestForMetrics(const RunningIngest* ingest) {
  std::lock_guard lock(ingest_mutex_);
  ingest_ = ingest;
}

Status Runtime::Serve(const std::string& listen, const std::function<void(uint16_t)>& on_ready) {
  // Large answers (a quarter of daily means of 200 sensors is a megabyte of rows and as much
  // JSON) would otherwise be mapped fresh and handed back to the kernel on every request, a page
  // fault per 4 KiB each time (a fifth of such a request's time): keep up to 64 MiB freed for reuse.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  // Block the stop signals in every thread (the server's and the hub's threads, started below,
  // inherit this mask); one thread waits for them and stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ASSIGN_OR_RETURN(auto running, StartServer(listen));
  spdlog::info("ecotown {} serving {} on http://{}", ECOTOWN_VERSION, db_->Describe(),
               listen.substr(0, listen.rfind(':')) + ":" + std::to_string(running->port()));
  if (on_ready) on_ready(running->port());
  // The transports' threads start after the signal mask is set, so they inherit it.
  auto ingest = StartIngest(DeviceReadingSink(), DeviceRefusalSink());
  if (!ingest.ok()) {
    running->Stop();
    running->Wait();
    return ingest.status();
  }

  SetIngestForMetrics(ingest->get());
  std::thread waiter([&running, &ingest, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("received signal {}, finishing in-flight requests", signal);
    (*ingest)->Stop();
    running->Stop();
  });
  running->Wait();
  // Wake the waiter if the server stopped for another reason.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  SetIngestForMetrics(nullptr);
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace ecotown::app
