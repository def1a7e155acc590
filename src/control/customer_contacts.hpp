// Who to tell at a customer: its billing users, and its account team with the provider role as
// the fallback for an empty slot. Shared by the order, invoice, collection and billing-request
// notices.
#pragma once

#include <vector>

#include "common/result.hpp"
#include "control/notifier.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

// Enabled users holding admin or billing on the organisation (top-level group), ascending.
Result<std::vector<long long>> organisation_billing_users(soci::session& session,
                                                          long long organisation_id);

// The customer's enabled account-team user for `role`; when the slot is empty (or its user is
// disabled), the provider role itself.
Result<NotificationRecipients> account_team_recipient(soci::session& session, long long customer_id,
                                                      Role role);

}  // namespace candela::control
