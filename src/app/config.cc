#include "app/config.h"

#include <cstdlib>
#include <toml++/toml.h>

namespace ecotown::app {
namespace {

template <typename T>
void Read(const toml::table& table, const char* section, const char* key, T& target) {
  if (auto value = table[section][key].value<T>()) target = *value;
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
    Read(table, "database", "url", config.db_url);
    Read(table, "database", "pool_size", config.db_pool_size);
    Read(table, "server", "listen", config.listen);
    Read(table, "server", "trust_proxy", config.trust_proxy);
    Read(table, "server", "cookie_secure", config.cookie_secure);
    int64_t body_limit = static_cast<int64_t>(config.body_limit_bytes);
    Read(table, "server", "body_limit_bytes", body_limit);
    if (body_limit < 1024) return Status::Invalid("server.body_limit_bytes must be at least 1024", "body_limit_bytes");
    config.body_limit_bytes = static_cast<size_t>(body_limit);
    Read(table, "server", "worker_threads", config.worker_threads);
    Read(table, "server", "io_threads", config.io_threads);
    Read(table, "auth", "session_ttl_minutes", config.session_ttl_minutes);
    Read(table, "auth", "max_login_failures", config.max_login_failures);
    Read(table, "paths", "web_dir", config.web_dir);
    Read(table, "paths", "data_dir", config.data_dir);
    Read(table, "paths", "node_modules_dir", config.node_modules_dir);
    Read(table, "log", "level", config.log_level);
  }
  FromEnv("ECOTOWN_DB", config.db_url);
  FromEnv("ECOTOWN_LISTEN", config.listen);
  FromEnv("ECOTOWN_WEB_DIR", config.web_dir);
  FromEnv("ECOTOWN_DATA_DIR", config.data_dir);
  FromEnv("ECOTOWN_NODE_MODULES", config.node_modules_dir);
  FromEnv("ECOTOWN_LOG_LEVEL", config.log_level);
  if (config.db_pool_size < 1 || config.db_pool_size > 256) {
    return Status::Invalid("database.pool_size must be 1 to 256", "pool_size");
  }
  if (config.worker_threads < 1 || config.worker_threads > 512) {
    return Status::Invalid("server.worker_threads must be 1 to 512", "worker_threads");
  }
  if (config.session_ttl_minutes < 5) return Status::Invalid("auth.session_ttl_minutes must be at least 5", "session_ttl_minutes");
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
