// EdgeRegistry: edges, node tokens (only their SHA-256 is stored) and event acknowledgements.
#include "control/edge_registry.hpp"

#include <soci/soci.h>
#include <sodium.h>

#include <array>
#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/database.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"
#include "control/text_rules.hpp"

namespace candela::control {
namespace {

// 32 random bytes, base64url without padding.
constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenLength = 43;

bool is_provider_reader(const Principal& principal) {
  for (const auto& grant : principal.grants) {
    if (is_provider_role(grant.role) && provider_role_allows(grant.role, Action::kRead)) {
      return true;
    }
  }
  return false;
}

bool is_provider_provisioner(const Principal& principal) {
  for (const auto& grant : principal.grants) {
    if (is_provider_role(grant.role) && provider_role_allows(grant.role, Action::kProvision)) {
      return true;
    }
  }
  return false;
}

Status may_read(const Principal& principal) {
  if (is_provider_reader(principal)) return ok_status();
  return Error{"edges are managed by the provider's staff", ErrorKind::kForbidden};
}

Status may_change(const Principal& principal) {
  if (is_provider_provisioner(principal)) return ok_status();
  return Error{is_provider_reader(principal) ? "your role may look at edges but not change them"
                                             : "edges are managed by the provider's staff",
               ErrorKind::kForbidden};
}

}  // namespace

// "host:port" or "[v6]:port"; the host a DNS name or an address literal.
bool valid_edge_address(std::string_view address) {
  if (address.empty() || address.size() > EdgeRegistry::kMaxAddressLength) return false;
  std::string_view host;
  std::string_view port;
  if (address.front() == '[') {
    const auto close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return false;
    }
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
    for (char c : host) {
      const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                      c == ':' || c == '.';
      if (!ok) return false;
    }
  } else {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    for (char c : host) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.';
      if (!ok) return false;
    }
  }
  if (host.empty() || port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

namespace {

bool valid_address(std::string_view address) {
  return valid_edge_address(address);
}

std::vector<std::pair<std::string, std::string>> check_cache_group(const std::string& group) {
  if (group.empty() || group.size() > EdgeRegistry::kMaxCacheGroupLength ||
      !is_printable_text(group)) {
    return {{"/cache_group", "must be 1 to " + std::to_string(EdgeRegistry::kMaxCacheGroupLength) +
                                 " printable characters, e.g. \"lon1\""}};
  }
  return {};
}

// Reads the columns of kEdgeColumns into an Edge.
struct EdgeRow {
  std::string edge_id;
  std::string cache_group;
  std::string address;
  std::string role;
  std::string network;
  int active = 1;
  long long registered_at = 0;
  long long last_seen = 0;
  soci::indicator last_seen_ind = soci::i_null;
  std::string admin_address;
  soci::indicator admin_address_ind = soci::i_null;
  long long capacity_rps = 0;
  long long capacity_bps = 0;

  Edge to_edge() const {
    Edge edge;
    edge.edge_id = edge_id;
    edge.cache_group = cache_group;
    edge.address = address;
    edge.role = parse_edge_role(role).value_or(EdgeRole::kEdge);
    edge.network = parse_edge_network(network).value_or(EdgeNetwork::kProduction);
    edge.active = active != 0;
    edge.registered_at = from_epoch_ms(registered_at);
    if (last_seen_ind == soci::i_ok) edge.last_seen = from_epoch_ms(last_seen);
    if (admin_address_ind == soci::i_ok) edge.admin_address = admin_address;
    edge.capacity = EdgeCapacity{capacity_rps, capacity_bps};
    return edge;
  }
};

constexpr const char* kEdgeColumns =
    "edge_id, cache_group, address, role, network, active, registered_at, last_seen,"
    " admin_address, capacity_rps, capacity_bps";

}  // namespace

std::string_view edge_role_name(EdgeRole role) {
  return role == EdgeRole::kShield ? "shield" : "edge";
}

std::optional<EdgeRole> parse_edge_role(std::string_view name) {
  if (name == "edge") return EdgeRole::kEdge;
  if (name == "shield") return EdgeRole::kShield;
  return std::nullopt;
}

std::string_view edge_network_name(EdgeNetwork network) {
  return network == EdgeNetwork::kStaging ? "staging" : "production";
}

std::optional<EdgeNetwork> parse_edge_network(std::string_view name) {
  if (name == "production") return EdgeNetwork::kProduction;
  if (name == "staging") return EdgeNetwork::kStaging;
  return std::nullopt;
}

std::string_view ack_status_name(AckStatus status) {
  return status == AckStatus::kFailed ? "failed" : "applied";
}

std::optional<AckStatus> parse_ack_status(std::string_view name) {
  if (name == "applied") return AckStatus::kApplied;
  if (name == "failed") return AckStatus::kFailed;
  return std::nullopt;
}

std::string EdgeRegistry::token_hash(std::string_view node_token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(node_token.data()),
                     node_token.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

std::string EdgeRegistry::new_token() {
  std::array<unsigned char, kTokenBytes> bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    std::uint64_t word = random_.next_u64();
    for (std::size_t j = 0; j < 8; ++j) {
      bytes[i + j] = static_cast<unsigned char>(word >> (8 * j));
    }
  }
  std::array<char, kTokenLength + 1> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(text.data(), kTokenLength);
}

Result<Edge> EdgeRegistry::find(const std::string& edge_id) {
  EdgeRow row;
  session_ << std::string("SELECT ") + kEdgeColumns + " FROM edges WHERE edge_id = :id",
      soci::use(edge_id), soci::into(row.edge_id), soci::into(row.cache_group),
      soci::into(row.address), soci::into(row.role), soci::into(row.network),
      soci::into(row.active), soci::into(row.registered_at),
      soci::into(row.last_seen, row.last_seen_ind),
      soci::into(row.admin_address, row.admin_address_ind), soci::into(row.capacity_rps),
      soci::into(row.capacity_bps);
  if (!session_.got_data()) {
    return Error{"there is no edge \"" + edge_id + "\"", ErrorKind::kNotFound};
  }
  return row.to_edge();
}

Result<EdgeWithToken> EdgeRegistry::create(const Principal& principal, const NewEdge& edge) {
  return guarded("could not create the edge", [&]() -> Result<EdgeWithToken> {
    if (auto allowed = may_change(principal); !allowed.ok()) return Error{allowed.failure()};
    std::vector<std::pair<std::string, std::string>> fields;
    if (!is_node_id(edge.edge_id, kMaxEdgeIdLength)) {
      fields.emplace_back("/edge_id", "must be 1 to " + std::to_string(kMaxEdgeIdLength) +
                                          " characters: lower-case letters, digits, '-', '.', '_',"
                                          " starting with a letter or digit");
    }
    for (auto& f : check_cache_group(edge.cache_group))
      fields.push_back(std::move(f));
    if (!valid_address(edge.address)) {
      fields.emplace_back("/address", "must be host:port (or [v6]:port), e.g. \"10.0.0.7:80\"");
    }
    if (!fields.empty()) {
      return Error{"the edge has invalid fields", ErrorKind::kInvalid, std::move(fields)};
    }
    int existing = 0;
    session_ << "SELECT COUNT(*) FROM edges WHERE edge_id = :id", soci::use(edge.edge_id),
        soci::into(existing);
    if (existing != 0) {
      return Error{"an edge \"" + edge.edge_id + "\" exists already", ErrorKind::kConflict};
    }
    const std::string token = new_token();
    const std::string hash = token_hash(token);
    const long long now = to_epoch_ms(clock_.now());
    const std::string role(edge_role_name(edge.role));
    const std::string network(edge_network_name(edge.network));
    session_ << "INSERT INTO edges (edge_id, cache_group, address, role, network, node_token_hash,"
                " active, registered_at) VALUES (:id, :grp, :addr, :role, :net, :hash, 1, :now)",
        soci::use(edge.edge_id), soci::use(edge.cache_group), soci::use(edge.address),
        soci::use(role), soci::use(network), soci::use(hash), soci::use(now);
    AuditEntry entry = audit_entry(principal, "edge", edge.edge_id, "create");
    entry.to_state = "active";
    entry.details = nlohmann::json{
        {"cache_group", edge.cache_group},
        {"address", edge.address},
        {"role", role},
        {"network",
         network}}.dump();
    auto audited = AuditLog(session_, clock_).append(entry);
    if (!audited.ok()) return Error{audited.failure()};
    auto stored = find(edge.edge_id);
    if (!stored.ok()) return Error{stored.failure()};
    return EdgeWithToken{std::move(stored).value(), token};
  });
}

Result<EdgePage> EdgeRegistry::list(const Principal& principal,
                                    const std::optional<std::string>& after, int limit) {
  return guarded("could not list edges", [&]() -> Result<EdgePage> {
    if (auto allowed = may_read(principal); !allowed.ok()) return Error{allowed.failure()};
    if (limit < 1 || limit > kMaxPageSize) {
      return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
    }
    const std::string after_id = after.value_or("");
    const int fetch = limit + 1;  // one more tells whether another page follows
    EdgePage page;
    EdgeRow row;
    soci::statement st =
        (session_.prepare << std::string("SELECT ") + kEdgeColumns +
                                 " FROM edges WHERE edge_id > :after ORDER BY edge_id LIMIT :n",
         soci::use(after_id), soci::use(fetch), soci::into(row.edge_id),
         soci::into(row.cache_group), soci::into(row.address), soci::into(row.role),
         soci::into(row.network), soci::into(row.active), soci::into(row.registered_at),
         soci::into(row.last_seen, row.last_seen_ind),
         soci::into(row.admin_address, row.admin_address_ind), soci::into(row.capacity_rps),
         soci::into(row.capacity_bps));
    st.execute();
    while (st.fetch()) {
      if (static_cast<int>(page.edges.size()) == limit) {
        page.next_after = page.edges.back().edge_id;
        break;
      }
      page.edges.push_back(row.to_edge());
    }
    return page;
  });
}

Result<Edge> EdgeRegistry::get(const Principal& principal, const std::string& edge_id) {
  return guarded("could not read the edge", [&]() -> Result<Edge> {
    if (auto allowed = may_read(principal); !allowed.ok()) return Error{allowed.failure()};
    return find(edge_id);
  });
}

Result<EdgeWithToken> EdgeRegistry::update(const Principal& principal, const std::string& edge_id,
                                           const EdgeChange& change) {
  return guarded("could not change the edge", [&]() -> Result<EdgeWithToken> {
    if (auto allowed = may_change(principal); !allowed.ok()) return Error{allowed.failure()};
    auto current = find(edge_id);
    if (!current.ok()) return Error{current.failure()};
    if (change.cache_group) {
      auto fields = check_cache_group(*change.cache_group);
      if (!fields.empty()) {
        return Error{"the change has invalid fields", ErrorKind::kInvalid, std::move(fields)};
      }
    }
    Edge next = current.value();
    nlohmann::json details = nlohmann::json::object();
    if (change.active && *change.active != next.active) {
      details["active"] = *change.active;
      next.active = *change.active;
    }
    if (change.cache_group && *change.cache_group != next.cache_group) {
      details["cache_group"] = {{"from", next.cache_group}, {"to", *change.cache_group}};
      next.cache_group = *change.cache_group;
    }
    if (change.network && *change.network != next.network) {
      details["network"] = {{"from", edge_network_name(next.network)},
                            {"to", edge_network_name(*change.network)}};
      next.network = *change.network;
    }
    std::optional<std::string> token;
    if (change.regenerate_token) {
      token = new_token();
      details["node_token"] = "regenerated";
      // SOCI binds by reference: the hash must outlive the statement.
      const std::string hash = token_hash(*token);
      session_ << "UPDATE edges SET node_token_hash = :hash WHERE edge_id = :id", soci::use(hash),
          soci::use(edge_id);
    }
    if (details.empty()) return EdgeWithToken{std::move(next), std::nullopt};
    const int active = next.active ? 1 : 0;
    const std::string network(edge_network_name(next.network));
    session_ << "UPDATE edges SET active = :active, cache_group = :grp, network = :net"
                " WHERE edge_id = :id",
        soci::use(active), soci::use(next.cache_group), soci::use(network), soci::use(edge_id);
    AuditEntry entry = audit_entry(principal, "edge", edge_id, "update");
    if (current->active != next.active) {
      entry.from_state = current->active ? "active" : "inactive";
      entry.to_state = next.active ? "active" : "inactive";
    }
    entry.details = details.dump();
    auto audited = AuditLog(session_, clock_).append(entry);
    if (!audited.ok()) return Error{audited.failure()};
    return EdgeWithToken{std::move(next), std::move(token)};
  });
}

Result<Edge> EdgeRegistry::authenticate(std::string_view node_token) {
  return guarded("could not check the node token", [&]() -> Result<Edge> {
    // A malformed token cannot match; refusing it early keeps junk out of the lookup.
    bool well_formed = node_token.size() == kTokenLength;
    for (char c : node_token) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      if (!ok) well_formed = false;
    }
    const Error refused{"the node token is not valid for any edge", ErrorKind::kUnauthorized};
    if (!well_formed) return refused;
    const std::string hash = token_hash(node_token);
    std::string edge_id;
    session_ << "SELECT edge_id FROM edges WHERE node_token_hash = :hash", soci::use(hash),
        soci::into(edge_id);
    if (!session_.got_data()) return refused;
    return find(edge_id);
  });
}

