// Mean time to repair (MTTR) per month, customer and severity, from the tickets and their
// state changes. The rule (docs/support.md, "MTTR"): service-impairment tickets finally resolved
// in the month (by resolved_at, UTC); repair time = resolved_at − created_at minus the time spent
// in pending_customer and minus the time between a resolution and a reopening; a reopened
// ticket counts once, with its final resolution.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

// The rule in one sentence, shown with every report.
std::string_view mttr_rule();

struct YearMonth {
  int year = 0;
  int month = 0;  // 1..12
  auto operator<=>(const YearMonth&) const = default;
};
// "2026-11" → {2026, 11}; empty for anything else (years 2000..2999).
std::optional<YearMonth> parse_year_month(std::string_view text);
std::string format_year_month(YearMonth ym);
YearMonth year_month_of(long long epoch_ms);
// The first instant of the month, epoch ms UTC.
long long month_start_ms(YearMonth ym);
YearMonth next_month(YearMonth ym);
// Months from `from` to `to` inclusive (0 when to < from).
int months_between(YearMonth from, YearMonth to);

// One state change of a ticket (ticket_events of kind state_changed).
struct StateChange {
  long long at = 0;  // epoch ms
  std::string from_state;
  std::string to_state;
};

// How one ticket's life from creation to final resolution splits up, in milliseconds.
struct RepairTime {
  long long repair_ms = 0;             // the clock ran: new, acknowledged, in_progress, reopened
  long long pending_customer_ms = 0;   // excluded: waiting for the customer
  long long resolved_interval_ms = 0;  // excluded: resolved (or closed) before a reopening
};
// Walks `changes` (sorted by time) from `created_at` in state "new" up to `resolved_at`.
RepairTime repair_time(long long created_at, long long resolved_at,
                       const std::vector<StateChange>& changes);

struct MttrQuery {
  YearMonth from;  // inclusive
  YearMonth to;    // inclusive
  std::optional<std::string> customer_number;
  std::optional<int> severity;
};

struct MttrRow {
  std::string month;  // "2026-11"
  std::string customer_number;
  std::string customer_name;
  int severity = 0;
  int tickets = 0;
  double mttr_minutes = 0;              // mean repair time, one decimal
  double excluded_pending_minutes = 0;  // total pending_customer time left out, one decimal
};

struct MttrTotal {
  int severity = 0;
  int tickets = 0;
  std::optional<double> mttr_minutes;  // empty when no ticket
  double excluded_pending_minutes = 0;
};

struct MttrReport {
  std::string rule;
  std::vector<MttrRow> rows;      // by month, customer number, severity
  std::vector<MttrTotal> totals;  // one per severity 1..4 (or the one asked for)
};

// Provider staff see every customer; a customer principal only the customers of its
// organisations — another customer's number is kNotFound, as if it did not exist. At most 36
// months per report.
inline constexpr int kMaxMttrMonths = 36;
Result<MttrReport> mttr_report(soci::session& session, const Principal& actor,
                               const MttrQuery& query);

}  // namespace candela::control
