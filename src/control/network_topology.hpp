// The network topology (docs/noc.md, "Network topology"): what shields, monitors and the router
// need to know about one network — its active edges with where they serve and answer health
// checks, their declared capacity, maintenance drain and the freshest monitor health — and the
// services whose names the router answers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/edge_health.hpp"
#include "control/edge_registry.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

// Who reads the topology: an edge (by node token), a monitor (by its token), or a user.
struct TopologyReader {
  std::optional<Edge> edge;               // an edge reads its own network only
  std::optional<std::string> monitor_id;  // a monitor may read any network
  std::optional<Principal> principal;     // provider staff only; customers are refused
};

struct TopologyEdge {
  Edge edge;
  bool draining = false;  // an open maintenance window covers it
  std::optional<std::string> maintenance_reference;
  std::optional<MonitorHealth> health;  // the freshest report, if recent enough
};

struct NetworkTopology {
  SysTime generated_at;
  EdgeNetwork network = EdgeNetwork::kProduction;
  std::vector<TopologyEdge> edges;    // active edges of the network, by edge id
  std::vector<std::string> services;  // SCIDs of active and suspended services, sorted
};

// kForbidden for a customer, or an edge asking about a network other than its own.
Result<NetworkTopology> network_topology(soci::session& session, const Clock& clock,
                                         const TopologyReader& reader, EdgeNetwork network);

}  // namespace candela::control
