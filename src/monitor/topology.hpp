// The network topology the monitor watches: the portal's GET /api/v1/network/topology document
// (docs/network-contract §2), or the same JSON in a file.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "monitor/edge_rates.hpp"

namespace candela::monitor {

struct TopologyEdge {
  std::string edge_id;
  std::string cache_group;
  std::string role = "edge";  // edge | shield
  std::string address;        // host:port serving clients
  std::string admin_address;  // host:port of /healthz and /metrics; empty: not polled
  Capacity capacity;
  bool draining = false;  // an open maintenance window drains it
  std::optional<std::string> maintenance_reference;

  bool operator==(const TopologyEdge&) const = default;
};

struct Topology {
  std::string network = "production";
  std::string cdn_domain;
  std::vector<TopologyEdge> edges;  // ordered by edge_id
  std::vector<std::string> services;
};

// Validates and reads the document; the error names the first bad member by JSON Pointer.
// Members the monitor does not use (generated_at, health, ...) are ignored.
Result<Topology> parse_topology(const nlohmann::json& document);
Result<Topology> parse_topology_text(std::string_view text);

}  // namespace candela::monitor
