// Which parents the network topology (GET /api/v1/network/topology, docs/noc.md) gives this edge:
// the shields of its network, except itself, that are not draining and not reported down.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "edge/edge_config.hpp"

namespace candela::edge {

struct TopologyParents {
  // false: the topology lists no shield at all, so the configuration file's parents stay in force.
  bool from_topology = false;
  bool self_is_shield = false;        // this edge is a shield: it fills from origins only
  std::vector<ParentConfig> parents;  // ordered by edge id, as the topology lists them
  // Shields left out, one line each ("shield-2: draining"), for the log.
  std::vector<std::string> skipped;
};

// Reads a topology document. A document that is not the §2 shape (no "edges" array, an edge
// without edge_id or role) is an error, and the caller keeps the parents it has; a shield whose
// address is not host:port is skipped (and listed in `skipped`).
Result<TopologyParents> parents_from_topology(const nlohmann::json& topology,
                                              std::string_view own_edge_id);

}  // namespace candela::edge
