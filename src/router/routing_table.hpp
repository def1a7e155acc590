// One immutable routing snapshot: a monitor state joined with the coverage zone, with every
// per-request question precomputed (which group's edges serve a group's clients, per address
// family), so a decision is one prefix lookup plus one rendezvous pass over a short vector.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "router/coverage_zone.hpp"
#include "router/ip_address.hpp"
#include "router/monitor_state.hpp"

namespace candela::router {

// What kind of edge address a decision needs: any (HTTP redirects to host names too), or an
// IPv4 / IPv6 literal (DNS A / AAAA answers).
enum class AddressNeed : std::uint8_t { kAny = 0, kV4 = 1, kV6 = 2 };

struct RoutedEdge {
  std::string id;     // as the monitor spells it (Candela-Edge)
  std::string label;  // lower-cased id: the first label of the routed host name
  std::string group;  // cache group
  std::string host;   // host of the address, without IPv6 brackets
  std::uint16_t port = 80;
  std::optional<IpAddress> ip;  // when the host is an IP literal
  std::string port_suffix;      // ":<port>", or empty for port 80
  bool candidate = false;       // role edge and available
};

// Edges of one group that can take new clients, with their rendezvous node hashes.
struct CandidateSet {
  std::string group;
  std::vector<std::uint64_t> hashes;  // stable_hash(edge id), parallel to edges
  std::vector<std::uint32_t> edges;   // indexes into RoutingTable::edges()
  bool empty() const noexcept { return edges.empty(); }
};

class RoutingTable {
 public:
  // `version` numbers snapshots so per-thread caches know when theirs is stale.
  RoutingTable(std::shared_ptr<const CoverageZone> zone, const MonitorState& state,
               std::uint64_t version);

  const CoverageZone& zone() const noexcept { return *zone_; }
  std::uint64_t version() const noexcept { return version_; }
  std::uint64_t sequence() const noexcept { return sequence_; }
  const std::string& monitor_id() const noexcept { return monitor_id_; }
  const std::string& cdn_domain() const noexcept { return cdn_domain_; }
  const std::vector<RoutedEdge>& edges() const noexcept { return edges_; }
  std::size_t candidate_count() const noexcept { return candidate_count_; }

  // The candidates for clients of coverage group `group`: the group's own edges, else the
  // first group with any in its fallback order. An empty set when there is none anywhere.
  const CandidateSet& candidates(std::size_t group, AddressNeed need) const noexcept;

  // The group names tried for clients of coverage group `group`, in order (for docs/tests).
  const std::vector<std::string>& group_order(std::size_t group) const { return orders_[group]; }

  // Writes up to `max` edge indexes into `out`: the rendezvous pick for `key_hash`, then the
  // next in rank. Returns how many; never allocates.
  std::size_t choose(const CandidateSet& set, std::uint64_t key_hash, std::uint32_t* out,
                     std::size_t max) const noexcept;

  // The edge whose lower-cased id is `label`, or nullptr.
  const RoutedEdge* find_edge(std::string_view label) const;
  // Whether the lower-cased SCID is one of the state's services.
  bool has_service(std::string_view label) const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;
  using StringIndex = std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>>;

  std::shared_ptr<const CoverageZone> zone_;
  std::uint64_t version_;
  std::uint64_t sequence_;
  std::string monitor_id_;
  std::string cdn_domain_;
  std::vector<RoutedEdge> edges_;
  std::size_t candidate_count_ = 0;
  // Per known group name (coverage groups first, then groups only the state names): the
  // candidates for each AddressNeed.
  std::vector<std::array<CandidateSet, 3>> sets_;
  // Per coverage group and AddressNeed: index into sets_ of the first non-empty set in the
  // group's order, or sets_.size().
  std::vector<std::array<std::size_t, 3>> choice_;
  std::vector<std::vector<std::string>> orders_;
  CandidateSet empty_;
  StringIndex edge_by_label_;
  StringSet services_;
};

// The great-circle distance in kilometres between two points given in degrees.
double great_circle_km(double lat1, double lon1, double lat2, double lon2) noexcept;

// "host:port" or "[v6]:port" (port 80 when absent) → host and port; nullopt when malformed.
std::optional<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view address);

// A lower-case DNS label of letters, digits, '-' and '_' (1-63 bytes).
bool valid_label(std::string_view label) noexcept;

// ASCII lower case.
std::string lower_ascii(std::string_view text);

}  // namespace candela::router
