// A real `candela monitor` process for integration tests, and reading its /state.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace candela::testing {

class MonitorProcess {
 public:
  // Starts `candela monitor <args> --listen 127.0.0.1:<free port>` and waits until it listens.
  explicit MonitorProcess(std::vector<std::string> args);
  ~MonitorProcess();

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  ChildProcess& process() { return *process_; }
  std::string log() const;
  // GET /state; nullopt unless it answers 200 with JSON.
  std::optional<nlohmann::json> state() const;
  // The edge's object in /state, or null.
  nlohmann::json edge(const std::string& edge_id) const;
  // The state ("up", "down", ...) of an edge in /state, or "" when absent or unreadable.
  std::string edge_state(const std::string& edge_id) const;

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace candela::testing
