// Starts and stops real child processes (candela subcommands, peer servers) for integration tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace candela::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` with the given arguments; stdout and stderr go to `log_path` if not empty.
  ChildProcess(std::vector<std::string> argv, std::string log_path = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Sends SIGTERM and waits; escalates to SIGKILL after `grace`. Returns the exit status.
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  // Waits for the process to end by itself; returns its wait status or -1 on timeout.
  int wait_for_exit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

// A loopback TCP port that was free a moment ago.
int free_port();

// Polls until something accepts TCP connections on 127.0.0.1:port; false on timeout.
bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

// A fresh directory under the system temp folder, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace candela::testing
