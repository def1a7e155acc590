// Changes to an open ticket: notes, state transitions, severity and assignee, escalations, and
// the two jobs (overdue escalations, closing resolved tickets nobody confirmed).
#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/principal_audit.hpp"
#include "control/severity_matrix.hpp"
#include "control/store_guard.hpp"
#include "control/ticket_effects.hpp"
#include "control/ticket_notices.hpp"
#include "control/ticket_rows.hpp"
#include "control/ticket_workflow.hpp"
#include "control/tickets.hpp"

namespace candela::control {
namespace {

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

Error invalid_field(const std::string& pointer, const std::string& message) {
  return Error{pointer.substr(1) + " " + message, ErrorKind::kInvalid, {{pointer, message}}};
}

std::string state_text(TicketState state) {
  return std::string(ticket_state_name(state));
}

// Moves `ticket` to `to` (already checked), keeping the deadlines honest: time paused in
// pending_customer or between resolution and reopening is added back; a staff move of an
// acknowledged ticket counts as a public update. Writes the event, the audit record and the
// notice.
Status apply_transition(soci::session& session, const Clock& clock, Ticket& ticket, TicketState to,
                        TicketActor actor, const std::optional<Principal>& principal,
                        const std::string& reason) {
  const SysTime now = clock.now();
  const TicketState from = ticket.state;
  auto level = severity_level(session, ticket.severity);
  if (!level.ok()) return Error{level.failure()};
  auto top = top_escalation_level(session);
  if (!top.ok()) return Error{top.failure()};
  if (from == TicketState::kPendingCustomer) {
    auto since = last_entered(session, ticket.id, TicketState::kPendingCustomer);
    if (!since.ok()) return Error{since.failure()};
    if (*since) push_back_deadlines(ticket, now - **since);
  }
  if (to == TicketState::kReopened) {
    if (ticket.resolved_at) push_back_deadlines(ticket, now - *ticket.resolved_at);
    ticket.resolved_at.reset();
    ticket.closed_at.reset();
  }
  if (to == TicketState::kAcknowledged) ticket.acknowledged_at = now;
  if (to == TicketState::kResolved) ticket.resolved_at = now;
  if (to == TicketState::kClosed) ticket.closed_at = now;
  ticket.state = to;
  if (actor == TicketActor::kStaff && ticket.acknowledged_at && is_open_ticket_state(to)) {
    ticket.update_due_at = now + level->update_interval;
  }
  ticket.updated_at = now;
  ticket.next_escalation_at = next_escalation_time(ticket, *top);
  auto saved = save_ticket(session, ticket);
  if (!saved.ok()) return saved;

  const std::optional<long long> actor_id = principal && principal->user_id > 0
                                                ? std::optional<long long>(principal->user_id)
                                                : std::nullopt;
  auto event = append_ticket_event(
      session, {ticket.id, now, actor_id, TicketEventKind::kStateChanged, TicketVisibility::kPublic,
                state_text(from), state_text(to), reason, "{}"});
  if (!event.ok()) return Error{event.failure()};
  AuditEntry entry = ticket_audit_entry(principal, ticket, "transition");
  entry.from_state = state_text(from);
  entry.to_state = state_text(to);
  entry.reason = reason;
  auto audited = append_audit(session, clock, entry);
  if (!audited.ok()) return audited;

  NotificationRecipients followers = ticket_followers(ticket, actor_id);
  if (ticket.assignee_user_id && ticket.assignee_user_id != actor_id) {
    followers.user_ids.push_back(*ticket.assignee_user_id);
  }
  std::string update = "State: " + state_text(from) + " -> " + state_text(to);
  if (!reason.empty()) update += "\n" + reason;
  if (to == TicketState::kResolved) {
    return send_ticket_notice(session, clock, kTicketResolvedNotice, ticket, {{"update", update}},
                              followers);
  }
  return send_ticket_notice(session, clock, kTicketUpdatedNotice, ticket, {{"update", update}},
                            followers);
}

}  // namespace

Result<TicketEvent> Tickets::add_note(const Principal& principal, const std::string& reference,
                                      const std::string& body, TicketVisibility visibility) {
  auto ticket = load_for(principal, reference, true);
  if (!ticket.ok()) return Error{ticket.failure()};
  return guarded("could not add the note", [&]() -> Result<TicketEvent> {
    const bool staff = principal.is_provider();
    if (visibility == TicketVisibility::kInternal && !staff) {
      return Error{"internal notes are for support staff only", ErrorKind::kForbidden};
    }
    if (is_blank(body)) return invalid_field("/body", "is required");
    if (body.size() > kMaxTextLength) {
      return invalid_field("/body",
                           "is longer than " + std::to_string(kMaxTextLength) + " characters");
    }
    if (ticket->state == TicketState::kClosed) {
      return Error{reference + " is closed; reopen it to add notes", ErrorKind::kConflict};
    }
    const SysTime now = clock_.now();
    const auto actor = acting_user_id(principal);
    auto event_id =
        append_ticket_event(session_, {ticket->id, now, actor, TicketEventKind::kNote, visibility,
                                       std::nullopt, std::nullopt, body, "{}"});
    if (!event_id.ok()) return Error{event_id.failure()};
    AuditEntry entry = ticket_audit_entry(principal, *ticket, "note");
    entry.details = nlohmann::json{
        {"visibility", ticket_visibility_name(visibility)},
        {"event_id",
         *event_id}}.dump();
    auto audited = append_audit(session_, clock_, entry);
    if (!audited.ok()) return Error{audited.failure()};

    if (visibility == TicketVisibility::kPublic) {
      if (staff && ticket->acknowledged_at && is_open_ticket_state(ticket->state)) {
        // A public staff update: the next one is due an update interval from now.
        auto level = severity_level(session_, ticket->severity);
        if (!level.ok()) return Error{level.failure()};
        auto top = top_escalation_level(session_);
        if (!top.ok()) return Error{top.failure()};
        ticket->update_due_at = now + level->update_interval;
        ticket->updated_at = now;
        ticket->next_escalation_at = next_escalation_time(*ticket, *top);
        auto saved = save_ticket(session_, *ticket);
        if (!saved.ok()) return Error{saved.failure()};
      }
      NotificationRecipients followers = ticket_followers(*ticket, actor);
      if (ticket->assignee_user_id && ticket->assignee_user_id != actor) {
        followers.user_ids.push_back(*ticket->assignee_user_id);
      }
      auto sent = send_ticket_notice(session_, clock_, kTicketUpdatedNotice, *ticket,
                                     {{"update", principal.name + " wrote:\n" + body}}, followers);
      if (!sent.ok()) return Error{sent.failure()};
      if (!staff && ticket->state == TicketState::kPendingCustomer) {
        // The customer answered: back to the provider.
        auto moved = apply_transition(session_, clock_, *ticket, TicketState::kInProgress,
                                      TicketActor::kSystem, std::nullopt, "The customer replied.");
        if (!moved.ok()) return Error{moved.failure()};
      }
    }
    auto timeline = ticket_timeline(session_, ticket->id, true);
    if (!timeline.ok()) return Error{timeline.failure()};
    for (auto& event : *timeline) {
      if (event.id == *event_id) return std::move(event);
    }
    return Error{"the note just added cannot be read back", ErrorKind::kInternal};
  });
}

Result<Ticket> Tickets::transition(const Principal& principal, const std::string& reference,
                                   const std::string& to, const std::string& reason) {
  auto ticket = load_for(principal, reference, true);
  if (!ticket.ok()) return ticket;
  return guarded("could not change the ticket's state", [&]() -> Result<Ticket> {
    auto target = parse_ticket_state(to);
    if (!target) {
      return invalid_field("/to",
                           "must be a ticket state: new, acknowledged, in_progress, "
                           "pending_customer, resolved, closed or reopened");
    }
    if (reason.size() > kMaxTextLength) return invalid_field("/reason", "is too long");
    auto allowed = check_ticket_transition(ticket->state, *target, ticket_actor(principal));
    if (!allowed.ok()) return Error{allowed.failure()};
    if (*target == TicketState::kReopened && ticket->resolved_at &&
        clock_.now() - *ticket->resolved_at > kReopenWindow) {
      return Error{reference + " was resolved more than 30 days ago; open a new ticket",
                   ErrorKind::kConflict};
    }
    auto moved = apply_transition(session_, clock_, *ticket, *target, ticket_actor(principal),
                                  principal, reason);
    if (!moved.ok()) return Error{moved.failure()};
    return load_ticket_by_id(session_, ticket->id);
  });
}

Result<Ticket> Tickets::change(const Principal& principal, const std::string& reference,
                               const TicketChanges& changes) {
  auto ticket = load_for(principal, reference, true);
  if (!ticket.ok()) return ticket;
  return guarded("could not change the ticket", [&]() -> Result<Ticket> {
    if (!principal.is_provider()) {
      return Error{"only support staff change a ticket's severity or assignee",
                   ErrorKind::kForbidden};
    }
    std::vector<std::pair<std::string, std::string>> problems;
    if (!changes.severity && !changes.assignee_user_id) {
      problems.emplace_back("", "give severity and/or assignee_user_id");
    }
    if (changes.severity && (*changes.severity < 1 || *changes.severity > 4)) {
      problems.emplace_back("/severity", "must be 1 (critical) to 4 (informational)");
    }
    std::string assignee_name;
    if (changes.assignee_user_id && *changes.assignee_user_id != 0) {
      int workers = 0;
      session_ << "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id"
                  " WHERE u.id = :id AND u.disabled = 0 AND r.role IN"
                  " ('cdn_support_technician', 'noc_engineer', 'provider_admin',"
                  "  'customer_care_manager')",
          soci::use(*changes.assignee_user_id), soci::into(workers);
      if (workers == 0) {
        problems.emplace_back("/assignee_user_id",
                              "is not an enabled user who works tickets (support technician, NOC "
                              "engineer, customer care manager or provider admin)");
      } else {
        session_ << "SELECT name FROM users WHERE id = :id", soci::use(*changes.assignee_user_id),
            soci::into(assignee_name);
      }
    }
    if (!problems.empty()) {
      return Error{"the change is not valid", ErrorKind::kInvalid, std::move(problems)};
    }
    if (ticket->state == TicketState::kClosed) {
      return Error{reference + " is closed", ErrorKind::kConflict};
    }
    const SysTime now = clock_.now();
    const auto actor = acting_user_id(principal);
    nlohmann::json details = nlohmann::json::object();
    if (changes.severity && *changes.severity != ticket->severity) {
      auto old_level = severity_level(session_, ticket->severity);
      auto new_level = severity_level(session_, *changes.severity);
      if (!old_level.ok()) return Error{old_level.failure()};
      if (!new_level.ok()) return Error{new_level.failure()};
      auto top = top_escalation_level(session_);
      if (!top.ok()) return Error{top.failure()};
      // Same start, new targets; pauses already added stay added.
      ticket->response_due_at += new_level->initial_response - old_level->initial_response;
      ticket->restore_due_at += new_level->restoration - old_level->restoration;
      if (ticket->update_due_at) {
        *ticket->update_due_at += new_level->update_interval - old_level->update_interval;
      }
      const int old_severity = ticket->severity;
      ticket->severity = *changes.severity;
      ticket->updated_at = now;
      ticket->next_escalation_at = next_escalation_time(*ticket, *top);
      auto event = append_ticket_event(
          session_,
          {ticket->id, now, actor, TicketEventKind::kSeverityChanged, TicketVisibility::kPublic,
           std::nullopt, std::nullopt,
           "Severity " + std::to_string(old_severity) + " -> " + std::to_string(ticket->severity) +
               (changes.reason.empty() ? "" : ": " + changes.reason),
           nlohmann::json{{"from", old_severity}, {"to", ticket->severity}}.dump()});
      if (!event.ok()) return Error{event.failure()};
      details["severity"] = {{"from", old_severity}, {"to", ticket->severity}};
    }
    if (changes.assignee_user_id) {
      std::optional<long long> assignee;
      if (*changes.assignee_user_id != 0) assignee = *changes.assignee_user_id;
      if (assignee != ticket->assignee_user_id) {
        ticket->assignee_user_id = assignee;
        ticket->updated_at = now;
        auto event = append_ticket_event(
            session_,
            {ticket->id, now, actor, TicketEventKind::kAssigned, TicketVisibility::kPublic,
             std::nullopt, std::nullopt, assignee ? "Assigned to " + assignee_name : "Unassigned",
             nlohmann::json{{"assignee_user_id", assignee ? nlohmann::json(*assignee) : nullptr}}
                 .dump()});
        if (!event.ok()) return Error{event.failure()};
        details["assignee_user_id"] = assignee ? nlohmann::json(*assignee) : nullptr;
      }
    }
    if (details.empty()) return *ticket;  // nothing actually changed
    auto saved = save_ticket(session_, *ticket);
    if (!saved.ok()) return Error{saved.failure()};
    AuditEntry entry = ticket_audit_entry(principal, *ticket, "update");
    entry.reason = changes.reason;
    entry.details = details.dump();
    auto audited = append_audit(session_, clock_, entry);
    if (!audited.ok()) return Error{audited.failure()};
    return load_ticket_by_id(session_, ticket->id);
  });
}

Result<Ticket> Tickets::escalate(const Principal& principal, const std::string& reference,
                                 const std::string& reason) {
  auto ticket = load_for(principal, reference, true);
  if (!ticket.ok()) return ticket;
  return guarded("could not escalate the ticket", [&]() -> Result<Ticket> {
    if (is_blank(reason)) return invalid_field("/reason", "is required: why escalate?");
    if (reason.size() > kMaxTextLength) return invalid_field("/reason", "is too long");
    if (!is_open_ticket_state(ticket->state)) {
      return Error{reference + " is " + state_text(ticket->state) + "; reopen it instead",
                   ErrorKind::kConflict};
    }
    const int from = ticket->escalation_level;
    const std::string by = principal.is_provider() ? "staff" : "customer";
    auto climbed =
        climb_escalation(session_, clock_, *ticket, acting_user_id(principal), by, reason);
    if (!climbed.ok()) return Error{climbed.failure()};
    AuditEntry entry = ticket_audit_entry(principal, *ticket, "escalate");
    entry.reason = reason;
    entry.details = nlohmann::json{
        {"from_level", from},
        {"to_level", ticket->escalation_level},
        {"by", by}}.dump();
    auto audited = append_audit(session_, clock_, entry);
    if (!audited.ok()) return Error{audited.failure()};
    return load_ticket_by_id(session_, ticket->id);
  });
}

Result<int> Tickets::escalate_overdue() {
  return guarded("could not escalate overdue tickets", [&]() -> Result<int> {
    auto top = top_escalation_level(session_);
    if (!top.ok()) return Error{top.failure()};
    const SysTime now = clock_.now();
    auto due =
        query_tickets(session_,
                      std::string(kSelectTicketSql) +
                          " WHERE t.state IN ('new', 'acknowledged', 'in_progress', 'reopened')"
                          " AND t.escalation_level < :top AND t.next_escalation_at IS NOT NULL"
                          " AND t.next_escalation_at <= :now ORDER BY t.id",
                      {{"top", static_cast<long long>(*top), std::nullopt},
                       {"now", to_epoch_ms(now), std::nullopt}});
    if (!due.ok()) return Error{due.failure()};
    int climbed = 0;
    for (auto& ticket : *due) {
      std::string lapsed;
      if (!ticket.acknowledged_at && ticket.response_due_at <= now) {
        lapsed = "the initial response target lapsed at " + gmt_text(ticket.response_due_at);
      } else if (ticket.restore_due_at <= now) {
        lapsed = "the restoration target lapsed at " + gmt_text(ticket.restore_due_at);
      } else if (ticket.update_due_at && *ticket.update_due_at <= now) {
        lapsed = "the update target lapsed at " + gmt_text(*ticket.update_due_at);
      } else {
        lapsed = "still not met one update interval after the last escalation";
      }
      const int from = ticket.escalation_level;
      auto step = climb_escalation(session_, clock_, ticket, std::nullopt, "system",
                                   "Escalated automatically: " + lapsed + ".");
      if (!step.ok()) return Error{step.failure()};
      AuditEntry entry = ticket_audit_entry(std::nullopt, ticket, "escalate");
      entry.reason = lapsed;
      entry.details = nlohmann::json{
          {"from_level", from},
          {"to_level", ticket.escalation_level},
          {"by",
           "system"}}.dump();
      auto audited = append_audit(session_, clock_, entry);
      if (!audited.ok()) return Error{audited.failure()};
      ++climbed;
    }
    return climbed;
  });
}

Result<int> Tickets::close_stale_resolved() {
  return guarded("could not close resolved tickets", [&]() -> Result<int> {
    const SysTime now = clock_.now();
    auto stale =
        query_tickets(session_,
                      std::string(kSelectTicketSql) +
                          " WHERE t.state = 'resolved' AND t.resolved_at <= :cutoff ORDER BY t.id",
                      {{"cutoff", to_epoch_ms(now - kAutoCloseAfter), std::nullopt}});
    if (!stale.ok()) return Error{stale.failure()};
    for (auto& ticket : *stale) {
      auto closed =
          apply_transition(session_, clock_, ticket, TicketState::kClosed, TicketActor::kSystem,
                           std::nullopt, "Closed automatically 7 days after resolution.");
      if (!closed.ok()) return Error{closed.failure()};
    }
    return static_cast<int>(stale->size());
  });
}

}  // namespace candela::control
