// Two `ecotown serve` processes on one PostgreSQL database, as behind a load balancer: a session
// made through one instance works on the other, a write through one is read through the other,
// and login throttling counts failures across both. Runs the real binary (built by the `ecotown`
// target) and talks to it over loopback HTTP with cpp-httplib.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/test_env.h"

extern char** environ;

namespace ecotown {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kAdminPassword = "รหัสผ่านผู้ดูแล2568";
constexpr const char* kOfficerPassword = "officer-password-2568";

// A child process running the ecotown binary; its stdout and stderr go to a log file. Killed
// (SIGKILL) on destruction if still running, so a failed test leaves no server behind.
class Process {
 public:
  Process(const std::vector<std::string>& args, fs::path log, const std::optional<std::string>& input)
      : log_(std::move(log)) {
    std::vector<std::string> argv_storage;
    argv_storage.push_back(testing::EcotownBinary());
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);

    // The child must not pick up configuration from the developer's environment.
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "ECOTOWN_", 8) != 0) env_storage.emplace_back(*e);
    }
    env_storage.emplace_back("ECOTOWN_LOG_LEVEL=info");
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    int pipe_fds[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (input) {
      if (::pipe(pipe_fds) != 0) {
        ADD_FAILURE() << "pipe: " << std::strerror(errno);
        return;
      }
      posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
      posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
      posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
    } else {
      posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (input) {
      ::close(pipe_fds[0]);
      if (rc == 0) {
        const std::string text = *input + "\n";
        const ssize_t written = ::write(pipe_fds[1], text.data(), text.size());
        EXPECT_EQ(written, static_cast<ssize_t>(text.size()));
      }
      ::close(pipe_fds[1]);
    }
    if (rc != 0) {
      ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(rc);
      pid_ = -1;
    }
  }

  ~Process() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool running() {
    if (pid_ <= 0 || exit_code_) return false;
    Reap(WNOHANG);
    return !exit_code_;
  }

  void Signal(int signal) {
    if (running()) ::kill(pid_, signal);
  }

  // The exit code (128+N when killed by signal N), or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return exit_code_;
  }

  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  void Reap(int flags) {
    int status = 0;
    if (::waitpid(pid_, &status, flags) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  }

  fs::path log_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// A port nobody listens on right now: bind port 0 and let the kernel choose.
uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// The value of `name` in a Set-Cookie header ("name=value; Path=/; ...").
std::string CookieValue(const std::string& set_cookie, const std::string& name) {
  const std::string prefix = name + "=";
  if (set_cookie.rfind(prefix, 0) != 0) return {};
  const auto end = set_cookie.find(';');
  return set_cookie.substr(prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
}

class TwoInstancesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PostgresAdminUrl()) GTEST_SKIP() << "PostgreSQL tests not configured (ECOTOWN_TEST_PG_URL)";
    ASSERT_TRUE(fs::exists(testing::EcotownBinary())) << testing::EcotownBinary();
    auto url = testing::FreshPostgresDatabase("app");
    ASSERT_TRUE(url.has_value());
    url_ = *url;
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / ("ecotown-app-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  void TearDown() override {
    servers_.clear();  // kills any left running
    if (!HasFailure() && !dir_.empty()) fs::remove_all(dir_);
    if (HasFailure() && !dir_.empty()) std::cerr << "logs kept in " << dir_ << "\n";
  }

  // Runs one CLI command to completion; returns its exit code and leaves its output in *output.
  int RunCli(const std::vector<std::string>& args, const std::optional<std::string>& input = std::nullopt) {
    std::string output;
    const int code = Run(args, input, &output);
    if (code != 0) ADD_FAILURE() << "ecotown " << args.front() << " exited " << code << ":\n" << output;
    return code;
  }
  int RunCliExpectingFailure(const std::vector<std::string>& args, std::string* output) {
    return Run(args, std::nullopt, output);
  }
  int Run(const std::vector<std::string>& args, const std::optional<std::string>& input, std::string* output) {
    Process process(args, dir_ / ("cli-" + std::to_string(cli_runs_++) + ".log"), input);
    auto code = process.Wait(std::chrono::seconds(60));
    *output = process.Log();
    if (!code) {
      ADD_FAILURE() << "ecotown " << args.front() << " did not finish:\n" << *output;
      return -1;
    }
    return *code;
  }

  // Starts `ecotown serve` on a free loopback port and waits until /healthz answers.
  std::optional<uint16_t> StartServer() {
    const uint16_t port = FreePort();
    if (port == 0) return std::nullopt;
    const size_t n = servers_.size();
    servers_.push_back(std::make_unique<Process>(
        std::vector<std::string>{"serve", "--db", url_, "--listen", "127.0.0.1:" + std::to_string(port)},
        dir_ / ("serve-" + std::to_string(n) + ".log"), std::nullopt));
    Process& server = *servers_.back();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!server.running()) {
        ADD_FAILURE() << "server " << n << " exited early:\n" << server.Log();
        return std::nullopt;
      }
      httplib::Client client("127.0.0.1", port);
      client.set_connection_timeout(0, 200'000);
      if (auto res = client.Get("/healthz"); res && res->status == 200) return port;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "server " << n << " did not become healthy:\n" << server.Log();
    return std::nullopt;
  }

  static std::unique_ptr<httplib::Client> ClientFor(uint16_t port) {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port);
    client->set_connection_timeout(2, 0);
    client->set_read_timeout(10, 0);
    return client;
  }

  std::string url_;
  fs::path dir_;
  int cli_runs_ = 0;
  std::vector<std::unique_ptr<Process>> servers_;
};

