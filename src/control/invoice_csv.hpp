// An invoice's lines as CSV (RFC 4180, CRLF line ends): a header row, then one row per line with
// the amount in major units ("1234.56").
#pragma once

#include <string>

#include "control/invoices.hpp"

namespace candela::control {

// Header: invoice_number,line_number,kind,scid,description,quantity,period_from,period_to,
// amount,currency
std::string render_invoice_csv(const Invoice& invoice);

}  // namespace candela::control
