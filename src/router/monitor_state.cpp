// Parsing the monitor's /state document.
#include "router/monitor_state.hpp"

#include <nlohmann/json.hpp>

namespace candela::router {

namespace {

using json = nlohmann::json;

bool same_edge(const MonitorEdge& a, const MonitorEdge& b) {
  return a.edge_id == b.edge_id && a.cache_group == b.cache_group && a.role == b.role &&
         a.address == b.address && a.state == b.state && a.available == b.available &&
         a.draining == b.draining && a.overloaded == b.overloaded;
}

bool read_string(const json& object, const char* member, std::string& out) {
  const auto it = object.find(member);
  if (it == object.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool read_bool(const json& object, const char* member, bool& out, bool required) {
  const auto it = object.find(member);
  if (it == object.end() || it->is_null()) return !required;
  if (!it->is_boolean()) return false;
  out = it->get<bool>();
  return true;
}

}  // namespace

bool MonitorState::same_routing(const MonitorState& other) const {
  if (cdn_domain != other.cdn_domain || services != other.services ||
      edges.size() != other.edges.size()) {
    return false;
  }
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (!same_edge(edges[i], other.edges[i])) return false;
  }
  return true;
}

Result<MonitorState> parse_monitor_state(std::string_view json_text) {
  const json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Error{"/state is not a JSON object"};
  MonitorState out;
  read_string(doc, "monitor_id", out.monitor_id);
  read_string(doc, "cdn_domain", out.cdn_domain);
  const auto sequence = doc.find("sequence");
  if (sequence != doc.end() && sequence->is_number_unsigned()) {
    out.sequence = sequence->get<std::uint64_t>();
  }
  const auto edges = doc.find("edges");
  if (edges == doc.end() || !edges->is_array()) return Error{"/edges: required array"};
  out.edges.reserve(edges->size());
  for (std::size_t i = 0; i < edges->size(); ++i) {
    const json& item = (*edges)[i];
    const std::string at = "/edges/" + std::to_string(i);
    if (!item.is_object()) return Error{at + ": must be an object"};
    MonitorEdge edge;
    if (!read_string(item, "edge_id", edge.edge_id) || edge.edge_id.empty()) {
      return Error{at + "/edge_id: required string"};
    }
    if (!read_string(item, "cache_group", edge.cache_group)) {
      return Error{at + "/cache_group: required string"};
    }
    if (!read_string(item, "role", edge.role)) return Error{at + "/role: required string"};
    if (!read_string(item, "address", edge.address)) {
      return Error{at + "/address: required string"};
    }
    read_string(item, "state", edge.state);
    if (!read_bool(item, "available", edge.available, /*required=*/true)) {
      return Error{at + "/available: required boolean"};
    }
    if (!read_bool(item, "draining", edge.draining, false)) {
      return Error{at + "/draining: must be a boolean"};
    }
    if (!read_bool(item, "overloaded", edge.overloaded, false)) {
      return Error{at + "/overloaded: must be a boolean"};
    }
    out.edges.push_back(std::move(edge));
  }
  const auto services = doc.find("services");
  if (services != doc.end() && !services->is_null()) {
    if (!services->is_array()) return Error{"/services: must be an array of SCIDs"};
    for (std::size_t i = 0; i < services->size(); ++i) {
      if (!(*services)[i].is_string()) {
        return Error{"/services/" + std::to_string(i) + ": must be a string"};
      }
      out.services.push_back((*services)[i].get<std::string>());
    }
  }
  return out;
}

}  // namespace candela::router
