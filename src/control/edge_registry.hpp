// EdgeRegistry: the edges that join the control plane — created by provider staff with a node
// token, authenticated by that token on the feed, and their acknowledgements of feed events.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class EdgeRole { kEdge, kShield };
enum class EdgeNetwork { kProduction, kStaging };
enum class AckStatus { kApplied, kFailed };

std::string_view edge_role_name(EdgeRole role);
std::optional<EdgeRole> parse_edge_role(std::string_view name);
std::string_view edge_network_name(EdgeNetwork network);
std::optional<EdgeNetwork> parse_edge_network(std::string_view name);
std::string_view ack_status_name(AckStatus status);
std::optional<AckStatus> parse_ack_status(std::string_view name);

// The load an edge is built for, as it declares at registration; 0 = undeclared.
struct EdgeCapacity {
  long long requests_per_second = 0;
  long long bytes_per_second = 0;
  bool operator==(const EdgeCapacity&) const = default;
};

struct Edge {
  std::string edge_id;
  std::string cache_group;  // location, e.g. "lon1"
  std::string address;      // host:port where the edge serves
  // host:port of its admin listener (/healthz, /metrics) that the monitor polls; empty until
  // the edge registers one.
  std::optional<std::string> admin_address;
  EdgeCapacity capacity;
  EdgeRole role = EdgeRole::kEdge;
  EdgeNetwork network = EdgeNetwork::kProduction;
  bool active = true;
  SysTime registered_at;
  std::optional<SysTime> last_seen;
};

struct NewEdge {
  std::string edge_id;
  std::string cache_group;
  std::string address;
  EdgeRole role = EdgeRole::kEdge;
  EdgeNetwork network = EdgeNetwork::kProduction;
};

// A staff change to an edge; absent members stay as they are.
struct EdgeChange {
  std::optional<bool> active;
  std::optional<std::string> cache_group;
  std::optional<EdgeNetwork> network;
  bool regenerate_token = false;
};

// An edge with the node token that was just made for it: shown once, never stored.
struct EdgeWithToken {
  Edge edge;
  std::optional<std::string> node_token;
};

struct EdgePage {
  std::vector<Edge> edges;
  std::optional<std::string> next_after;  // the last edge id when more follow
};

// What an edge says about itself when it (re)starts; optional members are checked against the
// portal's record so a misconfigured edge is told instead of silently serving the wrong network.
struct Registration {
  std::string address;
  std::optional<std::string> cache_group;
  std::optional<EdgeRole> role;
  std::optional<EdgeNetwork> network;
  // Absent: keep what is stored (an older edge does not send them).
  std::optional<std::string> admin_address = std::nullopt;
  std::optional<EdgeCapacity> capacity = std::nullopt;
};

struct Ack {
  long long sequence = 0;
  std::string edge_id;
  AckStatus status = AckStatus::kApplied;
  std::string detail;
  SysTime acknowledged_at;
};

struct AckOutcome {
  Ack ack;           // the stored acknowledgement (the first one, if this was a repeat)
  bool recorded;     // false when the edge had already acknowledged this event
  std::string kind;  // the event's kind: "deployment", "invalidation" or "service_state"
};

// One edge's state for one feed event (a deployment or an invalidation).
struct EdgeEventStatus {
  std::string edge_id;
  std::string cache_group;
  EdgeNetwork network = EdgeNetwork::kProduction;
  bool active = true;
  std::optional<AckStatus> status;  // empty: not acknowledged yet
  std::optional<SysTime> acknowledged_at;
  std::string detail;
};

class EdgeRegistry {
 public:
  static constexpr std::size_t kMaxEdgeIdLength = 64;
  static constexpr std::size_t kMaxCacheGroupLength = 100;
  static constexpr std::size_t kMaxAddressLength = 261;  // a 255-byte name, ':' and a port
  static constexpr std::size_t kMaxAckDetailLength = 4096;
  static constexpr long long kMaxCapacity = 1'000'000'000'000;  // per member, 10^12
  static constexpr int kMaxPageSize = 500;

  // Works on the caller's session (inside its transaction for changes, so the change and its
  // audit record commit together).
  EdgeRegistry(soci::session& session, const Clock& clock, RandomSource& random)
      : session_(session), clock_(clock), random_(random) {}

  // Staff operations: reading needs a provider role; changes need one that may provision
  // (provider admin, activation engineer, CDN support technician). Invalid fields come back as
  // one kInvalid error whose `fields` point into the request ("/edge_id", ...).
  Result<EdgeWithToken> create(const Principal& principal, const NewEdge& edge);
  Result<EdgePage> list(const Principal& principal, const std::optional<std::string>& after,
                        int limit);
  Result<Edge> get(const Principal& principal, const std::string& edge_id);
  Result<EdgeWithToken> update(const Principal& principal, const std::string& edge_id,
                               const EdgeChange& change);

  // The edge a node token belongs to; kUnauthorized for an unknown or malformed token.
  Result<Edge> authenticate(std::string_view node_token);
  // Records the edge's address (and admin address and capacity when stated) and last_seen;
  // kConflict when a stated cache group, role or network differs from the record. Invalid
  // members come back located ("/address", "/admin_address", "/capacity/...").
  Result<Edge> register_edge(const Edge& edge, const Registration& registration);
  // Stamps last_seen (every feed poll).
  Result<std::monostate> touch(const std::string& edge_id);
  // Stores an acknowledgement once: a repeat changes nothing and returns the stored one.
  // kNotFound when no event has that sequence.
  Result<AckOutcome> acknowledge(const std::string& edge_id, long long sequence, AckStatus status,
                                 const std::string& detail);

  // SHA-256 of a token, lower-case hex: what the edges table keeps.
  static std::string token_hash(std::string_view node_token);

 private:
  Result<Edge> find(const std::string& edge_id);
  std::string new_token();

  soci::session& session_;
  const Clock& clock_;
  RandomSource& random_;
};

// "host:port" or "[v6]:port" with a port 1..65535: what an edge's address must look like.
bool valid_edge_address(std::string_view address);

// Per-edge state of a feed event: the edges (of `network`, when given) that are active or
// acknowledged it, ordered by edge id. A deployment passes its environment as the network.
Result<std::vector<EdgeEventStatus>> edge_event_status(soci::session& session, long long sequence,
                                                       std::optional<EdgeNetwork> network);

}  // namespace candela::control
