// Monitor health reports (docs/noc.md, "Monitor health reports"): each `candela monitor` sends
// its view of every edge (state, rates, overload); the latest report per (monitor, edge) is kept
// and the topology and the edge API show the freshest one that is recent enough.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class MonitorState { kUp, kDown, kDraining, kUnknown };
std::string_view monitor_state_name(MonitorState state);  // "up", "down", "draining", "unknown"
std::optional<MonitorState> parse_monitor_state(std::string_view name);

// A monitor polls every second and reports at least every 5 s: a report older than this means
// the monitor stopped (or lost the portal), so nobody should act on it any more.
inline constexpr std::chrono::seconds kMonitorHealthFreshFor{30};
// Clocks drift; a report stamped further ahead than this is a broken clock, not a measurement.
inline constexpr std::chrono::seconds kMaxObservedAhead{60};

// One monitor's view of one edge, as stored.
struct MonitorHealth {
  std::string monitor_id;
  std::string edge_id;
  MonitorState state = MonitorState::kUnknown;
  SysTime since;       // when the edge entered `state`
  SysTime checked_at;  // the report's observed_at
  double requests_per_second = 0;
  double bytes_per_second = 0;
  double error_rate = 0;  // 5xx / responses, 0..1
  bool overloaded = false;
  std::string detail;
};

// One edge in a report, as the monitor sends it.
struct HealthReportEdge {
  std::string edge_id;
  MonitorState state = MonitorState::kUnknown;
  SysTime since;
  double requests_per_second = 0;
  double bytes_per_second = 0;
  double error_rate = 0;
  bool overloaded = false;
  std::string detail;
};

struct HealthReport {
  SysTime observed_at;
  std::vector<HealthReportEdge> edges;
};

class EdgeHealthStore {
 public:
  static constexpr std::size_t kMaxDetailLength = 500;
  static constexpr std::size_t kMaxEdgesPerReport = 10000;

  // Works on the caller's session (inside its transaction).
  EdgeHealthStore(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Stores each edge's report for `monitor_id` (an authenticated monitor), replacing that
  // monitor's previous report for the edge unless the stored one is newer (a delayed retry must
  // not overwrite a fresher view). Returns how many were stored. Every problem — an unknown or
  // repeated edge, a negative or non-finite number, an error rate over 1, a detail that is too
  // long or not one printable line, `since` after `observed_at`, `observed_at` more than
  // kMaxObservedAhead ahead of the portal's clock — comes back as one kInvalid error with
  // pointers into the report ("/edges/0/edge_id") and nothing is stored.
  Result<int> store(const std::string& monitor_id, const HealthReport& report);

 private:
  soci::session& session_;
  const Clock& clock_;
};

// edge_id → the freshest report (any monitor) whose checked_at is within
// kMonitorHealthFreshFor of `now`; edges without one are absent.
Result<std::map<std::string, MonitorHealth>> fresh_monitor_health(soci::session& session,
                                                                  SysTime now);

}  // namespace candela::control
