// A real `candela router` process for the edge-network tests (docs/router.md), on loopback
// ports; the monitor's is in monitor_process.hpp.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace candela::testing {

struct RouterPorts {
  int http = 0;
  int dns = 0;  // UDP and TCP
  int admin = 0;
};

class RouterProcess {
 public:
  // Starts `candela router` with a coverage-zone file holding `coverage_zone`, following the
  // monitors in order, authoritative for `domain`, on free ports; waits until the admin
  // listener accepts connections (its /healthz is 503 until a monitor's state arrived).
  // `extra_args` are appended.
  RouterProcess(const std::vector<std::string>& monitor_urls, const nlohmann::json& coverage_zone,
                const std::string& domain, std::vector<std::string> extra_args = {});
  ~RouterProcess();

  const RouterPorts& ports() const { return ports_; }
  // The coverage-zone file (rewrite it and send SIGHUP to reload).
  std::string coverage_zone_path() const { return dir_.path() + "/coverage-zone.json"; }
  ChildProcess& process() { return *process_; }
  std::string log() const;
  void stop();

 private:
  TempDir dir_;
  RouterPorts ports_;
  std::unique_ptr<ChildProcess> process_;
};

// A free port on 127.0.0.1 for both UDP and TCP (DNS listens on both).
int free_udp_tcp_port();

}  // namespace candela::testing
