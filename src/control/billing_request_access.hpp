// Who may do what with a billing request (contract section 6), in one place. Internal to
// control/billing_request*.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/audit_log.hpp"
#include "control/billing_requests.hpp"
#include "control/database.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

bool is_billing_coordinator(const Principal& principal);
// A customer user (or key) with the billing right (admin, billing) on `organisation_id`:
// kNotFound when the organisation lies outside what the principal sees, kForbidden otherwise.
// Provider staff are never customers here (kForbidden).
Status check_customer_billing_right(soci::session& session, const Principal& principal,
                                    long long organisation_id, const std::string& what);
// Reading: any provider role, or the customer's billing right (404 for other customers, 403 for
// technical and read-only users). `reference` names the request in the not-found message.
Status check_may_read(soci::session& session, const Principal& principal,
                      const BillingRequest& request);
// The transitions `principal` may make now ("in_review", "cancelled", "resolved").
std::vector<std::string> allowed_billing_request_transitions(soci::session& session,
                                                             const Principal& principal,
                                                             const BillingRequest& request);
// The name the timeline keeps for whoever acted.
std::string actor_name(const Principal& principal);
AuditEntry billing_request_audit(const Principal& principal, const BillingRequest& request,
                                 std::string action);
Status append_billing_request_audit(soci::session& session, const Clock& clock,
                                    const AuditEntry& entry);

}  // namespace candela::control
