// Topology → parents: role shield, not this edge, not draining, health not "down".
#include "edge/topology_parents.hpp"

namespace candela::edge {

namespace {

std::string string_member(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<TopologyParents> parents_from_topology(const nlohmann::json& topology,
                                              std::string_view own_edge_id) {
  if (!topology.is_object() || !topology.contains("edges") || !topology["edges"].is_array()) {
    return Error{"the topology is not an object with an \"edges\" array"};
  }
  TopologyParents out;
  const auto& edges = topology["edges"];
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const auto& edge = edges[i];
    const std::string where = "/edges/" + std::to_string(i);
    if (!edge.is_object()) return Error{"the topology's " + where + " is not an object"};
    const std::string id = string_member(edge, "edge_id");
    const std::string role = string_member(edge, "role");
    if (id.empty() || role.empty()) {
      return Error{"the topology's " + where + " has no edge_id or role"};
    }
    if (role != "shield") continue;
    out.from_topology = true;
    if (id == own_edge_id) {
      out.self_is_shield = true;
      continue;
    }
    if (!valid_edge_id(id)) {
      out.skipped.push_back(id + ": not a valid edge id");
      continue;
    }
    const std::string address = string_member(edge, "address");
    std::string host;
    std::uint16_t port = 0;
    if (!split_host_port(address, host, port) || host.empty()) {
      out.skipped.push_back(id + ": address \"" + address + "\" is not host:port");
      continue;
    }
    if (auto draining = edge.find("draining");
        draining != edge.end() && draining->is_boolean() && draining->get<bool>()) {
      out.skipped.push_back(id + ": draining");
      continue;
    }
    if (auto health = edge.find("health");
        health != edge.end() && health->is_object() && string_member(*health, "state") == "down") {
      out.skipped.push_back(id + ": down");
      continue;
    }
    out.parents.push_back({id, address});
  }
  // A shield fills from origins: parents would make it another hop of the tier.
  if (out.self_is_shield) out.parents.clear();
  return out;
}

}  // namespace candela::edge
