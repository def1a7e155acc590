// The commercial terms of a customer's master service agreement (MSA) that billing and
// collections apply: payment terms, currency, and the collection schedule for overdue invoices.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct CustomerTerms {
  std::string customer_number;
  std::string msa_reference;          // e.g. "MSA-2026-0042", may be empty
  std::string currency = "USD";       // ISO 4217; invoices are in this currency
  int payment_terms_days = 30;        // due date = issue date + this (1..120)
  int warning_after_days = 1;         // days past due before the first warning (≥ 1)
  int final_warning_after_days = 15;  // days past due before the final warning (> warning)
  int suspend_after_days = 30;        // days past due before suspension (> final warning)
  bool operator==(const CustomerTerms&) const = default;
};

// Reading: whoever may read the customer. Changing: account director or billing coordinator
// (provider staff who negotiate or administer the MSA). Audited. Without a stored row the
// defaults above apply.
class CustomerTermsStore {
 public:
  CustomerTermsStore(soci::session& session, const Clock& clock)
      : session_(session), clock_(clock) {}

  Result<CustomerTerms> get(const Principal& principal, const std::string& customer_number);
  // Field errors located at "/payment_terms_days", "/currency", …
  Result<CustomerTerms> put(const Principal& principal, const CustomerTerms& terms,
                            const std::string& reason);
  // Without authorization, for the billing run and collections.
  Result<CustomerTerms> for_customer_id(long long customer_id);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
