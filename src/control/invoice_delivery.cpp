// Invoice delivery: the records and the mail of an invoice at issue.
#include "control/invoice_delivery.hpp"

#include <soci/soci.h>

#include "control/customer_contacts.hpp"
#include "control/database.hpp"
#include "control/invoice_notices.hpp"
#include "control/invoice_pdf.hpp"
#include "control/notifier.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

constexpr const char* kDepositoryDetail =
    "central depository in London for printing and distribution";

Status store_record(soci::session& session, long long invoice_id,
                    const InvoiceDeliveryRecord& record) {
  const long long at = to_epoch_ms(record.created_at);
  session << "INSERT INTO invoice_deliveries (invoice_id, channel, destination, status, detail,"
             " created_at) VALUES (:i, :c, :d, :s, :t, :at)",
      soci::use(invoice_id), soci::use(record.channel), soci::use(record.destination),
      soci::use(record.status), soci::use(record.detail), soci::use(at);
  return ok_status();
}

}  // namespace

Result<std::vector<InvoiceDeliveryRecord>> deliver_invoice(
    soci::session& session, const Clock& clock, const Invoice& invoice,
    const DeliveryPreference& preference, const InvoiceDeliverySettings& settings) {
  InvoiceDeliveryRecord record;
  record.created_at = clock.now();
  NotificationRecipients recipients;
  const bool domestic = preference.country == "US";
  if (!domestic) {
    record.channel = "depository";
    record.destination = settings.depository_email;
    recipients.emails.push_back(settings.depository_email);
  } else if (preference.invoice_delivery == "post") {
    record.channel = "paper";
    record.destination =
        invoice.billing_address.name + ", " + invoice_address_one_line(invoice.billing_address);
    record.status = "queued";
    record.detail = "to be printed and posted to the billing address";
  } else if (preference.invoice_delivery == "portal") {
    record.channel = "portal";
    if (preference.organisation_id) {
      Result<std::vector<long long>> users =
          organisation_billing_users(session, *preference.organisation_id);
      if (!users.ok()) return users.failure();
      recipients.user_ids = *users;
    }
    record.destination = std::to_string(recipients.user_ids.size()) +
                         " billing user(s) of the customer's organisation";
    if (recipients.user_ids.empty()) {
      record.status = "failed";
      record.detail = "nobody holds the admin or billing role on the organisation";
    }
  } else {
    record.channel = "email";
    if (preference.invoice_email && !preference.invoice_email->empty()) {
      record.destination = *preference.invoice_email;
      recipients.emails.push_back(*preference.invoice_email);
    } else {
      record.destination = "";
      record.status = "failed";
      record.detail = "the customer has no invoice email address";
    }
  }

  const bool mail = !recipients.emails.empty() || !recipients.user_ids.empty();
  if (mail) {
    Result<std::string> pdf = render_invoice_pdf(invoice);
    if (!pdf.ok()) return pdf.failure();
    Notice notice;
    notice.tmpl = &kInvoiceIssuedNotice;
    notice.values = invoice_notice_values(invoice, settings.public_url);
    notice.attachments.push_back(
        MailAttachment{invoice.invoice_number + ".pdf", "application/pdf", std::move(*pdf)});
    notice.entity_type = "invoice";
    notice.entity_id = invoice.invoice_number;
    notice.dedupe_key = "invoice.issued:" + invoice.invoice_number;
    Result<NotifyReceipt> receipt = Notifier(session, clock).notify(notice, recipients);
    if (!receipt.ok()) return receipt.failure();
    if (record.channel == "portal") {
      record.status = "sent";
      record.detail = std::to_string(receipt->portal_rows) + " portal notification(s), " +
                      std::to_string(receipt->emails_queued) + " email(s) queued";
    } else {
      record.status = "queued";
      record.detail = record.channel == "depository"
                          ? std::string(kDepositoryDetail) + "; mail queued with the PDF"
                          : std::string("mail queued with the PDF");
    }
  }
  Status stored = guarded("could not record the invoice delivery",
                          [&] { return store_record(session, invoice.id, record); });
  if (!stored.ok()) return stored.failure();
  return std::vector<InvoiceDeliveryRecord>{record};
}

}  // namespace candela::control
