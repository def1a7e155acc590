// MTTR: months, the per-ticket walk over state changes, and the grouped report.
#include "control/mttr_report.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "control/store_guard.hpp"

namespace candela::control {
namespace {

constexpr double kMsPerMinute = 60000.0;

double one_decimal(double value) {
  return std::round(value * 10.0) / 10.0;
}

// Where the clock stands in each state: running, or excluded for one of two reasons.
enum class Clocked { kRunning, kPending, kResolved };

Clocked clocked(const std::string& state) {
  if (state == "pending_customer") return Clocked::kPending;
  if (state == "resolved" || state == "closed") return Clocked::kResolved;
  return Clocked::kRunning;
}

struct TicketRow {
  long long id = 0;
  long long created_at = 0;
  long long resolved_at = 0;
  int severity = 0;
  long long customer_id = 0;
  std::string customer_number;
  std::string customer_name;
  std::optional<long long> organisation_id;
  std::vector<StateChange> changes;
};

// The organisations (top-level groups) above a customer principal's grants.
Result<std::set<long long>> organisations_of(soci::session& session, const Principal& actor) {
  return guarded("could not walk the access group tree", [&]() -> Result<std::set<long long>> {
    std::set<long long> roots;
    for (const auto& grant : actor.grants) {
      if (!grant.access_group_id) continue;
      long long root = 0;
      long long group = *grant.access_group_id;
      session << "WITH RECURSIVE up(id, parent_id) AS ("
                 " SELECT id, parent_id FROM access_groups WHERE id = :id"
                 " UNION SELECT g.id, g.parent_id FROM access_groups g"
                 " JOIN up ON g.id = up.parent_id)"
                 " SELECT id FROM up WHERE parent_id IS NULL",
          soci::use(group), soci::into(root);
      if (session.got_data()) roots.insert(root);
    }
    return roots;
  });
}

// Impairment tickets finally resolved in [from, to), with their state changes in order.
Result<std::vector<TicketRow>> resolved_tickets(soci::session& session, long long from,
                                                long long to, long long customer_id, int severity) {
  return guarded("could not read the tickets", [&]() -> Result<std::vector<TicketRow>> {
    const std::string where =
        " WHERE t.type = 'service_impairment' AND t.state IN ('resolved', 'closed')"
        " AND t.resolved_at IS NOT NULL AND t.resolved_at >= :f AND t.resolved_at < :t"
        " AND (:c = 0 OR t.customer_id = :c2) AND (:s = 0 OR t.severity = :s2)";
    std::vector<TicketRow> tickets;
    std::map<long long, std::size_t> index;
    {
      TicketRow row;
      long long organisation = 0;
      soci::indicator organisation_ind = soci::i_ok;
      soci::statement st =
          (session.prepare << "SELECT t.id, t.created_at, t.resolved_at, t.severity, c.id,"
                              " c.customer_number, c.name, c.organisation_id"
                              " FROM tickets t JOIN customers c ON c.id = t.customer_id" +
                                  where + " ORDER BY t.id",
           soci::use(from), soci::use(to), soci::use(customer_id), soci::use(customer_id),
           soci::use(severity), soci::use(severity), soci::into(row.id), soci::into(row.created_at),
           soci::into(row.resolved_at), soci::into(row.severity), soci::into(row.customer_id),
           soci::into(row.customer_number), soci::into(row.customer_name),
           soci::into(organisation, organisation_ind));
      st.execute();
      while (st.fetch()) {
        row.organisation_id =
            organisation_ind == soci::i_ok ? std::optional<long long>(organisation) : std::nullopt;
        index[row.id] = tickets.size();
        tickets.push_back(row);
      }
    }
    long long ticket_id = 0;
    StateChange change;
    soci::indicator from_ind = soci::i_ok, to_ind = soci::i_ok;
    soci::statement st =
        (session.prepare << "SELECT e.ticket_id, e.at, e.from_state, e.to_state"
                            " FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id" +
                                where +
                                " AND e.kind = 'state_changed'"
                                " ORDER BY e.ticket_id, e.at, e.id",
         soci::use(from), soci::use(to), soci::use(customer_id), soci::use(customer_id),
         soci::use(severity), soci::use(severity), soci::into(ticket_id), soci::into(change.at),
         soci::into(change.from_state, from_ind), soci::into(change.to_state, to_ind));
    st.execute();
    while (st.fetch()) {
      if (from_ind != soci::i_ok) change.from_state.clear();
      if (to_ind != soci::i_ok) continue;  // a change with no target state says nothing
      auto found = index.find(ticket_id);
      if (found != index.end()) tickets[found->second].changes.push_back(change);
    }
    return tickets;
  });
}

Result<std::optional<long long>> customer_id_of(soci::session& session,
                                                const std::string& customer_number) {
  return guarded("could not read the customer", [&]() -> Result<std::optional<long long>> {
    long long id = 0;
    session << "SELECT id FROM customers WHERE customer_number = :n", soci::use(customer_number),
        soci::into(id);
    if (!session.got_data()) return std::optional<long long>{};
    return std::optional<long long>{id};
  });
}

}  // namespace

std::string_view mttr_rule() {
  return "MTTR counts service-impairment tickets finally resolved in the month (by resolved_at, "
         "UTC). Repair time = resolved_at - created_at, minus the time spent in pending_customer "
         "and minus the time between a resolution and a reopening; a reopened ticket counts once, "
         "with its final resolution. mttr_minutes is the mean repair time of the row's tickets; "
         "excluded_pending_minutes is their total pending_customer time.";
}

std::optional<YearMonth> parse_year_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int year = 0, month = 0;
  for (std::size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    (i < 4 ? year : month) = (i < 4 ? year : month) * 10 + (text[i] - '0');
  }
  if (year < 2000 || year > 2999 || month < 1 || month > 12) return std::nullopt;
  return YearMonth{year, month};
}

