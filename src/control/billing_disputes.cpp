// The amount under open disputes, for collections (control/billing_disputes.hpp).
#include "control/billing_disputes.hpp"

#include <soci/soci.h>

#include "control/store_guard.hpp"

namespace candela::control {

Result<long long> open_disputed_minor(soci::session& session, long long invoice_id) {
  return guarded("could not read the invoice's open disputes", [&]() -> Result<long long> {
    long long disputed = 0;
    session << "SELECT CAST(COALESCE(SUM(disputed_amount_minor), 0) AS BIGINT)"
               " FROM billing_requests WHERE invoice_id = :id AND kind = 'dispute'"
               " AND state IN ('open', 'in_review')",
        soci::use(invoice_id), soci::into(disputed);
    return disputed;
  });
}

}  // namespace candela::control
