// JSON representations of contract items, products and customer terms (docs/contracts.md).
#pragma once

#include <nlohmann/json.hpp>

#include "common/civil_date.hpp"
#include "control/customer_terms.hpp"
#include "control/service_items.hpp"

namespace candela::portal {

// {"id", "scid", "customer_number", "product", "description", "pricing_basis", "mrc_minor",
// "nrc_minor", "usage_plan", "term_months", "etc_percent", "start_date", "end_date"|null,
// "term_start", "term_end", "month_to_month" (today > term_end), "nrc_due",
// "nrc_invoice_number"|null, "order_number", "replaces_item_id"|null}
nlohmann::json service_item_json(const control::ServiceItem& item, const CivilDate& today);
// {"code", "name", "standard_mrc_minor", "standard_nrc_minor", "usage_plan"}
nlohmann::json product_json(const control::Product& product);
// {"customer_number", "msa_reference", "currency", "payment_terms_days", "warning_after_days",
// "final_warning_after_days", "suspend_after_days"}
nlohmann::json customer_terms_json(const control::CustomerTerms& terms);

}  // namespace candela::portal
