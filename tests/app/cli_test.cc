// The command line: runs the built `ecotown` binary as a subprocess on temporary SQLite files and
// checks exit codes, output, and that what it sets up works through a started `ecotown serve`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/test_env.h"

#ifndef ECOTOWN_TEST_GEOGRAPHY_DIR
#error "ECOTOWN_TEST_GEOGRAPHY_DIR must name a directory with a small th-admin/ geography"
#endif

extern char** environ;

namespace ecotown::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A child process running the ecotown binary with piped stdin, stdout and stderr. Its
// environment has no ECOTOWN_* variables, so a developer's settings cannot leak in. Killed on
// destruction if still running.
class Child {
 public:
  // env: extra NAME=value entries for the child's environment.
  Child(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    std::vector<std::string> argv_storage = {EcotownBinary()};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "ECOTOWN_", 8) != 0) env_storage.emplace_back(*e);
    }
    env_storage.insert(env_storage.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    // A child that exits before reading its input must not kill the test with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      signal(SIGPIPE, SIG_DFL);
      dup2(in[0], STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      dup2(err[1], STDERR_FILENO);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
    reader_ = std::thread([this] { ReadOutput(); });
  }

  ~Child() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      Wait(std::chrono::seconds(10));
    }
    CloseStdin();
    if (reader_.joinable()) reader_.join();
    if (stdout_ >= 0) close(stdout_);
    if (stderr_ >= 0) close(stderr_);
  }

  void Write(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = write(stdin_, text.data() + done, text.size() - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }
  void CloseStdin() {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
  }
  void Signal(int signal) { kill(pid_, signal); }

  // The exit code (128 + signal when killed), or nullopt when it has not exited in time.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_) {
      int status = 0;
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (reader_.joinable()) reader_.join();  // the pipes reach EOF once the child is gone
    return exit_code_;
  }

  std::string out() const {
    std::lock_guard lock(mu_);
    return out_;
  }
  std::string err() const {
    std::lock_guard lock(mu_);
    return err_;
  }

  // Waits until stderr matches pattern; the first capture group of the match, or nullopt.
  std::optional<std::string> WaitForLog(const std::regex& pattern, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      const std::string text = err();
      if (std::regex_search(text, match, pattern)) return match.size() > 1 ? match[1].str() : match[0].str();
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }

 private:
  void ReadOutput() {
    pollfd fds[2] = {{stdout_, POLLIN, 0}, {stderr_, POLLIN, 0}};
    int open = 2;
    while (open > 0) {
      if (poll(fds, 2, 200) < 0) return;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char chunk[4096];
        const ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
        if (n <= 0) {
          fds[i].fd = -1;
          --open;
          continue;
        }
        std::lock_guard lock(mu_);
        (i == 0 ? out_ : err_).append(chunk, static_cast<size_t>(n));
      }
    }
  }

  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1, stderr_ = -1;
  std::optional<int> exit_code_;
  std::thread reader_;
  mutable std::mutex mu_;
  std::string out_, err_;  // guarded by mu_
};

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs one command to completion, with input on its standard input.
Outcome RunEcotown(const std::vector<std::string>& args, const std::vector<std::string>& env,
                   const std::string& input) {
  Child child(args, env);
  child.Write(input);
  child.CloseStdin();
  auto code = child.Wait(std::chrono::seconds(60));
  EXPECT_TRUE(code) << "ecotown did not finish";
  return {code.value_or(-1), child.out(), child.err()};
}

std::string Describe(const Outcome& outcome) {
  return "exit " + std::to_string(outcome.exit_code) + "\nstdout: " + outcome.out + "\nstderr: " + outcome.err;
}

// A started `ecotown serve` on a free port; SIGKILLed if the test ends without stopping it.
class Serve {
 public:
  Serve(const std::string& db, const std::vector<std::string>& env)
      : child_({"serve", "--db", db, "--listen", "127.0.0.1:0"}, env) {
    child_.CloseStdin();
    auto port = child_.WaitForLog(std::regex(R"(serving .* on http://127\.0\.0\.1:(\d+))"), std::chrono::seconds(30));
    if (port) port_ = static_cast<uint16_t>(std::stoi(*port));
  }
  uint16_t port() const { return port_; }
  Child& child() { return child_; }
  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(10);
    return client;
  }

 private:
  Child child_;
  uint16_t port_ = 0;
};

