// noc_dashboard(): edges (paged through the registry), drains, open events and open tickets.
#include "control/noc_dashboard.hpp"

#include <soci/soci.h>

#include "control/database.hpp"
#include "control/maintenance_drain.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

Result<std::vector<NocTicketRow>> open_tickets(soci::session& session,
                                               std::map<int, int>& by_severity) {
  for (int severity = 1; severity <= 4; ++severity)
    by_severity[severity] = 0;
  {
    int severity = 0;
    long long count = 0;
    soci::statement statement =
        (session.prepare << "SELECT severity, COUNT(*) FROM tickets"
                            " WHERE state NOT IN ('resolved', 'closed') GROUP BY severity",
         soci::into(severity), soci::into(count));
    statement.execute();
    while (statement.fetch())
      by_severity[severity] = static_cast<int>(count);
  }
  std::vector<NocTicketRow> rows;
  NocTicketRow row;
  std::string scid;
  soci::indicator scid_ind = soci::i_null;
  long long created_at = 0, updated_at = 0, response_due_at = 0, restore_due_at = 0;
  const int limit = NocDashboard::kMaxTickets;
  soci::statement statement =
      (session.prepare
           << "SELECT t.reference, t.type, t.origin, t.severity, t.state, t.subject, t.scid,"
              " c.customer_number, t.centre_code, t.escalation_level, t.created_at, t.updated_at,"
              " t.response_due_at, t.restore_due_at FROM tickets t"
              " JOIN customers c ON c.id = t.customer_id"
              " WHERE t.state NOT IN ('resolved', 'closed')"
              " ORDER BY t.severity, t.created_at, t.id LIMIT :n",
       soci::use(limit), soci::into(row.reference), soci::into(row.type), soci::into(row.origin),
       soci::into(row.severity), soci::into(row.state), soci::into(row.subject),
       soci::into(scid, scid_ind), soci::into(row.customer_number), soci::into(row.centre),
       soci::into(row.escalation_level), soci::into(created_at), soci::into(updated_at),
       soci::into(response_due_at), soci::into(restore_due_at));
  statement.execute();
  while (statement.fetch()) {
    NocTicketRow out = row;
    out.scid = scid_ind == soci::i_ok ? std::optional(scid) : std::nullopt;
    out.created_at = from_epoch_ms(created_at);
    out.updated_at = from_epoch_ms(updated_at);
    out.response_due_at = from_epoch_ms(response_due_at);
    out.restore_due_at = from_epoch_ms(restore_due_at);
    rows.push_back(std::move(out));
  }
  return rows;
}

}  // namespace

std::string_view edge_health_name(EdgeHealth health) {
  switch (health) {
    case EdgeHealth::kUp:
      return "up";
    case EdgeHealth::kStale:
      return "stale";
    case EdgeHealth::kDown:
      return "down";
  }
  return "down";
}

EdgeHealth edge_health(const std::optional<SysTime>& last_seen, SysTime now) {
  if (!last_seen) return EdgeHealth::kDown;
  const auto age = now - *last_seen;
  if (age <= kEdgeUpWithin) return EdgeHealth::kUp;
  if (age <= kEdgeStaleWithin) return EdgeHealth::kStale;
  return EdgeHealth::kDown;
}

Result<NocDashboard> noc_dashboard(soci::session& session, const Clock& clock, RandomSource& random,
                                   const Principal& principal) {
  return guarded("could not build the NOC dashboard", [&]() -> Result<NocDashboard> {
    if (auto allowed = may_read_noc(principal); !allowed.ok()) return Error{allowed.failure()};
    NocDashboard dashboard;
    dashboard.generated_at = clock.now();
    auto drains = draining_edges(session, dashboard.generated_at);
    if (!drains.ok()) return Error{drains.failure()};
    auto monitor_health = fresh_monitor_health(session, dashboard.generated_at);
    if (!monitor_health.ok()) return Error{monitor_health.failure()};
    EdgeRegistry registry(session, clock, random);
    std::optional<std::string> after;
    do {
      auto page = registry.list(principal, after, EdgeRegistry::kMaxPageSize);
      if (!page.ok()) return Error{page.failure()};
      for (auto& edge : page->edges) {
        NocEdgeRow row;
        row.health = edge_health(edge.last_seen, dashboard.generated_at);
        if (auto found = monitor_health->find(edge.edge_id); found != monitor_health->end()) {
          row.monitor_health = found->second;
        }
        if (auto drain = drains->find(edge.edge_id); drain != drains->end()) {
          row.draining = true;
          row.maintenance_reference = drain->second;
        }
        row.edge = std::move(edge);
        dashboard.edges.push_back(std::move(row));
      }
      after = page->next_after;
    } while (after);
    auto events = NocEvents(session).open_events();
    if (!events.ok()) return Error{events.failure()};
    dashboard.open_events = std::move(events).value();
    auto tickets = open_tickets(session, dashboard.open_tickets_by_severity);
    if (!tickets.ok()) return Error{tickets.failure()};
    dashboard.open_tickets = std::move(tickets).value();
    return dashboard;
  });
}

}  // namespace candela::control
