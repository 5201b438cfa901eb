#include "support/ecotown_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/test_env.h"

extern char** environ;

namespace ecotown::testing {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

EcotownProcess::EcotownProcess(const std::vector<std::string>& args, std::filesystem::path out,
                               std::filesystem::path err)
    : out_(std::move(out)), err_(err.empty() ? out_ : std::move(err)) {
  std::vector<std::string> argv_storage{EcotownBinary()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "ECOTOWN_", 8) != 0) env_storage.emplace_back(*e);
  }
  env_storage.emplace_back("ECOTOWN_LOG_LEVEL=info");
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err_ == out_) {
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(rc);
    pid_ = -1;
  }
}

EcotownProcess::~EcotownProcess() {
  if (running()) Kill();
}

bool EcotownProcess::running() {
  if (pid_ <= 0 || exit_code_) return false;
  Reap(WNOHANG);
  return !exit_code_;
}

void EcotownProcess::Signal(int signal) {
  if (running()) ::kill(pid_, signal);
}

void EcotownProcess::Kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  Reap(0);
}

std::optional<int> EcotownProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

std::string EcotownProcess::Out() const { return ReadFile(out_); }
std::string EcotownProcess::Err() const { return ReadFile(err_); }

void EcotownProcess::Reap(int flags) {
  int status = 0;
  if (::waitpid(pid_, &status, flags) == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
}

uint16_t FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
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

std::optional<int> RunEcotown(const std::vector<std::string>& args, const std::filesystem::path& log_stem,
                              std::string* out, std::string* err, std::chrono::milliseconds timeout) {
  std::filesystem::path out_path = log_stem, err_path = log_stem;
  out_path += ".out";
  err_path += ".err";
  EcotownProcess process(args, out_path, err_path);
  auto code = process.Wait(timeout);
  *out = process.Out();
  *err = process.Err();
  return code;
}

}  // namespace ecotown::testing
