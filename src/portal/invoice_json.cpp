// Invoice and billing run JSON.
#include "portal/invoice_json.hpp"

#include "portal/feed_json.hpp"

namespace candela::portal {
namespace {

nlohmann::json date_or_null(const std::optional<CivilDate>& date) {
  return date ? nlohmann::json(format_civil_date(*date)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json invoice_summary_json(const control::Invoice& invoice, const CivilDate& today) {
  return {{"invoice_number", invoice.invoice_number},
          {"customer_number", invoice.customer_number},
          {"customer_name", invoice.customer_name},
          {"period", format_billing_month(invoice.period)},
          {"issue_date", format_civil_date(invoice.issue_date)},
          {"due_date", format_civil_date(invoice.due_date)},
          {"currency", invoice.currency},
          {"previous_balance_minor", invoice.previous_balance_minor},
          {"payments_minor", invoice.payments_minor},
          {"new_charges_minor", invoice.new_charges_minor},
          {"amount_due_minor", invoice.amount_due_minor},
          {"paid_minor", invoice.paid_minor},
          {"outstanding_minor", invoice.outstanding_minor()},
          {"disputed_minor", invoice.disputed_minor},
          {"status", control::invoice_status_name(invoice.status(today))}};
}

nlohmann::json invoice_line_json(const control::InvoiceLine& line) {
  return {{"line_number", line.line_number},
          {"kind", control::invoice_line_kind_name(line.kind)},
          {"scid", line.scid ? nlohmann::json(*line.scid) : nlohmann::json(nullptr)},
          {"description", line.description},
          {"quantity", line.quantity},
          {"period_from", date_or_null(line.period_from)},
          {"period_to", date_or_null(line.period_to)},
          {"amount_minor", line.amount_minor}};
}

nlohmann::json invoice_json(const control::Invoice& invoice, const CivilDate& today) {
  nlohmann::json body = invoice_summary_json(invoice, today);
  nlohmann::json lines = nlohmann::json::array();
  for (const control::InvoiceLine& line : invoice.lines)
    lines.push_back(invoice_line_json(line));
  nlohmann::json deliveries = nlohmann::json::array();
  for (const control::InvoiceDeliveryRecord& delivery : invoice.deliveries) {
    deliveries.push_back({{"channel", delivery.channel},
                          {"destination", delivery.destination},
                          {"status", delivery.status},
                          {"detail", delivery.detail},
                          {"created_at", utc_timestamp(delivery.created_at)}});
  }
  body["lines"] = std::move(lines);
  body["deliveries"] = std::move(deliveries);
  body["billing_address"] = control::invoice_address_to_json(invoice.billing_address);
  return body;
}

nlohmann::json billing_run_json(const control::BillingRunRecord& run, bool with_numbers) {
  nlohmann::json body = {
      {"id", run.id},
      {"period", format_billing_month(run.period)},
      {"customer_number",
       run.customer_number ? nlohmann::json(*run.customer_number) : nlohmann::json(nullptr)},
      {"requested_by",
       run.requested_by ? nlohmann::json(*run.requested_by) : nlohmann::json(nullptr)},
      {"started_at", utc_timestamp(run.started_at)},
      {"finished_at", utc_timestamp_or_null(run.finished_at)},
      {"invoices_created", run.invoices_created},
      {"invoices_existing", run.invoices_existing}};
  if (with_numbers) {
    body["created"] = run.created;
    body["existing"] = run.existing;
  }
  return body;
}

}  // namespace candela::portal
