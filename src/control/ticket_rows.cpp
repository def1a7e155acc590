// Ticket and ticket-event rows ↔ structs, in both SQL dialects.
#include "control/ticket_rows.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/database.hpp"
#include "control/nullable_columns.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

struct TicketRow {
  long long id = 0;
  std::string reference, type, origin;
  int severity = 0;
  std::string state;
  long long customer_id = 0;
  std::string customer_number, customer_name;
  long long access_group_id = 0;
  NullableText scid;
  std::string subject, description, alarm_info;
  NullableNumber problem_started_at;
  std::string contact_name, contact_email, contact_phones, alternate_contact, language, centre;
  NullableNumber assignee;
  int escalation_level = 0;
  NullableNumber next_escalation_at;
  long long response_due_at = 0;
  NullableNumber update_due_at;
  long long restore_due_at = 0;
  NullableNumber acknowledged_at, resolved_at, closed_at, noc_event_id;
  NullableText maintenance_reference;
  NullableNumber created_by;
  long long created_at = 0, updated_at = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(reference));
    st.exchange(soci::into(type));
    st.exchange(soci::into(origin));
    st.exchange(soci::into(severity));
    st.exchange(soci::into(state));
    st.exchange(soci::into(customer_id));
    st.exchange(soci::into(customer_number));
    st.exchange(soci::into(customer_name));
    st.exchange(soci::into(access_group_id));
    st.exchange(soci::into(scid.value, scid.ind));
    st.exchange(soci::into(subject));
    st.exchange(soci::into(description));
    st.exchange(soci::into(alarm_info));
    st.exchange(soci::into(problem_started_at.value, problem_started_at.ind));
    st.exchange(soci::into(contact_name));
    st.exchange(soci::into(contact_email));
    st.exchange(soci::into(contact_phones));
    st.exchange(soci::into(alternate_contact));
    st.exchange(soci::into(language));
    st.exchange(soci::into(centre));
    st.exchange(soci::into(assignee.value, assignee.ind));
    st.exchange(soci::into(escalation_level));
    st.exchange(soci::into(next_escalation_at.value, next_escalation_at.ind));
    st.exchange(soci::into(response_due_at));
    st.exchange(soci::into(update_due_at.value, update_due_at.ind));
    st.exchange(soci::into(restore_due_at));
    st.exchange(soci::into(acknowledged_at.value, acknowledged_at.ind));
    st.exchange(soci::into(resolved_at.value, resolved_at.ind));
    st.exchange(soci::into(closed_at.value, closed_at.ind));
    st.exchange(soci::into(noc_event_id.value, noc_event_id.ind));
    st.exchange(soci::into(maintenance_reference.value, maintenance_reference.ind));
    st.exchange(soci::into(created_by.value, created_by.ind));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
  }

  Ticket to_ticket() const {
    Ticket t;
    t.id = id;
    t.reference = reference;
    t.type = parse_ticket_type(type).value_or(TicketType::kServiceImpairment);
    t.origin = parse_ticket_origin(origin).value_or(TicketOrigin::kCustomer);
    t.severity = severity;
    t.state = parse_ticket_state(state).value_or(TicketState::kNew);
    t.customer_id = customer_id;
    t.customer_number = customer_number;
    t.customer_name = customer_name;
    t.access_group_id = access_group_id;
    t.scid = scid.get();
    t.subject = subject;
    t.description = description;
    t.alarm_info = alarm_info;
    t.problem_started_at = problem_started_at.time();
    t.contact.name = contact_name;
    t.contact.email = contact_email;
    auto phones = nlohmann::json::parse(contact_phones, nullptr, false);
    if (phones.is_array()) {
      for (const auto& phone : phones) {
        if (phone.is_string()) t.contact.phones.push_back(phone.get<std::string>());
      }
    }
    t.contact.alternate_contact = alternate_contact;
    t.language = language;
    t.centre_code = centre;
    t.assignee_user_id = assignee.get();
    t.escalation_level = escalation_level;
    t.next_escalation_at = next_escalation_at.time();
    t.response_due_at = from_epoch_ms(response_due_at);
    t.update_due_at = update_due_at.time();
    t.restore_due_at = from_epoch_ms(restore_due_at);
    t.acknowledged_at = acknowledged_at.time();
    t.resolved_at = resolved_at.time();
    t.closed_at = closed_at.time();
    t.noc_event_id = noc_event_id.get();
    t.maintenance_reference = maintenance_reference.get();
    t.created_by_user_id = created_by.get();
    t.created_at = from_epoch_ms(created_at);
    t.updated_at = from_epoch_ms(updated_at);
    return t;
  }
};

}  // namespace