std::string format_year_month(YearMonth ym) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", ym.year, ym.month);
  return text;
}

YearMonth year_month_of(long long epoch_ms) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(epoch_ms)));
  const year_month_day ymd{day};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month()))};
}

long long month_start_ms(YearMonth ym) {
  using namespace std::chrono;
  const sys_days day{year{ym.year} / month{static_cast<unsigned>(ym.month)} / 1};
  return duration_cast<milliseconds>(day.time_since_epoch()).count();
}

YearMonth next_month(YearMonth ym) {
  return ym.month == 12 ? YearMonth{ym.year + 1, 1} : YearMonth{ym.year, ym.month + 1};
}

int months_between(YearMonth from, YearMonth to) {
  const int count = (to.year - from.year) * 12 + (to.month - from.month) + 1;
  return std::max(count, 0);
}

RepairTime repair_time(long long created_at, long long resolved_at,
                       const std::vector<StateChange>& changes) {
  RepairTime out;
  std::string state = "new";
  long long since = created_at;
  const auto accrue = [&](long long until) {
    const long long span = std::max(0LL, std::min(until, resolved_at) - since);
    switch (clocked(state)) {
      case Clocked::kRunning:
        out.repair_ms += span;
        break;
      case Clocked::kPending:
        out.pending_customer_ms += span;
        break;
      case Clocked::kResolved:
        out.resolved_interval_ms += span;
        break;
    }
    since = std::max(since, std::min(until, resolved_at));
  };
  for (const auto& change : changes) {
    if (change.at > resolved_at) break;
    accrue(change.at);
    state = change.to_state;
  }
  accrue(resolved_at);
  return out;
}

