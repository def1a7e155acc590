// NocAlarms: validation, dedupe, affected services, proactive tickets, notices and audit.
#include "control/noc_alarms.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "common/ids.hpp"
#include "control/audit_log.hpp"
#include "control/database.hpp"
#include "control/edge_traffic.hpp"
#include "control/gmt_time.hpp"
#include "control/noc_notices.hpp"
#include "control/notifier.hpp"
#include "control/principal_audit.hpp"
#include "control/reference_numbers.hpp"
#include "control/store_guard.hpp"
#include "control/text_rules.hpp"
#include "control/tickets.hpp"

namespace candela::control {
namespace {

// Property ids are the configuration's ("www", "img-eu"); anything printable without spaces
// keeps a mistyped value from being stored as something else.
bool valid_property(std::string_view property) {
  if (property.empty() || property.size() > NocAlarms::kMaxPropertyLength) return false;
  for (unsigned char c : property) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

std::string joined(const std::vector<std::string>& items) {
  if (items.empty()) return "none";
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

// The audit entry of an alarm's change: a staff user is the actor; a monitor is named in the
// details (it has no user id).
AuditEntry alarm_audit(const AlarmSource& source, const NocEvent& event, std::string action) {
  AuditEntry entry = source.principal
                         ? audit_entry(*source.principal, "noc_event", event.reference, action)
                         : AuditEntry{};
  if (!source.principal) {
    entry.entity_type = "noc_event";
    entry.entity_id = event.reference;
    entry.action = std::move(action);
  }
  return entry;
}

nlohmann::json source_json(const AlarmSource& source) {
  if (source.monitor_id) return {{"monitor_id", *source.monitor_id}};
  return {{"user_id", source.principal ? source.principal->user_id : 0}};
}

}  // namespace

std::string_view alarm_action_name(AlarmAction action) {
  switch (action) {
    case AlarmAction::kOpened:
      return "opened";
    case AlarmAction::kUpdated:
      return "updated";
    case AlarmAction::kResolved:
      return "resolved";
    case AlarmAction::kIgnored:
      return "ignored";
  }
  return "ignored";
}

std::string noc_dedupe_key(const Alarm& alarm) {
  return std::string(noc_event_kind_name(alarm.kind)) + "|" + alarm.edge_id.value_or("") + "|" +
         alarm.scid.value_or("") + "|" + alarm.property.value_or("");
}

Status NocAlarms::validate(const Alarm& alarm) {
  std::vector<std::pair<std::string, std::string>> fields;
  const std::string kind(noc_event_kind_name(alarm.kind));
  switch (alarm.kind) {
    case NocEventKind::kEdgeDown:
      if (!alarm.edge_id) fields.emplace_back("/edge_id", "is required for edge_down");
      if (alarm.scid) fields.emplace_back("/scid", "edge_down concerns a whole edge: leave it out");
      if (alarm.property) {
        fields.emplace_back("/property", "edge_down concerns a whole edge: leave it out");
      }
      break;
    case NocEventKind::kErrorRate:
      if (!alarm.edge_id && !alarm.scid) {
        fields.emplace_back("/edge_id", "error_rate needs edge_id, scid or both");
      }
      break;
    case NocEventKind::kOriginUnreachable:
      if (!alarm.scid) fields.emplace_back("/scid", "is required for origin_unreachable");
      break;
  }
  if (alarm.property && !alarm.scid && alarm.kind != NocEventKind::kEdgeDown) {
    fields.emplace_back("/property", "names a property of a service: give scid too");
  }
  if (alarm.edge_id) {
    int edges = 0;
    session_ << "SELECT COUNT(*) FROM edges WHERE edge_id = :id", soci::use(*alarm.edge_id),
        soci::into(edges);
    if (edges == 0) fields.emplace_back("/edge_id", "there is no edge \"" + *alarm.edge_id + "\"");
  }
  if (alarm.scid) {
    int services = 0;
    if (is_valid_scid(*alarm.scid)) {
      session_ << "SELECT COUNT(*) FROM services WHERE scid = :scid", soci::use(*alarm.scid),
          soci::into(services);
    }
    if (services == 0) fields.emplace_back("/scid", "there is no service \"" + *alarm.scid + "\"");
  }
  if (alarm.property && !valid_property(*alarm.property)) {
    fields.emplace_back("/property", "must be 1 to " + std::to_string(kMaxPropertyLength) +
                                         " printable ASCII characters without spaces");
  }
  if (alarm.observed_at > clock_.now() + kFutureTolerance) {
    fields.emplace_back("/observed_at", "is in the future (the portal's time is " +
                                            format_gmt(clock_.now()) +
                                            "); send the UTC time the"
                                            " monitor observed the condition");
  }
  if (alarm.summary.empty() || alarm.summary.size() > kMaxSummaryLength ||
      !is_printable_text(alarm.summary)) {
    fields.emplace_back("/summary", "must be 1 to " + std::to_string(kMaxSummaryLength) +
                                        " characters on one line");
  }
  if (alarm.details.size() > kMaxDetailsLength) {
    fields.emplace_back("/details",
                        "must be at most " + std::to_string(kMaxDetailsLength) + " bytes as JSON");
  }
  if (!fields.empty()) {
    return Error{"the " + kind + " alarm has invalid fields", ErrorKind::kInvalid,
                 std::move(fields)};
  }
  return ok_status();
}

Result<AlarmOutcome> NocAlarms::handle(const AlarmSource& source, const Alarm& alarm) {
  return guarded("could not handle the alarm", [&]() -> Result<AlarmOutcome> {
    if (source.principal) {
      if (auto allowed = may_raise_alarms(*source.principal); !allowed.ok()) {
        return Error{allowed.failure()};
      }
    } else if (!source.monitor_id) {
      return Error{"an alarm needs a monitor or a user", ErrorKind::kUnauthorized};
    }
    if (auto valid = validate(alarm); !valid.ok()) return Error{valid.failure()};
    const std::string key = noc_dedupe_key(alarm);
    return alarm.state == AlarmState::kFiring ? fire(source, alarm, key)
                                              : clear(source, alarm, key);
  });
}

Result<AlarmOutcome> NocAlarms::fire(const AlarmSource& source, const Alarm& alarm,
                                     const std::string& dedupe_key) {
  NocEvents events(session_);
  auto open = events.find_open(dedupe_key);
  if (!open.ok()) return Error{open.failure()};
  const long long now = to_epoch_ms(clock_.now());
  const long long observed = to_epoch_ms(alarm.observed_at);
  AlarmOutcome outcome;
  long long event_id = 0;
  if (open->has_value()) {
    // The same condition again: one event, counted, with the latest words and details.
    const NocEvent& current = **open;
    event_id = current.id;
    const long long last_seen = std::max(to_epoch_ms(current.last_seen_at), observed);
    session_ << "UPDATE noc_events SET occurrences = occurrences + 1, last_seen_at = :seen,"
                " summary = :summary, details = :details, updated_at = :now WHERE id = :id",
        soci::use(last_seen), soci::use(alarm.summary), soci::use(alarm.details), soci::use(now),
        soci::use(event_id);
    outcome.action = AlarmAction::kUpdated;
  } else {
    auto reference = next_reference(session_, ReferenceKind::kNocEvent, clock_.now());
    if (!reference.ok()) return Error{reference.failure()};
    const std::string kind(noc_event_kind_name(alarm.kind));
    const std::string open_state = "open";
    const int severity = noc_event_severity(alarm.kind);
    const std::string raised_by = source.monitor_id
                                      ? "monitor:" + *source.monitor_id
                                      : "user:" + std::to_string(source.principal->user_id);
    soci::indicator edge_ind = alarm.edge_id ? soci::i_ok : soci::i_null;
    soci::indicator scid_ind = alarm.scid ? soci::i_ok : soci::i_null;
    soci::indicator property_ind = alarm.property ? soci::i_ok : soci::i_null;
    const std::string edge_id = alarm.edge_id.value_or("");
    const std::string scid = alarm.scid.value_or("");
    const std::string property = alarm.property.value_or("");
    session_ << "INSERT INTO noc_events (reference, kind, state, edge_id, scid, property,"
                " severity, summary, details, dedupe_key, raised_by, first_seen_at, last_seen_at,"
                " occurrences, created_at, updated_at) VALUES (:ref, :kind, :state, :edge, :scid,"
                " :property, :severity, :summary, :details, :key, :by, :first, :last, 1, :now,"
                " :now2)",
        soci::use(*reference), soci::use(kind), soci::use(open_state), soci::use(edge_id, edge_ind),
        soci::use(scid, scid_ind), soci::use(property, property_ind), soci::use(severity),
        soci::use(alarm.summary), soci::use(alarm.details), soci::use(dedupe_key),
        soci::use(raised_by), soci::use(observed), soci::use(observed), soci::use(now),
        soci::use(now);
    session_ << "SELECT id FROM noc_events WHERE reference = :ref", soci::use(*reference),
        soci::into(event_id);
    outcome.action = AlarmAction::kOpened;
  }
  auto event = events.find_by_id(event_id);
  if (!event.ok()) return Error{event.failure()};
  auto opened = link_affected_services(*event);
  if (!opened.ok()) return Error{opened.failure()};
  outcome.tickets_opened = std::move(opened).value();

  AuditEntry entry =
      alarm_audit(source, *event, outcome.action == AlarmAction::kOpened ? "open" : "occurrence");
  entry.to_state = "open";
  if (outcome.action == AlarmAction::kOpened) entry.reason = alarm.summary;
  entry.details = nlohmann::json{{"source", source_json(source)},
                                 {"observed_at", observed},
                                 {"occurrences", event->occurrences},
                                 {"tickets_opened", outcome.tickets_opened}}
                      .dump();
  auto audited = AuditLog(session_, clock_).append(entry);
  if (!audited.ok()) return Error{audited.failure()};

  auto services = events.services_of(event_id);
  if (!services.ok()) return Error{services.failure()};
  if (outcome.action == AlarmAction::kOpened) {
    // Staff hear of each event once, when it opens; repeats only update the dashboard.
    std::vector<std::string> scids, tickets;
    for (const auto& service : *services) {
      scids.push_back(service.scid);
      tickets.push_back(service.ticket_reference);
    }
    Notice notice;
    notice.tmpl = &kNocEventOpenedNotice;
    notice.values = {{"reference", event->reference},
                     {"kind", noc_kind_label(event->kind)},
                     {"about", noc_subject_text(*event)},
                     {"severity", std::to_string(event->severity)},
                     {"first_seen", format_gmt(event->first_seen_at)},
                     {"summary", event->summary},
                     {"services", joined(scids)},
                     {"tickets", joined(tickets)}};
    notice.entity_type = "noc_event";
    notice.entity_id = event->reference;
    notice.dedupe_key = "noc.event_opened:" + event->reference;
    NotificationRecipients staff;
    staff.roles = {Role::kNocEngineer};
    auto told = Notifier(session_, clock_).notify(notice, staff);
    if (!told.ok()) return Error{told.failure()};
  }
  outcome.event = NocEventDetail{std::move(event).value(), std::move(services).value()};
  return outcome;
}

Result<AlarmOutcome> NocAlarms::clear(const AlarmSource& source, const Alarm& alarm,
                                      const std::string& dedupe_key) {
  NocEvents events(session_);
  auto open = events.find_open(dedupe_key);
  if (!open.ok()) return Error{open.failure()};
  AlarmOutcome outcome;
  if (!open->has_value()) {
    outcome.reason = "no open event matches this alarm";
    return outcome;
  }
  const NocEvent& current = **open;
  if (alarm.observed_at < current.last_seen_at) {
    // A late or replayed clear must not resolve a condition that fired again after it.
    outcome.reason = "the clear was observed before the event's last firing alarm";
    return outcome;
  }
  const long long now = to_epoch_ms(clock_.now());
  const long long cleared = to_epoch_ms(alarm.observed_at);
  const std::string resolved_state = "resolved";
  session_ << "UPDATE noc_events SET state = :state, resolved_at = :at, summary = :summary,"
              " details = :details, updated_at = :now WHERE id = :id",
      soci::use(resolved_state), soci::use(cleared), soci::use(alarm.summary),
      soci::use(alarm.details), soci::use(now), soci::use(current.id);
  auto event = events.find_by_id(current.id);
  if (!event.ok()) return Error{event.failure()};

  // Each linked ticket the provider is still working on hears, in public, that it cleared;
  // resolving the ticket stays with the support staff (the customer may still see a problem).
  auto services = events.services_of(current.id);
  if (!services.ok()) return Error{services.failure()};
  Tickets tickets(session_, clock_);
  const Principal system = system_principal();
  const std::string note = cleared_ticket_note(*event);
  for (const auto& service : *services) {
    const auto state = parse_ticket_state(service.ticket_state);
    if (!state || !is_open_ticket_state(*state)) continue;
    auto noted =
        tickets.add_note(system, service.ticket_reference, note, TicketVisibility::kPublic);
    if (!noted.ok()) return Error{noted.failure()};
    outcome.tickets_noted.push_back(service.ticket_reference);
  }

  AuditEntry entry = alarm_audit(source, *event, "resolve");
  entry.from_state = "open";
  entry.to_state = "resolved";
  entry.reason = alarm.summary;
  entry.details = nlohmann::json{{"source", source_json(source)},
                                 {"observed_at", cleared},
                                 {"tickets_noted", outcome.tickets_noted}}
                      .dump();
  auto audited = AuditLog(session_, clock_).append(entry);
  if (!audited.ok()) return Error{audited.failure()};

  Notice notice;
  notice.tmpl = &kNocEventResolvedNotice;
  notice.values = {{"reference", event->reference},
                   {"kind", noc_kind_label(event->kind)},
                   {"about", noc_subject_text(*event)},
                   {"resolved", format_gmt(*event->resolved_at)},
                   {"first_seen", format_gmt(event->first_seen_at)},
                   {"occurrences", std::to_string(event->occurrences)},
                   {"tickets", joined(outcome.tickets_noted)}};
  notice.entity_type = "noc_event";
  notice.entity_id = event->reference;
  notice.dedupe_key = "noc.event_resolved:" + event->reference;
  NotificationRecipients staff;
  staff.roles = {Role::kNocEngineer};
  auto told = Notifier(session_, clock_).notify(notice, staff);
  if (!told.ok()) return Error{told.failure()};

  outcome.action = AlarmAction::kResolved;
  auto refreshed = events.services_of(current.id);
  if (!refreshed.ok()) return Error{refreshed.failure()};
  outcome.event = NocEventDetail{std::move(event).value(), std::move(refreshed).value()};
  return outcome;
}

Result<std::vector<std::string>> NocAlarms::link_affected_services(const NocEvent& event) {
  // origin_unreachable and error_rate of a service: that service. edge_down and error_rate of
  // an edge alone: every active service with traffic on the edge in the last 24 hours.
  std::vector<ServedService> affected;
  if (event.scid) {
    ServedService service;
    std::string state;
    session_ << "SELECT scid, customer_id, access_group_id, state FROM services WHERE scid = :s",
        soci::use(*event.scid), soci::into(service.scid), soci::into(service.customer_id),
        soci::into(service.access_group_id), soci::into(state);
    if (session_.got_data() && state == "active") affected.push_back(service);
  } else if (event.edge_id) {
    auto served = services_served_by(session_, {*event.edge_id}, clock_.now() - kTrafficWindow);
    if (!served.ok()) return Error{served.failure()};
    affected = std::move(served).value();
  }
  std::set<std::string> linked;
  {
    std::string scid;
    soci::statement statement =
        (session_.prepare << "SELECT scid FROM noc_event_services WHERE event_id = :id",
         soci::use(event.id), soci::into(scid));
    statement.execute();
    while (statement.fetch())
      linked.insert(scid);
  }
  std::vector<std::string> opened;
  Tickets tickets(session_, clock_);
  const long long now = to_epoch_ms(clock_.now());
  for (const ServedService& service : affected) {
    if (linked.count(service.scid)) continue;  // one ticket per service per event
    ProactiveTicket ticket;
    ticket.customer_id = service.customer_id;
    ticket.scid = service.scid;
    ticket.severity = event.severity;
    ticket.subject = proactive_ticket_subject(event, service.scid);
    ticket.description = proactive_ticket_description(event, service.scid);
    ticket.noc_event_id = event.id;
    auto reference = tickets.open_proactive(ticket);
    if (!reference.ok()) return Error{reference.failure()};
    session_ << "INSERT INTO noc_event_services (event_id, scid, customer_id, ticket_reference,"
                " added_at) VALUES (:e, :s, :c, :t, :at)",
        soci::use(event.id), soci::use(service.scid), soci::use(service.customer_id),
        soci::use(*reference), soci::use(now);
    opened.push_back(std::move(reference).value());
  }
  return opened;
}

}  // namespace candela::control