Result<Edge> EdgeRegistry::register_edge(const Edge& edge, const Registration& registration) {
  return guarded("could not record the registration", [&]() -> Result<Edge> {
    std::vector<std::pair<std::string, std::string>> fields;
    if (!valid_address(registration.address)) {
      fields.emplace_back("/address", "must be host:port (or [v6]:port), e.g. \"10.0.0.7:80\"");
    }
    if (registration.admin_address && !valid_address(*registration.admin_address)) {
      fields.emplace_back("/admin_address",
                          "must be host:port (or [v6]:port), e.g. \"10.0.0.7:9181\"");
    }
    if (registration.capacity) {
      const std::string range =
          "must be a whole number from 0 (undeclared) to " + std::to_string(kMaxCapacity);
      if (registration.capacity->requests_per_second < 0 ||
          registration.capacity->requests_per_second > kMaxCapacity) {
        fields.emplace_back("/capacity/requests_per_second", range);
      }
      if (registration.capacity->bytes_per_second < 0 ||
          registration.capacity->bytes_per_second > kMaxCapacity) {
        fields.emplace_back("/capacity/bytes_per_second", range);
      }
    }
    if (!fields.empty()) {
      return Error{"the registration has invalid fields", ErrorKind::kInvalid, std::move(fields)};
    }
    auto mismatch = [&](const std::string& what, std::string_view stated,
                        std::string_view recorded) -> Error {
      return Error{"edge \"" + edge.edge_id + "\" is recorded with " + what + " \"" +
                       std::string(recorded) + "\" but says \"" + std::string(stated) +
                       "\"; fix the edge's flags or ask the provider's staff to change the record",
                   ErrorKind::kConflict};
    };
    if (registration.cache_group && *registration.cache_group != edge.cache_group) {
      return mismatch("cache group", *registration.cache_group, edge.cache_group);
    }
    if (registration.role && *registration.role != edge.role) {
      return mismatch("role", edge_role_name(*registration.role), edge_role_name(edge.role));
    }
    if (registration.network && *registration.network != edge.network) {
      return mismatch("network", edge_network_name(*registration.network),
                      edge_network_name(edge.network));
    }
    // Start from the stored row, not the caller's copy: only what the edge states changes.
    auto stored = find(edge.edge_id);
    if (!stored.ok()) return Error{stored.failure()};
    Edge updated = std::move(stored).value();
    const long long now = to_epoch_ms(clock_.now());
    updated.address = registration.address;
    updated.last_seen = from_epoch_ms(now);
    if (registration.admin_address) updated.admin_address = registration.admin_address;
    if (registration.capacity) updated.capacity = *registration.capacity;
    const std::string admin_address = updated.admin_address.value_or("");
    soci::indicator admin_ind = updated.admin_address ? soci::i_ok : soci::i_null;
    session_ << "UPDATE edges SET address = :addr, last_seen = :now, admin_address = :admin,"
                " capacity_rps = :rps, capacity_bps = :bps WHERE edge_id = :id",
        soci::use(registration.address), soci::use(now), soci::use(admin_address, admin_ind),
        soci::use(updated.capacity.requests_per_second),
        soci::use(updated.capacity.bytes_per_second), soci::use(edge.edge_id);
    return updated;
  });
}

