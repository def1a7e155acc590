// Service items: the contract lines of a service (product, MRC, NRC, commit, usage plan, term)
// with the dates they are in service and the billing account (customer number) that pays for
// them. Orders change services only through this module; the billing run reads it.
// Dates are inclusive calendar dates. A change closes an item (end_date) and opens its successor
// the next day, so a month can hold several items of one service, each prorated on its own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/early_termination.hpp"
#include "control/usage_charges.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class PricingBasis { kStandard, kIndividualCase };
std::string_view pricing_basis_name(PricingBasis basis);  // "standard", "icb"
std::optional<PricingBasis> parse_pricing_basis(std::string_view name);

// What an order item asks for.
struct ItemTerms {
  std::string product;  // a code of product_catalog() ("cdn-delivery", …)
  std::string description;
  PricingBasis pricing_basis = PricingBasis::kStandard;
  long long mrc_minor = 0;  // ≥ 0
  long long nrc_minor = 0;  // ≥ 0, billed once
  UsagePlan usage_plan;
  int term_months = 12;   // 1..kMaxTermMonths
  int etc_percent = 100;  // 0..100
  bool operator==(const ItemTerms&) const = default;
};

struct ServiceItem {
  long long id = 0;
  std::string scid;
  long long customer_id = 0;
  std::string customer_number;
  ItemTerms terms;
  CivilDate start_date;               // first day in service for this account
  std::optional<CivilDate> end_date;  // last day in service; nullopt = open
  CivilDate term_start;               // the contract term this item runs under
  CivilDate term_end;                 // inclusive; after it the item runs month to month
  bool nrc_due = false;               // true when this item's NRC is still to be billed
  std::optional<std::string> nrc_invoice_number;  // the invoice that billed the NRC
  std::string order_number;                       // the order that opened it
  std::optional<long long> replaces_item_id;

  ContractTerm contract() const;  // term_start/term_months/term_end/mrc/etc_percent
};

// The products an order item can name, with standard prices (minor units, USD) that an
// individual-case-basis item may override.
struct Product {
  std::string code;
  std::string name;
  long long standard_mrc_minor = 0;
  long long standard_nrc_minor = 0;
  UsagePlan standard_usage_plan;
};
const std::vector<Product>& product_catalog();
const Product* find_product(std::string_view code);

// Errors: kInvalid located under `pointer` (e.g. "/items/0"): unknown product, negative money,
// bad term or percentage, bad usage plan; a standard-pricing item must carry the catalogue's
// prices ("/items/0/mrc_minor").
Status validate_item_terms(const ItemTerms& terms, const std::string& pointer);

// No authorization here: callers (orders, the cessation job) authorize and audit. Every method
// works on the caller's session, inside its transaction.
class ServiceItems {
 public:
  ServiceItems(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // One item by id (kNotFound when there is none).
  Result<ServiceItem> get(long long item_id);
  Result<std::vector<ServiceItem>> for_service(std::string_view scid);  // all, oldest first
  // Items of `scid` in service on `on`.
  Result<std::vector<ServiceItem>> in_service(std::string_view scid, const CivilDate& on);
  // Items billed to `customer_id` that are in service on at least one day of `month`, plus items
  // whose NRC is still due and that started on or before the month's last day.
  Result<std::vector<ServiceItem>> billable(long long customer_id, BillingMonth month);
  // Customers with at least one billable item in `month`, ascending by id.
  Result<std::vector<long long>> billable_customers(BillingMonth month);

  // New items for a new service from `start` (term starts the same day; NRC due).
  Result<std::vector<ServiceItem>> open(std::string_view scid, long long customer_id,
                                        const std::vector<ItemTerms>& items, const CivilDate& start,
                                        const std::string& order_number);
  // Change/reconfiguration: item `item_id` ends the day before `effective` and `terms` continue
  // from `effective` under the same term dates (a decrement lowers MRC or commit). NRC of the
  // successor is due only when terms.nrc_minor > 0.
  Result<ServiceItem> replace(long long item_id, const ItemTerms& terms, const CivilDate& effective,
                              const std::string& order_number);
  // Adds an item to a running service (term starts on `effective`).
  Result<ServiceItem> add(std::string_view scid, const ItemTerms& terms, const CivilDate& effective,
                          const std::string& order_number);
  // Partial or full disconnect: the item's last day is `last_day` (≥ its start_date).
  Result<ServiceItem> end(long long item_id, const CivilDate& last_day,
                          const std::string& order_number);
  // Transfer: every item of `scid` in service on `effective` ends the day before and continues
  // for `to_customer_id` from `effective`, same terms and term dates, no NRC.
  Result<std::vector<ServiceItem>> transfer(std::string_view scid, long long to_customer_id,
                                            const CivilDate& effective,
                                            const std::string& order_number);
  // Renewal: every open item of `scid` ends the day before `new_term_start` and continues with a
  // new term of `term_months` from `new_term_start` (MRC changed when `new_mrc_minor` is set).
  Result<std::vector<ServiceItem>> renew(std::string_view scid, int term_months,
                                         const CivilDate& new_term_start,
                                         std::optional<long long> new_mrc_minor,
                                         const std::string& order_number);
  // Marks the NRC of `item_id` billed on `invoice_number` (the billing run).
  Status mark_nrc_billed(long long item_id, const std::string& invoice_number);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
