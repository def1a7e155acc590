// The NOC dashboard: every edge with its health (from last_seen) and drain state, the open
// events, and the open tickets by severity with the most urgent first. Provider staff only.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "control/edge_health.hpp"
#include "control/edge_registry.hpp"
#include "control/noc_events.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class EdgeHealth { kUp, kStale, kDown };
std::string_view edge_health_name(EdgeHealth health);  // "up", "stale", "down"

// Edges stamp last_seen on every feed poll, and a healthy edge polls at least every 25 s (the
// feed's longest hold): seen within kEdgeUpWithin is up (one missed poll tolerated); within
// kEdgeStaleWithin it is stale (retrying with backoff, or the portal was restarting); later or
// never is down.
inline constexpr std::chrono::seconds kEdgeUpWithin{60};
inline constexpr std::chrono::seconds kEdgeStaleWithin{300};
EdgeHealth edge_health(const std::optional<SysTime>& last_seen, SysTime now);

struct NocEdgeRow {
  Edge edge;
  EdgeHealth health = EdgeHealth::kDown;
  // The freshest monitor report (control/edge_health.hpp), if one is recent enough.
  std::optional<MonitorHealth> monitor_health;
  bool draining = false;
  std::optional<std::string> maintenance_reference;
};

// The fields of the tickets API's TicketSummary.
struct NocTicketRow {
  std::string reference;
  std::string type;
  std::string origin;
  int severity = 0;
  std::string state;
  std::string subject;
  std::optional<std::string> scid;
  std::string customer_number;
  std::string centre;
  int escalation_level = 0;
  SysTime created_at;
  SysTime updated_at;
  SysTime response_due_at;
  SysTime restore_due_at;
};

struct NocDashboard {
  static constexpr int kMaxTickets = 50;

  std::vector<NocEdgeRow> edges;                // by edge id
  std::vector<NocEvent> open_events;            // most severe, then oldest first
  std::map<int, int> open_tickets_by_severity;  // 1..4, each present
  std::vector<NocTicketRow> open_tickets;       // up to kMaxTickets, most severe, oldest first
  SysTime generated_at;
};

Result<NocDashboard> noc_dashboard(soci::session& session, const Clock& clock, RandomSource& random,
                                   const Principal& principal);

}  // namespace candela::control
