// How billing requests look in the API (contract section 6): a summary for lists, the whole
// request with its timeline and attachments (what the caller may see) for one.
#pragma once

#include <nlohmann/json.hpp>

#include "control/billing_requests.hpp"

namespace candela::portal {

nlohmann::json billing_request_summary_json(const control::BillingRequest& request);
nlohmann::json billing_request_json(const control::BillingRequestDetail& detail);
nlohmann::json billing_request_event_json(const control::BillingRequestEvent& event);
nlohmann::json billing_request_attachment_json(const control::BillingRequestAttachmentInfo& file);

}  // namespace candela::portal
