// The notification templates of tickets (rendered by control/notifier) and the values they need.
#pragma once

#include <map>
#include <string>

#include "control/notifier.hpp"
#include "control/tickets.hpp"

namespace candela::control {

// ticket.created: to the contact, the creator and the CDN support technicians.
extern const NotificationTemplate kTicketCreatedNotice;
// ticket.updated: a public note or state change, to the contact and the creator.
extern const NotificationTemplate kTicketUpdatedNotice;
// ticket.escalated: to the escalation level's recipients (control/escalation_levels).
extern const NotificationTemplate kTicketEscalatedNotice;
// ticket.resolved: to the contact and the creator.
extern const NotificationTemplate kTicketResolvedNotice;

// The placeholders every ticket template shares: reference, subject, type, severity, state,
// customer, scid, centre, created_at (GMT text), restore_due_at (GMT text).
std::map<std::string, std::string> ticket_notice_values(const Ticket& ticket);
// "Tue 01 Dec 2026 02:00 GMT".
std::string gmt_text(SysTime t);

}  // namespace candela::control
