// Invoices: the issued, immutable monthly bills of a customer (numbered lines, balances, the
// delivery records), what is paid on them and their status, and who may read them: customer users
// with the billing right (admin, billing) on the organisation and provider staff of any role.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class InvoiceLineKind { kMrc, kNrc, kUsage, kEarlyTermination, kCredit, kCharge };
std::string_view invoice_line_kind_name(InvoiceLineKind kind);  // "mrc", …, "etc", …
std::optional<InvoiceLineKind> parse_invoice_line_kind(std::string_view name);

enum class InvoiceStatus { kOpen, kPaid, kOverdue };
std::string_view invoice_status_name(InvoiceStatus status);  // "open", "paid", "overdue"
std::optional<InvoiceStatus> parse_invoice_status(std::string_view name);

struct InvoiceLine {
  int line_number = 0;  // 1..n in invoice order
  InvoiceLineKind kind = InvoiceLineKind::kMrc;
  std::optional<std::string> scid;
  std::optional<long long> item_id;
  std::string description;
  std::string quantity;  // "19/28 days", "10000.000000000 GB", "" for adjustments
  std::optional<CivilDate> period_from;
  std::optional<CivilDate> period_to;
  long long amount_minor = 0;
  bool operator==(const InvoiceLine&) const = default;
};

struct InvoiceDeliveryRecord {
  std::string channel;  // "paper", "email", "portal", "depository"
  std::string destination;
  std::string status;  // "queued", "sent", "failed"
  std::string detail;
  SysTime created_at;
  bool operator==(const InvoiceDeliveryRecord&) const = default;
};

// The billing address as it was at issue (invoices never change when the customer's does).
struct InvoiceAddress {
  std::string name;
  std::string line1;
  std::string line2;
  std::string city;
  std::string postal_code;
  std::string region;
  std::string country;
  bool operator==(const InvoiceAddress&) const = default;
};
nlohmann::json invoice_address_to_json(const InvoiceAddress& address);
InvoiceAddress invoice_address_from_json(const nlohmann::json& json);
// "1 Main Street, Suite 2, Springfield, IL 62701, US" (empty parts left out).
std::string invoice_address_one_line(const InvoiceAddress& address);

struct Invoice {
  long long id = 0;
  std::string invoice_number;
  long long customer_id = 0;
  std::string customer_number;
  std::string customer_name;
  BillingMonth period;
  CivilDate issue_date;
  CivilDate due_date;
  std::string currency = "USD";
  long long previous_balance_minor = 0;
  long long payments_minor = 0;  // received since the previous invoice (positive)
  long long new_charges_minor = 0;
  long long amount_due_minor = 0;  // previous − payments + new charges
  InvoiceAddress billing_address;
  SysTime created_at;
  std::optional<long long> run_id;
  std::vector<InvoiceLine> lines;
  std::vector<InvoiceDeliveryRecord> deliveries;
  // Derived when read: Σ payment allocations on it, and the amount under open disputes.
  long long paid_minor = 0;
  long long disputed_minor = 0;

  long long outstanding_minor() const { return new_charges_minor - paid_minor; }
  // paid when nothing is outstanding; overdue when something is and `today` is after the due
  // date; open otherwise.
  InvoiceStatus status(const CivilDate& today) const;
};

struct InvoiceQuery {
  std::optional<std::string> customer_number;
  std::optional<BillingMonth> period;
  std::optional<InvoiceStatus> status;
  std::optional<long long> before_id;  // newest first: invoices with a smaller id
  int limit = 50;
};

struct InvoicePage {
  std::vector<Invoice> invoices;  // without lines and deliveries
  std::optional<long long> next_before_id;
};

class Invoices {
 public:
  static constexpr int kMaxPageSize = 500;

  Invoices(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Errors: kNotFound for an unknown number or another customer's invoice; kForbidden for a
  // customer user without the billing right on the invoice's organisation.
  Result<Invoice> get(const Principal& principal, const std::string& invoice_number);
  Result<InvoicePage> list(const Principal& principal, const InvoiceQuery& query);

  // Without authorization (the billing run, rendering for delivery, collections).
  Result<std::optional<Invoice>> find(const std::string& invoice_number);
  Result<Invoice> load(long long invoice_id);

 private:
  Status check_can_read(const Principal& principal, long long customer_id);

  soci::session& session_;
  const Clock& clock_;
};

// Customer users may read a customer's invoices with the billing right on its organisation;
// provider staff with any role. kNotFound outside the principal's organisations, kForbidden
// inside without the right.
Status authorize_invoice_reader(soci::session& session, const Principal& principal,
                                long long customer_id);

}  // namespace candela::control
