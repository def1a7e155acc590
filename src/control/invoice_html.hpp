// An invoice as one self-contained HTML page (inline styles, no scripts, no external resources)
// that a browser can show, print or save.
#pragma once

#include <string>

#include "control/invoices.hpp"

namespace candela::control {

// The issued content only (no payment status), so the same invoice always renders the same bytes.
std::string render_invoice_html(const Invoice& invoice);

}  // namespace candela::control
