#include "app/config.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <toml++/toml.h>

#include "modules/alerts/alert.h"

namespace ecotown::app {
namespace {

// One row per configuration key: where it lives in the file and how it is read.
struct Key {
  const char* section;
  const char* name;
  std::function<Status(const toml::node&, Config&)> read;
};

Status WrongType(const std::string& key, const char* expected) {
  return Status::Invalid(key + " must be " + expected, key);
}

template <typename Member>
Key StringKey(const char* section, const char* name, Member member) {
  return {section, name, [=](const toml::node& node, Config& config) -> Status {
            auto value = node.value<std::string>();
            if (!node.is_string() || !value) return WrongType(std::string(section) + "." + name, "a string");
            config.*member = *value;
            return Status::Ok();
          }};
}

template <typename Member>
Key BoolKey(const char* section, const char* name, Member member) {
  return {section, name, [=](const toml::node& node, Config& config) -> Status {
            if (!node.is_boolean()) return WrongType(std::string(section) + "." + name, "true or false");
            config.*member = *node.value<bool>();
            return Status::Ok();
          }};
}

template <typename Member>
Key IntKey(const char* section, const char* name, Member member, int64_t min, int64_t max) {
  return {section, name, [=](const toml::node& node, Config& config) -> Status {
            const std::string key = std::string(section) + "." + name;
            if (!node.is_integer()) return WrongType(key, "a whole number");
            const int64_t value = *node.value<int64_t>();
            if (value < min || value > max) {
              return Status::Invalid(key + " must be from " + std::to_string(min) + " to " + std::to_string(max), key);
            }
            config.*member = static_cast<std::remove_reference_t<decltype(config.*member)>>(value);
            return Status::Ok();
          }};
}

// [qa] keys: members of Config::qa.
Key QaRealKey(const char* name, double core::QaConfig::*member) {
  return {"qa", name, [=](const toml::node& node, Config& config) -> Status {
            const std::string key = std::string("qa.") + name;
            if (!node.is_number()) return WrongType(key, "a number");
            config.qa.*member = *node.value<double>();
            return Status::Ok();
          }};
}

template <typename Int>
Key QaIntKey(const char* name, Int core::QaConfig::*member) {
  return {"qa", name, [=](const toml::node& node, Config& config) -> Status {
            const std::string key = std::string("qa.") + name;
            if (!node.is_integer()) return WrongType(key, "a whole number");
            const int64_t value = *node.value<int64_t>();
            if (value < 0 || value > 1'000'000'000) return Status::Invalid(key + " must be from 0 to 1000000000", key);
            config.qa.*member = static_cast<Int>(value);
            return Status::Ok();
          }};
}

// Readers for keys of nested settings ([mqtt], [[pollers]]): `key` is the full name for errors.
Status ReadString(const toml::node& node, const std::string& key, std::string& out) {
  if (!node.is_string()) return WrongType(key, "a string");
  out = *node.value<std::string>();
  return Status::Ok();
}

Status ReadInt(const toml::node& node, const std::string& key, int64_t min, int64_t max, int& out) {
  if (!node.is_integer()) return WrongType(key, "a whole number");
  const int64_t value = *node.value<int64_t>();
  if (value < min || value > max) {
    return Status::Invalid(key + " must be from " + std::to_string(min) + " to " + std::to_string(max), key);
  }
  out = static_cast<int>(value);
  return Status::Ok();
}

Key MqttStringKey(const char* name, std::string ingest::MqttSettings::*member) {
  return {"mqtt", name, [=](const toml::node& node, Config& config) {
            return ReadString(node, std::string("mqtt.") + name, config.mqtt.*member);
          }};
}

Key MqttIntKey(const char* name, int ingest::MqttSettings::*member, int64_t min, int64_t max) {
  return {"mqtt", name, [=](const toml::node& node, Config& config) {
            return ReadInt(node, std::string("mqtt.") + name, min, max, config.mqtt.*member);
          }};
}

// [[mqtt.subscriptions]]: an array of tables {topic, format}, both required.
Status ReadSubscriptions(const toml::node& node, Config& config) {
  const auto* array = node.as_array();
  if (array == nullptr) return WrongType("mqtt.subscriptions", "a list of [[mqtt.subscriptions]] tables");
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string field = "mqtt.subscriptions[" + std::to_string(i) + "]";
    const auto* table = (*array)[i].as_table();
    if (table == nullptr) return WrongType(field, "a table with topic and format");
    ingest::MqttSubscription subscription;
    bool has_topic = false, has_format = false;
    for (const auto& [name, value] : *table) {
      const std::string key = field + "." + std::string(name.str());
      if (name.str() == "topic") {
        RETURN_IF_ERROR(ReadString(value, key, subscription.topic));
        RETURN_IF_ERROR(ingest::ValidateTopicFilter(subscription.topic, key));
        has_topic = true;
      } else if (name.str() == "format") {
        std::string format;
        RETURN_IF_ERROR(ReadString(value, key, format));
        ASSIGN_OR_RETURN(subscription.format, ingest::ParseMqttFormat(format, key));
        has_format = true;
      } else {
        return Status::Invalid("unknown setting " + key, key);
      }
    }
    if (!has_topic) return Status::Invalid(field + ".topic is required", field + ".topic");
    if (!has_format) {
      return Status::Invalid(field + ".format is required (airgradient, ecotown or airrohr)", field + ".format");
    }
    config.mqtt.subscriptions.push_back(std::move(subscription));
  }
  return Status::Ok();
}

// [[pollers]]: an array of tables {kind, url, device_key, stations, interval_seconds,
// timeout_seconds}; kind and url required, the interval defaults by kind.
Status ReadPollers(const toml::node& node, Config& config) {
  const auto* array = node.as_array();
  if (array == nullptr) return WrongType("pollers", "a list of [[pollers]] tables");
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string field = "pollers[" + std::to_string(i) + "]";
    const auto* table = (*array)[i].as_table();
    if (table == nullptr) return WrongType(field, "a table with kind and url");
    const toml::node* kind_node = table->get("kind");
    if (kind_node == nullptr) return Status::Invalid(field + ".kind is required", field + ".kind");
    std::string kind;
    RETURN_IF_ERROR(ReadString(*kind_node, field + ".kind", kind));
    ingest::PollTarget target;
    ASSIGN_OR_RETURN(target.kind, ingest::ParsePollKind(kind, field + ".kind"));
    // The current response's PM values are 24-hour moving means (PCD's AQI input); stored as
    // readings they would be taken for hourly samples. Only the hourly history is stored.
    if (target.kind == ingest::PollKind::kAir4ThaiCurrent) {
      return Status::Invalid(field + ".kind: Air4Thai's current response holds 24-hour means, not hourly values; "
                                     "poll \"air4thai_history\" instead",
                             field + ".kind");
    }
    target.interval_seconds = ingest::DefaultPollIntervalSeconds(target.kind);
    bool has_url = false;
    for (const auto& [name, value] : *table) {
      const std::string key = field + "." + std::string(name.str());
      if (name.str() == "kind") continue;
      if (name.str() == "url") {
        RETURN_IF_ERROR(ReadString(value, key, target.url));
        has_url = true;
      } else if (name.str() == "device_key") {
        RETURN_IF_ERROR(ReadString(value, key, target.device_key));
      } else if (name.str() == "interval_seconds") {
        RETURN_IF_ERROR(ReadInt(value, key, 1, 86400, target.interval_seconds));
      } else if (name.str() == "timeout_seconds") {
        RETURN_IF_ERROR(ReadInt(value, key, 1, 300, target.timeout_seconds));
      } else if (name.str() == "stations") {
        const auto* stations = value.as_array();
        if (stations == nullptr) return WrongType(key, "a list of station ids");
        for (size_t j = 0; j < stations->size(); ++j) {
          std::string station;
          RETURN_IF_ERROR(ReadString((*stations)[j], key + "[" + std::to_string(j) + "]", station));
          target.stations.push_back(std::move(station));
        }
      } else {
        return Status::Invalid("unknown setting " + key, key);
      }
    }
    if (!has_url) return Status::Invalid(field + ".url is required", field + ".url");
    RETURN_IF_ERROR(ingest::ValidatePollTarget(target, field));
    config.pollers.push_back(std::move(target));
  }
  return Status::Ok();
}

const std::vector<Key>& Keys() {
  static const std::vector<Key> keys = {
      StringKey("database", "url", &Config::db_url),
      IntKey("database", "pool_size", &Config::db_pool_size, 1, 256),
      StringKey("server", "listen", &Config::listen),
      BoolKey("server", "trust_proxy", &Config::trust_proxy),
      BoolKey("server", "cookie_secure", &Config::cookie_secure),
      IntKey("server", "body_limit_bytes", &Config::body_limit_bytes, 1024, int64_t{1} << 32),
      IntKey("server", "worker_threads", &Config::worker_threads, 1, 512),
      IntKey("server", "io_threads", &Config::io_threads, 1, 64),
      IntKey("auth", "session_ttl_minutes", &Config::session_ttl_minutes, 5, 60 * 24 * 30),
      IntKey("auth", "max_login_failures", &Config::max_login_failures, 1, 1000),
      IntKey("auth", "max_login_failures_per_ip", &Config::max_login_failures_per_ip, 1, 100000),
      IntKey("auth", "login_throttle_minutes", &Config::login_throttle_minutes, 1, 24 * 60),
      StringKey("paths", "web_dir", &Config::web_dir),
      StringKey("paths", "data_dir", &Config::data_dir),
      StringKey("paths", "node_modules_dir", &Config::node_modules_dir),
      StringKey("log", "level", &Config::log_level),
      MqttStringKey("host", &ingest::MqttSettings::host),
      MqttIntKey("port", &ingest::MqttSettings::port, 1, 65535),
      MqttStringKey("username", &ingest::MqttSettings::username),
      MqttStringKey("password", &ingest::MqttSettings::password),
      MqttStringKey("client_id", &ingest::MqttSettings::client_id),
      MqttStringKey("ca_file", &ingest::MqttSettings::ca_file),
      MqttIntKey("keepalive_seconds", &ingest::MqttSettings::keepalive_seconds, 5, 3600),
      {"mqtt", "subscriptions", ReadSubscriptions},
      QaRealKey("pm_max_ugm3", &core::QaConfig::pm_max_ugm3),
      QaRealKey("high_humidity_percent", &core::QaConfig::high_humidity_percent),
      QaIntKey("stuck_run_length", &core::QaConfig::stuck_run_length),
      QaRealKey("stuck_ignore_at_or_below_ugm3", &core::QaConfig::stuck_ignore_at_or_below_ugm3),
      QaRealKey("spike_min_rise_ugm3", &core::QaConfig::spike_min_rise_ugm3),
      QaRealKey("spike_ratio", &core::QaConfig::spike_ratio),
      QaRealKey("pm25_over_pm10_tolerance_ugm3", &core::QaConfig::pm25_over_pm10_tolerance_ugm3),
      QaRealKey("ab_abs_ugm3", &core::QaConfig::ab_abs_ugm3),
      QaRealKey("ab_relative", &core::QaConfig::ab_relative),
      QaIntKey("future_tolerance_seconds", &core::QaConfig::future_tolerance_seconds),
      QaIntKey("clock_skew_tolerance_seconds", &core::QaConfig::clock_skew_tolerance_seconds),
      IntKey("alerts", "evaluate_interval_seconds", &Config::alerts_evaluate_interval_seconds, 10, 3600),
      IntKey("alerts", "dispatch_interval_seconds", &Config::alerts_dispatch_interval_seconds, 1, 600),
      IntKey("alerts", "max_attempts", &Config::alerts_max_attempts, 1, 50),
      IntKey("alerts", "timeout_seconds", &Config::alerts_timeout_seconds, 1, 120),
      StringKey("alerts", "line_api_base", &Config::line_api_base),
      StringKey("alerts", "line_content_base", &Config::line_content_base),
      StringKey("complaints", "public_url", &Config::public_url),
      StringKey("alerts", "line_channel_token", &Config::line_channel_token),
      StringKey("alerts", "smtp_url", &Config::smtp_url),
      StringKey("alerts", "smtp_from", &Config::smtp_from),
      StringKey("alerts", "smtp_user", &Config::smtp_user),
      StringKey("alerts", "smtp_password", &Config::smtp_password),
      BoolKey("alerts", "smtp_require_tls", &Config::smtp_require_tls),
      IntKey("complaints", "post_burst", &Config::complaints_post_burst, 0, 100000),
      IntKey("complaints", "posts_per_hour", &Config::complaints_posts_per_hour, 0, 1000000),
      IntKey("complaints", "read_burst", &Config::complaints_read_burst, 0, 1000000),
      IntKey("complaints", "reads_per_hour", &Config::complaints_reads_per_hour, 0, 100000000),
      IntKey("complaints", "retention_interval_minutes", &Config::complaints_retention_interval_minutes, 1, 10080),
      IntKey("complaints", "public_cache_entries", &Config::complaints_public_cache_entries, 0, 100000),
      IntKey("licences", "reminder_interval_minutes", &Config::licences_reminder_interval_minutes, 1, 1440),
  };
  return keys;
}

Status ApplyFile(const toml::table& table, Config& config) {
  for (const auto& [section_name, section] : table) {
    const std::string section_key(section_name.str());
    if (section_key == "pollers") {
      RETURN_IF_ERROR(ReadPollers(section, config));
      continue;
    }
    const auto* section_table = section.as_table();
    if (section_table == nullptr) return Status::Invalid("unknown setting " + section_key, section_key);
    for (const auto& [name, node] : *section_table) {
      const std::string key = section_key + "." + std::string(name.str());
      const Key* found = nullptr;
      for (const auto& k : Keys()) {
        if (section_key == k.section && name.str() == k.name) found = &k;
      }
      if (found == nullptr) return Status::Invalid("unknown setting " + key, key);
      RETURN_IF_ERROR(found->read(node, config));
    }
  }
  return Status::Ok();
}

// The [mqtt] keys together: either no host and nothing else, or a host and what it needs.
Status CheckMqtt(const ingest::MqttSettings& mqtt) {
  if (mqtt.host.empty()) {
    if (!mqtt.subscriptions.empty()) {
      return Status::Invalid("mqtt.host must name the broker when mqtt.subscriptions are listed", "mqtt.host");
    }
    return Status::Ok();
  }
  if (mqtt.subscriptions.empty()) {
    return Status::Invalid("mqtt.subscriptions must list at least one [[mqtt.subscriptions]] topic",
                           "mqtt.subscriptions");
  }
  if (mqtt.client_id.empty() || mqtt.client_id.size() > 256 ||
      std::any_of(mqtt.client_id.begin(), mqtt.client_id.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return Status::Invalid("mqtt.client_id must be 1 to 256 characters without spaces", "mqtt.client_id");
  }
  if (!mqtt.password.empty() && mqtt.username.empty()) {
    return Status::Invalid("mqtt.password needs mqtt.username", "mqtt.username");
  }
  return Status::Ok();
}

// The [alerts] keys together: URLs of the right scheme, a sender whenever e-mail is on.
Status CheckAlerts(const Config& config) {
  if (!config.line_api_base.starts_with("https://") && !config.line_api_base.starts_with("http://")) {
    return Status::Invalid("alerts.line_api_base must be an http:// or https:// URL", "alerts.line_api_base");
  }
  if (!config.line_content_base.starts_with("https://") && !config.line_content_base.starts_with("http://")) {
    return Status::Invalid("alerts.line_content_base must be an http:// or https:// URL", "alerts.line_content_base");
  }
  if (!config.public_url.empty() && !config.public_url.starts_with("https://") &&
      !config.public_url.starts_with("http://")) {
    return Status::Invalid("complaints.public_url must be an http:// or https:// URL", "complaints.public_url");
  }
  if (config.smtp_url.empty()) return Status::Ok();
  if (!config.smtp_url.starts_with("smtp://") && !config.smtp_url.starts_with("smtps://")) {
    return Status::Invalid("alerts.smtp_url must start with smtp:// or smtps://", "alerts.smtp_url");
  }
  if (Status from = alerts::ValidateEmailAddress(config.smtp_from); !from.ok()) {
    return Status::Invalid("alerts.smtp_from must be the sender's e-mail address when alerts.smtp_url is set",
                           "alerts.smtp_from");
  }
  if (!config.smtp_password.empty() && config.smtp_user.empty()) {
    return Status::Invalid("alerts.smtp_password needs alerts.smtp_user", "alerts.smtp_user");
  }
  return Status::Ok();
}

void FromEnv(const char* name, std::string& target) {
  if (const char* value = std::getenv(name); value && *value) target = value;
}

}  // namespace

Result<Config> LoadConfig(const std::string& path) {
  Config config;
  if (!path.empty()) {
    toml::table table;
    try {
      table = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      return Status::Invalid("cannot read config " + path + ": " + std::string(e.description()), "config");
    }
    RETURN_IF_ERROR(ApplyFile(table, config));
  }
  FromEnv("ECOTOWN_DB", config.db_url);
  FromEnv("ECOTOWN_LISTEN", config.listen);
  FromEnv("ECOTOWN_WEB_DIR", config.web_dir);
  FromEnv("ECOTOWN_DATA_DIR", config.data_dir);
  FromEnv("ECOTOWN_NODE_MODULES", config.node_modules_dir);
  FromEnv("ECOTOWN_LOG_LEVEL", config.log_level);
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  bool level_ok = false;
  for (const char* level : kLevels) level_ok = level_ok || config.log_level == level;
  if (!level_ok) return Status::Invalid("log.level must be trace, debug, info, warn, error, critical or off", "log.level");
  FromEnv("ECOTOWN_MQTT_PASSWORD", config.mqtt.password);
  RETURN_IF_ERROR(CheckMqtt(config.mqtt));
  if (Status qa = core::ValidateQaConfig(config.qa); !qa.ok()) {
    return Status::Invalid("qa." + qa.message(), "qa." + qa.field());
  }
  FromEnv("ECOTOWN_LINE_CHANNEL_TOKEN", config.line_channel_token);
  FromEnv("ECOTOWN_SMTP_PASSWORD", config.smtp_password);
  RETURN_IF_ERROR(CheckAlerts(config));
  return config;
}

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return Status::Invalid("listen must be host:port", "listen");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text = listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::Invalid("listen port must be a number", "listen");
  }
  const int port = std::stoi(port_text);
  if (port > 65535) return Status::Invalid("listen port must be at most 65535", "listen");
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace ecotown::app
