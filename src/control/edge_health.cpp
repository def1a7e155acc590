// EdgeHealthStore: validates a monitor's report as a whole, then upserts one row per edge.
#include "control/edge_health.hpp"

#include <soci/soci.h>

#include <cmath>
#include <set>

#include "control/database.hpp"
#include "control/store_guard.hpp"
#include "control/text_rules.hpp"

namespace candela::control {
namespace {

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

void check_rate(FieldErrors& fields, const std::string& pointer, double value, double max) {
  if (!std::isfinite(value) || value < 0 || value > max) {
    fields.emplace_back(pointer, max == 1.0 ? "must be a number from 0 to 1"
                                            : "must be a finite number, 0 or more");
  }
}

// Reads the columns of the health SELECT into a MonitorHealth.
struct HealthRow {
  std::string monitor_id;
  std::string edge_id;
  std::string state;
  long long since = 0;
  long long checked_at = 0;
  double rps = 0;
  double bps = 0;
  double error_rate = 0;
  int overloaded = 0;
  std::string detail;

  MonitorHealth to_health() const {
    MonitorHealth out;
    out.monitor_id = monitor_id;
    out.edge_id = edge_id;
    out.state = parse_monitor_state(state).value_or(MonitorState::kUnknown);
    out.since = from_epoch_ms(since);
    out.checked_at = from_epoch_ms(checked_at);
    out.requests_per_second = rps;
    out.bytes_per_second = bps;
    out.error_rate = error_rate;
    out.overloaded = overloaded != 0;
    out.detail = detail;
    return out;
  }
};

}  // namespace

std::string_view monitor_state_name(MonitorState state) {
  switch (state) {
    case MonitorState::kUp:
      return "up";
    case MonitorState::kDown:
      return "down";
    case MonitorState::kDraining:
      return "draining";
    case MonitorState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<MonitorState> parse_monitor_state(std::string_view name) {
  if (name == "up") return MonitorState::kUp;
  if (name == "down") return MonitorState::kDown;
  if (name == "draining") return MonitorState::kDraining;
  if (name == "unknown") return MonitorState::kUnknown;
  return std::nullopt;
}

Result<int> EdgeHealthStore::store(const std::string& monitor_id, const HealthReport& report) {
  return guarded("could not store the health report", [&]() -> Result<int> {
    FieldErrors fields;
    const SysTime now = clock_.now();
    if (report.observed_at > now + kMaxObservedAhead) {
      fields.emplace_back("/observed_at",
                          "is more than " + std::to_string(kMaxObservedAhead.count()) +
                              " s ahead of the portal's clock; check the monitor's clock (NTP)");
    }
    if (report.edges.size() > kMaxEdgesPerReport) {
      fields.emplace_back("/edges",
                          "may list at most " + std::to_string(kMaxEdgesPerReport) + " edges");
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < report.edges.size() && i < kMaxEdgesPerReport; ++i) {
      const HealthReportEdge& edge = report.edges[i];
      const std::string at = "/edges/" + std::to_string(i);
      if (!seen.insert(edge.edge_id).second) {
        fields.emplace_back(at + "/edge_id", "repeats an edge listed earlier in the report");
      } else {
        int known = 0;
        session_ << "SELECT COUNT(*) FROM edges WHERE edge_id = :id", soci::use(edge.edge_id),
            soci::into(known);
        if (known == 0) fields.emplace_back(at + "/edge_id", "is not a registered edge");
      }
      if (edge.since > report.observed_at) {
        fields.emplace_back(at + "/since", "must not be after observed_at");
      }
      check_rate(fields, at + "/requests_per_second", edge.requests_per_second, HUGE_VAL);
      check_rate(fields, at + "/bytes_per_second", edge.bytes_per_second, HUGE_VAL);
      check_rate(fields, at + "/error_rate", edge.error_rate, 1.0);
      if (edge.detail.size() > kMaxDetailLength || !is_printable_text(edge.detail)) {
        fields.emplace_back(at + "/detail", "must be one line of at most " +
                                                std::to_string(kMaxDetailLength) +
                                                " printable characters");
      }
    }
    if (!fields.empty()) {
      return Error{"the health report has invalid fields", ErrorKind::kInvalid, std::move(fields)};
    }
    const long long checked_at = to_epoch_ms(report.observed_at);
    int stored = 0;
    for (const HealthReportEdge& edge : report.edges) {
      const std::string state(monitor_state_name(edge.state));
      const long long since = to_epoch_ms(edge.since);
      const int overloaded = edge.overloaded ? 1 : 0;
      // A delayed (retried) report must not replace a newer one: the WHERE keeps the newer row.
      soci::statement upsert =
          (session_.prepare
               << "INSERT INTO edge_health (monitor_id, edge_id, state, since, checked_at,"
                  " requests_per_second, bytes_per_second, error_rate, overloaded, detail)"
                  " VALUES (:monitor, :edge, :state, :since, :checked, :rps, :bps, :err, :over,"
                  " :detail)"
                  " ON CONFLICT (monitor_id, edge_id) DO UPDATE SET state = excluded.state,"
                  " since = excluded.since, checked_at = excluded.checked_at,"
                  " requests_per_second = excluded.requests_per_second,"
                  " bytes_per_second = excluded.bytes_per_second,"
                  " error_rate = excluded.error_rate, overloaded = excluded.overloaded,"
                  " detail = excluded.detail"
                  " WHERE edge_health.checked_at <= excluded.checked_at",
           soci::use(monitor_id), soci::use(edge.edge_id), soci::use(state), soci::use(since),
           soci::use(checked_at), soci::use(edge.requests_per_second),
           soci::use(edge.bytes_per_second), soci::use(edge.error_rate), soci::use(overloaded),
           soci::use(edge.detail));
      upsert.execute(true);
      if (upsert.get_affected_rows() > 0) ++stored;
    }
    return stored;
  });
}

Result<std::map<std::string, MonitorHealth>> fresh_monitor_health(soci::session& session,
                                                                  SysTime now) {
  return guarded("could not read the monitors' health reports",
                 [&]() -> Result<std::map<std::string, MonitorHealth>> {
                   const long long oldest = to_epoch_ms(now - kMonitorHealthFreshFor);
                   std::map<std::string, MonitorHealth> out;
                   HealthRow row;
                   // Newest first per edge; ties go to the lowest monitor id, so the answer is
                   // the same on every call.
                   soci::statement st =
                       (session.prepare
                            << "SELECT monitor_id, edge_id, state, since, checked_at,"
                               " requests_per_second, bytes_per_second, error_rate, overloaded,"
                               " detail FROM edge_health WHERE checked_at >= :oldest"
                               " ORDER BY edge_id, checked_at DESC, monitor_id",
                        soci::use(oldest), soci::into(row.monitor_id), soci::into(row.edge_id),
                        soci::into(row.state), soci::into(row.since), soci::into(row.checked_at),
                        soci::into(row.rps), soci::into(row.bps), soci::into(row.error_rate),
                        soci::into(row.overloaded), soci::into(row.detail));
                   st.execute();
                   while (st.fetch()) {
                     out.try_emplace(row.edge_id, row.to_health());
                   }
                   return out;
                 });
}

}  // namespace candela::control