const char* const kSelectTicketSql =
    "SELECT t.id, t.reference, t.type, t.origin, t.severity, t.state, t.customer_id,"
    " c.customer_number, c.name, t.access_group_id, t.scid, t.subject, t.description,"
    " t.alarm_info, t.problem_started_at, t.contact_name, t.contact_email, t.contact_phones,"
    " t.alternate_contact, t.language, t.centre_code, t.assignee_user_id, t.escalation_level,"
    " t.next_escalation_at, t.response_due_at, t.update_due_at, t.restore_due_at,"
    " t.acknowledged_at, t.resolved_at, t.closed_at, t.noc_event_id, t.maintenance_reference,"
    " t.created_by_user_id, t.created_at, t.updated_at"
    " FROM tickets t JOIN customers c ON c.id = t.customer_id";

Result<std::vector<Ticket>> query_tickets(soci::session& session, const std::string& sql,
                                          const std::vector<TicketQueryParameter>& parameters) {
  return guarded("could not read tickets", [&]() -> Result<std::vector<Ticket>> {
    // The bound values must stay where they are while the statement runs.
    std::vector<long long> numbers;
    std::vector<std::string> texts;
    numbers.reserve(parameters.size());
    texts.reserve(parameters.size());
    TicketRow row;
    soci::statement st(session);
    st.alloc();
    st.prepare(sql);
    row.bind(st);
    for (const auto& parameter : parameters) {
      if (parameter.number) {
        numbers.push_back(*parameter.number);
        st.exchange(soci::use(numbers.back(), parameter.name));
      } else {
        texts.push_back(parameter.text.value_or(""));
        st.exchange(soci::use(texts.back(), parameter.name));
      }
    }
    st.define_and_bind();
    std::vector<Ticket> out;
    if (st.execute(true)) {
      do {
        out.push_back(row.to_ticket());
      } while (st.fetch());
    }
    return out;
  });
}

Result<Ticket> load_ticket(soci::session& session, const std::string& reference) {
  auto found = query_tickets(session, std::string(kSelectTicketSql) + " WHERE t.reference = :r",
                             {{"r", std::nullopt, reference}});
  if (!found.ok()) return Error{found.failure()};
  if (found->empty()) return Error{"there is no ticket " + reference, ErrorKind::kNotFound};
  return std::move(found->front());
}

Result<Ticket> load_ticket_by_id(soci::session& session, long long id) {
  auto found = query_tickets(session, std::string(kSelectTicketSql) + " WHERE t.id = :id",
                             {{"id", id, std::nullopt}});
  if (!found.ok()) return Error{found.failure()};
  if (found->empty()) {
    return Error{"there is no ticket " + std::to_string(id), ErrorKind::kNotFound};
  }
  return std::move(found->front());
}

