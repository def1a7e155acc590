// Billing adjustments: one-off amounts waiting for a customer's next invoice — early termination
// charges (from disconnect orders) and credits (from resolved billing requests). The billing run
// puts every unbilled adjustment created before the end of its period on the invoice, once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class AdjustmentKind { kEarlyTermination, kCredit, kCharge };
std::string_view adjustment_kind_name(AdjustmentKind kind);  // "etc", "credit", "charge"
std::optional<AdjustmentKind> parse_adjustment_kind(std::string_view name);

struct NewAdjustment {
  long long customer_id = 0;
  AdjustmentKind kind = AdjustmentKind::kCharge;
  long long amount_minor = 0;  // credits negative, charges and ETC positive (kInvalid otherwise)
  std::string description;     // shown on the invoice line
  std::optional<std::string> scid;
  std::string source_reference;  // "ORD-2026-000012", "BRQ-2026-000003"
  std::optional<long long> created_by;
};

struct Adjustment {
  long long id = 0;
  long long customer_id = 0;
  AdjustmentKind kind = AdjustmentKind::kCharge;
  long long amount_minor = 0;
  std::string description;
  std::optional<std::string> scid;
  std::string source_reference;
  SysTime created_at;
  std::optional<std::string> invoice_number;  // set once billed
};

// Inside the caller's transaction (the order completion or the request resolution).
Result<long long> add_billing_adjustment(soci::session& session, const NewAdjustment& adjustment,
                                         SysTime at);
// Adjustments of `customer_id` not yet on an invoice, oldest first.
Result<std::vector<Adjustment>> unbilled_adjustments(soci::session& session, long long customer_id);

}  // namespace candela::control
