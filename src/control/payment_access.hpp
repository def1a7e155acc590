// Who may see and change a customer's money matters: the customer's billing right (admin or
// billing on its organisation) or provider staff; recording payments is the billing
// coordinator's job alone.
#pragma once

#include <string>

#include "common/result.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct BillingCustomer {
  long long id = 0;
  std::string customer_number;
  std::string name;
  long long organisation_id = 0;
};

// The customer by number without authorization; kNotFound when there is none.
Result<BillingCustomer> find_billing_customer(soci::session& session,
                                              const std::string& customer_number);
Result<BillingCustomer> billing_customer_by_id(soci::session& session, long long customer_id);

// Reading balances and payments: any provider role, or the billing right on the customer's
// organisation. kNotFound for a customer the principal cannot see at all (exactly like an
// unknown one), kForbidden for a customer user without the billing right.
Result<BillingCustomer> readable_billing_customer(soci::session& session,
                                                  const Principal& principal,
                                                  const std::string& customer_number);

// Recording payments: the billing coordinator only (provider_admin is no wildcard). kNotFound as
// above; kForbidden for everyone else who can see the customer.
Result<BillingCustomer> payable_billing_customer(soci::session& session, const Principal& principal,
                                                 const std::string& customer_number);

}  // namespace candela::control