// Every test runs on a SQLite file and, when the CTest `postgres` fixture runs, on a fresh
// PostgreSQL database; backup and restore are SQLite-only commands.
class CliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();  // "Name/sqlite"
    std::replace(name.begin(), name.end(), '/', '-');
    dir_ = fs::temp_directory_path() / ("ecotown-cli-" + std::to_string(getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    if (GetParam() == "postgres") {
      if (!PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
      auto url = FreshPostgresDatabase("cli");
      ASSERT_TRUE(url);
      db_ = *url;
      // Loading the shipped geography (7,451 subdistricts) into each fresh PostgreSQL database
      // takes about a second; a few rows of it do for these tests. SQLite loads it all.
      env_.push_back("ECOTOWN_DATA_DIR=" ECOTOWN_TEST_GEOGRAPHY_DIR);
    } else {
      db_ = "sqlite:" + (dir_ / "ecotown.db").string();
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  bool sqlite() const { return GetParam() == "sqlite"; }

  // Runs `ecotown args...` to completion with input on its standard input.
  Outcome Ecotown(const std::vector<std::string>& args, const std::string& input = "") {
    return RunEcotown(args, env_, input);
  }

  // A migrated database with the Ban Pong municipality in it.
  void AddBanpong() {
    const auto added =
        Ecotown({"org", "add", "--db", db_, "--code", "banpong", "--type", "town", "--name-th", "เทศบาลเมืองบ้านโป่ง",
                 "--name-en", "Ban Pong Town Municipality", "--subdistrict", "700501"});
    ASSERT_EQ(added.exit_code, 0) << Describe(added);
  }

  fs::path dir_;
  std::string db_;
  std::vector<std::string> env_;  // for the child processes
};

// The device transports' counters are on /metrics while `ecotown serve` runs them: a poller of a
// device that does not answer counts its polls and failures.
TEST_P(CliTest, PollerCountersAreServedOnMetrics) {
  AddBanpong();
  const fs::path config = dir_ / "ecotown.toml";
  {
    std::ofstream out(config);
    out << "[[pollers]]\nkind = \"airgradient_local\"\nurl = \"http://127.0.0.1:9/measures/current\"\n"
           "device_key = \"ecda3b1eaaaf\"\ninterval_seconds = 1\ntimeout_seconds = 1\n";
  }
  env_.push_back("ECOTOWN_CONFIG=" + config.string());
  Serve serve(db_, env_);
  ASSERT_NE(serve.port(), 0) << serve.child().err();
  auto client = serve.Client();
  std::string metrics;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = client.Get("/metrics");
    ASSERT_TRUE(res && res->status == 200);
    metrics = res->body;
    if (std::regex_search(metrics, std::regex(R"(\necotown_poller_failures_total [1-9])"))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_NE(metrics.find("# TYPE ecotown_poller_polls_total counter"), std::string::npos) << metrics;
  EXPECT_TRUE(std::regex_search(metrics, std::regex(R"(\necotown_poller_failures_total [1-9])"))) << metrics;
  EXPECT_NE(metrics.find("# TYPE ecotown_poller_targets_failing gauge\necotown_poller_targets_failing 1"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(metrics.find("ecotown_mqtt_"), std::string::npos) << "MQTT is off";
}

TEST_P(CliTest, VersionPrintsTheVersion) {
  const auto outcome = Ecotown({"version"});
  EXPECT_EQ(outcome.exit_code, 0) << Describe(outcome);
  EXPECT_EQ(outcome.out.rfind("ecotown ", 0), 0u) << outcome.out;
}

TEST_P(CliTest, HelpOfEveryCommandExitsZero) {
  const std::vector<std::vector<std::string>> commands = {{"--help"},
                                                          {"serve", "--help"},
                                                          {"demo", "--help"},
                                                          {"migrate", "--help"},
                                                          {"org", "--help"},
                                                          {"org", "add", "--help"},
                                                          {"org", "list", "--help"},
                                                          {"user", "--help"},
                                                          {"user", "add", "--help"},
                                                          {"user", "passwd", "--help"},
                                                          {"token", "--help"},
                                                          {"token", "create", "--help"},
                                                          {"backup", "--help"},
                                                          {"restore", "--help"},
                                                          {"version", "--help"}};
  for (const auto& args : commands) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    SCOPED_TRACE(joined);
    const auto outcome = Ecotown(args);
    EXPECT_EQ(outcome.exit_code, 0) << Describe(outcome);
    EXPECT_NE(outcome.out.find("Usage"), std::string::npos) << outcome.out;
  }
}

TEST_P(CliTest, UnknownCommandFails) {
  const auto outcome = Ecotown({"frobnicate"});
  EXPECT_NE(outcome.exit_code, 0) << Describe(outcome);
  EXPECT_FALSE(outcome.err.empty());
}

TEST_P(CliTest, MigrateCreatesTheSchemaAndIsIdempotent) {
  const auto first = Ecotown({"migrate", "--db", db_});
  ASSERT_EQ(first.exit_code, 0) << Describe(first);
  EXPECT_NE(first.out.find("is at schema version"), std::string::npos) << first.out;
  if (sqlite()) {
    EXPECT_TRUE(fs::exists(dir_ / "ecotown.db"));
  }
  EXPECT_NE(first.err.find("loaded"), std::string::npos) << "the geography is loaded: " << first.err;
  const auto second = Ecotown({"migrate", "--db", db_});
  ASSERT_EQ(second.exit_code, 0) << Describe(second);
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(second.err.find("applied"), std::string::npos) << second.err;
  EXPECT_EQ(second.err.find("loaded"), std::string::npos) << second.err;
}

TEST_P(CliTest, OrgAddAddsAndListsTheOrganisation) {
  AddBanpong();
  const auto list = Ecotown({"org", "list", "--db", db_});
  ASSERT_EQ(list.exit_code, 0) << Describe(list);
  EXPECT_NE(list.out.find("banpong\ttown\tเทศบาลเมืองบ้านโป่ง\tBan Pong Town Municipality"), std::string::npos)
      << list.out;
}

TEST_P(CliTest, OrgAddWithDuplicateCodeFailsWithAClearMessage) {
  AddBanpong();
  const auto again = Ecotown(
      {"org", "add", "--db", db_, "--code", "banpong", "--type", "town", "--name-th", "ซ้ำ", "--name-en", "Duplicate"});
  EXPECT_NE(again.exit_code, 0) << Describe(again);
  EXPECT_NE(again.err.find("banpong"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("exists"), std::string::npos) << again.err;
  EXPECT_EQ(again.err.find("SQL"), std::string::npos) << "database internals leak: " << again.err;
}

TEST_P(CliTest, OrgAddWithBadTypeExitsTwo) {
  const auto outcome =
      Ecotown({"org", "add", "--db", db_, "--code", "x-town", "--type", "kingdom", "--name-th", "ก", "--name-en", "X"});
  EXPECT_EQ(outcome.exit_code, 2) << Describe(outcome);
  EXPECT_NE(outcome.err.find("type"), std::string::npos) << outcome.err;
}

TEST_P(CliTest, PasswordIsReadFromStdinAndNeverTakenFromArguments) {
  AddBanpong();
  const auto added = Ecotown({"user", "add", "--db", db_, "--org", "banpong", "--role", "lao-admin", "--username",
                              "somchai", "--display-name", "สมชาย"});
  ASSERT_EQ(added.exit_code, 0) << Describe(added);
  EXPECT_NE(added.out.find("user passwd --username somchai"), std::string::npos) << added.out;

  const auto in_argv =
      Ecotown({"user", "passwd", "--db", db_, "--username", "somchai", "--password", "on-the-cmdline"});
  EXPECT_NE(in_argv.exit_code, 0) << "a password option must not exist: " << Describe(in_argv);
  const auto no_input = Ecotown({"user", "passwd", "--db", db_, "--username", "somchai"}, "");
  EXPECT_EQ(no_input.exit_code, 2) << Describe(no_input);
  const auto weak = Ecotown({"user", "passwd", "--db", db_, "--username", "somchai"}, "short\n");
  EXPECT_EQ(weak.exit_code, 2) << Describe(weak);
  const auto unknown = Ecotown({"user", "passwd", "--db", db_, "--username", "nobody"}, "a-long-enough-password\n");
  EXPECT_EQ(unknown.exit_code, 3) << Describe(unknown);

  const auto set = Ecotown({"user", "passwd", "--db", db_, "--username", "somchai"}, "รหัสผ่านยาวพอ-2568\n");
  ASSERT_EQ(set.exit_code, 0) << Describe(set);
  EXPECT_EQ(set.out.find("รหัสผ่าน"), std::string::npos) << "the password must not be echoed";

  Serve serve(db_, env_);
  ASSERT_NE(serve.port(), 0) << serve.child().err();
  auto client = serve.Client();
  auto wrong = client.Post("/api/v1/session", json({{"username", "somchai"}, {"password", "a-wrong-password"}}).dump(),
                           "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto login = client.Post("/api/v1/session", json({{"username", "somchai"}, {"password", "รหัสผ่านยาวพอ-2568"}}).dump(),
                           "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 200) << login->body;
  EXPECT_EQ(json::parse(login->body, nullptr, false)["user"]["display_name"], "สมชาย");
}

TEST_P(CliTest, TokenCreatePrintsATokenThatWorksAsBearer) {
  AddBanpong();
  const auto created =
      Ecotown({"token", "create", "--db", db_, "--org", "banpong", "--name", "gateway-1", "--role", "lao-admin"});
  ASSERT_EQ(created.exit_code, 0) << Describe(created);
  std::string token = created.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(token.find('\n'), std::string::npos) << "stdout must be the token alone: " << created.out;
  EXPECT_NE(created.err.find("shown only now"), std::string::npos) << created.err;

  Serve serve(db_, env_);
  ASSERT_NE(serve.port(), 0) << serve.child().err();
  auto client = serve.Client();
  auto me = client.Get("/api/v1/me", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(json::parse(me->body, nullptr, false)["token"], "token:gateway-1");
  auto write = client.Post("/api/v1/users", {{"Authorization", "Bearer " + token}},
                           json({{"username", "made.by.token"}, {"role", "officer"}}).dump(), "application/json");
  ASSERT_TRUE(write);
  EXPECT_EQ(write->status, 201) << write->body;
  auto bogus = client.Get("/api/v1/me", {{"Authorization", "Bearer " + token + "x"}});
  ASSERT_TRUE(bogus);
  EXPECT_EQ(bogus->status, 401);
}

TEST_P(CliTest, BackupThenRestoreIntoAnotherFileGivesTheSameData) {
  if (!sqlite()) GTEST_SKIP() << "SQLite only; see BackupOnPostgresPointsToItsOwnTools";
  AddBanpong();
  const auto user =
      Ecotown({"user", "add", "--db", db_, "--org", "banpong", "--role", "officer", "--username", "kept.user"});
  ASSERT_EQ(user.exit_code, 0) << Describe(user);
  const std::string backup = (dir_ / "backup.db").string();
  const auto backed_up = Ecotown({"backup", "--db", db_, "--output", backup});
  ASSERT_EQ(backed_up.exit_code, 0) << Describe(backed_up);
  ASSERT_TRUE(fs::exists(backup));

  const std::string other = "sqlite:" + (dir_ / "restored.db").string();
  const auto restored = Ecotown({"restore", "--db", other, "--input", backup});
  ASSERT_EQ(restored.exit_code, 0) << Describe(restored);

  const auto original_orgs = Ecotown({"org", "list", "--db", db_});
  const auto restored_orgs = Ecotown({"org", "list", "--db", other});
  ASSERT_EQ(restored_orgs.exit_code, 0) << Describe(restored_orgs);
  EXPECT_EQ(restored_orgs.out, original_orgs.out);
  EXPECT_NE(restored_orgs.out.find("banpong"), std::string::npos);
  // The user came along: its name is taken in the restored database.
  const auto again =
      Ecotown({"user", "add", "--db", other, "--org", "banpong", "--role", "officer", "--username", "kept.user"});
  EXPECT_EQ(again.exit_code, 4) << Describe(again);
  EXPECT_NE(again.err.find("taken"), std::string::npos) << again.err;
}

TEST_P(CliTest, BackupOnPostgresPointsToItsOwnTools) {
  if (sqlite()) GTEST_SKIP() << "PostgreSQL only";
  const auto backup = Ecotown({"backup", "--db", db_, "--output", (dir_ / "backup.db").string()});
  EXPECT_EQ(backup.exit_code, 2) << Describe(backup);
  EXPECT_NE(backup.err.find("pg_dump"), std::string::npos) << backup.err;
  const auto restore = Ecotown({"restore", "--db", db_, "--input", (dir_ / "backup.db").string()});
  EXPECT_EQ(restore.exit_code, 2) << Describe(restore);
  EXPECT_NE(restore.err.find("pg_restore"), std::string::npos) << restore.err;
}

TEST_P(CliTest, RestoreOfAMissingBackupFailsAndCreatesNothing) {
  if (!sqlite()) GTEST_SKIP() << "SQLite only";
  const fs::path target = dir_ / "target.db";
  const auto outcome =
      Ecotown({"restore", "--db", "sqlite:" + target.string(), "--input", (dir_ / "no-such-backup.db").string()});
  EXPECT_EQ(outcome.exit_code, 3) << Describe(outcome);
  EXPECT_NE(outcome.err.find("no-such-backup.db"), std::string::npos) << outcome.err;
  EXPECT_FALSE(fs::exists(target)) << "a failed restore must not leave an empty database behind";
}

TEST_P(CliTest, BackupOfAMissingDatabaseFailsAndCreatesNothing) {
  // Regression: a mistyped --db opened (so created) an empty database and "backed it up" with
  // exit status 0, so a nightly backup job would have kept empty backups without complaint.
  if (!sqlite()) GTEST_SKIP() << "SQLite only";
  const fs::path typo = dir_ / "ecotwon.db";
  const fs::path output = dir_ / "nightly.db";
  const auto outcome = Ecotown({"backup", "--db", "sqlite:" + typo.string(), "--output", output.string()});
  EXPECT_EQ(outcome.exit_code, 3) << Describe(outcome);
  EXPECT_NE(outcome.err.find(typo.string()), std::string::npos) << outcome.err;
  EXPECT_FALSE(fs::exists(typo));
  EXPECT_FALSE(fs::exists(output));
}

TEST_P(CliTest, SigtermStopsServeWithExitZeroAndLogsStopped) {
  Serve serve(db_, env_);
  ASSERT_NE(serve.port(), 0) << serve.child().err();
  auto client = serve.Client();
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  serve.child().Signal(SIGTERM);
  const auto code = serve.child().Wait(std::chrono::seconds(15));
  ASSERT_TRUE(code) << "serve did not stop on SIGTERM";
  EXPECT_EQ(*code, 0) << serve.child().err();
  EXPECT_NE(serve.child().err().find("stopped"), std::string::npos) << serve.child().err();
}

TEST_P(CliTest, SigintStopsServeWithExitZero) {
  Serve serve(db_, env_);
  ASSERT_NE(serve.port(), 0) << serve.child().err();
  serve.child().Signal(SIGINT);
  const auto code = serve.child().Wait(std::chrono::seconds(15));
  ASSERT_TRUE(code) << "serve did not stop on SIGINT";
  EXPECT_EQ(*code, 0) << serve.child().err();
}

TEST_P(CliTest, ServeOnAnAddressInUseFails) {
  Serve first(db_, env_);
  ASSERT_NE(first.port(), 0) << first.child().err();
  const auto second = Ecotown({"serve", "--db", db_, "--listen", "127.0.0.1:" + std::to_string(first.port())});
  EXPECT_NE(second.exit_code, 0) << Describe(second);
  EXPECT_NE(second.err.find("cannot listen"), std::string::npos) << second.err;
}

// `ecotown import factories`: a DIW-shaped CSV into an LAO's registry, one line of report per row,
// rejected rows written nowhere, a second run updates instead of duplicating.
TEST_P(CliTest, ImportFactoriesReportsEachRowAndUpdatesOnASecondRun) {
  AddBanpong();
  const fs::path csv = dir_ / "factories.csv";
  {
    std::ofstream out(csv);
    out << "FID,เลขทะเบียน,ประเภท,จำพวก,ชื่อโรงงาน,ผู้ประกอบก,แรงม้า,วันที่ใบอน,ละติจูด,ลองติจูด,TAM_ID_U\n"
        << "1,3-9(6)-100/51รบ,00906,3,โรงมันทดสอบ,นายทดสอบ,290.0,39797.0,13.81891,99.8843,700501\n"
        << "2,3-9(6)-101/51รบ,00906,3,โรงปีพุทธ,นายทดสอบ,100,239021.0,13.82,99.88,700501\n";
  }
  auto first = Ecotown({"import", "factories", csv.string(), "--org", "banpong", "--db", db_});
  ASSERT_EQ(first.exit_code, 0) << Describe(first);
  EXPECT_NE(first.out.find("line 2: accepted 3-9(6)-100/51รบ -> factory "), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("line 3: rejected 3-9(6)-101/51รบ - registered_on (วันที่ใบอน)"), std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("1 accepted, 0 updated, 1 rejected"), std::string::npos) << first.out;
  auto second = Ecotown({"import", "factories", csv.string(), "--org", "banpong", "--db", db_});
  ASSERT_EQ(second.exit_code, 0) << Describe(second);
  EXPECT_NE(second.out.find("0 accepted, 1 updated, 1 rejected"), std::string::npos) << second.out;

  auto unknown = Ecotown({"import", "factories", csv.string(), "--org", "nowhere", "--db", db_});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("nowhere"), std::string::npos) << unknown.err;
  auto missing = Ecotown({"import", "factories", (dir_ / "none.csv").string(), "--org", "banpong", "--db", db_});
  EXPECT_NE(missing.exit_code, 0);
  auto no_org = Ecotown({"import", "factories", csv.string(), "--db", db_});
  EXPECT_NE(no_org.exit_code, 0);
}

// The real DIW extract of Prachinburi (632 rows, ../shared): every row is accounted for, the
// Buddhist Era year typed into the licence date and the rows without any name are refused, the
// rest are registered. SQLite only: it loads the full geography the rows' subdistricts need.
TEST_P(CliTest, ImportFactoriesOfTheRealPrachinburiExtract) {
  if (!sqlite()) GTEST_SKIP() << "needs the full geography (SQLite loads it)";
  const fs::path csv = fs::path(ECOTOWN_SHARED_DIR) / "data/factories-diw-prachinburi/factories.csv";
  ASSERT_TRUE(fs::exists(csv)) << csv;
  const auto added = Ecotown({"org", "add", "--db", db_, "--code", "kabin", "--type", "town", "--name-th",
                              "เทศบาลทดสอบกบินทร์บุรี", "--name-en", "Test Kabin", "--subdistrict", "250214"});
  ASSERT_EQ(added.exit_code, 0) << Describe(added);
  auto outcome = Ecotown({"import", "factories", csv.string(), "--org", "kabin", "--db", db_});
  ASSERT_EQ(outcome.exit_code, 0) << Describe(outcome);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(outcome.out, m, std::regex(R"((\d+) accepted, (\d+) updated, (\d+) rejected)")))
      << outcome.out;
  EXPECT_EQ(std::stoi(m[1]) + std::stoi(m[2]) + std::stoi(m[3]), 632);
  EXPECT_GT(std::stoi(m[1]), 600);
  EXPECT_NE(outcome.out.find("'239021.0' is the date 2554-05-31: a Buddhist Era year"), std::string::npos);
  EXPECT_NE(outcome.out.find("the operator's name is used"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(cli, CliTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
