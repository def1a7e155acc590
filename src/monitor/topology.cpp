// parse_topology: the §2 document → Topology, refusing what the monitor could not act on.
#include "monitor/topology.hpp"

#include <algorithm>
#include <set>

#include "monitor/http_fetch.hpp"

namespace candela::monitor {

namespace {

using nlohmann::json;

Error bad(const std::string& pointer, const std::string& why) {
  return Error{"topology " + pointer + ": " + why, ErrorKind::kInvalid, {{pointer, why}}};
}

std::optional<Error> read_string(const json& object, const char* member, const std::string& where,
                                 std::string& out, bool required) {
  const auto it = object.find(member);
  if (it == object.end() || it->is_null()) {
    if (required) return bad(where + "/" + member, "is required");
    return std::nullopt;
  }
  if (!it->is_string()) return bad(where + "/" + member, "must be a string");
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<Error> read_capacity(const json& edge, const std::string& where, Capacity& out) {
  const auto it = edge.find("capacity");
  if (it == edge.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return bad(where + "/capacity", "must be an object");
  for (const char* member : {"requests_per_second", "bytes_per_second"}) {
    const auto value = it->find(member);
    if (value == it->end() || value->is_null()) continue;
    if (!value->is_number_integer() || value->get<long long>() < 0) {
      return bad(where + "/capacity/" + member, "must be a non-negative integer");
    }
    const auto n = value->get<std::uint64_t>();
    (std::string_view(member) == "requests_per_second" ? out.requests_per_second
                                                       : out.bytes_per_second) = n;
  }
  return std::nullopt;
}

Result<TopologyEdge> read_edge(const json& item, const std::string& where) {
  if (!item.is_object()) return bad(where, "must be an object");
  TopologyEdge edge;
  if (auto e = read_string(item, "edge_id", where, edge.edge_id, true)) return *e;
  if (edge.edge_id.empty()) return bad(where + "/edge_id", "must not be empty");
  if (auto e = read_string(item, "cache_group", where, edge.cache_group, false)) return *e;
  if (auto e = read_string(item, "role", where, edge.role, false)) return *e;
  if (edge.role != "edge" && edge.role != "shield") {
    return bad(where + "/role", "must be \"edge\" or \"shield\"");
  }
  if (auto e = read_string(item, "address", where, edge.address, false)) return *e;
  if (auto e = read_string(item, "admin_address", where, edge.admin_address, false)) return *e;
  if (!edge.admin_address.empty()) {
    if (auto parsed = parse_host_port(edge.admin_address); !parsed) {
      return bad(where + "/admin_address", parsed.error());
    }
  }
  if (auto e = read_capacity(item, where, edge.capacity)) return *e;
  if (const auto it = item.find("draining"); it != item.end() && !it->is_null()) {
    if (!it->is_boolean()) return bad(where + "/draining", "must be true or false");
    edge.draining = it->get<bool>();
  }
  std::string reference;
  if (auto e = read_string(item, "maintenance_reference", where, reference, false)) return *e;
  if (!reference.empty()) edge.maintenance_reference = reference;
  return edge;
}

}  // namespace

Result<Topology> parse_topology(const json& document) {
  if (!document.is_object()) return bad("", "the document must be a JSON object");
  Topology topology;
  if (auto e = read_string(document, "network", "", topology.network, false)) return *e;
  if (auto e = read_string(document, "cdn_domain", "", topology.cdn_domain, false)) return *e;
  const auto edges = document.find("edges");
  if (edges == document.end() || !edges->is_array()) return bad("/edges", "must be an array");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < edges->size(); ++i) {
    const std::string where = "/edges/" + std::to_string(i);
    auto edge = read_edge((*edges)[i], where);
    if (!edge) return edge.failure();
    if (!seen.insert(edge->edge_id).second) {
      return bad(where + "/edge_id", "\"" + edge->edge_id + "\" appears twice");
    }
    topology.edges.push_back(std::move(edge.value()));
  }
  std::sort(topology.edges.begin(), topology.edges.end(),
            [](const TopologyEdge& a, const TopologyEdge& b) { return a.edge_id < b.edge_id; });
  if (const auto services = document.find("services");
      services != document.end() && !services->is_null()) {
    if (!services->is_array()) return bad("/services", "must be an array of SCIDs");
    for (std::size_t i = 0; i < services->size(); ++i) {
      if (!(*services)[i].is_string()) {
        return bad("/services/" + std::to_string(i), "must be a string");
      }
      topology.services.push_back((*services)[i].get<std::string>());
    }
    std::sort(topology.services.begin(), topology.services.end());
  }
  return topology;
}

Result<Topology> parse_topology_text(std::string_view text) {
  json document = json::parse(text, nullptr, false);
  if (document.is_discarded()) return Error{"the topology is not valid JSON"};
  return parse_topology(document);
}

}  // namespace candela::monitor
