// The monitor's documents: GET /state for routers (docs/monitor.md) and the health report
// PUT to the portal (docs/network-contract §3).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "monitor/edge_status.hpp"

namespace candela::monitor {

struct StateView {
  std::string monitor_id;
  SysTime generated_at;
  std::uint64_t sequence = 0;
  std::string cdn_domain;
  const std::vector<EdgeStatus>* edges = nullptr;  // ordered by edge_id
  const std::vector<std::string>* services = nullptr;
};

nlohmann::json state_document(const StateView& view);

// Everything in /state's edges except the rates: `sequence` grows when this changes.
std::string state_fingerprint(const std::vector<EdgeStatus>& edges);

nlohmann::json health_report(SysTime observed_at, const std::vector<EdgeStatus>& edges);

}  // namespace candela::monitor
