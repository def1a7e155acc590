// Ticket states by role and deadline arithmetic.
#include "control/ticket_workflow.hpp"

#include <algorithm>
#include <array>

namespace candela::control {
namespace {

struct Move {
  TicketState from;
  TicketState to;
  bool staff;
  bool customer;
  bool system;
};

constexpr std::array<Move, 12> kMoves{{
    {TicketState::kNew, TicketState::kAcknowledged, true, false, false},
    {TicketState::kAcknowledged, TicketState::kInProgress, true, false, false},
    {TicketState::kInProgress, TicketState::kPendingCustomer, true, false, false},
    {TicketState::kPendingCustomer, TicketState::kInProgress, true, false, true},
    {TicketState::kAcknowledged, TicketState::kResolved, true, false, false},
    {TicketState::kInProgress, TicketState::kResolved, true, false, false},
    {TicketState::kPendingCustomer, TicketState::kResolved, true, false, false},
    {TicketState::kReopened, TicketState::kResolved, true, false, false},
    {TicketState::kReopened, TicketState::kInProgress, true, false, false},
    {TicketState::kResolved, TicketState::kClosed, false, true, true},
    {TicketState::kResolved, TicketState::kReopened, false, true, false},
    {TicketState::kClosed, TicketState::kReopened, false, true, false},
}};

}  // namespace

TicketActor ticket_actor(const Principal& principal) {
  return principal.is_provider() ? TicketActor::kStaff : TicketActor::kCustomer;
}

bool may_work_tickets(const Principal& principal) {
  return principal.has_provider_role(Role::kCdnSupportTechnician) ||
         principal.has_provider_role(Role::kNocEngineer) ||
         principal.has_provider_role(Role::kProviderAdmin) ||
         principal.has_provider_role(Role::kCustomerCareManager);
}

Result<std::monostate> check_ticket_transition(TicketState from, TicketState to,
                                               TicketActor actor) {
  for (const auto& move : kMoves) {
    if (move.from != from || move.to != to) continue;
    const bool allowed = (actor == TicketActor::kStaff && move.staff) ||
                         (actor == TicketActor::kCustomer && move.customer) ||
                         (actor == TicketActor::kSystem && move.system);
    if (allowed) return std::monostate{};
    const std::string who = move.staff ? "support staff" : "the customer";
    return Error{"only " + who + " may move a ticket from " + std::string(ticket_state_name(from)) +
                     " to " + std::string(ticket_state_name(to)),
                 ErrorKind::kForbidden};
  }
  return Error{"a ticket cannot move from " + std::string(ticket_state_name(from)) + " to " +
                   std::string(ticket_state_name(to)),
               ErrorKind::kConflict};
}

void set_initial_deadlines(Ticket& ticket, const SeverityLevel& level) {
  ticket.response_due_at = ticket.created_at + level.initial_response;
  ticket.restore_due_at = ticket.created_at + level.restoration;
  ticket.update_due_at.reset();
  ticket.next_escalation_at = ticket.response_due_at;
}

SysTime next_ticket_deadline(const Ticket& ticket) {
  SysTime next = ticket.restore_due_at;
  if (!ticket.acknowledged_at) next = std::min(next, ticket.response_due_at);
  if (ticket.update_due_at) next = std::min(next, *ticket.update_due_at);
  return next;
}

std::optional<SysTime> next_escalation_time(const Ticket& ticket, int top_level) {
  if (ticket.escalation_level >= top_level) return std::nullopt;
  if (!is_open_ticket_state(ticket.state)) return std::nullopt;
  SysTime next = next_ticket_deadline(ticket);
  if (ticket.escalation_level > 0 && ticket.next_escalation_at) {
    next = std::max(next, *ticket.next_escalation_at);
  }
  return next;
}

void push_back_deadlines(Ticket& ticket, SysTime::duration paused) {
  if (paused <= SysTime::duration::zero()) return;
  ticket.restore_due_at += paused;
  if (ticket.update_due_at) *ticket.update_due_at += paused;
  if (!ticket.acknowledged_at) ticket.response_due_at += paused;
  if (ticket.next_escalation_at) *ticket.next_escalation_at += paused;
}

}  // namespace candela::control
