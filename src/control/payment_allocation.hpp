// Allocation: which invoices a customer's payments settle. A payment goes to the invoices its
// body names, then to the oldest invoices first (by issue date) as far as their undisputed
// outstanding amount goes; what is left stays unapplied and is applied the same way to later
// invoices (on the next payment, and by the collections job once a new invoice is issued).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"

namespace soci {
class session;
}

namespace candela::control {

// One invoice of a customer with what has been paid on it and what is under open dispute.
struct InvoiceStanding {
  long long id = 0;
  std::string invoice_number;
  CivilDate issue_date;
  CivilDate due_date;
  long long new_charges_minor = 0;
  long long paid_minor = 0;      // Σ payment_allocations
  long long disputed_minor = 0;  // open disputes, at most the outstanding amount
  // Credits granted on this invoice's disputes that the customer's next invoice carries (or will
  // carry) and that are not due yet: while such a credit is pending, the amount it covers is not
  // chased (at most what is outstanding beyond the open disputes).
  long long pending_credit_minor = 0;

  // new charges − paid, never below 0 (an invoice that is all credit has nothing to pay).
  long long outstanding_minor() const;
  // What is due and may be chased: outstanding − open disputes − pending credits.
  long long undisputed_minor() const {
    return outstanding_minor() - disputed_minor - pending_credit_minor;
  }
  // Days after the due date (0 or less while not yet overdue).
  long long days_past_due(const CivilDate& today) const;
};

// The customer's invoices with something outstanding, oldest first (issue date, then id), as of
// `today` (which decides whether a credit is still pending).
Result<std::vector<InvoiceStanding>> open_invoices(soci::session& session, long long customer_id,
                                                   const CivilDate& today);

// Adds `amount_minor` (> 0) of payment `payment_id` to `invoice_id` (one row per pair).
Status add_allocation(soci::session& session, long long payment_id, long long invoice_id,
                      long long amount_minor);

// What of the payment is not allocated yet.
Result<long long> payment_unapplied_minor(soci::session& session, long long payment_id);
// Σ over the customer's payments of their unapplied amounts.
Result<long long> customer_unapplied_minor(soci::session& session, long long customer_id);

struct AppliedAmount {
  long long payment_id = 0;
  std::string invoice_number;
  long long amount_minor = 0;
};

// Applies the unapplied amounts of the customer's payments (oldest received first) to its open
// invoices' undisputed amounts, oldest invoice first. Audited (entity "payment", action
// "allocate") as `actor` (empty: the system). Returns what was applied.
Result<std::vector<AppliedAmount>> apply_unapplied(soci::session& session, const Clock& clock,
                                                   long long customer_id,
                                                   std::optional<long long> actor_user_id);

}  // namespace candela::control
