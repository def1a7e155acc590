// Collection notices: plain-text templates with {{placeholders}}; amounts as "USD 1,234.56" and
// dates as YYYY-MM-DD (calendar days, UTC).
#include "control/collection_notices.hpp"

#include <soci/soci.h>

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
  return guarded("could not find who to tell", [&]() -> Result<NotificationRecipients> {
    NotificationRecipients to;
    soci::rowset<long long> users =
        (session.prepare << "SELECT DISTINCT r.user_id FROM user_roles r"
                            " JOIN users u ON u.id = r.user_id"
                            " JOIN customers c ON c.organisation_id = r.access_group_id"
                            " WHERE c.id = :c AND u.disabled = 0"
                            " AND r.role IN ('admin', 'billing') ORDER BY r.user_id",
         soci::use(customer_id));
    for (const long long user : users)
      to.user_ids.push_back(user);
    long long coordinator = 0;
    session << "SELECT t.user_id FROM account_team t JOIN users u ON u.id = t.user_id"
               " WHERE t.customer_id = :c AND t.role = 'billing_coordinator' AND u.disabled = 0",
        soci::use(customer_id), soci::into(coordinator);
    if (session.got_data()) {
      to.user_ids.push_back(coordinator);
    } else {
      to.roles.push_back(Role::kBillingCoordinator);
    }
    return to;
  });
}

}  // namespace candela::control
