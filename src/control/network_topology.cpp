// network_topology(): active edges of one network joined with drains and monitor health, and the
// answerable services, all read in the caller's session.
#include "control/network_topology.hpp"

#include <soci/soci.h>

#include "control/database.hpp"
#include "control/maintenance_drain.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

Status may_read_topology(const TopologyReader& reader, EdgeNetwork network) {
  if (reader.monitor_id) return ok_status();
  if (reader.edge) {
    if (reader.edge->network == network) return ok_status();
    return Error{"edge \"" + reader.edge->edge_id + "\" belongs to the " +
                     std::string(edge_network_name(reader.edge->network)) +
                     " network and may read only its topology",
                 ErrorKind::kForbidden};
  }
  if (reader.principal && reader.principal->is_provider()) return ok_status();
  return Error{"the network topology is for the provider's staff, edges and monitors",
               ErrorKind::kForbidden};
}

// The active edges of `network` by id, with the columns EdgeRegistry reads.
Result<std::vector<Edge>> active_edges(soci::session& session, EdgeNetwork network) {
  const std::string network_text(edge_network_name(network));
  std::vector<Edge> edges;
  std::string edge_id, cache_group, address, role, admin_address;
  long long registered_at = 0, last_seen = 0, rps = 0, bps = 0;
  soci::indicator last_seen_ind = soci::i_null;
  soci::indicator admin_ind = soci::i_null;
  soci::statement st =
      (session.prepare << "SELECT edge_id, cache_group, address, role, registered_at, last_seen,"
                          " admin_address, capacity_rps, capacity_bps FROM edges"
                          " WHERE active = 1 AND network = :net ORDER BY edge_id",
       soci::use(network_text), soci::into(edge_id), soci::into(cache_group), soci::into(address),
       soci::into(role), soci::into(registered_at), soci::into(last_seen, last_seen_ind),
       soci::into(admin_address, admin_ind), soci::into(rps), soci::into(bps));
  st.execute();
  while (st.fetch()) {
    Edge edge;
    edge.edge_id = edge_id;
    edge.cache_group = cache_group;
    edge.address = address;
    edge.role = parse_edge_role(role).value_or(EdgeRole::kEdge);
    edge.network = network;
    edge.active = true;
    edge.registered_at = from_epoch_ms(registered_at);
    if (last_seen_ind == soci::i_ok) edge.last_seen = from_epoch_ms(last_seen);
    if (admin_ind == soci::i_ok) edge.admin_address = admin_address;
    edge.capacity = EdgeCapacity{rps, bps};
    edges.push_back(std::move(edge));
  }
  return edges;
}

std::vector<std::string> answerable_services(soci::session& session) {
  std::vector<std::string> scids;
  std::string scid;
  soci::statement st = (session.prepare << "SELECT scid FROM services"
                                           " WHERE state IN ('active', 'suspended') ORDER BY scid",
                        soci::into(scid));
  st.execute();
  while (st.fetch())
    scids.push_back(scid);
  return scids;
}

}  // namespace

Result<NetworkTopology> network_topology(soci::session& session, const Clock& clock,
                                         const TopologyReader& reader, EdgeNetwork network) {
  return guarded("could not build the network topology", [&]() -> Result<NetworkTopology> {
    if (auto allowed = may_read_topology(reader, network); !allowed.ok()) {
      return Error{allowed.failure()};
    }
    NetworkTopology topology;
    topology.generated_at = clock.now();
    topology.network = network;
    auto drains = draining_edges(session, topology.generated_at);
    if (!drains.ok()) return Error{drains.failure()};
    auto health = fresh_monitor_health(session, topology.generated_at);
    if (!health.ok()) return Error{health.failure()};
    auto edges = active_edges(session, network);
    if (!edges.ok()) return Error{edges.failure()};
    for (auto& edge : *edges) {
      TopologyEdge row;
      if (auto drain = drains->find(edge.edge_id); drain != drains->end()) {
        row.draining = true;
        row.maintenance_reference = drain->second;
      }
      if (auto found = health->find(edge.edge_id); found != health->end()) {
        row.health = found->second;
      }
      row.edge = std::move(edge);
      topology.edges.push_back(std::move(row));
    }
    topology.services = answerable_services(session);
    return topology;
  });
}

}  // namespace candela::control
