// The `ecotown` binary as a child process, for tests that run it as an operator would: CLI
// commands to completion, and `ecotown serve` on a free loopback port. The child gets the test's
// environment without ECOTOWN_* variables (no configuration from the developer's shell); its
// stdout and stderr go to files the test can read. Not thread-safe: one owner per process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ecotown::testing {

class EcotownProcess {
 public:
  // Starts `ecotown args...`; stdout to `out`, stderr to `err` (the same file when err is empty).
  // A start failure is an ADD_FAILURE and running() is false.
  EcotownProcess(const std::vector<std::string>& args, std::filesystem::path out, std::filesystem::path err = {});
  // SIGKILL and reap if still running, so a failed test leaves no process behind.
  ~EcotownProcess();
  EcotownProcess(const EcotownProcess&) = delete;
  EcotownProcess& operator=(const EcotownProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends a signal if still running.
  void Signal(int signal);
  // SIGKILL and wait until reaped.
  void Kill();
  // The exit code (128+N when killed by signal N), or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  std::string Out() const;
  std::string Err() const;

 private:
  void Reap(int flags);

  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// A loopback port nobody listens on right now (bind port 0 and let the kernel choose); 0 on error.
uint16_t FreeLoopbackPort();

// Runs `ecotown args...` to completion (at most `timeout`); the exit code or nullopt on timeout.
// Its stdout and stderr are left in *out and *err.
std::optional<int> RunEcotown(const std::vector<std::string>& args, const std::filesystem::path& log_stem,
                              std::string* out, std::string* err,
                              std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace ecotown::testing
