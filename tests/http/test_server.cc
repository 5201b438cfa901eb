#include "http/test_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <csignal>

#include "modules/accounts/secrets.h"
#include "modules/orgs/org_service.h"
#include "support/test_env.h"

#ifndef ECOTOWN_HTTP_TEST_DATA_DIR
#error "ECOTOWN_HTTP_TEST_DATA_DIR must name tests/http/data"
#endif

namespace ecotown::testing {
namespace {

using orgs::OrgType;
using tenancy::Role;

struct SeedOrg {
  const char* code;
  OrgType type;
  const char* subdistrict;  // nullptr: none
  const char* parent;       // nullptr: none
};

// Two provinces' worth of the demo: Ratchaburi's office oversees Ban Pong and Boek Phrai;
// Phatong belongs to Songkhla's office, outside Ratchaburi's oversight.
const SeedOrg kOrgs[] = {
    {"dla", OrgType::kNationalOffice, "100103", nullptr},
    {"ratchaburi-office", OrgType::kProvinceOffice, "700101", "dla"},
    {"songkhla-office", OrgType::kProvinceOffice, nullptr, "dla"},
    {"banpong", OrgType::kTown, "700501", "ratchaburi-office"},
    {"boekphrai", OrgType::kSubdistrictMunicipality, "700514", "ratchaburi-office"},
    {"phatong", OrgType::kSubdistrictMunicipality, "901118", "songkhla-office"},
};

struct SeedUser {
  const char* username;
  const char* org;
  Role role;
};

const SeedUser kUsers[] = {
    {"admin", "dla", Role::kSystemAdmin},
    {"banpong.admin", "banpong", Role::kLaoAdmin},
    {"banpong.officer", "banpong", Role::kOfficer},
    {"banpong.executive", "banpong", Role::kExecutive},
    {"boekphrai.admin", "boekphrai", Role::kLaoAdmin},
    {"boekphrai.officer", "boekphrai", Role::kOfficer},
    {"phatong.admin", "phatong", Role::kLaoAdmin},
    {"ratchaburi.oversight", "ratchaburi-office", Role::kOversight},
};

// Argon2id costs ~70 ms per hash; hashing once per process instead of once per user keeps each
// test's setup fast. The users are created through AccountService; only the hash is shared.
const std::string& SharedPasswordHash() {
  static const std::string hash = [] {
    auto hashed = accounts::HashPassword(kTestPassword);
    return hashed.ok() ? *hashed : std::string();
  }();
  return hash;
}

}  // namespace

std::unique_ptr<TestServer> TestServer::Start(const TestServerOptions& options) {
  // The access log of every request would drown the test output; warnings and errors still show.
  spdlog::set_level(spdlog::level::warn);
  // cpp-httplib writes with plain send(): a server that closes early must fail the request, not
  // kill the test process with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);

  app::Config config;
  if (options.backend == "postgres") {
    auto url = FreshPostgresDatabase("http");
    if (!url) {
      ADD_FAILURE() << "no PostgreSQL database for the API test";
      return nullptr;
    }
    config.db_url = *url;
  } else {
    config.db_url = "sqlite::memory:";
  }
  config.db_pool_size = 4;
  config.cookie_secure = options.cookie_secure;
  config.body_limit_bytes = options.body_limit;
  config.worker_threads = 4;
  config.io_threads = 2;
  config.max_login_failures = options.max_login_failures;
  if (options.qa) config.qa = *options.qa;
  if (!options.line_api_base.empty()) config.line_api_base = options.line_api_base;
  if (!options.line_content_base.empty()) config.line_content_base = options.line_content_base;
  config.public_url = options.public_url;
  config.alerts_dispatch_interval_seconds = options.dispatch_interval_seconds;
  config.data_dir = ECOTOWN_HTTP_TEST_DATA_DIR;
  config.web_dir = WebDir();
  config.node_modules_dir = NodeModulesDir();

  std::unique_ptr<TestServer> server(new TestServer());
  auto runtime = app::Runtime::Open(config);
  if (!runtime.ok()) {
    ADD_FAILURE() << "Runtime::Open(" << config.db_url << "): " << runtime.status().ToString();
    return nullptr;
  }
  server->runtime_ = std::move(runtime).value();
  if (!server->Seed()) return nullptr;
  auto running = server->runtime_->StartServer("127.0.0.1:0");
  if (!running.ok()) {
    ADD_FAILURE() << "StartServer: " << running.status().ToString();
    return nullptr;
  }
  server->running_ = std::move(running).value();
  return server;
}

TestServer::~TestServer() {
  running_.reset();  // stop serving before the database goes
  runtime_.reset();
}

bool TestServer::Seed() {
  if (SharedPasswordHash().empty()) {
    ADD_FAILURE() << "password hashing failed";
    return false;
  }
  app::Runtime& rt = *runtime_;
  const RequestInfo info{"test-seed", "local", rt.clock().NowUnix()};
  Status seeded = rt.transactor().Write(tenancy::Scope::System("test-seed"), info, [&](UnitOfWork& work) -> Status {
    for (const auto& seed : kOrgs) {
      orgs::NewOrg org;
      org.code = seed.code;
      org.type = seed.type;
      org.name_th = std::string("หน่วยงานทดสอบ ") + seed.code;
      org.name_en = std::string("Test organisation ") + seed.code;
      if (seed.subdistrict) org.subdistrict_code = seed.subdistrict;
      if (seed.parent) org.parent_code = seed.parent;
      ASSIGN_OR_RETURN(auto added, orgs::AddOrg(work, org));
      org_ids_[seed.code] = added.id;
    }
    for (const auto& seed : kUsers) {
      accounts::NewUser user;
      user.org_code = seed.org;
      user.username = seed.username;
      user.role = seed.role;
      user.display_name = std::string("ผู้ใช้ทดสอบ ") + seed.username;
      ASSIGN_OR_RETURN(auto created, rt.accounts().CreateUser(work, user));
      RETURN_IF_ERROR(work.accounts().SetPasswordHash(created.id, SharedPasswordHash(), info.now));
      user_ids_[seed.username] = created.id;
    }
    return Status::Ok();
  });
  if (!seeded.ok()) ADD_FAILURE() << "seeding: " << seeded.ToString();
  return seeded.ok();
}

std::unique_ptr<httplib::Client> TestServer::NewClient() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port());
  client->set_keep_alive(true);
  // httplib sends a POST's headers and body in two writes; with Nagle on, the second waits for
  // the server's delayed ACK (40 ms a request).
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(5);
  client->set_read_timeout(10);
  client->set_write_timeout(10);
  return client;
}

