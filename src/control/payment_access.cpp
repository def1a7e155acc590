// Billing access: customers looked up by number or id, then checked against the principal.
#include "control/payment_access.hpp"

#include <soci/soci.h>

#include "control/authorization.hpp"

namespace candela::control {
namespace {

Result<BillingCustomer> load(soci::session& session, const std::string& where, long long id,
                             const std::string& number) {
  BillingCustomer customer;
  if (where == "id") {
    session << "SELECT id, customer_number, name, organisation_id FROM customers WHERE id = :id",
        soci::use(id), soci::into(customer.id), soci::into(customer.customer_number),
        soci::into(customer.name), soci::into(customer.organisation_id);
  } else {
    session << "SELECT id, customer_number, name, organisation_id FROM customers"
               " WHERE customer_number = :n",
        soci::use(number), soci::into(customer.id), soci::into(customer.customer_number),
        soci::into(customer.name), soci::into(customer.organisation_id);
  }
  if (!session.got_data()) {
    return Error{"there is no customer " + (where == "id" ? std::to_string(id) : number),
                 ErrorKind::kNotFound};
  }
  return customer;
}

}  // namespace

Result<BillingCustomer> find_billing_customer(soci::session& session,
                                              const std::string& customer_number) {
  return load(session, "number", 0, customer_number);
}

Result<BillingCustomer> billing_customer_by_id(soci::session& session, long long customer_id) {
  return load(session, "id", customer_id, "");
}

Result<BillingCustomer> readable_billing_customer(soci::session& session,
                                                  const Principal& principal,
                                                  const std::string& customer_number) {
  auto customer = find_billing_customer(session, customer_number);
  if (!customer.ok() || principal.is_provider()) return customer;
  auto allowed = authorize(session, principal, customer->organisation_id, Action::kManageBilling);
  if (!allowed.ok()) {
    if (allowed.error_kind() == ErrorKind::kNotFound) {
      return Error{"there is no customer " + customer_number, ErrorKind::kNotFound};
    }
    return Error{"only the customer's admin and billing users see its balance and payments",
                 ErrorKind::kForbidden};
  }
  return customer;
}

Result<BillingCustomer> payable_billing_customer(soci::session& session, const Principal& principal,
                                                 const std::string& customer_number) {
  auto customer = find_billing_customer(session, customer_number);
  if (!customer.ok()) return customer;
  if (principal.has_provider_role(Role::kBillingCoordinator)) return customer;
  if (!principal.is_provider()) {
    auto visible = authorize(session, principal, customer->organisation_id, Action::kRead);
    if (!visible.ok() && visible.error_kind() == ErrorKind::kNotFound) {
      return Error{"there is no customer " + customer_number, ErrorKind::kNotFound};
    }
  }
  return Error{"only a billing coordinator records payments", ErrorKind::kForbidden};
}

}  // namespace candela::control
