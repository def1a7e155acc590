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

// Enabled users holding admin or billing on the customer's organisation (the top-level group).
Result<std::vector<long long>> customer_billing_users(soci::session& session,
                                                      long long organisation_id);
// The customer's billing coordinator from the account team, or the role when the slot is empty.
Result<NotificationRecipients> billing_coordinator_recipients(soci::session& session,
                                                              long long customer_id);
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
