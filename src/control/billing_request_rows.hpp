// Billing-request rows, timeline events and attachment rows ↔ structs (no authorization here:
// control/billing_requests checks it before calling these). Internal to control/billing_request*.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/billing_requests.hpp"
#include "control/database.hpp"

namespace soci {
class session;
}

namespace candela::control {

// One request by reference; kNotFound when absent.
Result<BillingRequest> load_billing_request(soci::session& session, const std::string& reference);

// Requests matching `where` (SQL over r = billing_requests, c = customers, i = invoices) with
// its named text/number parameters, in `order_limit` order.
struct BillingRequestQueryParameter {
  std::string name;
  std::optional<long long> number;
  std::optional<std::string> text;
};
Result<std::vector<BillingRequest>> query_billing_requests(
    soci::session& session, const std::string& where_and_order,
    const std::vector<BillingRequestQueryParameter>& parameters);

// Inserts a new request row; sets request.id.
Status insert_billing_request(soci::session& session, BillingRequest& request);
// Writes what changes after opening: state, resolution, credit, explanation, times.
Status save_billing_request(soci::session& session, const BillingRequest& request);

struct NewBillingRequestEvent {
  long long request_id = 0;
  SysTime at;
  std::optional<long long> actor_user_id;
  std::string actor_name;
  BillingRequestEventKind kind = BillingRequestEventKind::kNote;
  BillingRequestVisibility visibility = BillingRequestVisibility::kPublic;
  std::optional<std::string> from_state;
  std::optional<std::string> to_state;
  std::string text;
};
Result<long long> append_billing_request_event(soci::session& session,
                                               const NewBillingRequestEvent& event);
// The timeline, oldest first; internal entries only when `include_internal`.
Result<std::vector<BillingRequestEvent>> billing_request_events(soci::session& session,
                                                                long long request_id,
                                                                bool include_internal);
// The files, oldest first; internal ones only when `include_internal`.
Result<std::vector<BillingRequestAttachmentInfo>> billing_request_attachments(
    soci::session& session, long long request_id, bool include_internal);

}  // namespace candela::control