Status insert_ticket(soci::session& session, Ticket& ticket) {
  return guarded("could not store the ticket", [&]() -> Status {
    std::string type(ticket_type_name(ticket.type));
    std::string origin(ticket_origin_name(ticket.origin));
    std::string state(ticket_state_name(ticket.state));
    BoundText scid(ticket.scid);
    BoundNumber problem(ticket.problem_started_at);
    std::string phones = nlohmann::json(ticket.contact.phones).dump();
    BoundNumber assignee(ticket.assignee_user_id);
    BoundNumber next(ticket.next_escalation_at);
    long long response = to_epoch_ms(ticket.response_due_at);
    BoundNumber update(ticket.update_due_at);
    long long restore = to_epoch_ms(ticket.restore_due_at);
    BoundNumber noc(ticket.noc_event_id);
    BoundText maintenance(ticket.maintenance_reference);
    BoundNumber created_by(ticket.created_by_user_id);
    long long created = to_epoch_ms(ticket.created_at);
    long long updated = to_epoch_ms(ticket.updated_at);
    long long id = 0;
    session << "INSERT INTO tickets (reference, type, origin, severity, state, customer_id,"
               " access_group_id, scid, subject, description, alarm_info, problem_started_at,"
               " contact_name, contact_email, contact_phones, alternate_contact, language,"
               " centre_code, assignee_user_id, escalation_level, next_escalation_at,"
               " response_due_at, update_due_at, restore_due_at, noc_event_id,"
               " maintenance_reference, created_by_user_id, created_at, updated_at)"
               " VALUES (:reference, :type, :origin, :severity, :state, :customer, :grp, :scid,"
               " :subject, :description, :alarm, :problem, :cname, :cemail, :cphones, :calt,"
               " :language, :centre, :assignee, :level, :next, :response, :update_due,"
               " :restore, :noc, :maintenance, :created_by, :created, :updated) RETURNING id",
        soci::use(ticket.reference), soci::use(type), soci::use(origin), soci::use(ticket.severity),
        soci::use(state), soci::use(ticket.customer_id), soci::use(ticket.access_group_id),
        soci::use(scid.value, scid.ind), soci::use(ticket.subject), soci::use(ticket.description),
        soci::use(ticket.alarm_info), soci::use(problem.value, problem.ind),
        soci::use(ticket.contact.name), soci::use(ticket.contact.email), soci::use(phones),
        soci::use(ticket.contact.alternate_contact), soci::use(ticket.language),
        soci::use(ticket.centre_code), soci::use(assignee.value, assignee.ind),
        soci::use(ticket.escalation_level), soci::use(next.value, next.ind), soci::use(response),
        soci::use(update.value, update.ind), soci::use(restore), soci::use(noc.value, noc.ind),
        soci::use(maintenance.value, maintenance.ind), soci::use(created_by.value, created_by.ind),
        soci::use(created), soci::use(updated), soci::into(id);
    ticket.id = id;
    return ok_status();
  });
}

Status save_ticket(soci::session& session, const Ticket& ticket) {
  return guarded("could not update the ticket", [&]() -> Status {
    std::string state(ticket_state_name(ticket.state));
    BoundNumber assignee(ticket.assignee_user_id);
    BoundNumber next(ticket.next_escalation_at);
    long long response = to_epoch_ms(ticket.response_due_at);
    BoundNumber update(ticket.update_due_at);
    long long restore = to_epoch_ms(ticket.restore_due_at);
    BoundNumber acknowledged(ticket.acknowledged_at);
    BoundNumber resolved(ticket.resolved_at);
    BoundNumber closed(ticket.closed_at);
    long long updated = to_epoch_ms(ticket.updated_at);
    long long id = ticket.id;
    session << "UPDATE tickets SET severity = :severity, state = :state,"
               " assignee_user_id = :assignee, escalation_level = :level,"
               " next_escalation_at = :next, response_due_at = :response,"
               " update_due_at = :update_due, restore_due_at = :restore,"
               " acknowledged_at = :acknowledged, resolved_at = :resolved, closed_at = :closed,"
               " updated_at = :updated WHERE id = :id",
        soci::use(ticket.severity), soci::use(state), soci::use(assignee.value, assignee.ind),
        soci::use(ticket.escalation_level), soci::use(next.value, next.ind), soci::use(response),
        soci::use(update.value, update.ind), soci::use(restore),
        soci::use(acknowledged.value, acknowledged.ind), soci::use(resolved.value, resolved.ind),
        soci::use(closed.value, closed.ind), soci::use(updated), soci::use(id);
    return ok_status();
  });
}