BrowserSession TestServer::Login(const std::string& username, const std::string& password) {
  auto client = NewClient();
  const nlohmann::json body = {{"username", username}, {"password", password}};
  auto res = client->Post("/api/v1/session", body.dump(), "application/json");
  if (!res || res->status != 200) {
    ADD_FAILURE() << "login of " << username << " failed: "
                  << (res ? std::to_string(res->status) + " " + res->body : httplib::to_string(res.error()));
    return {};
  }
  const std::string set_cookie = res->get_header_value("Set-Cookie");
  BrowserSession session;
  session.cookie = set_cookie.substr(0, set_cookie.find(';'));
  session.csrf_token = JsonOf(res).value("csrf_token", "");
  return session;
}

httplib::Headers CookieHeaders(const BrowserSession& session, bool with_csrf) {
  httplib::Headers headers = {{"Cookie", session.cookie}};
  if (with_csrf) headers.emplace("X-CSRF-Token", session.csrf_token);
  return headers;
}

httplib::Headers BearerHeaders(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

nlohmann::json JsonOf(const httplib::Result& result) {
  if (!result) return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(result->body, nullptr, false);
}

std::string Gunzip(const std::string& packed) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);  // gzip only
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  stream.avail_in = static_cast<uInt>(packed.size());
  std::string out;
  char chunk[16384];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - stream.avail_out);
  }
  inflateEnd(&stream);
  EXPECT_EQ(status, Z_STREAM_END) << "not one whole gzip stream";
  EXPECT_EQ(stream.avail_in, 0u) << "bytes after the gzip stream";
  return out;
}

RawConnection::RawConnection(uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool RawConnection::Fill(int timeout_ms) {
  pollfd pfd{fd_, POLLIN, 0};
  if (poll(&pfd, 1, timeout_ms) <= 0) return false;
  char chunk[16384];
  const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<std::string> RawConnection::ReadUntil(const std::string& needle, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t at;
  while ((at = buffer_.find(needle)) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !Fill(static_cast<int>(left.count()))) return std::nullopt;
  }
  std::string seen = buffer_.substr(0, at + needle.size());
  buffer_.erase(0, at + needle.size());
  return seen;
}

std::optional<RawConnection::Response> RawConnection::ReadResponse(int timeout_ms, bool head_request) {
  size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(timeout_ms)) return std::nullopt;
  }
  Response response;
  const std::string head = buffer_.substr(0, head_end);
  buffer_.erase(0, head_end + 4);
  size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12) return std::nullopt;
  response.status = std::stoi(status_line.substr(9, 3));
  while (line_end != std::string::npos) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    response.headers[name] = value;
  }
  const size_t length =
      !head_request && response.headers.count("content-length") ? std::stoul(response.headers["content-length"]) : 0;
  while (buffer_.size() < length) {
    if (!Fill(timeout_ms)) return std::nullopt;
  }
  response.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return response;
}

bool RawConnection::ClosedByServer(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{fd_, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return true;  // EOF or reset
  }
  return false;
}

}  // namespace ecotown::testing
