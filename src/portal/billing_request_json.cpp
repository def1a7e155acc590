// Billing-request JSON: times in RFC 3339 UTC, amounts in minor units, absent values as null.
#include "portal/billing_request_json.hpp"

#include "portal/feed_json.hpp"

namespace candela::portal {
namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json user_json(const std::optional<control::UserRef>& user) {
  if (!user) return nullptr;
  return {{"user_id", user->user_id}, {"name", user->name}};
}

}  // namespace

nlohmann::json billing_request_summary_json(const control::BillingRequest& request) {
  return {
      {"reference", request.reference},
      {"customer_number", request.customer_number},
      {"customer_name", request.customer_name},
      {"invoice_number", request.invoice_number},
      {"line_number", or_null(request.line_number)},
      {"kind", control::billing_request_kind_name(request.kind)},
      {"subject", request.subject},
      {"description", request.description},
      {"disputed_amount_minor", or_null(request.disputed_amount_minor)},
      {"state", control::billing_request_state_name(request.state)},
      {"resolution", request.resolution
                         ? nlohmann::json(control::billing_resolution_name(*request.resolution))
                         : nlohmann::json(nullptr)},
      {"credit_minor", or_null(request.credit_minor)},
      {"explanation", or_null(request.explanation)},
      {"assigned_to", user_json(request.assigned_to)},
      {"opened_by", user_json(request.opened_by)},
      {"created_at", utc_timestamp(request.created_at)},
      {"updated_at", utc_timestamp(request.updated_at)},
      {"resolved_at",
       request.resolved_at ? nlohmann::json(utc_timestamp(*request.resolved_at)) : nullptr},
  };
}

nlohmann::json billing_request_event_json(const control::BillingRequestEvent& event) {
  return {{"id", event.id},
          {"at", utc_timestamp(event.at)},
          {"actor", {{"user_id", or_null(event.actor_user_id)}, {"name", event.actor_name}}},
          {"kind", control::billing_request_event_kind_name(event.kind)},
          {"visibility", control::billing_request_visibility_name(event.visibility)},
          {"from_state", or_null(event.from_state)},
          {"to_state", or_null(event.to_state)},
          {"text", event.text},
          {"attachment_id", or_null(event.attachment_id)}};
}

nlohmann::json billing_request_attachment_json(const control::BillingRequestAttachmentInfo& file) {
  return {{"id", file.id},
          {"filename", file.filename},
          {"size", file.size},
          {"content_type", file.content_type},
          {"visibility", control::billing_request_visibility_name(file.visibility)},
          {"uploaded_by", or_null(file.uploaded_by)},
          {"created_at", utc_timestamp(file.created_at)}};
}

nlohmann::json billing_request_json(const control::BillingRequestDetail& detail) {
  nlohmann::json body = billing_request_summary_json(detail.request);
  body["events"] = nlohmann::json::array();
  for (const auto& event : detail.events)
    body["events"].push_back(billing_request_event_json(event));
  body["attachments"] = nlohmann::json::array();
  for (const auto& file : detail.attachments)
    body["attachments"].push_back(billing_request_attachment_json(file));
  body["allowed_transitions"] = detail.allowed_transitions;
  return body;
}

}  // namespace candela::portal