Result<long long> append_ticket_event(soci::session& session, const NewTicketEvent& event) {
  return guarded("could not store the ticket event", [&]() -> Result<long long> {
    long long ticket_id = event.ticket_id;
    long long at = to_epoch_ms(event.at);
    BoundNumber actor(event.actor_user_id);
    std::string kind(ticket_event_kind_name(event.kind));
    std::string visibility(ticket_visibility_name(event.visibility));
    BoundText from(event.from_state);
    BoundText to(event.to_state);
    long long id = 0;
    session << "INSERT INTO ticket_events (ticket_id, at, actor_user_id, kind, visibility,"
               " from_state, to_state, body, details) VALUES (:ticket, :at, :actor, :kind,"
               " :visibility, :from_state, :to_state, :body, :details) RETURNING id",
        soci::use(ticket_id), soci::use(at), soci::use(actor.value, actor.ind), soci::use(kind),
        soci::use(visibility), soci::use(from.value, from.ind), soci::use(to.value, to.ind),
        soci::use(event.body), soci::use(event.details), soci::into(id);
    return id;
  });
}

Result<std::vector<TicketEvent>> ticket_timeline(soci::session& session, long long ticket_id,
                                                 bool include_internal) {
  return guarded("could not read the ticket timeline", [&]() -> Result<std::vector<TicketEvent>> {
    long long id = 0, at = 0;
    NullableNumber actor;
    NullableText actor_name;
    std::string kind, visibility, body, details;
    NullableText from, to;
    NullableNumber attachment_id, attachment_size;
    NullableText filename, content_type;
    const std::string sql =
        std::string(
            "SELECT e.id, e.at, e.actor_user_id, u.name, e.kind, e.visibility,"
            " e.from_state, e.to_state, e.body, e.details, a.id, a.filename, a.size,"
            " a.content_type FROM ticket_events e"
            " LEFT JOIN users u ON u.id = e.actor_user_id"
            " LEFT JOIN ticket_attachments a ON a.event_id = e.id"
            " WHERE e.ticket_id = :ticket") +
        (include_internal ? "" : " AND e.visibility = 'public'") + " ORDER BY e.id";
    soci::statement st =
        (session.prepare << sql, soci::use(ticket_id), soci::into(id), soci::into(at),
         soci::into(actor.value, actor.ind), soci::into(actor_name.value, actor_name.ind),
         soci::into(kind), soci::into(visibility), soci::into(from.value, from.ind),
         soci::into(to.value, to.ind), soci::into(body), soci::into(details),
         soci::into(attachment_id.value, attachment_id.ind),
         soci::into(filename.value, filename.ind),
         soci::into(attachment_size.value, attachment_size.ind),
         soci::into(content_type.value, content_type.ind));
    std::vector<TicketEvent> out;
    if (st.execute(true)) {
      do {
        TicketEvent event;
        event.id = id;
        event.at = from_epoch_ms(at);
        event.actor_user_id = actor.get();
        event.actor_name = actor_name.get().value_or("system");
        event.kind = parse_ticket_event_kind(kind).value_or(TicketEventKind::kNote);
        event.visibility =
            parse_ticket_visibility(visibility).value_or(TicketVisibility::kInternal);
        event.from_state = from.get();
        event.to_state = to.get();
        event.body = body;
        event.details = details;
        if (attachment_id.get()) {
          event.attachment = TicketAttachmentInfo{attachment_id.value, filename.value,
                                                  attachment_size.value, content_type.value};
        }
        out.push_back(std::move(event));
      } while (st.fetch());
    }
    return out;
  });
}

Result<std::optional<SysTime>> last_entered(soci::session& session, long long ticket_id,
                                            TicketState state) {
  return guarded("could not read the ticket timeline", [&]() -> Result<std::optional<SysTime>> {
    NullableNumber at;
    std::string name(ticket_state_name(state));
    session << "SELECT MAX(at) FROM ticket_events WHERE ticket_id = :ticket"
               " AND kind = 'state_changed' AND to_state = :state",
        soci::use(ticket_id), soci::use(name), soci::into(at.value, at.ind);
    return at.time();
  });
}

}  // namespace candela::control
