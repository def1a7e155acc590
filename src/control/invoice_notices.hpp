// The notification template of invoices (rendered by control/notifier).
#pragma once

#include <map>
#include <string>

#include "control/invoices.hpp"
#include "control/notifier.hpp"

namespace candela::control {

// invoice.issued: the invoice with its PDF attached, to the invoice email address (US, email),
// the organisation's billing users (US, portal) or the London depository (outside the US).
extern const NotificationTemplate kInvoiceIssuedNotice;

// The placeholders: invoice_number, customer_name, customer_number, period, issue_date,
// due_date, new_charges, amount_due (as "USD 1,234.56") and invoice_url.
std::map<std::string, std::string> invoice_notice_values(const Invoice& invoice,
                                                         const std::string& public_url);

}  // namespace candela::control
