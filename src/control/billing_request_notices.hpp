// Billing-request notices (category billing): opened → the customer's billing coordinator;
// public updates, resolution and cancellation → the opener and the customer's billing users.
// Internal to control/billing_request*.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/billing_requests.hpp"
#include "control/customer_contacts.hpp"
#include "control/database.hpp"
#include "control/notifier.hpp"

namespace soci {
class session;
}

namespace candela::control {

extern const NotificationTemplate kBillingRequestOpenedNotice;
extern const NotificationTemplate kBillingRequestUpdatedNotice;
extern const NotificationTemplate kBillingRequestResolvedNotice;
extern const NotificationTemplate kBillingRequestCancelledNotice;

// The opener and the customer's billing users, minus `actor` (who caused the notice).
Result<NotificationRecipients> billing_request_followers(soci::session& session,
                                                         const BillingRequest& request,
                                                         std::optional<long long> actor);
// Renders `tmpl` with the request's values plus `extra`; nothing when `to` is empty.
Status send_billing_request_notice(soci::session& session, const Clock& clock,
                                   const NotificationTemplate& tmpl, const BillingRequest& request,
                                   std::map<std::string, std::string> extra,
                                   const NotificationRecipients& to, std::string dedupe_key = {});

}  // namespace candela::control
