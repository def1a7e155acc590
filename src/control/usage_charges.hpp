// Usage charges of a contract item: per-GB tiers on bytes delivered, or the 95th percentile
// (Mbps) with a commit included in the MRC and overage above it. Rates are integers in
// thousandths of a minor unit (milli-cents for USD), so $0.045/GB is 4500; each charge is the
// exact product rounded once (common/money.hpp). GB = 10^9 bytes, Mbps = 10^6 bit/s.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace candela::control {

enum class UsagePlanKind { kNone, kPerGb, kPercentile95 };

struct UsageTier {
  std::optional<long long> up_to_gb;      // cumulative upper bound; nullopt = unbounded (last)
  long long rate_milli_minor_per_gb = 0;  // ≥ 0
  bool operator==(const UsageTier&) const = default;
};

struct UsagePlan {
  UsagePlanKind kind = UsagePlanKind::kNone;
  std::vector<UsageTier> tiers;                // kPerGb: ascending bounds, the last one unbounded
  long long commit_mbps = 0;                   // kPercentile95: included in the MRC
  long long overage_milli_minor_per_mbps = 0;  // kPercentile95: per Mbps above the commit
  bool operator==(const UsagePlan&) const = default;
};

// JSON on the wire and in the store:
//   {"kind": "none"}
//   {"kind": "per_gb", "tiers": [{"up_to_gb": 10000, "rate_milli_minor_per_gb": 4500},
//                                {"up_to_gb": null, "rate_milli_minor_per_gb": 3000}]}
//   {"kind": "p95", "commit_mbps": 500, "overage_milli_minor_per_mbps": 150000}
nlohmann::json usage_plan_to_json(const UsagePlan& plan);
// Every problem located under `pointer` (e.g. "/items/0/usage_plan/tiers/1/up_to_gb").
Result<UsagePlan> usage_plan_from_json(const nlohmann::json& json, const std::string& pointer);

struct UsageChargeLine {
  std::string description;  // "Delivery 10,000 GB at USD 0.045/GB (tier 1)"
  std::string quantity;     // "10000.000000000 GB", "612.345678 Mbps over 500 Mbps commit"
  long long amount_minor = 0;
};

// One line per tier that received bytes (none for zero bytes or a non-per-GB plan).
// `currency` only names the unit in the descriptions.
std::vector<UsageChargeLine> per_gb_charges(const UsagePlan& plan, long long bytes,
                                            std::string_view currency = "USD");
// The overage line when p95 exceeds the commit; nullopt otherwise (or for a non-p95 plan).
// The overage is the exact bit/s above the commit, not rounded up to whole Mbps.
std::optional<UsageChargeLine> p95_overage_charge(const UsagePlan& plan, long long p95_bps,
                                                  std::string_view currency = "USD");

}  // namespace candela::control
