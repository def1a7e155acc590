// Collection notices: plain-text templates with {{placeholders}}; amounts as "USD 1,234.56" and
// dates as YYYY-MM-DD (calendar days, UTC).
#include "control/collection_notices.hpp"

#include <soci/soci.h>

#include "control/customer_contacts.hpp"
#include "control/store_guard.hpp"

namespace candela::control {

const NotificationTemplate kPaymentWarningNotice{
    "billing.payment_warning", NotificationCategory::kBilling,
    "Payment overdue: invoice {{invoice_number}} ({{customer_number}})",
    "Invoice {{invoice_number}} for {{customer_name}} ({{customer_number}}) was due on "
    "{{due_date}} and {{overdue_amount}} of it is still unpaid ({{days_past_due}} days past "
    "due).\n"
    "\n"
    "Please pay the overdue amount, quoting the invoice number. If you have paid already, "
    "thank you; please tell us the payment's reference so we can match it.\n"
    "\n"
    "If you disagree with a charge, open a billing request against the invoice in the portal: "
    "amounts under dispute are not counted as overdue.\n"
    "\n"
    "Balance and invoices: {{portal_url}}\n"};

const NotificationTemplate kFinalWarningNotice{
    "billing.final_warning", NotificationCategory::kBilling,
    "Final notice: invoice {{invoice_number}} ({{customer_number}}) is overdue",
    "FINAL NOTICE. Invoice {{invoice_number}} for {{customer_name}} ({{customer_number}}) was "
    "due on {{due_date}}; {{overdue_amount}} is still unpaid ({{days_past_due}} days past due).\n"
    "\n"
    "Unless the overdue amount is paid or disputed, every active service of {{customer_number}} "
    "will be suspended on {{suspend_on}}: the CDN then stops serving its content.\n"
    "\n"
    "Balance and invoices: {{portal_url}}\n"};

const NotificationTemplate kServiceSuspendedNotice{
    "billing.service_suspended", NotificationCategory::kBilling,
    "Services suspended for non-payment ({{customer_number}})",
    "Invoice {{invoice_number}} for {{customer_name}} ({{customer_number}}) was due on "
    "{{due_date}} and {{overdue_amount}} of it is still unpaid ({{days_past_due}} days past "
    "due). The following services have been suspended:\n"
    "\n"
    "{{services}}\n"
    "\n"
    "They are restored as soon as no undisputed amount is overdue any more.\n"
    "\n"
    "Balance and invoices: {{portal_url}}\n"};

const NotificationTemplate kServiceRestoredNotice{
    "billing.service_restored", NotificationCategory::kBilling,
    "Services restored ({{customer_number}})",
    "No undisputed amount of {{customer_name}} ({{customer_number}}) is overdue any more, so the "
    "services suspended for non-payment are active again:\n"
    "\n"
    "{{services}}\n"
    "\n"
    "Why: {{reason}}\n"};

Result<NotificationRecipients> collection_recipients(soci::session& session,
                                                     long long customer_id) {
  auto organisation = guarded("could not find the customer", [&]() -> Result<long long> {
    long long id = 0;
    session << "SELECT organisation_id FROM customers WHERE id = :c", soci::use(customer_id),
        soci::into(id);
    if (!session.got_data()) return Error{"no such customer", ErrorKind::kNotFound};
    return id;
  });
  if (!organisation.ok()) return Error{organisation.failure()};
  auto users = organisation_billing_users(session, *organisation);
  if (!users.ok()) return Error{users.failure()};
  auto to = account_team_recipient(session, customer_id, Role::kBillingCoordinator);
  if (!to.ok()) return to;
  to->user_ids.insert(to->user_ids.begin(), users->begin(), users->end());
  return to;
}

}  // namespace candela::control
