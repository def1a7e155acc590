// The collection notices (category billing): the payment warning, the final warning, the
// suspension of service for non-payment and its restoration; and who receives them.
#pragma once

#include "common/result.hpp"
#include "control/notifier.hpp"

namespace soci {
class session;
}

namespace candela::control {

extern const NotificationTemplate kPaymentWarningNotice;    // "billing.payment_warning"
extern const NotificationTemplate kFinalWarningNotice;      // "billing.final_warning"
extern const NotificationTemplate kServiceSuspendedNotice;  // "billing.service_suspended"
extern const NotificationTemplate kServiceRestoredNotice;   // "billing.service_restored"

// The customer's billing users (enabled users with admin or billing on its organisation) and
// the account team's billing coordinator, or every billing coordinator when the slot is empty.
Result<NotificationRecipients> collection_recipients(soci::session& session, long long customer_id);

}  // namespace candela::control
