// Balances and aging buckets, computed from invoices, allocations, open disputes and the
// collection records.
#include "control/aging.hpp"

#include <soci/soci.h>

#include "control/customer_terms.hpp"
#include "control/payment_allocation.hpp"
#include "control/store_guard.hpp"

namespace candela::control {

void AgingBuckets::add(long long days_past_due, long long amount_minor) {
  if (days_past_due <= 0) {
    current_minor += amount_minor;
  } else if (days_past_due <= 30) {
    days_1_30_minor += amount_minor;
  } else if (days_past_due <= 60) {
    days_31_60_minor += amount_minor;
  } else if (days_past_due <= 90) {
    days_61_90_minor += amount_minor;
  } else {
    days_over_90_minor += amount_minor;
  }
}

void AgingBuckets::add(const AgingBuckets& other) {
  current_minor += other.current_minor;
  days_1_30_minor += other.days_1_30_minor;
  days_31_60_minor += other.days_31_60_minor;
  days_61_90_minor += other.days_61_90_minor;
  days_over_90_minor += other.days_over_90_minor;
}

std::string_view collection_state_name(CollectionState state) {
  switch (state) {
    case CollectionState::kGood:
      return "good";
    case CollectionState::kWarned:
      return "warned";
    case CollectionState::kSuspended:
      return "suspended";
  }
  return "good";
}

Result<CustomerBalance> compute_balance(soci::session& session, const Clock& clock,
                                        const BillingCustomer& customer) {
  const CivilDate today = utc_date_of(clock.now());
  return guarded("could not compute the balance", [&]() -> Result<CustomerBalance> {
    CustomerBalance balance;
    balance.customer_number = customer.customer_number;
    balance.customer_name = customer.name;
    auto terms = CustomerTermsStore(session, clock).for_customer_id(customer.id);
    if (!terms.ok()) return Error{terms.failure()};
    balance.currency = terms->currency;
    auto invoices = open_invoices(session, customer.id, today);
    if (!invoices.ok()) return Error{invoices.failure()};
    bool warned = false;
    for (const auto& invoice : *invoices) {
      const long long outstanding = invoice.outstanding_minor();
      const long long days = invoice.days_past_due(today);
      balance.outstanding_minor += outstanding;
      balance.disputed_minor += invoice.disputed_minor;
      if (days > 0) balance.overdue_minor += outstanding;
      balance.aging.add(days, outstanding);
      if (days > 0 && invoice.undisputed_minor() > 0 && !warned) {
        int steps = 0;
        session << "SELECT COUNT(*) FROM collection_steps WHERE invoice_id = :i"
                   " AND step IN ('warning', 'final_warning')",
            soci::use(invoice.id), soci::into(steps);
        warned = steps > 0;
      }
    }
    auto unapplied = customer_unapplied_minor(session, customer.id);
    if (!unapplied.ok()) return Error{unapplied.failure()};
    balance.unapplied_minor = *unapplied;
    int suspended = 0;
    session << "SELECT COUNT(*) FROM service_suspensions WHERE customer_id = :c"
               " AND restored_at IS NULL",
        soci::use(customer.id), soci::into(suspended);
    balance.collection_state = suspended > 0 ? CollectionState::kSuspended
                               : warned      ? CollectionState::kWarned
                                             : CollectionState::kGood;
    return balance;
  });
}

Result<CustomerBalance> Balances::get(const Principal& principal,
                                      const std::string& customer_number) {
  auto customer = guarded("could not find the customer", [&] {
    return readable_billing_customer(session_, principal, customer_number);
  });
  if (!customer.ok()) return Error{customer.failure()};
  return compute_balance(session_, clock_, *customer);
}

Result<std::vector<CustomerBalance>> Balances::aging_report(const Principal& principal) {
  if (!principal.is_provider()) {
    return Error{"the aging report is for provider staff", ErrorKind::kForbidden};
  }
  return guarded("could not build the aging report", [&]() -> Result<std::vector<CustomerBalance>> {
    // Customers with an invoice or a payment; those owing nothing and holding
    // no unapplied money are left out.
    std::vector<long long> ids;
    long long id = 0;
    soci::statement statement = (session_.prepare << "SELECT id FROM customers WHERE id IN"
                                                     " (SELECT customer_id FROM invoices UNION"
                                                     " SELECT customer_id FROM payments)"
                                                     " ORDER BY customer_number",
                                 soci::into(id));
    statement.execute();
    while (statement.fetch())
      ids.push_back(id);
    std::vector<CustomerBalance> out;
    for (const long long customer_id : ids) {
      auto customer = billing_customer_by_id(session_, customer_id);
      if (!customer.ok()) return Error{customer.failure()};
      auto balance = compute_balance(session_, clock_, *customer);
      if (!balance.ok()) return Error{balance.failure()};
      if (balance->outstanding_minor != 0 || balance->unapplied_minor != 0) {
        out.push_back(std::move(balance).value());
      }
    }
    return out;
  });
}

}  // namespace candela::control
