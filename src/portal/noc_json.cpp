// NOC JSON: times in RFC 3339 UTC, absent values as null, stored details as their JSON object.
#include "portal/noc_json.hpp"

#include "portal/feed_json.hpp"

namespace candela::portal {
namespace {

nlohmann::json optional_text(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

nlohmann::json ticket_row_json(const control::NocTicketRow& row) {
  return {{"reference", row.reference},
          {"type", row.type},
          {"origin", row.origin},
          {"severity", row.severity},
          {"state", row.state},
          {"subject", row.subject},
          {"scid", optional_text(row.scid)},
          {"customer_number", row.customer_number},
          {"centre", row.centre},
          {"escalation_level", row.escalation_level},
          {"created_at", utc_timestamp(row.created_at)},
          {"updated_at", utc_timestamp(row.updated_at)},
          {"response_due_at", utc_timestamp(row.response_due_at)},
          {"restore_due_at", utc_timestamp(row.restore_due_at)}};
}

}  // namespace

nlohmann::json noc_event_json(const control::NocEvent& event) {
  // Details were stored from a parsed JSON object, so they parse back; a damaged row still
  // shows its text rather than failing the whole list.
  nlohmann::json details = nlohmann::json::parse(event.details, nullptr, false);
  if (details.is_discarded()) details = event.details;
  return {{"reference", event.reference},
          {"kind", control::noc_event_kind_name(event.kind)},
          {"state", control::noc_event_state_name(event.state)},
          {"severity", event.severity},
          {"edge_id", optional_text(event.edge_id)},
          {"scid", optional_text(event.scid)},
          {"property", optional_text(event.property)},
          {"summary", event.summary},
          {"details", details},
          {"raised_by", event.raised_by},
          {"first_seen_at", utc_timestamp(event.first_seen_at)},
          {"last_seen_at", utc_timestamp(event.last_seen_at)},
          {"resolved_at", utc_timestamp_or_null(event.resolved_at)},
          {"occurrences", event.occurrences},
          {"affected_services", event.affected_services},
          {"created_at", utc_timestamp(event.created_at)},
          {"updated_at", utc_timestamp(event.updated_at)}};
}

nlohmann::json noc_event_detail_json(const control::NocEventDetail& detail) {
  nlohmann::json body = noc_event_json(detail.event);
  body["linked_tickets"] = nlohmann::json::array();
  for (const auto& service : detail.services) {
    body["linked_tickets"].push_back(
        {{"reference", service.ticket_reference},
         {"state", service.ticket_state.empty() ? nlohmann::json(nullptr)
                                                : nlohmann::json(service.ticket_state)},
         {"severity", service.ticket_severity == 0 ? nlohmann::json(nullptr)
                                                   : nlohmann::json(service.ticket_severity)},
         {"scid", service.scid},
         {"customer_number", service.customer_number},
         {"customer_name", service.customer_name},
         {"linked_at", utc_timestamp(service.added_at)}});
  }
  return body;
}

nlohmann::json noc_monitor_json(const control::NocMonitor& monitor) {
  return {{"monitor_id", monitor.monitor_id},
          {"description", monitor.description},
          {"created_at", utc_timestamp(monitor.created_at)},
          {"last_used_at", utc_timestamp_or_null(monitor.last_used_at)},
          {"revoked_at", utc_timestamp_or_null(monitor.revoked_at)}};
}

nlohmann::json noc_alarm_outcome_json(const control::AlarmOutcome& outcome) {
  nlohmann::json body = {
      {"action", control::alarm_action_name(outcome.action)},
      {"event", outcome.event ? noc_event_detail_json(*outcome.event) : nlohmann::json(nullptr)},
      {"tickets_opened", outcome.tickets_opened},
      {"tickets_noted", outcome.tickets_noted}};
  if (!outcome.reason.empty()) body["reason"] = outcome.reason;
  return body;
}

nlohmann::json noc_dashboard_json(const control::NocDashboard& dashboard) {
  nlohmann::json edges = nlohmann::json::array();
  for (const auto& row : dashboard.edges) {
    nlohmann::json edge = edge_json(row.edge, row.monitor_health);
    edge["status"] = control::edge_health_name(row.health);
    edge["monitor_health"] = monitor_health_json(row.monitor_health);
    edge["draining"] = row.draining;
    edge["maintenance_reference"] = optional_text(row.maintenance_reference);
    edges.push_back(std::move(edge));
  }
  nlohmann::json events = nlohmann::json::array();
  for (const auto& event : dashboard.open_events)
    events.push_back(noc_event_json(event));
  nlohmann::json by_severity = nlohmann::json::object();
  for (const auto& [severity, count] : dashboard.open_tickets_by_severity)
    by_severity[std::to_string(severity)] = count;
  nlohmann::json items = nlohmann::json::array();
  for (const auto& ticket : dashboard.open_tickets)
    items.push_back(ticket_row_json(ticket));
  return {{"edges", edges},
          {"open_events", events},
          {"open_tickets", {{"by_severity", by_severity}, {"items", items}}},
          {"generated_at", utc_timestamp(dashboard.generated_at)}};
}

}  // namespace candela::portal
