// Invoice notices: plain text with {{placeholders}}; amounts as "USD 1,234.56", dates YYYY-MM-DD.
#include "control/invoice_notices.hpp"

#include "common/money.hpp"

namespace candela::control {

const NotificationTemplate kInvoiceIssuedNotice{
    "invoice.issued", NotificationCategory::kBilling,
    "Invoice {{invoice_number}} for {{period}}: {{amount_due}} due {{due_date}}",
    "Invoice {{invoice_number}} for {{customer_name}} ({{customer_number}}), billing period "
    "{{period}}, was issued on {{issue_date}}.\n"
    "\n"
    "New charges: {{new_charges}}\n"
    "Amount due: {{amount_due}} by {{due_date}}\n"
    "\n"
    "The invoice is attached as a PDF. Please quote the invoice number with your payment.\n"
    "If you have a question about a charge, open a billing request against the invoice in the "
    "portal.\n"
    "\n"
    "Invoice in the portal: {{invoice_url}}\n"};

std::map<std::string, std::string> invoice_notice_values(const Invoice& invoice,
                                                         const std::string& public_url) {
  return {{"invoice_number", invoice.invoice_number},
          {"customer_name", invoice.customer_name},
          {"customer_number", invoice.customer_number},
          {"period", format_billing_month(invoice.period)},
          {"issue_date", format_civil_date(invoice.issue_date)},
          {"due_date", format_civil_date(invoice.due_date)},
          {"new_charges", format_money(invoice.new_charges_minor, invoice.currency)},
          {"amount_due", format_money(invoice.amount_due_minor, invoice.currency)},
          {"invoice_url", public_url + "/billing/invoices/" + invoice.invoice_number}};
}

}  // namespace candela::control
