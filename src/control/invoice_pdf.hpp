// An invoice as PDF (libharu): A4 pages with the header, billing address, balance summary and the
// numbered lines, continued over as many pages as they need. Built-in Helvetica (WinAnsi), so
// characters outside Latin-1 print as "?".
#pragma once

#include <string>

#include "common/result.hpp"
#include "control/invoices.hpp"

namespace candela::control {

// The PDF bytes; the same invoice always renders the same bytes (no creation date, no random ID).
// kInternal when libharu fails.
Result<std::string> render_invoice_pdf(const Invoice& invoice);

}  // namespace candela::control
