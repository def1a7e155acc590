// The monthly billing run: one immutable invoice per customer and calendar month that ended, with
// numbered lines (prorated MRC, NRC once, usage, adjustments), the balance carried from the
// previous invoice, payments received since, the due date from the customer's terms, and the
// delivery records — all in one transaction. Idempotent: an invoice that exists for a customer
// and month is left exactly as it is and reported as existing.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/invoice_delivery.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct BillingRunRecord {
  long long id = 0;
  BillingMonth period;
  std::optional<std::string> customer_number;  // a run for one customer
  std::optional<long long> requested_by;       // empty: the billing_run job
  SysTime started_at;
  std::optional<SysTime> finished_at;
  int invoices_created = 0;
  int invoices_existing = 0;
  std::vector<std::string> created;   // invoice numbers (filled by run(), not by list())
  std::vector<std::string> existing;  // invoice numbers that were there already
};

struct BillingRunPage {
  std::vector<BillingRunRecord> runs;
  std::optional<long long> next_before_id;
};

class BillingRun {
 public:
  static constexpr int kMaxPageSize = 500;

  BillingRun(soci::session& session, const Clock& clock, InvoiceDeliverySettings settings)
      : session_(session), clock_(clock), settings_(std::move(settings)) {}

  // Only the billing coordinator runs billing (provider_admin is not a wildcard here).
  // Errors: kForbidden for anyone else; kInvalid at "/period" for a month that has not ended;
  // kInvalid at "/customer_number" for an unknown customer.
  Result<BillingRunRecord> run(const Principal& principal, BillingMonth period,
                               const std::optional<std::string>& customer_number);
  // The same for the billing_run job (no principal; audited as the system).
  Result<BillingRunRecord> run_as_system(BillingMonth period,
                                         const std::optional<std::string>& customer_number);
  // Runs, newest first: the billing coordinator and other provider staff.
  Result<BillingRunPage> list(const Principal& principal, std::optional<long long> before_id,
                              int limit);
  // Customers with something to bill in `period` (billable items, or unbilled adjustments made
  // before its end) and no invoice for it yet: the monthly job runs only when there are any.
  Result<std::vector<long long>> pending_customers(BillingMonth period);

 private:
  Result<BillingRunRecord> execute(const Principal& actor, BillingMonth period,
                                   const std::optional<std::string>& customer_number);
  // Every customer with billable items or unbilled adjustments in `period`, ascending.
  Result<std::vector<long long>> candidates(BillingMonth period);

  soci::session& session_;
  const Clock& clock_;
  InvoiceDeliverySettings settings_;
};

}  // namespace candela::control
