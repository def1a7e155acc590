// The invoice page: escaped text, inline CSS, print-friendly.
#include "control/invoice_html.hpp"

#include "common/money.hpp"

namespace candela::control {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string cell(const std::string& text, const char* cls = nullptr) {
  return std::string("<td") + (cls ? std::string(" class=\"") + cls + "\"" : "") + ">" +
         escape(text) + "</td>";
}

constexpr const char* kStyle =
    "body{font-family:Helvetica,Arial,sans-serif;color:#1b1f23;margin:2rem auto;max-width:60rem;"
    "padding:0 1rem}"
    "h1{font-size:1.6rem;margin:0 0 .25rem}"
    "header{display:flex;justify-content:space-between;gap:2rem;flex-wrap:wrap}"
    "dl{display:grid;grid-template-columns:auto auto;gap:.2rem 1rem;margin:0}"
    "dt{font-weight:bold}dd{margin:0}"
    "table{border-collapse:collapse;width:100%;margin-top:1.5rem}"
    "th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;"
    "vertical-align:top}"
    "th{background:#f6f8fa}"
    ".num{text-align:right;white-space:nowrap}"
    ".total td{font-weight:bold;border-top:2px solid #1b1f23}"
    "address{font-style:normal;margin-top:1rem}"
    "footer{margin-top:2rem;font-size:.9rem;color:#57606a}"
    "@media print{body{margin:0}}";

}  // namespace

std::string render_invoice_html(const Invoice& invoice) {
  const std::string& currency = invoice.currency;
  const InvoiceAddress& a = invoice.billing_address;
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>Invoice " + escape(invoice.invoice_number) + "</title>\n";
  out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += "<header>\n<div>\n<h1>Invoice " + escape(invoice.invoice_number) + "</h1>\n";
  out += "<p>Candela CDN</p>\n";
  out += "<address>" + escape(a.name);
  for (const std::string* part : {&a.line1, &a.line2}) {
    if (!part->empty()) out += "<br>" + escape(*part);
  }
  std::string city = a.city;
  if (!a.region.empty()) city += (city.empty() ? "" : ", ") + a.region;
  if (!a.postal_code.empty()) city += (city.empty() ? "" : " ") + a.postal_code;
  if (!city.empty()) out += "<br>" + escape(city);
  if (!a.country.empty()) out += "<br>" + escape(a.country);
  out += "</address>\n</div>\n<dl>\n";
  const std::pair<const char*, std::string> facts[] = {
      {"Customer", invoice.customer_name + " (" + invoice.customer_number + ")"},
      {"Billing period", format_billing_month(invoice.period)},
      {"Issue date", format_civil_date(invoice.issue_date)},
      {"Due date", format_civil_date(invoice.due_date)},
      {"Currency", currency},
  };
  for (const auto& [name, value] : facts)
    out += "<dt>" + std::string(name) + "</dt><dd>" + escape(value) + "</dd>\n";
  out += "</dl>\n</header>\n";

  out += "<table class=\"summary\">\n<tbody>\n";
  out += "<tr>" + cell("Previous balance") +
         cell(format_money(invoice.previous_balance_minor, currency), "num") + "</tr>\n";
  out += "<tr>" + cell("Payments received") +
         cell(format_money(-invoice.payments_minor, currency), "num") + "</tr>\n";
  out += "<tr>" + cell("New charges") +
         cell(format_money(invoice.new_charges_minor, currency), "num") + "</tr>\n";
  out += "<tr class=\"total\">" + cell("Amount due by " + format_civil_date(invoice.due_date)) +
         cell(format_money(invoice.amount_due_minor, currency), "num") + "</tr>\n";
  out += "</tbody>\n</table>\n";

  out +=
      "<table class=\"lines\">\n<thead><tr><th>#</th><th>Kind</th><th>SCID</th>"
      "<th>Description</th><th>Quantity</th><th>Period</th><th class=\"num\">Amount</th>"
      "</tr></thead>\n<tbody>\n";
  for (const InvoiceLine& line : invoice.lines) {
    std::string period;
    if (line.period_from && line.period_to) {
      period = format_civil_date(*line.period_from) + " to " + format_civil_date(*line.period_to);
    }
    out += "<tr>" + cell(std::to_string(line.line_number)) +
           cell(std::string(invoice_line_kind_name(line.kind))) + cell(line.scid.value_or("")) +
           cell(line.description) + cell(line.quantity) + cell(period) +
           cell(format_money(line.amount_minor, currency), "num") + "</tr>\n";
  }
  out += "<tr class=\"total\"><td colspan=\"6\">New charges</td>" +
         cell(format_money(invoice.new_charges_minor, currency), "num") + "</tr>\n";
  out += "</tbody>\n</table>\n";
  out += "<footer>Please quote " + escape(invoice.invoice_number) +
         " with your payment. Questions about a charge: open a billing request against this "
         "invoice in the portal.</footer>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace candela::control