Result<std::monostate> EdgeRegistry::touch(const std::string& edge_id) {
  return guarded("could not record that the edge was seen", [&]() -> Result<std::monostate> {
    const long long now = to_epoch_ms(clock_.now());
    session_ << "UPDATE edges SET last_seen = :now WHERE edge_id = :id", soci::use(now),
        soci::use(edge_id);
    return std::monostate{};
  });
}

Result<AckOutcome> EdgeRegistry::acknowledge(const std::string& edge_id, long long sequence,
                                             AckStatus status, const std::string& detail) {
  return guarded("could not record the acknowledgement", [&]() -> Result<AckOutcome> {
    if (detail.size() > kMaxAckDetailLength) {
      return Error{
          "the acknowledgement has invalid fields",
          ErrorKind::kInvalid,
          {{"/detail", "must be at most " + std::to_string(kMaxAckDetailLength) + " bytes"}}};
    }
    std::string kind;
    session_ << "SELECT kind FROM feed_events WHERE sequence = :seq", soci::use(sequence),
        soci::into(kind);
    if (!session_.got_data()) {
      return Error{"there is no feed event " + std::to_string(sequence), ErrorKind::kNotFound};
    }
    // The first acknowledgement stands: an edge that retries after a lost answer must not
    // overwrite (or duplicate) what it said.
    const long long now = to_epoch_ms(clock_.now());
    const std::string status_text(ack_status_name(status));
    soci::statement insert =
        (session_.prepare
             << "INSERT INTO event_acks (sequence, edge_id, applied_at, status, detail)"
                " VALUES (:seq, :edge, :now, :status, :detail)"
                " ON CONFLICT (sequence, edge_id) DO NOTHING",
         soci::use(sequence), soci::use(edge_id), soci::use(now), soci::use(status_text),
         soci::use(detail));
    insert.execute(true);
    const bool recorded = insert.get_affected_rows() > 0;
    AckOutcome outcome{Ack{}, recorded, kind};
    long long at = 0;
    std::string stored_status;
    session_ << "SELECT applied_at, status, detail FROM event_acks"
                " WHERE sequence = :seq AND edge_id = :edge",
        soci::use(sequence), soci::use(edge_id), soci::into(at), soci::into(stored_status),
        soci::into(outcome.ack.detail);
    outcome.ack.sequence = sequence;
    outcome.ack.edge_id = edge_id;
    outcome.ack.status = parse_ack_status(stored_status).value_or(AckStatus::kApplied);
    outcome.ack.acknowledged_at = from_epoch_ms(at);
    return outcome;
  });
}

