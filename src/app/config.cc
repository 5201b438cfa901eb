#include "app/config.h"

#include <cstdlib>
#include <functional>
#include <toml++/toml.h>

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
  };
  return keys;
}

Status ApplyFile(const toml::table& table, Config& config) {
  for (const auto& [section_name, section] : table) {
    const std::string section_key(section_name.str());
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
