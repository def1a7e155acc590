// Order notices (category orders): one template per state an order reaches, the service
// connection notice, and who hears of each (contract section 2, "Notices on transitions").
#pragma once

#include <optional>
#include <vector>

#include "common/clock.hpp"
#include "control/customer_contacts.hpp"
#include "control/database.hpp"
#include "control/notifier.hpp"
#include "control/orders.hpp"

namespace soci {
class session;
}

namespace candela::control {

extern const NotificationTemplate kOrderQuotedNotice;
extern const NotificationTemplate kOrderSignedNotice;
extern const NotificationTemplate kOrderValidatedNotice;
extern const NotificationTemplate kOrderProvisioningNotice;
extern const NotificationTemplate kOrderCompletedNotice;
extern const NotificationTemplate kOrderCancelledNotice;
extern const NotificationTemplate kOrderRejectedNotice;
extern const NotificationTemplate kServiceConnectionNotice;  // "order.service_connection_notice"

// The group and its ancestors, nearest first.
Result<std::vector<long long>> access_group_chain(soci::session& session, long long group_id);

// Enabled users with the admin role on the organisation (top-level group) above `group_id`.
Result<std::vector<long long>> customer_admins(soci::session& session, long long group_id);
// Enabled users with admin or technical on `group_id` or one of its ancestors.
Result<std::vector<long long>> service_contacts(soci::session& session, long long group_id);
// The notice for `order` having reached its state, to the people the contract names, deduped
// per order and state. `link` is the order's page in the portal.
Status notify_order_state(soci::session& session, const Clock& clock, const Order& order,
                          const std::string& link);

}  // namespace candela::control
