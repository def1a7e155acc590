// Payments a customer made (EFT with its transfer reference, wire, check, card), as recorded by
// the billing coordinator, with the invoices each settles (payment_allocation.hpp). Recording a
// payment may restore services suspended for non-payment (collections.hpp) in the same
// transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class PaymentMethod { kEft, kWire, kCheck, kCard };
std::string_view payment_method_name(PaymentMethod method);
std::optional<PaymentMethod> parse_payment_method(std::string_view name);

struct PaymentAllocation {
  std::string invoice_number;
  long long amount_minor = 0;
  bool operator==(const PaymentAllocation&) const = default;
};

struct Payment {
  long long id = 0;
  std::string customer_number;
  std::string customer_name;
  PaymentMethod method = PaymentMethod::kEft;
  std::string reference;
  long long amount_minor = 0;
  std::string currency = "USD";
  CivilDate received_on;
  std::string note;
  std::optional<long long> recorded_by_user_id;
  std::string recorded_by_name;
  SysTime created_at;
  std::vector<PaymentAllocation> allocations;  // by invoice issue date
  long long unapplied_minor = 0;
};

// What the billing coordinator enters; the domain checks every field and reports each problem
// at its JSON pointer ("/method", "/allocations/1/amount_minor", …).
struct NewPayment {
  std::string customer_number;
  std::string method;
  std::string reference;
  long long amount_minor = 0;
  std::string received_on;  // "YYYY-MM-DD", not after today
  std::string note;
  // Named invoices of the customer with the amount for each; the rest of the payment then goes
  // oldest first like a payment that names none.
  std::optional<std::vector<PaymentAllocation>> allocations;
};

struct PaymentQuery {
  std::optional<std::string> customer_number;
  std::optional<long long> before_id;  // keyset: newest first, ids below this one
  int limit = 50;
};

struct PaymentPage {
  std::vector<Payment> payments;
  std::optional<long long> next_before;  // the last id when more follow
};

class Payments {
 public:
  static constexpr long long kMaxAmountMinor = 10'000'000'000'000LL;  // 10^13
  static constexpr std::size_t kMaxReferenceLength = 200;
  static constexpr std::size_t kMaxNoteLength = 2000;
  static constexpr int kMaxPageSize = 500;

  Payments(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Billing coordinator only. Stores the payment, allocates it, applies what is left to open
  // invoices oldest first, restores services suspended for non-payment when nothing undisputed
  // is overdue any more; audited. Nothing is stored when any field is wrong.
  Result<Payment> record(const Principal& principal, const NewPayment& payment);
  // The customer's billing users or provider staff; kNotFound otherwise.
  Result<Payment> get(const Principal& principal, long long id);
  Result<PaymentPage> list(const Principal& principal, const PaymentQuery& query);

 private:
  Result<Payment> load(long long id);

  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
