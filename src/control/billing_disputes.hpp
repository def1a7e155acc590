// What collections needs from billing requests: "all undisputed invoices are due" (handbook), so
// the amount under open disputes is not overdue and never leads to warnings or suspension.
#pragma once

#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

// The sum of disputed amounts of the invoice's billing requests that are open or in review
// (0 when none).
Result<long long> open_disputed_minor(soci::session& session, long long invoice_id);

}  // namespace candela::control
