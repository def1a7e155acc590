// Ticket JSON: times in RFC 3339 UTC, absent values as null.
#include "portal/ticket_json.hpp"

#include "portal/feed_json.hpp"

namespace candela::portal {
namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json ticket_summary_json(const control::Ticket& ticket) {
  return {{"reference", ticket.reference},
          {"type", control::ticket_type_name(ticket.type)},
          {"origin", control::ticket_origin_name(ticket.origin)},
          {"severity", ticket.severity},
          {"state", control::ticket_state_name(ticket.state)},
          {"subject", ticket.subject},
          {"scid", or_null(ticket.scid)},
          {"customer_number", ticket.customer_number},
          {"centre", ticket.centre_code},
          {"escalation_level", ticket.escalation_level},
          {"created_at", utc_timestamp(ticket.created_at)},
          {"updated_at", utc_timestamp(ticket.updated_at)},
          {"response_due_at", utc_timestamp(ticket.response_due_at)},
          {"restore_due_at", utc_timestamp(ticket.restore_due_at)}};
}

nlohmann::json ticket_event_json(const control::TicketEvent& event) {
  nlohmann::json attachment = nullptr;
  if (event.attachment) {
    attachment = {{"id", event.attachment->id},
                  {"filename", event.attachment->filename},
                  {"size", event.attachment->size},
                  {"content_type", event.attachment->content_type}};
  }
  return {{"at", utc_timestamp(event.at)},
          {"kind", control::ticket_event_kind_name(event.kind)},
          {"actor", event.actor_name},
          {"visibility", control::ticket_visibility_name(event.visibility)},
          {"from_state", or_null(event.from_state)},
          {"to_state", or_null(event.to_state)},
          {"body", event.body},
          {"attachment", attachment}};
}

nlohmann::json ticket_json(const control::TicketDetail& detail,
                           const std::optional<control::SeverityLevel>& targets) {
  const auto& ticket = detail.ticket;
  nlohmann::json out = ticket_summary_json(ticket);
  out["customer_name"] = ticket.customer_name;
  out["description"] = ticket.description;
  out["alarm_info"] = ticket.alarm_info;
  out["problem_started_at"] = utc_timestamp_or_null(ticket.problem_started_at);
  out["contact"] = {{"name", ticket.contact.name},
                    {"email", ticket.contact.email},
                    {"phones", ticket.contact.phones},
                    {"alternate_contact", ticket.contact.alternate_contact}};
  out["language"] = ticket.language;
  out["centre"] = {{"code", ticket.centre_code}, {"name", detail.centre_name}};
  out["assignee"] = ticket.assignee_user_id
                        ? nlohmann::json{{"id", *ticket.assignee_user_id},
                                         {"name", detail.assignee_name.value_or("")}}
                        : nlohmann::json(nullptr);
  out["acknowledged_at"] = utc_timestamp_or_null(ticket.acknowledged_at);
  out["resolved_at"] = utc_timestamp_or_null(ticket.resolved_at);
  out["closed_at"] = utc_timestamp_or_null(ticket.closed_at);
  out["update_due_at"] = utc_timestamp_or_null(ticket.update_due_at);
  out["next_escalation_at"] = utc_timestamp_or_null(ticket.next_escalation_at);
  out["noc_event"] = or_null(detail.noc_event_reference);
  out["maintenance_reference"] = or_null(ticket.maintenance_reference);
  out["severity_targets"] =
      targets ? nlohmann::json{{"name", targets->name},
                               {"initial_response_minutes", targets->initial_response.count()},
                               {"update_interval_minutes", targets->update_interval.count()},
                               {"restoration_minutes", targets->restoration.count()}}
              : nlohmann::json(nullptr);
  out["timeline"] = nlohmann::json::array();
  for (const auto& event : detail.timeline)
    out["timeline"].push_back(ticket_event_json(event));
  return out;
}

}  // namespace candela::portal