Result<std::vector<EdgeEventStatus>> edge_event_status(soci::session& session, long long sequence,
                                                       std::optional<EdgeNetwork> network) {
  return guarded(
      "could not read the edges' acknowledgements", [&]() -> Result<std::vector<EdgeEventStatus>> {
        const std::string network_text = network ? std::string(edge_network_name(*network)) : "";
        std::vector<EdgeEventStatus> out;
        std::string edge_id;
        std::string cache_group;
        std::string edge_network;
        int active = 0;
        std::string status;
        long long at = 0;
        std::string detail;
        soci::indicator status_ind = soci::i_null;
        soci::indicator at_ind = soci::i_null;
        soci::indicator detail_ind = soci::i_null;
        soci::statement st =
            (session.prepare
                 << "SELECT e.edge_id, e.cache_group, e.network, e.active, a.status, a.applied_at,"
                    " a.detail FROM edges e LEFT JOIN event_acks a"
                    " ON a.edge_id = e.edge_id AND a.sequence = :seq"
                    " WHERE (:net = '' OR e.network = :net2)"
                    " AND (e.active = 1 OR a.sequence IS NOT NULL) ORDER BY e.edge_id",
             soci::use(sequence), soci::use(network_text), soci::use(network_text),
             soci::into(edge_id), soci::into(cache_group), soci::into(edge_network),
             soci::into(active), soci::into(status, status_ind), soci::into(at, at_ind),
             soci::into(detail, detail_ind));
        st.execute();
        while (st.fetch()) {
          EdgeEventStatus row;
          row.edge_id = edge_id;
          row.cache_group = cache_group;
          row.network = parse_edge_network(edge_network).value_or(EdgeNetwork::kProduction);
          row.active = active != 0;
          if (status_ind == soci::i_ok) row.status = parse_ack_status(status);
          if (at_ind == soci::i_ok) row.acknowledged_at = from_epoch_ms(at);
          if (detail_ind == soci::i_ok) row.detail = detail;
          out.push_back(std::move(row));
        }
        return out;
      });
}

}  // namespace candela::control
