// The ticket state machine (who may move a ticket where) and its deadlines (from the severities
// matrix): plain functions, no store, so every rule is testable on its own.
#pragma once

#include <optional>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"
#include "control/severity_matrix.hpp"
#include "control/tickets.hpp"

namespace candela::control {

enum class TicketActor { kCustomer, kStaff, kSystem };

// Provider staff act as staff, everyone else as the customer.
TicketActor ticket_actor(const Principal& principal);

// Staff who may work tickets (the other provider roles only read them).
bool may_work_tickets(const Principal& principal);

// The moves (contract section 3):
//   new → acknowledged → in_progress ⇄ pending_customer; acknowledged, in_progress,
//   pending_customer and reopened → resolved; reopened → in_progress: staff.
//   resolved → closed: the customer (or the system after Tickets::kAutoCloseAfter).
//   resolved, closed → reopened: the customer, within Tickets::kReopenWindow of resolution.
//   pending_customer → in_progress: also the system, when the customer adds a public note.
// kConflict for a move that does not exist from `from`; kForbidden for an actor not allowed to
// make it. The reopen window is checked by the caller (it needs resolved_at).
Result<std::monostate> check_ticket_transition(TicketState from, TicketState to, TicketActor actor);

// Deadlines of a new ticket: response and restoration from creation; no update deadline until
// acknowledged. Also sets next_escalation_at to the response deadline.
void set_initial_deadlines(Ticket& ticket, const SeverityLevel& level);
// The earliest deadline still to meet: the response (until acknowledged), the next update (once
// acknowledged) and the restoration.
SysTime next_ticket_deadline(const Ticket& ticket);
// When the escalation job next looks at the ticket: never at the top level or while not open;
// otherwise the next deadline, but not before the update interval after the last escalation
// (`next_escalation_at` as it stands).
std::optional<SysTime> next_escalation_time(const Ticket& ticket, int top_level);
// Time spent paused (pending customer, or resolved before a reopen) does not count: the
// deadlines still ahead move back by `paused`.
void push_back_deadlines(Ticket& ticket, SysTime::duration paused);

}  // namespace candela::control
