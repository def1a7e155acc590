// What quoting and completing an order do beyond the state change (contract section 2):
// quoting checks the order against the service it changes and prices a disconnect; completing
// applies the order to services and contract items, in the caller's transaction.
#pragma once

#include <optional>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "control/database.hpp"
#include "control/orders.hpp"

namespace soci {
class session;
}

namespace candela::control {

// The service's items open on or after `today` (no end date, or ending today or later).
Result<std::vector<ServiceItem>> open_items(soci::session& session, const Clock& clock,
                                            const std::string& scid, const CivilDate& today);

// Checks the order against the stored world before it is quoted: the service and its items
// (change, renewal, disconnect), the transfer target, the customer of a new service. A
// disconnect gets its ETC quote (`order.disconnect->quote`) computed now, with `today` as the
// date the request was received. Problems are kInvalid, located.
Status prepare_quote(soci::session& session, const Clock& clock, Order& order,
                     const CivilDate& today);

// Completion effects by type. `actor` is the activation engineer completing the order (a new
// service is created, configured and deployed in their name). Returns the newest feed sequence
// when the completion appended feed events.
Result<std::optional<long long>> complete_order(soci::session& session, const Clock& clock,
                                                RandomSource& random, const OrderSettings& settings,
                                                const Principal& actor, Order& order);

}  // namespace candela::control
