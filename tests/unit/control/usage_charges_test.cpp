// Table-driven tests of usage charges: cumulative per-GB tiers and the 95th percentile overage
// above a commit, each the exact product rounded once half away from zero.
#include "control/usage_charges.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace candela::control {
namespace {

constexpr long long kGb = 1'000'000'000;

// The catalogue's cdn-delivery plan: $0.045/GB to 10,000 GB, $0.03 to 100,000 GB, $0.02 above.
UsagePlan delivery_tiers() {
  return UsagePlan{UsagePlanKind::kPerGb, {{10000, 4500}, {100000, 3000}, {std::nullopt, 2000}}};
}

// The catalogue's cdn-delivery-p95 plan: 500 Mbps commit, $1.50 per Mbps above it.
UsagePlan p95_plan() {
  return UsagePlan{UsagePlanKind::kPercentile95, {}, 500, 150000};
}

struct TierCase {
  std::string name;
  long long bytes;
  std::vector<long long> amounts;  // one per tier that received bytes
  std::vector<std::string> quantities;
};

class PerGbTiers : public ::testing::TestWithParam<TierCase> {};

TEST_P(PerGbTiers, ChargeEachTierForTheBytesItHolds) {
  const TierCase& c = GetParam();
  const auto lines = per_gb_charges(delivery_tiers(), c.bytes);
  std::vector<long long> amounts;
  std::vector<std::string> quantities;
  for (const auto& line : lines) {
    amounts.push_back(line.amount_minor);
    quantities.push_back(line.quantity);
  }
  EXPECT_EQ(amounts, c.amounts);
  EXPECT_EQ(quantities, c.quantities);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PerGbTiers,
    ::testing::Values(TierCase{"NoBytes", 0, {}, {}},
                      // 1 GB × 4.5 cents = 4.5 → 5 (half away from zero); 0.5 GB → 2.25 → 2.
                      TierCase{"OneGbRoundsHalfUp", kGb, {5}, {"1.000000000 GB"}},
                      TierCase{"HalfGbRoundsDown", kGb / 2, {2}, {"0.500000000 GB"}},
                      TierCase{"OneAndAHalfGb", kGb + kGb / 2, {7}, {"1.500000000 GB"}},  // 6.75
                      TierCase{
                          "ExactlyTheFirstBound", 10000 * kGb, {45000}, {"10000.000000000 GB"}},
                      TierCase{"OneByteOverTheFirstBound",
                               10000 * kGb + 1,
                               {45000, 0},
                               {"10000.000000000 GB", "0.000000001 GB"}},
                      TierCase{"ExactlyTheSecondBound",
                               100000 * kGb,
                               {45000, 270000},
                               {"10000.000000000 GB", "90000.000000000 GB"}},
                      TierCase{"IntoTheUnboundedTier",
                               150000 * kGb + 123456789,
                               {45000, 270000, 100000},
                               {"10000.000000000 GB", "90000.000000000 GB", "50000.123456789 GB"}}),
    [](const ::testing::TestParamInfo<TierCase>& param_info) { return param_info.param.name; });

TEST(PerGbCharges, DescribeTheTierAndRate) {
  const auto lines = per_gb_charges(delivery_tiers(), 150000 * kGb);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].description, "Delivery tier 1 (0 to 10,000 GB) at USD 0.045/GB");
  EXPECT_EQ(lines[1].description, "Delivery tier 2 (10,000 to 100,000 GB) at USD 0.03/GB");
  EXPECT_EQ(lines[2].description, "Delivery tier 3 (over 100,000 GB) at USD 0.02/GB");
  EXPECT_EQ(per_gb_charges(delivery_tiers(), kGb, "EUR")[0].description,
            "Delivery tier 1 (0 to 10,000 GB) at EUR 0.045/GB");
}

TEST(PerGbCharges, NothingForOtherPlans) {
  EXPECT_TRUE(per_gb_charges(p95_plan(), 1000 * kGb).empty());
  EXPECT_TRUE(per_gb_charges(UsagePlan{}, 1000 * kGb).empty());
}

struct P95Case {
  std::string name;
  long long p95_bps;
  bool charged;
  long long amount_minor;
  std::string quantity;
};

class P95Overage : public ::testing::TestWithParam<P95Case> {};

TEST_P(P95Overage, ChargesOnlyTheExactBitsAboveTheCommit) {
  const P95Case& c = GetParam();
  const auto line = p95_overage_charge(p95_plan(), c.p95_bps);
  ASSERT_EQ(line.has_value(), c.charged);
  if (!line) return;
  EXPECT_EQ(line->amount_minor, c.amount_minor);
  EXPECT_EQ(line->quantity, c.quantity);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, P95Overage,
    ::testing::Values(
        P95Case{"Idle", 0, false, 0, ""}, P95Case{"UnderCommit", 499'999'999, false, 0, ""},
        P95Case{"AtCommit", 500'000'000, false, 0, ""},
        // One bit/s over: not rounded up to a whole Mbps, 0.00015 cents → 0.
        P95Case{"OneBitOver", 500'000'001, true, 0, "0.000001 Mbps over 500 Mbps commit"},
        // 0.01 Mbps × 150 cents = 1.5 → 2 (half away from zero).
        P95Case{"HalfCentRoundsUp", 500'010'000, true, 2, "0.010000 Mbps over 500 Mbps commit"},
        // 112.345678 Mbps × 150 cents = 16851.8517 → 16852.
        P95Case{"OverCommit", 612'345'678, true, 16852, "112.345678 Mbps over 500 Mbps commit"},
        P95Case{"DoubleTheCommit", 1'000'000'000, true, 75000,
                "500.000000 Mbps over 500 Mbps commit"}),
    [](const ::testing::TestParamInfo<P95Case>& param_info) { return param_info.param.name; });

