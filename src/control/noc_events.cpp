// NocEvents: names, severities, the NOC's access rules and the event queries.
#include "control/noc_events.hpp"

#include <soci/soci.h>

#include <array>
#include <initializer_list>
#include <limits>

#include "control/database.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

constexpr std::array<std::pair<NocEventKind, std::string_view>, 3> kKindNames{{
    {NocEventKind::kEdgeDown, "edge_down"},
    {NocEventKind::kErrorRate, "error_rate"},
    {NocEventKind::kOriginUnreachable, "origin_unreachable"},
}};

// The columns every event query reads, in EventRow's order; the last one counts the services.
constexpr const char* kEventColumns =
    "e.id, e.reference, e.kind, e.state, e.edge_id, e.scid, e.property, e.severity, e.summary,"
    " e.details, e.dedupe_key, e.raised_by, e.first_seen_at, e.last_seen_at, e.resolved_at,"
    " e.occurrences, e.created_at, e.updated_at,"
    " (SELECT COUNT(*) FROM noc_event_services s WHERE s.event_id = e.id)";

struct EventRow {
  long long id = 0;
  std::string reference, kind, state, edge_id, scid, property, summary, details, dedupe_key,
      raised_by;
  soci::indicator edge_ind = soci::i_null, scid_ind = soci::i_null, property_ind = soci::i_null,
                  resolved_ind = soci::i_null;
  int severity = 0;
  int occurrences = 0;
  long long first_seen_at = 0, last_seen_at = 0, resolved_at = 0, created_at = 0, updated_at = 0,
            services = 0;

  // Binds every column of kEventColumns to this row.
  template <typename Statement>
  void bind(Statement& statement) {
    statement, soci::into(id), soci::into(reference), soci::into(kind), soci::into(state),
        soci::into(edge_id, edge_ind), soci::into(scid, scid_ind),
        soci::into(property, property_ind), soci::into(severity), soci::into(summary),
        soci::into(details), soci::into(dedupe_key), soci::into(raised_by),
        soci::into(first_seen_at), soci::into(last_seen_at), soci::into(resolved_at, resolved_ind),
        soci::into(occurrences), soci::into(created_at), soci::into(updated_at),
        soci::into(services);
  }

  NocEvent to_event() const {
    NocEvent event;
    event.id = id;
    event.reference = reference;
    event.kind = parse_noc_event_kind(kind).value_or(NocEventKind::kEdgeDown);
    event.state = parse_noc_event_state(state).value_or(NocEventState::kOpen);
    if (edge_ind == soci::i_ok) event.edge_id = edge_id;
    if (scid_ind == soci::i_ok) event.scid = scid;
    if (property_ind == soci::i_ok) event.property = property;
    event.severity = severity;
    event.summary = summary;
    event.details = details;
    event.dedupe_key = dedupe_key;
    event.raised_by = raised_by;
    event.first_seen_at = from_epoch_ms(first_seen_at);
    event.last_seen_at = from_epoch_ms(last_seen_at);
    if (resolved_ind == soci::i_ok) event.resolved_at = from_epoch_ms(resolved_at);
    event.occurrences = occurrences;
    event.affected_services = static_cast<int>(services);
    event.created_at = from_epoch_ms(created_at);
    event.updated_at = from_epoch_ms(updated_at);
    return event;
  }
};

bool has_any_provider_role(const Principal& principal, std::initializer_list<Role> roles) {
  for (Role role : roles) {
    if (principal.has_provider_role(role)) return true;
  }
  return false;
}

// Runs `sql` (which selects kEventColumns FROM noc_events e ...) with the bound values and
// collects up to `limit` events (all when limit is 0).
template <typename... Uses>
std::vector<NocEvent> query_events(soci::session& session, const std::string& sql, int limit,
                                   Uses&&... uses) {
  EventRow row;
  soci::details::prepare_temp_type prepared = (session.prepare << sql);
  (prepared, ..., soci::use(uses));
  row.bind(prepared);
  soci::statement statement(prepared);
  statement.execute();
  std::vector<NocEvent> events;
  while (statement.fetch()) {
    events.push_back(row.to_event());
    if (limit > 0 && static_cast<int>(events.size()) == limit) break;
  }
  return events;
}

}  // namespace

std::string_view noc_event_kind_name(NocEventKind kind) {
  for (const auto& [value, name] : kKindNames) {
    if (value == kind) return name;
  }
  return "edge_down";
}

