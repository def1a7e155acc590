// Invoice lines as CSV.
#include "control/invoice_csv.hpp"

#include "common/money.hpp"

namespace candela::control {
namespace {

// Quotes a field that holds a comma, quote or line break (quotes doubled), per RFC 4180.
std::string field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string render_invoice_csv(const Invoice& invoice) {
  std::string out =
      "invoice_number,line_number,kind,scid,description,quantity,period_from,period_to,amount,"
      "currency\r\n";
  for (const InvoiceLine& line : invoice.lines) {
    out += field(invoice.invoice_number) + ",";
    out += std::to_string(line.line_number) + ",";
    out += std::string(invoice_line_kind_name(line.kind)) + ",";
    out += field(line.scid.value_or("")) + ",";
    out += field(line.description) + ",";
    out += field(line.quantity) + ",";
    out += (line.period_from ? format_civil_date(*line.period_from) : "") + ",";
    out += (line.period_to ? format_civil_date(*line.period_to) : "") + ",";
    out += format_amount(line.amount_minor) + ",";
    out += field(invoice.currency) + "\r\n";
  }
  return out;
}

}  // namespace candela::control
