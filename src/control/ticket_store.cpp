// Tickets: opening (validation, numbering, routing, deadlines), reading with tenancy, notes,
// transitions, staff changes, escalations and the jobs. Every change writes its timeline event,
// its audit record and its notices in the caller's transaction.
#include <soci/soci.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "common/ids.hpp"
#include "control/audit_log.hpp"
#include "control/authorization.hpp"
#include "control/customers.hpp"
#include "control/escalation_levels.hpp"
#include "control/principal_audit.hpp"
#include "control/reference_numbers.hpp"
#include "control/severity_matrix.hpp"
#include "control/store_guard.hpp"
#include "control/support_centres.hpp"
#include "control/ticket_effects.hpp"
#include "control/ticket_notices.hpp"
#include "control/ticket_rows.hpp"
#include "control/ticket_validation.hpp"
#include "control/ticket_workflow.hpp"
#include "control/tickets.hpp"

namespace candela::control {
namespace {

Error invalid(const std::string& message, FieldProblems problems) {
  return Error{message, ErrorKind::kInvalid, std::move(problems)};
}

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

// Customers act on tickets of their groups with any role but read_only: admin and technical
// (configure), billing (billing).
Status authorize_customer_action(soci::session& session, const Principal& principal,
                                 long long group) {
  auto configure = authorize(session, principal, group, Action::kConfigure);
  if (configure.ok() || configure.error_kind() == ErrorKind::kNotFound) return configure;
  auto billing = authorize(session, principal, group, Action::kManageBilling);
  if (billing.ok()) return billing;
  return Error{"your role only allows reading tickets", ErrorKind::kForbidden};
}

// Users with admin or technical on the group or one of its ancestors: the service's contacts.
Result<std::vector<long long>> customer_contacts(soci::session& session, long long group) {
  return guarded("could not read the customer's contacts", [&]() -> Result<std::vector<long long>> {
    std::vector<long long> users;
    long long user = 0;
    soci::statement st =
        (session.prepare << "WITH RECURSIVE up(id, parent_id) AS ("
                            " SELECT id, parent_id FROM access_groups WHERE id = :id"
                            " UNION SELECT g.id, g.parent_id FROM access_groups g"
                            "  JOIN up ON g.id = up.parent_id)"
                            " SELECT DISTINCT r.user_id FROM user_roles r"
                            " JOIN users u ON u.id = r.user_id"
                            " WHERE r.access_group_id IN (SELECT id FROM up)"
                            " AND r.role IN ('admin', 'technical') AND u.disabled = 0"
                            " ORDER BY r.user_id",
         soci::use(group), soci::into(user));
    if (st.execute(true)) {
      do {
        users.push_back(user);
      } while (st.fetch());
    }
    return users;
  });
}

struct Owner {
  long long customer_id = 0;
  long long group = 0;
};

// The service a ticket is about: its customer and group, if `principal` may see it. Another
// customer's SCID reads exactly like one that does not exist.
Result<std::optional<Owner>> service_owner(soci::session& session, const Principal& principal,
                                           const std::string& scid) {
  Owner owner;
  session << "SELECT customer_id, access_group_id FROM services WHERE scid = :scid",
      soci::use(scid), soci::into(owner.customer_id), soci::into(owner.group);
  if (!session.got_data()) return std::optional<Owner>{};
  auto seen = authorize(session, principal, owner.group, Action::kRead);
  if (!seen.ok()) {
    if (seen.error_kind() == ErrorKind::kNotFound) return std::optional<Owner>{};
    return Error{seen.failure()};
  }
  return std::optional<Owner>{owner};
}

// The customer's organisation, or for a customer principal granted lower down, its own granted
// group inside it (so the ticket stays visible to whoever opened it).
Result<std::optional<Owner>> customer_owner(soci::session& session, const Principal& principal,
                                            long long customer_id, long long organisation) {
  Owner owner{customer_id, organisation};
  auto seen = authorize(session, principal, organisation, Action::kRead);
  if (seen.ok()) return std::optional<Owner>{owner};
  if (seen.error_kind() != ErrorKind::kNotFound) return Error{seen.failure()};
  for (const auto& grant : principal.grants) {
    if (!grant.access_group_id) continue;
    long long org = 0;
    const long long start = *grant.access_group_id;
    session << "WITH RECURSIVE up(id, parent_id) AS ("
               " SELECT id, parent_id FROM access_groups WHERE id = :id"
               " UNION SELECT g.id, g.parent_id FROM access_groups g"
               "  JOIN up ON g.id = up.parent_id)"
               " SELECT id FROM up WHERE parent_id IS NULL",
        soci::use(start), soci::into(org);
    if (session.got_data() && org == organisation) {
      owner.group = start;
      return std::optional<Owner>{owner};
    }
  }
  return std::optional<Owner>{};
}

// Whose ticket it is: from the SCID, the customer number, or the only customer the principal
// acts for. Problems are added to `problems`.
Result<std::optional<Owner>> resolve_owner(soci::session& session, const Principal& principal,
                                           const TicketDraft& draft, FieldProblems& problems) {
  std::optional<Owner> owner;
  if (draft.scid && is_valid_scid(*draft.scid)) {
    auto found = service_owner(session, principal, *draft.scid);
    if (!found.ok()) return Error{found.failure()};
    if (!*found) {
      problems.emplace_back("/scid", "is not a service of yours: check the SCID");
      return owner;
    }
    owner = **found;
  }
  if (draft.customer_number && is_customer_number(*draft.customer_number)) {
    long long customer_id = 0;
    long long organisation = 0;
    soci::indicator org_ind = soci::i_null;
    session << "SELECT id, organisation_id FROM customers WHERE customer_number = :n",
        soci::use(*draft.customer_number), soci::into(customer_id),
        soci::into(organisation, org_ind);
    std::optional<Owner> by_number;
    if (session.got_data() && org_ind == soci::i_ok) {
      auto found = customer_owner(session, principal, customer_id, organisation);
      if (!found.ok()) return Error{found.failure()};
      by_number = *found;
    }
    if (!by_number) {
      problems.emplace_back("/customer_number", "is not a customer you can open tickets for");
    } else if (owner && owner->customer_id != by_number->customer_id) {
      problems.emplace_back("/customer_number", "does not own the service in /scid");
    } else if (!owner) {
      owner = by_number;
    }
    return owner;
  }
  if (owner || (draft.scid && !is_blank(*draft.scid))) return owner;
  if (principal.is_provider()) {
    problems.emplace_back("/customer_number", "is required: whose ticket is it?");
    return owner;
  }
  // A customer user: the customers of the organisations its grants lie in.
  std::set<std::pair<long long, long long>> candidates;  // (customer, organisation)
  for (const auto& grant : principal.grants) {
    if (!grant.access_group_id) continue;
    long long customer_id = 0;
    long long organisation = 0;
    const long long start = *grant.access_group_id;
    soci::statement st =
        (session.prepare
             << "WITH RECURSIVE up(id, parent_id) AS ("
                " SELECT id, parent_id FROM access_groups WHERE id = :id"
                " UNION SELECT g.id, g.parent_id FROM access_groups g"
                "  JOIN up ON g.id = up.parent_id)"
                " SELECT c.id, c.organisation_id FROM customers c"
                " WHERE c.organisation_id IN (SELECT id FROM up WHERE parent_id IS NULL)",
         soci::use(start), soci::into(customer_id), soci::into(organisation));
    if (st.execute(true)) {
      do {
        candidates.emplace(customer_id, organisation);
      } while (st.fetch());
    }
  }
  if (candidates.empty()) {
    return Error{"you do not act for any customer", ErrorKind::kForbidden};
  }
  if (candidates.size() > 1) {
    problems.emplace_back("/customer_number",
                          "is required: you act for several customers (or give /scid)");
    return owner;
  }
  return customer_owner(session, principal, candidates.begin()->first, candidates.begin()->second);
}

std::string user_language(soci::session& session, const Principal& principal) {
  if (principal.user_id <= 0) return "en";
  std::string language;
  session << "SELECT language FROM users WHERE id = :id", soci::use(principal.user_id),
      soci::into(language);
  return session.got_data() && is_language_code(language) ? language : "en";
}

// Numbers, routes, stores and announces a ticket whose owner and fields are settled.
Result<Ticket> store_new_ticket(soci::session& session, const Clock& clock, Ticket ticket,
                                const std::optional<Principal>& principal) {
  auto level = severity_level(session, ticket.severity);
  if (!level.ok()) return Error{level.failure()};
  auto reference = next_reference(session, ReferenceKind::kTicket, ticket.created_at);
  if (!reference.ok()) return Error{reference.failure()};
  ticket.reference = *reference;
  auto duty = on_duty_centre(session, ticket.created_at, ticket.language);
  if (!duty.ok()) return Error{duty.failure()};
  ticket.centre_code = duty->centre.code;
  set_initial_deadlines(ticket, *level);
  auto stored = insert_ticket(session, ticket);
  if (!stored.ok()) return Error{stored.failure()};

  const std::optional<long long> actor = ticket.created_by_user_id;
  auto created = append_ticket_event(
      session,
      {ticket.id, ticket.created_at, actor, TicketEventKind::kCreated, TicketVisibility::kPublic,
       std::nullopt, std::string("new"), ticket.subject,
       nlohmann::json{{"origin", ticket_origin_name(ticket.origin)}, {"severity", ticket.severity}}
           .dump()});
  if (!created.ok()) return Error{created.failure()};
  const std::string routed_body =
      "Routed to " + duty->centre.name + " (" + duty->centre.code + "), on duty at " +
      gmt_text(ticket.created_at) +
      (duty->language_matched ? "; speaks " : "; no centre on duty speaks ") + ticket.language;
  auto routed = append_ticket_event(
      session, {ticket.id, ticket.created_at, std::nullopt, TicketEventKind::kRouted,
                TicketVisibility::kPublic, std::nullopt, std::nullopt, routed_body,
                nlohmann::json{{"centre", duty->centre.code},
                               {"language", ticket.language},
                               {"language_matched", duty->language_matched}}
                    .dump()});
  if (!routed.ok()) return Error{routed.failure()};

  AuditEntry entry = ticket_audit_entry(principal, ticket, "create");
  entry.to_state = "new";
  entry.reason = ticket.subject;
  entry.details = nlohmann::json{{"type", ticket_type_name(ticket.type)},
                                 {"origin", ticket_origin_name(ticket.origin)},
                                 {"severity", ticket.severity},
                                 {"scid", ticket.scid ? nlohmann::json(*ticket.scid) : nullptr},
                                 {"customer_number", ticket.customer_number},
                                 {"centre", ticket.centre_code}}
                      .dump();
  auto audited = append_audit(session, clock, entry);
  if (!audited.ok()) return Error{audited.failure()};

  // Reload for the customer's number and name (notice values).
  auto loaded = load_ticket_by_id(session, ticket.id);
  if (!loaded.ok()) return loaded;
  NotificationRecipients to = ticket_followers(*loaded, std::nullopt);
  if (loaded->origin == TicketOrigin::kProactive) {
    auto contacts = customer_contacts(session, loaded->access_group_id);
    if (!contacts.ok()) return Error{contacts.failure()};
    to.user_ids = *contacts;
  }
  to.roles.push_back(Role::kCdnSupportTechnician);
  auto sent = send_ticket_notice(session, clock, kTicketCreatedNotice, *loaded, {}, to,
                                 "ticket.created:" + loaded->reference);
  if (!sent.ok()) return Error{sent.failure()};
  return loaded;
}

}  // namespace

Result<Ticket> Tickets::load_for(const Principal& principal, const std::string& reference,
                                 bool write) {
  return guarded("could not read the ticket", [&]() -> Result<Ticket> {
    if (!is_valid_ticket_reference(reference)) {
      return Error{"there is no ticket " + reference, ErrorKind::kNotFound};
    }
    auto ticket = load_ticket(session_, reference);
    if (!ticket.ok()) return ticket;
    if (principal.is_provider()) {
      if (write && !may_work_tickets(principal)) {
        return Error{
            "only support technicians, NOC engineers, customer care managers and "
            "provider admins work on tickets",
            ErrorKind::kForbidden};
      }
      return ticket;
    }
    auto seen = authorize(session_, principal, ticket->access_group_id, Action::kRead);
    if (!seen.ok()) {
      if (seen.error_kind() == ErrorKind::kNotFound) {
        return Error{"there is no ticket " + reference, ErrorKind::kNotFound};
      }
      return Error{seen.failure()};
    }
    if (write) {
      auto allowed = authorize_customer_action(session_, principal, ticket->access_group_id);
      if (!allowed.ok()) return Error{allowed.failure()};
    }
    return ticket;
  });
}

Result<Ticket> Tickets::open(const Principal& principal, const TicketDraft& draft) {
  return guarded("could not open the ticket", [&]() -> Result<Ticket> {
    if (principal.is_provider() && !may_work_tickets(principal)) {
      return Error{"your role does not open tickets", ErrorKind::kForbidden};
    }
    const SysTime now = clock_.now();
    CheckedDraft checked = check_ticket_draft(draft, now);
    auto owner = resolve_owner(session_, principal, draft, checked.problems);
    if (!owner.ok()) return Error{owner.failure()};
    if (!checked.problems.empty()) {
      return invalid("the ticket has " + std::to_string(checked.problems.size()) +
                         " problem(s); each is listed with its field",
                     std::move(checked.problems));
    }
    if (!*owner) return Error{"you do not act for this customer", ErrorKind::kForbidden};
    if (!principal.is_provider()) {
      auto allowed = authorize_customer_action(session_, principal, (*owner)->group);
      if (!allowed.ok()) return Error{allowed.failure()};
    }
    Ticket ticket;
    ticket.type = *checked.type;
    ticket.origin = principal.is_provider() ? TicketOrigin::kStaff : TicketOrigin::kCustomer;
    ticket.severity =
        draft.severity.value_or(ticket.type == TicketType::kServiceImpairment ? 3 : 4);
    ticket.state = TicketState::kNew;
    ticket.customer_id = (*owner)->customer_id;
    ticket.access_group_id = (*owner)->group;
    if (draft.scid && !is_blank(*draft.scid)) ticket.scid = *draft.scid;
    ticket.subject = draft.subject;
    ticket.description = draft.description;
    ticket.alarm_info = draft.alarm_info;
    ticket.problem_started_at = draft.problem_started_at;
    ticket.contact = draft.contact;
    ticket.language = draft.language.value_or(user_language(session_, principal));
    ticket.created_by_user_id = acting_user_id(principal);
    ticket.created_at = now;
    ticket.updated_at = now;
    return store_new_ticket(session_, clock_, std::move(ticket), principal);
  });
}

Result<std::string> Tickets::open_proactive(const ProactiveTicket& request) {
  return guarded("could not open the proactive ticket", [&]() -> Result<std::string> {
    FieldProblems problems;
    long long customer_id = 0;
    long long group = 0;
    session_ << "SELECT customer_id, access_group_id FROM services WHERE scid = :scid",
        soci::use(request.scid), soci::into(customer_id), soci::into(group);
    if (!session_.got_data()) {
      problems.emplace_back("/scid", "there is no service " + request.scid);
    } else if (customer_id != request.customer_id) {
      problems.emplace_back("/scid", "belongs to another customer");
    }
    if (request.severity < 1 || request.severity > 4) {
      problems.emplace_back("/severity", "must be 1 to 4");
    }
    if (is_blank(request.subject) || request.subject.size() > kMaxSubjectLength) {
      problems.emplace_back("/subject", "must be 1 to 200 characters");
    }
    if (!problems.empty()) return invalid("the proactive ticket is not valid", problems);
    const SysTime now = clock_.now();
    Ticket ticket;
    ticket.type = TicketType::kServiceImpairment;
    ticket.origin = TicketOrigin::kProactive;
    ticket.severity = request.severity;
    ticket.customer_id = customer_id;
    ticket.access_group_id = group;
    ticket.scid = request.scid;
    ticket.subject = request.subject;
    ticket.description = request.description;
    ticket.alarm_info = "NOC event " + std::to_string(request.noc_event_id);
    ticket.problem_started_at = now;
    ticket.language = "en";
    ticket.noc_event_id = request.noc_event_id;
    ticket.created_at = now;
    ticket.updated_at = now;
    auto stored = store_new_ticket(session_, clock_, std::move(ticket), std::nullopt);
    if (!stored.ok()) return Error{stored.failure()};
    return stored->reference;
  });
}

Result<TicketPage> Tickets::list(const Principal& principal, const TicketFilter& filter,
                                 std::optional<long long> before, int limit) {
  return guarded("could not list tickets", [&]() -> Result<TicketPage> {
    limit = std::clamp(limit, 1, kMaxPageSize);
    std::string sql = std::string(kSelectTicketSql) + " WHERE 1 = 1";
    std::vector<TicketQueryParameter> parameters;
    auto groups = visible_groups(session_, principal);
    if (!groups.ok()) return Error{groups.failure()};
    if (*groups) {
      if ((*groups)->empty()) return TicketPage{};
      sql += " AND t.access_group_id IN (";
      for (std::size_t i = 0; i < (*groups)->size(); ++i)
        sql += (i ? "," : "") + std::to_string((**groups)[i]);
      sql += ")";
    }
    if (filter.state) {
      if (*filter.state == "open") {
        sql += " AND t.state NOT IN ('resolved', 'closed')";
      } else if (parse_ticket_state(*filter.state)) {
        sql += " AND t.state = :state";
        parameters.push_back({"state", std::nullopt, *filter.state});
      } else {
        return Error{"state must be \"open\" or a ticket state such as \"in_progress\""};
      }
    }
    if (filter.severity) {
      if (*filter.severity < 1 || *filter.severity > 4) return Error{"severity must be 1 to 4"};
      sql += " AND t.severity = :severity";
      parameters.push_back({"severity", *filter.severity, std::nullopt});
    }
    if (filter.type) {
      if (!parse_ticket_type(*filter.type)) {
        return Error{"type must be service_impairment, service_change or account_inquiry"};
      }
      sql += " AND t.type = :type";
      parameters.push_back({"type", std::nullopt, *filter.type});
    }
    if (filter.scid) {
      sql += " AND t.scid = :scid";
      parameters.push_back({"scid", std::nullopt, *filter.scid});
    }
    if (filter.customer_number) {
      sql += " AND c.customer_number = :customer";
      parameters.push_back({"customer", std::nullopt, *filter.customer_number});
    }
    if (filter.centre) {
      sql += " AND t.centre_code = :centre";
      parameters.push_back({"centre", std::nullopt, *filter.centre});
    }
    if (before) {
      sql += " AND t.id < :before";
      parameters.push_back({"before", *before, std::nullopt});
    }
    sql += " ORDER BY t.id DESC LIMIT " + std::to_string(limit + 1);
    auto found = query_tickets(session_, sql, parameters);
    if (!found.ok()) return Error{found.failure()};
    TicketPage page;
    page.tickets = std::move(found).value();
    if (static_cast<int>(page.tickets.size()) > limit) {
      page.tickets.resize(static_cast<std::size_t>(limit));
      page.next_before = page.tickets.back().id;
    }
    return page;
  });
}

Result<TicketDetail> Tickets::get(const Principal& principal, const std::string& reference) {
  auto ticket = load_for(principal, reference, false);
  if (!ticket.ok()) return Error{ticket.failure()};
  return guarded("could not read the ticket", [&]() -> Result<TicketDetail> {
    TicketDetail detail;
    detail.ticket = *ticket;
    session_ << "SELECT name FROM support_centres WHERE code = :code",
        soci::use(ticket->centre_code), soci::into(detail.centre_name);
    if (ticket->assignee_user_id) {
      std::string name;
      session_ << "SELECT name FROM users WHERE id = :id", soci::use(*ticket->assignee_user_id),
          soci::into(name);
      if (session_.got_data()) detail.assignee_name = name;
    }
    if (ticket->noc_event_id) {
      std::string event_reference;
      session_ << "SELECT reference FROM noc_events WHERE id = :id",
          soci::use(*ticket->noc_event_id), soci::into(event_reference);
      if (session_.got_data()) detail.noc_event_reference = event_reference;
    }
    auto timeline = ticket_timeline(session_, ticket->id, principal.is_provider());
    if (!timeline.ok()) return Error{timeline.failure()};
    detail.timeline = std::move(timeline).value();
    return detail;
  });
}

}  // namespace candela::control
