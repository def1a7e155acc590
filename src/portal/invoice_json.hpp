// How invoices and billing runs look in the API (docs/billing.md, docs/openapi/62-billing.json).
#pragma once

#include <nlohmann/json.hpp>

#include "common/civil_date.hpp"
#include "control/billing_run.hpp"
#include "control/invoices.hpp"

namespace candela::portal {

// An invoice in a list: every member of the full invoice but lines, deliveries and the address.
nlohmann::json invoice_summary_json(const control::Invoice& invoice, const CivilDate& today);
// The full invoice: the summary plus "lines", "deliveries" and "billing_address".
nlohmann::json invoice_json(const control::Invoice& invoice, const CivilDate& today);
nlohmann::json invoice_line_json(const control::InvoiceLine& line);
// A billing run; the invoice numbers it created and found are known only to the run itself.
nlohmann::json billing_run_json(const control::BillingRunRecord& run, bool with_numbers);

}  // namespace candela::portal
