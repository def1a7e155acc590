// Customers: billing entities (customer numbers) of an organisation, and their account teams.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class InvoiceDelivery { kEmail, kPost, kPortal };
std::string_view invoice_delivery_name(InvoiceDelivery delivery);
std::optional<InvoiceDelivery> parse_invoice_delivery(std::string_view name);

struct BillingAddress {
  std::string line1;
  std::string line2;
  std::string city;
  std::string postal_code;
  std::string region;
  bool operator==(const BillingAddress&) const = default;
};

struct Customer {
  long long id = 0;
  std::string customer_number;  // "C" and seven digits, e.g. C0412345
  std::string name;
  long long organisation_id = 0;  // a top-level access group
  BillingAddress address;
  std::string country;  // ISO 3166-1 alpha-2, upper case
  InvoiceDelivery invoice_delivery = InvoiceDelivery::kEmail;
  std::optional<std::string> invoice_email;  // required when invoices go by email
  SysTime created_at;
};

struct NewCustomer {
  std::string name;
  // The organisation; when empty a new top-level access group named after the customer is made.
  std::optional<long long> organisation_id;
  BillingAddress address;
  std::string country;
  InvoiceDelivery invoice_delivery = InvoiceDelivery::kEmail;
  std::optional<std::string> invoice_email;
};

// A partial update; only set fields change. invoice_email: set to nullopt inside to clear it.
struct CustomerChange {
  std::optional<std::string> name;
  std::optional<BillingAddress> address;
  std::optional<std::string> country;
  std::optional<InvoiceDelivery> invoice_delivery;
  std::optional<std::optional<std::string>> invoice_email;
};

struct CustomerPage {
  std::vector<Customer> customers;
  std::optional<long long> next_after_id;
};

// One slot of the account team; the person is empty while nobody is assigned.
struct AccountTeamMember {
  Role role = Role::kAccountDirector;
  std::optional<long long> user_id;
  std::string name;
  std::string email;
  std::string phone_office;
  std::string phone_mobile;
};

// The account-team roles in display order: AD, SE, CCM, activation engineer, CDN support
// technician, billing coordinator.
const std::vector<Role>& account_team_roles();

// Rules: provider staff see every customer; a customer principal sees the customers of the
// organisations its grants lie in. Creating customers: provider admin, billing coordinator,
// activation engineer, CDN support technician. Changing billing details: the billing right on
// the organisation (customer admin or billing there; provider admin, billing coordinator).
// The account team is shown to whoever sees the customer and changed only by provider admins,
// account directors and customer care managers, with users who hold the slot's provider role.
class Customers {
 public:
  static constexpr std::size_t kMaxNameLength = 200;
  static constexpr std::size_t kMaxAddressLength = 200;
  static constexpr int kMaxPageSize = 500;

  Customers(soci::session& session, const Clock& clock, RandomSource& random)
      : session_(session), clock_(clock), random_(random) {}

  Result<Customer> create(const Principal& actor, const NewCustomer& request);
  Result<Customer> get(const Principal& actor, const std::string& customer_number);
  Result<CustomerPage> list(const Principal& actor, long long after_id, int limit);
  Result<Customer> update(const Principal& actor, const std::string& customer_number,
                          const CustomerChange& change);

  Result<std::vector<AccountTeamMember>> account_team(const Principal& actor,
                                                      const std::string& customer_number);
  // Assigns (or with an empty user_id clears) one slot; returns the whole team.
  Result<std::vector<AccountTeamMember>> assign_account_team(const Principal& actor,
                                                             const std::string& customer_number,
                                                             Role role,
                                                             std::optional<long long> user_id);

  // Without authorization, for other modules after their own checks.
  Result<std::optional<Customer>> find(const std::string& customer_number);
  // The organisation (top-level group) above or at `group_id`.
  Result<long long> organisation_of(long long group_id);

 private:
  Status check_can_read(const Principal& actor, const Customer& customer);
  Result<Customer> load_readable(const Principal& actor, const std::string& customer_number);
  Result<std::string> new_customer_number();
  Status audit(const Principal& actor, const std::string& customer_number,
               const std::string& action, const std::string& details);

  soci::session& session_;
  const Clock& clock_;
  RandomSource& random_;
};

// Why `code` is not a valid country code, in words a user can act on.
std::string country_problem(const std::string& code);
// True for "C" followed by exactly seven digits.
bool is_customer_number(std::string_view text);

}  // namespace candela::control
