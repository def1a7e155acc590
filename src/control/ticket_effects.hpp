// What every ticket change shares: notices to the right people, audit records, and one
// escalation step. Internal to the ticket modules (control/ticket_*.cpp).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/audit_log.hpp"
#include "control/database.hpp"
#include "control/notifier.hpp"
#include "control/principal.hpp"
#include "control/tickets.hpp"

namespace soci {
class session;
}

namespace candela::control {

// The contact's address and the creator, minus `actor` (who caused the notice).
NotificationRecipients ticket_followers(const Ticket& ticket, std::optional<long long> actor);
// Renders `tmpl` with the ticket's values plus `extra`; nothing when `to` is empty.
Status send_ticket_notice(soci::session& session, const Clock& clock,
                          const NotificationTemplate& tmpl, const Ticket& ticket,
                          std::map<std::string, std::string> extra,
                          const NotificationRecipients& to, std::string dedupe_key = {});
// The audit entry of a ticket change by `principal`, or by the system when it is empty.
AuditEntry ticket_audit_entry(const std::optional<Principal>& principal, const Ticket& ticket,
                              std::string action);
Status append_audit(soci::session& session, const Clock& clock, const AuditEntry& entry);
// The highest configured escalation level (0 when none are).
Result<int> top_escalation_level(soci::session& session);
// Moves `ticket` one level up now (event, notice to escalation_recipients, next escalation
// time), and saves it. kConflict at the top level. `by` is "customer", "staff" or "system".
Status climb_escalation(soci::session& session, const Clock& clock, Ticket& ticket,
                        std::optional<long long> actor, const std::string& by,
                        const std::string& reason);

}  // namespace candela::control
