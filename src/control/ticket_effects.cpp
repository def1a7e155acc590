// Ticket notices, audit entries and the escalation step.
#include "control/ticket_effects.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/escalation_levels.hpp"
#include "control/principal_audit.hpp"
#include "control/severity_matrix.hpp"
#include "control/ticket_notices.hpp"
#include "control/ticket_rows.hpp"
#include "control/ticket_workflow.hpp"

namespace candela::control {

NotificationRecipients ticket_followers(const Ticket& ticket, std::optional<long long> actor) {
  NotificationRecipients to;
  if (!ticket.contact.email.empty()) to.emails.push_back(ticket.contact.email);
  if (ticket.created_by_user_id && ticket.created_by_user_id != actor) {
    to.user_ids.push_back(*ticket.created_by_user_id);
  }
  return to;
}

Status send_ticket_notice(soci::session& session, const Clock& clock,
                          const NotificationTemplate& tmpl, const Ticket& ticket,
                          std::map<std::string, std::string> extra,
                          const NotificationRecipients& to, std::string dedupe_key) {
  if (to.emails.empty() && to.user_ids.empty() && to.roles.empty()) return ok_status();
  Notice notice;
  notice.tmpl = &tmpl;
  notice.values = ticket_notice_values(ticket);
  for (auto& [key, value] : extra)
    notice.values[key] = std::move(value);
  notice.entity_type = "ticket";
  notice.entity_id = ticket.reference;
  notice.dedupe_key = std::move(dedupe_key);
  auto sent = Notifier(session, clock).notify(notice, to);
  if (!sent.ok()) return Error{sent.failure()};
  return ok_status();
}

AuditEntry ticket_audit_entry(const std::optional<Principal>& principal, const Ticket& ticket,
                              std::string action) {
  if (principal) return audit_entry(*principal, "ticket", ticket.reference, std::move(action));
  AuditEntry entry;
  entry.entity_type = "ticket";
  entry.entity_id = ticket.reference;
  entry.action = std::move(action);
  return entry;
}

Status append_audit(soci::session& session, const Clock& clock, const AuditEntry& entry) {
  auto appended = AuditLog(session, clock).append(entry);
  if (!appended.ok()) return Error{appended.failure()};
  return ok_status();
}

Result<int> top_escalation_level(soci::session& session) {
  auto levels = escalation_levels(session);
  if (!levels.ok()) return Error{levels.failure()};
  return levels->empty() ? 0 : levels->back().level;
}

Status climb_escalation(soci::session& session, const Clock& clock, Ticket& ticket,
                        std::optional<long long> actor, const std::string& by,
                        const std::string& reason) {
  auto levels = escalation_levels(session);
  if (!levels.ok()) return Error{levels.failure()};
  const int top = levels->empty() ? 0 : levels->back().level;
  if (ticket.escalation_level >= top) {
    return Error{ticket.reference + " is already at the top escalation level",
                 ErrorKind::kConflict};
  }
  auto severity = severity_level(session, ticket.severity);
  if (!severity.ok()) return Error{severity.failure()};
  const SysTime now = clock.now();
  const int level = ticket.escalation_level + 1;
  std::string name = "level " + std::to_string(level);
  for (const auto& entry : *levels) {
    if (entry.level == level) name = entry.name;
  }
  ticket.escalation_level = level;
  ticket.updated_at = now;
  // The next climb comes one update interval from now at the earliest (ticket_workflow).
  ticket.next_escalation_at = now + severity->update_interval;
  ticket.next_escalation_at = next_escalation_time(ticket, top);
  auto saved = save_ticket(session, ticket);
  if (!saved.ok()) return saved;
  auto event = append_ticket_event(
      session,
      {ticket.id, now, actor, TicketEventKind::kEscalated, TicketVisibility::kPublic, std::nullopt,
       std::nullopt, reason, nlohmann::json{{"level", level}, {"name", name}, {"by", by}}.dump()});
  if (!event.ok()) return Error{event.failure()};
  auto to = escalation_recipients(session, level, ticket.customer_id);
  if (!to.ok()) return Error{to.failure()};
  return send_ticket_notice(
      session, clock, kTicketEscalatedNotice, ticket,
      {{"level", std::to_string(level)}, {"level_name", name}, {"reason", reason}}, *to,
      "ticket.escalated:" + ticket.reference + ":" + std::to_string(level));
}

}  // namespace candela::control
