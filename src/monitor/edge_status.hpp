// What the monitor currently knows about one edge: the topology's facts and its own findings.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "monitor/edge_rates.hpp"
#include "monitor/health_state.hpp"
#include "monitor/topology.hpp"

namespace candela::monitor {

struct EdgeStatus {
  TopologyEdge edge;
  HealthState state = HealthState::kUnknown;
  SysTime since;       // when `state` was entered
  SysTime checked_at;  // the last probe's end (or `since` before any)
  EdgeRates rates;     // over the last interval with two readings
  bool overloaded = false;
  std::string detail = "not polled yet";  // one line: why the state is what it is

  // up, not drained by /healthz or maintenance, and under its capacity.
  bool available() const { return state == HealthState::kUp && !edge.draining && !overloaded; }
  bool draining() const { return edge.draining || state == HealthState::kDraining; }
};

}  // namespace candela::monitor
