// Coverage zones and monitor states for the router's unit tests.
#pragma once

#include <memory>
#include <string>

#include "router/coverage_zone.hpp"
#include "router/monitor_state.hpp"
#include "router/routing_table.hpp"

namespace candela::router::testing {

// lon1 (127.0.0.0/24, 10.1.0.0/16, 2001:db8:1::/48) falls back to fra1 first; ams1 is nearer
// to London than fra1 and nyc1; sin1 has no coordinates.
inline std::shared_ptr<const CoverageZone> test_zone() {
  auto zone = parse_coverage_zone(R"({
    "default_group": "lon1",
    "groups": [
      {"name": "lon1", "networks": ["127.0.0.0/24", "10.1.0.0/16", "2001:db8:1::/48"],
       "latitude": 51.5, "longitude": -0.12, "fallbacks": ["fra1"]},
      {"name": "ams1", "networks": ["10.2.0.0/16", "2001:db8:2::/48"],
       "latitude": 52.37, "longitude": 4.9},
      {"name": "fra1", "networks": ["10.3.0.0/16"], "latitude": 50.11, "longitude": 8.68},
      {"name": "nyc1", "networks": ["10.4.0.0/16"], "latitude": 40.71, "longitude": -74.0},
      {"name": "sin1", "networks": ["10.5.0.0/16"]}
    ]})");
  return std::make_shared<const CoverageZone>(std::move(zone.value()));
}

inline MonitorEdge edge(std::string id, std::string group, std::string address,
                        bool available = true, std::string role = "edge") {
  MonitorEdge e;
  e.edge_id = std::move(id);
  e.cache_group = std::move(group);
  e.role = std::move(role);
  e.address = std::move(address);
  e.available = available;
  e.state = available ? "up" : "down";
  return e;
}

inline MonitorState state_with(std::vector<MonitorEdge> edges) {
  MonitorState state;
  state.monitor_id = "monitor-1";
  state.sequence = 42;
  state.cdn_domain = "cdn.candela.test";
  state.edges = std::move(edges);
  state.services = {"AB12CD34E", "ZZ99ZZ99Z"};
  return state;
}

}  // namespace candela::router::testing
