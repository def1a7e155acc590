// JSON of payments, balances and the aging report (docs/payments.md).
#pragma once

#include <nlohmann/json.hpp>

#include "control/aging.hpp"
#include "control/payments.hpp"

namespace candela::portal {

// {"id","customer_number","customer_name","method","reference","amount_minor","currency",
//  "received_on","note","recorded_by":{"user_id","name"}|null,"created_at",
//  "allocations":[{"invoice_number","amount_minor"}],"unapplied_minor"}
nlohmann::json payment_json(const control::Payment& payment);
// {"current_minor","days_1_30_minor","days_31_60_minor","days_61_90_minor","days_over_90_minor"}
nlohmann::json aging_json(const control::AgingBuckets& aging);
// {"customer_number","currency","outstanding_minor","overdue_minor","disputed_minor",
//  "unapplied_minor","aging":{…},"collection_state"}; with the name for the aging report.
nlohmann::json balance_json(const control::CustomerBalance& balance, bool with_name = false);

}  // namespace candela::portal
