// Reading and writing ticket rows and timeline events (no authorization here: control/
// tickets checks it before calling these).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/tickets.hpp"

namespace soci {
class session;
}

namespace candela::control {

// The SELECT list and joins that ticket_from_row() understands; append WHERE/ORDER clauses.
extern const char* const kSelectTicketSql;

// One ticket by reference or id; kNotFound when absent.
Result<Ticket> load_ticket(soci::session& session, const std::string& reference);
Result<Ticket> load_ticket_by_id(soci::session& session, long long id);
// Tickets of `sql` (kSelectTicketSql + clauses) with the named integer/text parameters bound.
struct TicketQueryParameter {
  std::string name;
  std::optional<long long> number;
  std::optional<std::string> text;
};
Result<std::vector<Ticket>> query_tickets(soci::session& session, const std::string& sql,
                                          const std::vector<TicketQueryParameter>& parameters);

// Inserts a new ticket row; sets ticket.id.
Status insert_ticket(soci::session& session, Ticket& ticket);
// Writes the fields that change after creation (severity, state, assignee, escalation,
// deadlines, milestones, updated_at).
Status save_ticket(soci::session& session, const Ticket& ticket);

struct NewTicketEvent {
  long long ticket_id = 0;
  SysTime at;
  std::optional<long long> actor_user_id;
  TicketEventKind kind = TicketEventKind::kNote;
  TicketVisibility visibility = TicketVisibility::kPublic;
  std::optional<std::string> from_state;
  std::optional<std::string> to_state;
  std::string body;
  std::string details = "{}";
};
Result<long long> append_ticket_event(soci::session& session, const NewTicketEvent& event);
// The timeline, oldest first; internal entries only when `include_internal`.
Result<std::vector<TicketEvent>> ticket_timeline(soci::session& session, long long ticket_id,
                                                 bool include_internal);
// When the ticket last entered `state` (from its state_changed events), if ever.
Result<std::optional<SysTime>> last_entered(soci::session& session, long long ticket_id,
                                            TicketState state);

}  // namespace candela::control
