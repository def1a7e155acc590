// Building a routing snapshot: edge parsing, candidate sets and each group's fallback order.
#include "router/routing_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>

#include "common/rendezvous_hash.hpp"

namespace candela::router {

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool valid_label(std::string_view label) noexcept {
  if (label.empty() || label.size() > 63) return false;
  for (const char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

double great_circle_km(double lat1, double lon1, double lat2, double lon2) noexcept {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

std::optional<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view address) {
  std::string_view host;
  std::string_view port;
  if (!address.empty() && address.front() == '[') {
    const std::size_t close = address.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = address.substr(1, close - 1);
    const std::string_view rest = address.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    const std::size_t colon = address.rfind(':');
    host = address.substr(0, colon);
    if (colon != std::string_view::npos) port = address.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // IPv6 needs brackets
  }
  if (host.empty()) return std::nullopt;
  unsigned value = 80;
  if (!port.empty() || address.back() == ':') {
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return std::nullopt;
    }
  }
  return std::make_pair(std::string(host), static_cast<std::uint16_t>(value));
}

RoutingTable::RoutingTable(std::shared_ptr<const CoverageZone> zone, const MonitorState& state,
                           std::uint64_t version)
    : zone_(std::move(zone)),
      version_(version),
      sequence_(state.sequence),
      monitor_id_(state.monitor_id),
      cdn_domain_(state.cdn_domain) {
  // Every group name: the coverage zone's, then those only edges name (sorted).
  std::vector<std::string> names;
  for (const auto& group : zone_->groups())
    names.push_back(group.name);
  std::vector<std::string> extra;
  for (const auto& edge : state.edges) {
    if (zone_->find(edge.cache_group) == zone_->groups().size()) extra.push_back(edge.cache_group);
  }
  std::sort(extra.begin(), extra.end());
  extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
  names.insert(names.end(), extra.begin(), extra.end());
  const auto index_of = [&names](std::string_view name) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };

  sets_.resize(names.size());
  for (std::size_t g = 0; g < names.size(); ++g) {
    for (auto& set : sets_[g])
      set.group = names[g];
  }
  for (const auto& source : state.edges) {
    RoutedEdge edge;
    edge.id = source.edge_id;
    edge.label = lower_ascii(source.edge_id);
    edge.group = source.cache_group;
    const auto host_port = split_host_port(source.address);
    if (host_port) {
      edge.host = host_port->first;
      edge.port = host_port->second;
      edge.ip = parse_ip_address(edge.host);
      if (edge.port != 80) edge.port_suffix = ":" + std::to_string(edge.port);
    }
    // The id becomes a DNS label and a response field: anything else cannot be routed to.
    const bool routable_id = valid_label(edge.label);
    edge.candidate =
        routable_id && host_port.has_value() && source.role == "edge" && source.available;
    const auto index = static_cast<std::uint32_t>(edges_.size());
    if (edge.candidate) {
      ++candidate_count_;
      auto& group_sets = sets_[index_of(edge.group)];
      const std::uint64_t node_hash = stable_hash(edge.id);
      const auto add = [&](AddressNeed need) {
        auto& set = group_sets[static_cast<std::size_t>(need)];
        set.hashes.push_back(node_hash);
        set.edges.push_back(index);
      };
      add(AddressNeed::kAny);
      if (edge.ip && edge.ip->family == IpFamily::kV4) add(AddressNeed::kV4);
      if (edge.ip && edge.ip->family == IpFamily::kV6) add(AddressNeed::kV6);
    }
    if (routable_id && host_port) edge_by_label_.emplace(edge.label, index);
    edges_.push_back(std::move(edge));
  }
  for (const auto& scid : state.services)
    services_.insert(lower_ascii(scid));

  // Each coverage group's order: itself, its fallbacks, the rest by distance, then the groups
  // without coordinates by name.
  const auto& groups = zone_->groups();
  orders_.resize(groups.size());
  choice_.resize(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::vector<std::string>& order = orders_[g];
    order.push_back(groups[g].name);
    for (const auto& fallback : groups[g].fallbacks) {
      if (std::find(order.begin(), order.end(), fallback) == order.end()) order.push_back(fallback);
    }
    std::vector<std::pair<double, std::string>> located;
    std::vector<std::string> unlocated;
    for (const auto& name : names) {
      if (std::find(order.begin(), order.end(), name) != order.end()) continue;
      const std::size_t z = zone_->find(name);
      const bool both = groups[g].latitude && z < groups.size() && groups[z].latitude;
      if (both) {
        located.emplace_back(great_circle_km(*groups[g].latitude, *groups[g].longitude,
                                             *groups[z].latitude, *groups[z].longitude),
                             name);
      } else {
        unlocated.push_back(name);
      }
    }
    std::sort(located.begin(), located.end());
    std::sort(unlocated.begin(), unlocated.end());
    for (auto& [distance, name] : located)
      order.push_back(std::move(name));
    for (auto& name : unlocated)
      order.push_back(std::move(name));

    for (std::size_t need = 0; need < 3; ++need) {
      choice_[g][need] = sets_.size();
      for (const auto& name : order) {
        const std::size_t s = index_of(name);
        if (s < sets_.size() && !sets_[s][need].empty()) {
          choice_[g][need] = s;
          break;
        }
      }
    }
  }
}

const CandidateSet& RoutingTable::candidates(std::size_t group, AddressNeed need) const noexcept {
  if (group >= choice_.size()) return empty_;
  const std::size_t s = choice_[group][static_cast<std::size_t>(need)];
  return s < sets_.size() ? sets_[s][static_cast<std::size_t>(need)] : empty_;
}

std::size_t RoutingTable::choose(const CandidateSet& set, std::uint64_t key_hash,
                                 std::uint32_t* out, std::size_t max) const noexcept {
  std::size_t chosen = 0;
  while (chosen < max) {
    const std::size_t pick = rendezvous_pick(key_hash, set.hashes, [&](std::size_t i) {
      for (std::size_t k = 0; k < chosen; ++k) {
        if (out[k] == set.edges[i]) return false;
      }
      return true;
    });
    if (pick == set.hashes.size()) break;
    out[chosen++] = set.edges[pick];
  }
  return chosen;
}

const RoutedEdge* RoutingTable::find_edge(std::string_view label) const {
  const auto it = edge_by_label_.find(label);
  return it == edge_by_label_.end() ? nullptr : &edges_[it->second];
}

bool RoutingTable::has_service(std::string_view label) const {
  return services_.find(label) != services_.end();
}

}  // namespace candela::router