std::optional<NocEventKind> parse_noc_event_kind(std::string_view name) {
  for (const auto& [value, known] : kKindNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string_view noc_event_state_name(NocEventState state) {
  return state == NocEventState::kResolved ? "resolved" : "open";
}

std::optional<NocEventState> parse_noc_event_state(std::string_view name) {
  if (name == "open") return NocEventState::kOpen;
  if (name == "resolved") return NocEventState::kResolved;
  return std::nullopt;
}

int noc_event_severity(NocEventKind kind) {
  switch (kind) {
    case NocEventKind::kEdgeDown:
    case NocEventKind::kOriginUnreachable:
      return 2;  // Major: customers' traffic is failing or being moved
    case NocEventKind::kErrorRate:
      return 3;  // Minor: degraded, mostly still served
  }
  return 3;
}

Status may_read_noc(const Principal& principal) {
  if (principal.is_provider()) return ok_status();
  return Error{"the NOC is for the provider's staff", ErrorKind::kForbidden};
}

Status may_raise_alarms(const Principal& principal) {
  if (has_any_provider_role(principal, {Role::kNocEngineer, Role::kProviderAdmin})) {
    return ok_status();
  }
  return Error{principal.is_provider()
                   ? "only NOC engineers and provider admins may raise or clear alarms"
                   : "the NOC is for the provider's staff",
               ErrorKind::kForbidden};
}

Status may_manage_monitors(const Principal& principal) {
  if (principal.has_provider_role(Role::kProviderAdmin)) return ok_status();
  return Error{principal.is_provider() ? "only provider admins manage monitor credentials"
                                       : "the NOC is for the provider's staff",
               ErrorKind::kForbidden};
}

Result<NocEventPage> NocEvents::list(const Principal& principal, const NocEventFilter& filter,
                                     std::optional<long long> before_id, int limit) {
  return guarded("could not list NOC events", [&]() -> Result<NocEventPage> {
    if (auto allowed = may_read_noc(principal); !allowed.ok()) return Error{allowed.failure()};
    if (limit < 1 || limit > kMaxPageSize) {
      return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
    }
    // Empty strings stand for "any", so one statement serves every filter combination.
    const std::string state =
        filter.state ? std::string(noc_event_state_name(*filter.state)) : std::string();
    const std::string kind =
        filter.kind ? std::string(noc_event_kind_name(*filter.kind)) : std::string();
    const long long before = before_id.value_or(std::numeric_limits<long long>::max());
    const int fetch = limit + 1;  // one more tells whether another page follows
    auto events = query_events(
        session_,
        std::string("SELECT ") + kEventColumns +
            " FROM noc_events e WHERE e.id < :before AND (:state = '' OR e.state = :state2)"
            " AND (:kind = '' OR e.kind = :kind2) ORDER BY e.id DESC LIMIT :n",
        0, before, state, state, kind, kind, fetch);
    NocEventPage page;
    for (auto& event : events) {
      if (static_cast<int>(page.events.size()) == limit) {
        page.next_before = page.events.back().id;
        break;
      }
      page.events.push_back(std::move(event));
    }
    return page;
  });
}

Result<NocEventDetail> NocEvents::get(const Principal& principal, const std::string& reference) {
  return guarded("could not read the NOC event", [&]() -> Result<NocEventDetail> {
    if (auto allowed = may_read_noc(principal); !allowed.ok()) return Error{allowed.failure()};
    auto events = query_events(session_,
                               std::string("SELECT ") + kEventColumns +
                                   " FROM noc_events e WHERE e.reference = :reference",
                               1, reference);
    if (events.empty()) {
      return Error{"there is no NOC event " + reference, ErrorKind::kNotFound};
    }
    auto services = services_of(events.front().id);
    if (!services.ok()) return Error{services.failure()};
    return NocEventDetail{std::move(events.front()), std::move(services).value()};
  });
}

Result<std::vector<NocEvent>> NocEvents::open_events() {
  return guarded("could not read the open NOC events", [&]() -> Result<std::vector<NocEvent>> {
    const std::string open = "open";
    return query_events(session_,
                        std::string("SELECT ") + kEventColumns +
                            " FROM noc_events e WHERE e.state = :state"
                            " ORDER BY e.severity, e.first_seen_at, e.id",
                        0, open);
  });
}

Result<std::optional<NocEvent>> NocEvents::find_open(const std::string& dedupe_key) {
  return guarded("could not read the NOC event", [&]() -> Result<std::optional<NocEvent>> {
    const std::string open = "open";
    auto events = query_events(session_,
                               std::string("SELECT ") + kEventColumns +
                                   " FROM noc_events e WHERE e.dedupe_key = :key"
                                   " AND e.state = :state",
                               1, dedupe_key, open);
    if (events.empty()) return std::optional<NocEvent>();
    return std::optional<NocEvent>(std::move(events.front()));
  });
}

Result<NocEvent> NocEvents::find_by_id(long long id) {
  return guarded("could not read the NOC event", [&]() -> Result<NocEvent> {
    auto events = query_events(
        session_, std::string("SELECT ") + kEventColumns + " FROM noc_events e WHERE e.id = :id", 1,
        id);
    if (events.empty()) return Error{"there is no such NOC event", ErrorKind::kNotFound};
    return std::move(events.front());
  });
}

Result<std::vector<NocAffectedService>> NocEvents::services_of(long long event_id) {
  return guarded("could not read the services of the NOC event",
                 [&]() -> Result<std::vector<NocAffectedService>> {
                   std::vector<NocAffectedService> services;
                   NocAffectedService row;
                   long long added_at = 0;
                   // A ticket row always exists (same transaction); LEFT JOIN keeps the link
                   // visible even if it did not.
                   soci::indicator state_ind = soci::i_null, severity_ind = soci::i_null;
                   soci::statement statement =
                       (session_.prepare
                            << "SELECT s.scid, c.customer_number, c.name, s.ticket_reference,"
                               " t.state, t.severity, s.added_at FROM noc_event_services s"
                               " JOIN customers c ON c.id = s.customer_id"
                               " LEFT JOIN tickets t ON t.reference = s.ticket_reference"
                               " WHERE s.event_id = :id ORDER BY s.scid",
                        soci::use(event_id), soci::into(row.scid), soci::into(row.customer_number),
                        soci::into(row.customer_name), soci::into(row.ticket_reference),
                        soci::into(row.ticket_state, state_ind),
                        soci::into(row.ticket_severity, severity_ind), soci::into(added_at));
                   statement.execute();
                   while (statement.fetch()) {
                     NocAffectedService service = row;
                     if (state_ind != soci::i_ok) service.ticket_state.clear();
                     if (severity_ind != soci::i_ok) service.ticket_severity = 0;
                     service.added_at = from_epoch_ms(added_at);
                     services.push_back(std::move(service));
                   }
                   return services;
                 });
}

}  // namespace candela::control
