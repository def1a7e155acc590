// Balances and aging: what a customer owes, how much of it is overdue and by how long (buckets
// of days past the due date), what is under dispute, what was paid but not applied yet, and
// where the customer stands in collections.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/payment_access.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

// Outstanding amounts by days past the due date: current (not yet due, or due today), 1–30,
// 31–60, 61–90 and over 90 days.
struct AgingBuckets {
  long long current_minor = 0;
  long long days_1_30_minor = 0;
  long long days_31_60_minor = 0;
  long long days_61_90_minor = 0;
  long long days_over_90_minor = 0;
  void add(long long days_past_due, long long amount_minor);
  void add(const AgingBuckets& other);
  bool operator==(const AgingBuckets&) const = default;
};

// good: nothing warned about; warned: a warning went for an invoice that still has an
// undisputed overdue amount; suspended: services are suspended for non-payment now.
enum class CollectionState { kGood, kWarned, kSuspended };
std::string_view collection_state_name(CollectionState state);

struct CustomerBalance {
  std::string customer_number;
  std::string customer_name;
  std::string currency = "USD";
  long long outstanding_minor = 0;  // Σ invoices' new charges − paid
  long long overdue_minor = 0;      // the part past its due date (disputed or not)
  long long disputed_minor = 0;     // under open billing disputes
  long long unapplied_minor = 0;    // paid but not allocated to any invoice yet
  AgingBuckets aging;
  CollectionState collection_state = CollectionState::kGood;
};

// The balance as of today (the clock's UTC date), without authorization (collections, other
// modules).
Result<CustomerBalance> compute_balance(soci::session& session, const Clock& clock,
                                        const BillingCustomer& customer);

class Balances {
 public:
  Balances(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // The customer's billing users or provider staff (payment_access.hpp).
  Result<CustomerBalance> get(const Principal& principal, const std::string& customer_number);
  // Provider staff only: every customer with something outstanding or unapplied, by number.
  Result<std::vector<CustomerBalance>> aging_report(const Principal& principal);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
