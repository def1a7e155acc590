// A monitor's GET /state document (docs/network contract §7), parsed into what routing needs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace candela::router {

struct MonitorEdge {
  std::string edge_id;
  std::string cache_group;
  std::string role;     // "edge" | "shield"
  std::string address;  // host:port where it serves clients
  std::string state;    // up | down | draining | unknown
  bool available = false;
  bool draining = false;
  bool overloaded = false;
};

struct MonitorState {
  std::string monitor_id;
  std::uint64_t sequence = 0;
  std::string cdn_domain;
  std::vector<MonitorEdge> edges;
  std::vector<std::string> services;  // SCIDs the DNS mode answers

  // Equal when routing would not change (rates and timestamps are not compared).
  bool same_routing(const MonitorState& other) const;
};

// Strict about what routing relies on (each edge's id, group, role, address, available),
// lenient about members it does not use, so a newer monitor can add fields.
Result<MonitorState> parse_monitor_state(std::string_view json_text);

}  // namespace candela::router