TEST_F(TwoInstancesTest, SessionsWritesAndThrottlingAreSharedThroughTheDatabase) {
  // Set up the database with the CLI, as an operator would.
  ASSERT_EQ(RunCli({"migrate", "--db", url_}), 0);
  ASSERT_EQ(RunCli({"org", "add", "--db", url_, "--code", "lao-a", "--type", "town", "--name-th", "เทศบาลเมืองบ้านโป่ง",
                    "--name-en", "Ban Pong Town", "--subdistrict", "700501"}),
            0);
  ASSERT_EQ(RunCli({"org", "add", "--db", url_, "--code", "lao-b", "--type", "sao", "--name-th", "อบต.หนองอ้อ",
                    "--name-en", "Nong O SAO"}),
            0);
  ASSERT_EQ(RunCli({"user", "add", "--db", url_, "--org", "lao-a", "--role", "lao-admin", "--username", "admin-a",
                    "--password-stdin"},
                   kAdminPassword),
            0);
  ASSERT_EQ(RunCli({"user", "add", "--db", url_, "--org", "lao-b", "--role", "officer", "--username", "officer-b"}), 0);
  // Wrong input to the CLI fails with a useful exit code and changes nothing.
  std::string output;
  EXPECT_NE(
      RunCliExpectingFailure(
          {"user", "add", "--db", url_, "--org", "no-such-org", "--role", "officer", "--username", "ghost"}, &output),
      0);
  EXPECT_NE(output.find("no-such-org"), std::string::npos) << output;

  auto port1 = StartServer();
  ASSERT_TRUE(port1.has_value());
  auto port2 = StartServer();
  ASSERT_TRUE(port2.has_value());
  ASSERT_NE(*port1, *port2);
  auto one = ClientFor(*port1);
  auto two = ClientFor(*port2);

  // Log in through instance 1.
  auto login = one->Post("/api/v1/session", json({{"username", "admin-a"}, {"password", kAdminPassword}}).dump(),
                         "application/json");
  ASSERT_TRUE(login) << httplib::to_string(login.error());
  ASSERT_EQ(login->status, 200) << login->body;
  const json login_body = json::parse(login->body);
  const std::string csrf = login_body.at("csrf_token");
  const int64_t admin_id = login_body.at("user").at("id");
  const std::string session = CookieValue(login->get_header_value("Set-Cookie"), "ecotown_session");
  ASSERT_FALSE(session.empty()) << login->get_header_value("Set-Cookie");
  const httplib::Headers cookie = {{"Cookie", "ecotown_session=" + session}};

  // The session works on instance 2.
  auto me = two->Get("/api/v1/me", cookie);
  ASSERT_TRUE(me) << httplib::to_string(me.error());
  ASSERT_EQ(me->status, 200) << me->body;
  const json me_body = json::parse(me->body);
  EXPECT_EQ(me_body.at("user").at("id"), admin_id);
  EXPECT_EQ(me_body.at("user").at("username"), "admin-a");
  EXPECT_EQ(me_body.at("csrf_token"), csrf);

  // A write through instance 2: refused without the CSRF token, accepted with it.
  const std::string new_user =
      json({{"username", "officer-a"}, {"role", "officer"}, {"password", kOfficerPassword}}).dump();
  auto no_csrf = two->Post("/api/v1/users", cookie, new_user, "application/json");
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403) << no_csrf->body;
  httplib::Headers with_csrf = cookie;
  with_csrf.emplace("X-CSRF-Token", csrf);
  auto created = two->Post("/api/v1/users", with_csrf, new_user, "application/json");
  ASSERT_TRUE(created) << httplib::to_string(created.error());
  ASSERT_EQ(created->status, 201) << created->body;
  const int64_t officer_id = json::parse(created->body).at("id");
  auto duplicate = two->Post("/api/v1/users", with_csrf, new_user, "application/json");
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(duplicate->status, 409) << duplicate->body;

  // ... read back through instance 1, and only lao-a's users are listed.
  auto users = one->Get("/api/v1/users", cookie);
  ASSERT_TRUE(users) << httplib::to_string(users.error());
  ASSERT_EQ(users->status, 200) << users->body;
  const json listed = json::parse(users->body);
  std::vector<std::string> names;
  for (const auto& item : listed.at("items")) names.push_back(item.at("username"));
  EXPECT_EQ(names, (std::vector<std::string>{"admin-a", "officer-a"}));
  auto by_id = one->Get("/api/v1/users/" + std::to_string(officer_id), cookie);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->status, 200) << by_id->body;

  // Login throttling counts failures of both instances: five wrong passwords through instance 1,
  // then even the right one is refused by instance 2.
  for (int i = 0; i < 5; ++i) {
    auto wrong =
        one->Post("/api/v1/session",
                  json({{"username", "officer-a"}, {"password", "wrong-password-" + std::to_string(i)}}).dump(),
                  "application/json");
    ASSERT_TRUE(wrong) << httplib::to_string(wrong.error());
    EXPECT_EQ(wrong->status, 401) << "attempt " << i << ": " << wrong->body;
  }
  auto throttled = two->Post(
      "/api/v1/session", json({{"username", "officer-a"}, {"password", kOfficerPassword}}).dump(), "application/json");
  ASSERT_TRUE(throttled) << httplib::to_string(throttled.error());
  EXPECT_EQ(throttled->status, 429) << throttled->body;
  // Other accounts are unaffected.
  auto admin_again = two->Post("/api/v1/session", json({{"username", "admin-a"}, {"password", kAdminPassword}}).dump(),
                               "application/json");
  ASSERT_TRUE(admin_again);
  EXPECT_EQ(admin_again->status, 200) << admin_again->body;

  // Logging out through instance 2 ends the session on instance 1 too.
  auto logout = two->Delete("/api/v1/session", with_csrf);
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 200) << logout->body;
  auto after = one->Get("/api/v1/me", cookie);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401) << after->body;

  // Both stop cleanly on SIGTERM.
  one.reset();
  two.reset();
  for (auto& server : servers_) server->Signal(SIGTERM);
  for (size_t i = 0; i < servers_.size(); ++i) {
    auto code = servers_[i]->Wait(std::chrono::seconds(15));
    ASSERT_TRUE(code.has_value()) << "server " << i << " ignored SIGTERM:\n" << servers_[i]->Log();
    EXPECT_EQ(*code, 0) << "server " << i << ":\n" << servers_[i]->Log();
  }
}

}  // namespace
}  // namespace ecotown