TEST(P95OverageCharge, DescribesThePercentileAndRate) {
  const auto line = p95_overage_charge(p95_plan(), 612'345'678);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->description,
            "95th percentile 612.345678 Mbps: overage above the 500 Mbps commit at USD 1.50/Mbps");
  EXPECT_FALSE(p95_overage_charge(delivery_tiers(), 612'345'678).has_value());
  EXPECT_FALSE(p95_overage_charge(UsagePlan{}, 612'345'678).has_value());
}

TEST(UsagePlanJson, RoundTripsEveryKind) {
  for (const UsagePlan& plan : {UsagePlan{}, delivery_tiers(), p95_plan()}) {
    const nlohmann::json json = usage_plan_to_json(plan);
    const auto parsed = usage_plan_from_json(json, "/usage_plan");
    ASSERT_TRUE(parsed.ok()) << parsed.error() << " " << json.dump();
    EXPECT_EQ(*parsed, plan) << json.dump();
  }
  EXPECT_EQ(usage_plan_to_json(delivery_tiers()),
            nlohmann::json::parse(R"({"kind": "per_gb", "tiers": [
              {"up_to_gb": 10000, "rate_milli_minor_per_gb": 4500},
              {"up_to_gb": 100000, "rate_milli_minor_per_gb": 3000},
              {"up_to_gb": null, "rate_milli_minor_per_gb": 2000}]})"));
  EXPECT_EQ(usage_plan_to_json(p95_plan()),
            nlohmann::json::parse(
                R"({"kind": "p95", "commit_mbps": 500, "overage_milli_minor_per_mbps": 150000})"));
  EXPECT_EQ(usage_plan_to_json(UsagePlan{}), nlohmann::json::parse(R"({"kind": "none"})"));
}

struct BadPlanCase {
  std::string name;
  std::string json;
  std::vector<std::string> pointers;
};

class BadUsagePlans : public ::testing::TestWithParam<BadPlanCase> {};

TEST_P(BadUsagePlans, AreRefusedAtTheirPointer) {
  const BadPlanCase& c = GetParam();
  const auto parsed = usage_plan_from_json(nlohmann::json::parse(c.json), "/items/0/usage_plan");
  ASSERT_FALSE(parsed.ok()) << c.json;
  EXPECT_EQ(parsed.error_kind(), ErrorKind::kInvalid);
  std::vector<std::string> pointers;
  for (const auto& [pointer, message] : parsed.failure().fields)
    pointers.push_back(pointer);
  EXPECT_EQ(pointers, c.pointers) << c.json;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadUsagePlans,
    ::testing::Values(
        BadPlanCase{"NotAnObject", R"("per_gb")", {"/items/0/usage_plan"}},
        BadPlanCase{"NoKind", R"({})", {"/items/0/usage_plan/kind"}},
        BadPlanCase{"UnknownKind", R"({"kind": "per_tb"})", {"/items/0/usage_plan/kind"}},
        BadPlanCase{
            "UnknownMember", R"({"kind": "none", "rate": 1})", {"/items/0/usage_plan/rate"}},
        BadPlanCase{"NoTiers", R"({"kind": "per_gb", "tiers": []})", {"/items/0/usage_plan/tiers"}},
        BadPlanCase{
            "LastTierBounded",
            R"({"kind": "per_gb", "tiers": [{"up_to_gb": 10, "rate_milli_minor_per_gb": 1}]})",
            {"/items/0/usage_plan/tiers/0/up_to_gb"}},
        BadPlanCase{
            "MiddleTierUnbounded",
            R"({"kind": "per_gb", "tiers": [{"up_to_gb": null, "rate_milli_minor_per_gb": 1},
                       {"up_to_gb": null, "rate_milli_minor_per_gb": 1}]})",
            {"/items/0/usage_plan/tiers/0/up_to_gb"}},
        BadPlanCase{"BoundsNotAscending",
                    R"({"kind": "per_gb", "tiers": [{"up_to_gb": 100, "rate_milli_minor_per_gb": 1},
                       {"up_to_gb": 100, "rate_milli_minor_per_gb": 1},
                       {"up_to_gb": null, "rate_milli_minor_per_gb": 1}]})",
                    {"/items/0/usage_plan/tiers/1/up_to_gb"}},
        BadPlanCase{"NegativeRateAndFractionalBound",
                    R"({"kind": "per_gb", "tiers": [{"up_to_gb": 1.5, "rate_milli_minor_per_gb": 1},
                       {"up_to_gb": null, "rate_milli_minor_per_gb": -1}]})",
                    {"/items/0/usage_plan/tiers/0/up_to_gb",
                     "/items/0/usage_plan/tiers/1/rate_milli_minor_per_gb"}},
        BadPlanCase{"P95Missing",
                    R"({"kind": "p95"})",
                    {"/items/0/usage_plan/commit_mbps",
                     "/items/0/usage_plan/overage_milli_minor_per_mbps"}},
        BadPlanCase{"P95Negative",
                    R"({"kind": "p95", "commit_mbps": -1, "overage_milli_minor_per_mbps": "5"})",
                    {"/items/0/usage_plan/commit_mbps",
                     "/items/0/usage_plan/overage_milli_minor_per_mbps"}},
        BadPlanCase{
            "HugeRate",
            R"({"kind": "p95", "commit_mbps": 1, "overage_milli_minor_per_mbps": 18446744073709551615})",
            {"/items/0/usage_plan/overage_milli_minor_per_mbps"}}),
    [](const ::testing::TestParamInfo<BadPlanCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace candela::control
