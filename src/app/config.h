// Configuration: built-in defaults, then a TOML file, then ECOTOWN_* environment variables,
// then command-line flags; each later source overrides the earlier ones.
#pragma once

#include <string>
#include <vector>

#include "core/qa.h"
#include "core/result.h"
#include "ingest/mqtt_subscriber.h"
#include "ingest/poller.h"

namespace ecotown::app {

struct Config {
  // [database]
  std::string db_url = "sqlite:./ecotown.db";  // or postgresql://user@host/db (ECOTOWN_DB)
  int db_pool_size = 8;                        // connections per process

  // [server]
  std::string listen = "127.0.0.1:8080";       // host:port (ECOTOWN_LISTEN)
  bool trust_proxy = false;                    // behind nginx: honour X-Forwarded-For/-Proto
  bool cookie_secure = false;                  // force Secure cookies (set when served over TLS)
  size_t body_limit_bytes = 8 * 1024 * 1024;   // larger request bodies get 413
  int worker_threads = 8;                      // concurrent request handlers
  int io_threads = 2;                          // network threads

  // [auth]
  int session_ttl_minutes = 720;               // a session lasts one working day
  int max_login_failures = 5;                  // per username per throttle window
  int max_login_failures_per_ip = 30;          // per client address per window; behind a proxy
                                               // set server.trust_proxy, or every client shares one
  int login_throttle_minutes = 15;             // failures older than this are forgotten

  // [paths]
  std::string web_dir = ECOTOWN_DEFAULT_WEB_DIR;            // ECOTOWN_WEB_DIR
  std::string data_dir = ECOTOWN_DEFAULT_DATA_DIR;          // ECOTOWN_DATA_DIR
  std::string node_modules_dir = ECOTOWN_DEFAULT_NODE_MODULES;  // ECOTOWN_NODE_MODULES

  // [log]
  std::string log_level = "info";              // trace, debug, info, warn, error (ECOTOWN_LOG_LEVEL)

  // [qa]: thresholds of the QA flags every ingest path applies (core/qa.h documents each
  // default and its source). Changing them affects readings stored from then on; stored flags stay.
  core::QaConfig qa;

  // [mqtt] and [[mqtt.subscriptions]]: the broker devices publish to (docs/ingest-formats.md
  // §"MQTT"). Off while mqtt.host is empty. The password may come from ECOTOWN_MQTT_PASSWORD.
  ingest::MqttSettings mqtt;

  // [[pollers]]: devices and services polled over HTTP (docs/ingest-formats.md §"Polling").
  std::vector<ingest::PollTarget> pollers;

  // [alerts]: the background alert worker and its channels (docs/operations.md §"Alert channels").
  int alerts_evaluate_interval_seconds = 60;   // how often every rule is evaluated; more often
                                               // notices sooner, each cycle reads every watched sensor
  int alerts_dispatch_interval_seconds = 10;   // how often queued notices are sent (and retried)
  int alerts_max_attempts = 8;                 // sends of one notice before it is marked failed;
                                               // waits double from 1 min up to 1 h between them
  int alerts_timeout_seconds = 10;             // limit of every webhook, LINE and SMTP call
  std::string line_api_base = "https://api.line.me";  // LINE Messaging API; a test receiver in tests
  std::string line_content_base = "https://api-data.line.me";  // LINE content downloads (complaint photos)
  std::string line_channel_token;              // channel access token (ECOTOWN_LINE_CHANNEL_TOKEN); empty: LINE off
  std::string smtp_url;                        // smtp://host:587 (STARTTLS) or smtps://host:465; empty: e-mail off
  std::string smtp_from;                       // sender address of alert e-mails, required with smtp_url
  std::string smtp_user;                       // empty: no SMTP AUTH
  std::string smtp_password;                   // (ECOTOWN_SMTP_PASSWORD)
  bool smtp_require_tls = true;                // smtp:// must upgrade with STARTTLS; false only for a local relay

  // [complaints]: abuse limits of the public complaint and Open311 endpoints, per client address
  // (docs/complaints-api.md §"Abuse limits"); e-mail to residents uses the [alerts] SMTP settings.
  int complaints_post_burst = 10;              // filings an address may send at once (0: no limit)
  int complaints_posts_per_hour = 30;          // then this many an hour
  int complaints_read_burst = 120;             // public tracking/Open311 reads at once (0: no limit)
  int complaints_reads_per_hour = 3600;        // then this many an hour
  int complaints_retention_interval_minutes = 60;  // how often expired personal data are erased
  // [licences]: licence and permit expiry reminders (docs/factories-api.md §"Expiry reminders"),
  // e-mailed with the [alerts] SMTP settings. A shorter interval sends a crossed threshold sooner.
  int licences_reminder_interval_minutes = 60;  // how often due reminders are queued and sent
  int complaints_public_cache_entries = 256;   // rendered Open311 lists kept until a change (0: off)
  std::string public_url;                      // the web app's public address, for links in LINE answers
                                               // ("https://ecotown.example.go.th/"); empty: no link
};

// Reads path (if not empty) over the defaults, then the environment. An unknown key, a value of
// the wrong type or out of range is Invalid naming "section.key".
Result<Config> LoadConfig(const std::string& path);

// Splits "host:port"; Invalid with field "listen" when malformed.
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen);

}  // namespace ecotown::app
