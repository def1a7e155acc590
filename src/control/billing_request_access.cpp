// Billing-request roles: customers' billing users open, note, attach and cancel; the billing
// coordinator reviews, notes (also internally) and resolves; other staff only read.
#include "control/billing_request_access.hpp"

#include "control/authorization.hpp"
#include "control/principal_audit.hpp"

namespace candela::control {

bool is_billing_coordinator(const Principal& principal) {
  return principal.has_provider_role(Role::kBillingCoordinator);
}

Status check_customer_billing_right(soci::session& session, const Principal& principal,
                                    long long organisation_id, const std::string& what) {
  if (principal.is_provider()) {
    return Error{"only the customer's billing users " + what, ErrorKind::kForbidden};
  }
  auto allowed = authorize(session, principal, organisation_id, Action::kManageBilling);
  if (allowed.ok() || allowed.error_kind() == ErrorKind::kNotFound) return allowed;
  return Error{
      "your role does not allow billing requests: ask a user with the admin or billing "
      "role of your organisation",
      ErrorKind::kForbidden};
}

Status check_may_read(soci::session& session, const Principal& principal,
                      const BillingRequest& request) {
  if (principal.is_provider()) return ok_status();
  auto allowed = check_customer_billing_right(session, principal, request.organisation_id,
                                              "read billing requests");
  if (!allowed.ok() && allowed.error_kind() == ErrorKind::kNotFound) {
    return Error{"there is no billing request " + request.reference, ErrorKind::kNotFound};
  }
  return allowed;
}

std::vector<std::string> allowed_billing_request_transitions(soci::session& session,
                                                             const Principal& principal,
                                                             const BillingRequest& request) {
  std::vector<std::string> out;
  if (!is_open_billing_request_state(request.state)) return out;
  if (is_billing_coordinator(principal)) {
    if (request.state == BillingRequestState::kOpen) out.emplace_back("in_review");
    out.emplace_back("resolved");
  } else if (!principal.is_provider() &&
             check_customer_billing_right(session, principal, request.organisation_id, "cancel")
                 .ok()) {
    out.emplace_back("cancelled");
  }
  return out;
}

std::string actor_name(const Principal& principal) {
  if (principal.user_id <= 0 && !principal.api_key_id) return "system";
  return principal.name.empty() ? "user " + std::to_string(principal.user_id) : principal.name;
}

AuditEntry billing_request_audit(const Principal& principal, const BillingRequest& request,
                                 std::string action) {
  return audit_entry(principal, "billing_request", request.reference, std::move(action));
}

Status append_billing_request_audit(soci::session& session, const Clock& clock,
                                    const AuditEntry& entry) {
  auto appended = AuditLog(session, clock).append(entry);
  if (!appended.ok()) return Error{appended.failure()};
  return ok_status();
}

}  // namespace candela::control
