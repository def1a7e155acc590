// Collections: what happens to a customer whose invoices stay unpaid past their due date. Per
// invoice with an undisputed overdue amount (outstanding − open disputes > 0), counted in days
// past due against the customer's MSA terms: a payment warning, then a final warning (each once
// per invoice), then suspension of every active service of the customer for non-payment. As soon
// as no undisputed amount is overdue any more (a payment, a credit, a dispute) the services
// suspended for non-payment are restored. Every step is audited and notified.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct CollectionReport {
  int warnings = 0;
  int final_warnings = 0;
  int suspended_services = 0;
  int restored_services = 0;
  long long applied_minor = 0;  // unapplied money applied to invoices on this pass
};

// Σ over the customer's invoices past their due date of the undisputed outstanding amount.
Result<long long> undisputed_overdue_minor(soci::session& session, long long customer_id,
                                           const CivilDate& today);

class Collections {
 public:
  // `portal_url` goes into the notices as the place to see the balance.
  Collections(soci::session& session, const Clock& clock, std::string portal_url = "")
      : session_(session), clock_(clock), portal_url_(std::move(portal_url)) {}

  // The customers the job looks at: something outstanding, unapplied, or services suspended.
  Result<std::vector<long long>> customers_to_check();

  // One pass for one customer (call inside a transaction; idempotent): applies unapplied
  // payments, sends the warnings that are due, suspends when due, or restores when settled.
  Result<CollectionReport> run_customer(long long customer_id);

  // Restores the customer's services suspended for non-payment when no undisputed amount is
  // overdue; 0 when nothing was suspended or something is still overdue. `why` is recorded and
  // told; `actor`/`actor_user_id` name who caused it (a payment's recorder, "collections").
  Result<int> restore_if_settled(long long customer_id, const std::string& why,
                                 const std::string& actor, std::optional<long long> actor_user_id);

 private:
  soci::session& session_;
  const Clock& clock_;
  std::string portal_url_;
};

}  // namespace candela::control
