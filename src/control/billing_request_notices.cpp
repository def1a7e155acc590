// Billing-request notices: plain-text templates with {{placeholders}}, amounts in the invoice's
// currency, times in GMT.
#include "control/billing_request_notices.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "common/money.hpp"
#include "control/store_guard.hpp"
#include "control/ticket_notices.hpp"

namespace candela::control {

const NotificationTemplate kBillingRequestOpenedNotice{
    "billing_request.opened", NotificationCategory::kBilling,
    "{{reference}} opened by {{customer}}: {{subject}}",
    "Billing request {{reference}} has been opened for {{customer}}.\n"
    "\n"
    "Kind: {{kind}}\n"
    "Invoice: {{invoice_number}}, line {{line}}\n"
    "Disputed amount: {{disputed}}\n"
    "Subject: {{subject}}\n"
    "Opened: {{created_at}} by {{opened_by}}\n"
    "\n"
    "{{description}}\n"};

const NotificationTemplate kBillingRequestUpdatedNotice{
    "billing_request.updated", NotificationCategory::kBilling, "{{reference}} updated: {{subject}}",
    "Billing request {{reference}} ({{subject}}) about invoice {{invoice_number}} has been "
    "updated by {{actor}}.\n"
    "\n"
    "State: {{state}}\n"
    "\n"
    "{{update}}\n"};

const NotificationTemplate kBillingRequestResolvedNotice{
    "billing_request.resolved", NotificationCategory::kBilling,
    "{{reference}} resolved: {{subject}}",
    "Billing request {{reference}} ({{subject}}) about invoice {{invoice_number}} has been "
    "resolved.\n"
    "\n"
    "Resolution: {{resolution}}\n"
    "Credit: {{credit}}\n"
    "\n"
    "{{explanation}}\n"
    "\n"
    "A credit appears as a line on your next invoice.\n"};

const NotificationTemplate kBillingRequestCancelledNotice{
    "billing_request.cancelled", NotificationCategory::kBilling,
    "{{reference}} cancelled: {{subject}}",
    "Billing request {{reference}} ({{subject}}) about invoice {{invoice_number}} has been "
    "cancelled by {{actor}}.\n"
    "\n"
    "{{update}}\n"};

Result<NotificationRecipients> billing_request_followers(soci::session& session,
                                                         const BillingRequest& request,
                                                         std::optional<long long> actor) {
  auto users = organisation_billing_users(session, request.organisation_id);
  if (!users.ok()) return Error{users.failure()};
  std::set<long long> ids(users->begin(), users->end());
  if (request.opened_by) ids.insert(request.opened_by->user_id);
  if (actor) ids.erase(*actor);
  NotificationRecipients to;
  to.user_ids.assign(ids.begin(), ids.end());
  return to;
}

Status send_billing_request_notice(soci::session& session, const Clock& clock,
                                   const NotificationTemplate& tmpl, const BillingRequest& request,
                                   std::map<std::string, std::string> extra,
                                   const NotificationRecipients& to, std::string dedupe_key) {
  if (to.emails.empty() && to.user_ids.empty() && to.roles.empty()) return ok_status();
  std::string currency = "USD";
  session << "SELECT currency FROM invoices WHERE id = :id", soci::use(request.invoice_id),
      soci::into(currency);
  Notice notice;
  notice.tmpl = &tmpl;
  notice.values = {
      {"reference", request.reference},
      {"subject", request.subject},
      {"description", request.description},
      {"kind", std::string(billing_request_kind_name(request.kind))},
      {"state", std::string(billing_request_state_name(request.state))},
      {"customer", request.customer_name + " (" + request.customer_number + ")"},
      {"invoice_number", request.invoice_number},
      {"line", request.line_number ? std::to_string(*request.line_number) : "all lines"},
      {"disputed", request.disputed_amount_minor
                       ? format_money(*request.disputed_amount_minor, currency)
                       : "none (an inquiry)"},
      {"created_at", gmt_text(request.created_at)},
      {"opened_by", request.opened_by ? request.opened_by->name : "system"},
      {"resolution",
       request.resolution ? std::string(billing_resolution_name(*request.resolution)) : "none"},
      {"credit", request.credit_minor ? format_money(*request.credit_minor, currency) : "none"},
      {"explanation", request.explanation.value_or("")},
  };
  for (auto& [key, value] : extra)
    notice.values[key] = std::move(value);
  notice.entity_type = "billing_request";
  notice.entity_id = request.reference;
  notice.dedupe_key = std::move(dedupe_key);
  auto sent = Notifier(session, clock).notify(notice, to);
  if (!sent.ok()) return Error{sent.failure()};
  return ok_status();
}

}  // namespace candela::control