Result<MttrReport> mttr_report(soci::session& session, const Principal& actor,
                               const MttrQuery& query) {
  const int months = months_between(query.from, query.to);
  if (months < 1) return Error{"the month range ends before it starts", ErrorKind::kInvalid};
  if (months > kMaxMttrMonths)
    return Error{"a report covers at most 36 months", ErrorKind::kInvalid};
  if (query.severity && (*query.severity < 1 || *query.severity > 4))
    return Error{"severity must be 1, 2, 3 or 4", ErrorKind::kInvalid};

  std::optional<std::set<long long>> organisations;  // empty optional: staff see everyone
  if (!actor.is_provider()) {
    auto roots = organisations_of(session, actor);
    if (!roots.ok()) return Error{roots.failure()};
    organisations = std::move(*roots);
  }
  long long customer_id = 0;
  if (query.customer_number) {
    auto id = customer_id_of(session, *query.customer_number);
    if (!id.ok()) return Error{id.failure()};
    if (!*id)
      return Error{"customer " + *query.customer_number + " not found", ErrorKind::kNotFound};
    customer_id = **id;
  }

  auto tickets =
      resolved_tickets(session, month_start_ms(query.from), month_start_ms(next_month(query.to)),
                       customer_id, query.severity.value_or(0));
  if (!tickets.ok()) return Error{tickets.failure()};
  const auto visible = [&](const TicketRow& t) {
    return !organisations || (t.organisation_id && organisations->count(*t.organisation_id) > 0);
  };
  // Asking for a customer the caller cannot see looks exactly like asking for a missing one.
  if (query.customer_number && organisations) {
    auto seen = guarded("could not read the customer", [&]() -> Result<bool> {
      long long organisation = 0;
      soci::indicator ind = soci::i_ok;
      session << "SELECT organisation_id FROM customers WHERE id = :id", soci::use(customer_id),
          soci::into(organisation, ind);
      return ind == soci::i_ok && organisations->count(organisation) > 0;
    });
    if (!seen.ok()) return Error{seen.failure()};
    if (!*seen)
      return Error{"customer " + *query.customer_number + " not found", ErrorKind::kNotFound};
  }

  struct Sum {
    std::string customer_name;
    int tickets = 0;
    long long repair_ms = 0;
    long long pending_ms = 0;
  };
  std::map<std::tuple<std::string, std::string, int>, Sum> groups;
  std::map<int, Sum> by_severity;
  for (const auto& t : *tickets) {
    if (!visible(t)) continue;
    const auto time = repair_time(t.created_at, t.resolved_at, t.changes);
    auto& g =
        groups[{format_year_month(year_month_of(t.resolved_at)), t.customer_number, t.severity}];
    g.customer_name = t.customer_name;
    for (Sum* sum : {&g, &by_severity[t.severity]}) {
      sum->tickets += 1;
      sum->repair_ms += time.repair_ms;
      sum->pending_ms += time.pending_customer_ms;
    }
  }

  MttrReport report;
  report.rule = std::string(mttr_rule());
  for (const auto& [key, sum] : groups) {
    report.rows.push_back(
        {std::get<0>(key), std::get<1>(key), sum.customer_name, std::get<2>(key), sum.tickets,
         one_decimal(static_cast<double>(sum.repair_ms) / sum.tickets / kMsPerMinute),
         one_decimal(static_cast<double>(sum.pending_ms) / kMsPerMinute)});
  }
  for (int severity = 1; severity <= 4; ++severity) {
    if (query.severity && *query.severity != severity) continue;
    MttrTotal total{severity, 0, std::nullopt, 0};
    if (auto found = by_severity.find(severity); found != by_severity.end()) {
      const auto& sum = found->second;
      total.tickets = sum.tickets;
      total.mttr_minutes =
          one_decimal(static_cast<double>(sum.repair_ms) / sum.tickets / kMsPerMinute);
      total.excluded_pending_minutes =
          one_decimal(static_cast<double>(sum.pending_ms) / kMsPerMinute);
    }
    report.totals.push_back(total);
  }
  return report;
}

}  // namespace candela::control
