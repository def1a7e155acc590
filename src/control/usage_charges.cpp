#include "control/usage_charges.hpp"

#include <set>

#include "common/money.hpp"

namespace candela::control {
namespace {

constexpr long long kBytesPerGb = 1'000'000'000;
constexpr long long kBitsPerMbps = 1'000'000;
constexpr long long kMilli = 1000;
// Upper bounds that keep every product in range and catch typing mistakes.
constexpr long long kMaxRateMilliMinor = 10'000'000'000;  // 10^7 major units per GB or Mbps
constexpr long long kMaxQuantity = 1'000'000'000'000;     // 10^12 GB or Mbps

// "10000" → "10,000".
std::string grouped(long long value) {
  const std::string digits = std::to_string(value);
  std::string out;
  const std::size_t lead = digits.size() % 3;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (i + 3 - lead) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// `value` ÷ 10^`places` exactly, with `places` decimals ("10000.000000000").
std::string fixed_point(long long value, int places) {
  long long scale = 1;
  for (int i = 0; i < places; ++i)
    scale *= 10;
  std::string fraction = std::to_string(value % scale);
  fraction.insert(0, static_cast<std::size_t>(places) - fraction.size(), '0');
  return std::to_string(value / scale) + "." + fraction;
}

// A rate in thousandths of a minor unit as a price: 4500 → "USD 0.045", 150000 → "USD 1.50"
// (two decimals at least, more only when the rate has them).
std::string price(long long milli_minor, std::string_view currency) {
  std::string text = fixed_point(milli_minor, 5);
  while (text.size() > text.find('.') + 3 && text.back() == '0')
    text.pop_back();
  return std::string(currency) + " " + text;
}

bool is_integer(const nlohmann::json& value) {
  return value.is_number_integer() || value.is_number_unsigned();
}

class PlanReader {
 public:
  explicit PlanReader(std::string pointer) : pointer_(std::move(pointer)) {}

  void add(const std::string& suffix, const std::string& message) {
    fields_.emplace_back(pointer_ + suffix, message);
  }
  // An integer member in [min, max]; records an error otherwise.
  std::optional<long long> integer(const nlohmann::json& object, const std::string& name,
                                   const std::string& suffix, long long min, long long max) {
    if (!object.contains(name)) {
      add(suffix, "is required");
      return std::nullopt;
    }
    const nlohmann::json& value = object.at(name);
    if (!is_integer(value) ||
        (value.is_number_unsigned() &&
         value.get<unsigned long long>() > static_cast<unsigned long long>(max))) {
      add(suffix, "must be an integer");
      return std::nullopt;
    }
    const long long number = value.get<long long>();
    if (number < min || number > max) {
      add(suffix, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return std::nullopt;
    }
    return number;
  }
  void reject_unknown(const nlohmann::json& object, const std::string& prefix,
                      const std::set<std::string>& allowed) {
    for (const auto& [name, value] : object.items()) {
      if (!allowed.contains(name)) add(prefix + "/" + name, "is not a known member");
    }
  }
  Result<UsagePlan> finish(UsagePlan plan) {
    if (fields_.empty()) return plan;
    return Error{
        "the usage plan is invalid: " + fields_.front().first + " " + fields_.front().second,
        ErrorKind::kInvalid, fields_};
  }

 private:
  std::string pointer_;
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace

nlohmann::json usage_plan_to_json(const UsagePlan& plan) {
  switch (plan.kind) {
    case UsagePlanKind::kNone:
      return {{"kind", "none"}};
    case UsagePlanKind::kPerGb: {
      nlohmann::json tiers = nlohmann::json::array();
      for (const UsageTier& tier : plan.tiers) {
        tiers.push_back({{"up_to_gb", tier.up_to_gb ? nlohmann::json(*tier.up_to_gb) : nullptr},
                         {"rate_milli_minor_per_gb", tier.rate_milli_minor_per_gb}});
      }
      return {{"kind", "per_gb"}, {"tiers", std::move(tiers)}};
    }
    case UsagePlanKind::kPercentile95:
      return {{"kind", "p95"},
              {"commit_mbps", plan.commit_mbps},
              {"overage_milli_minor_per_mbps", plan.overage_milli_minor_per_mbps}};
  }
  return {{"kind", "none"}};
}

Result<UsagePlan> usage_plan_from_json(const nlohmann::json& json, const std::string& pointer) {
  PlanReader reader(pointer);
  UsagePlan plan;
  if (!json.is_object()) {
    reader.add("", "must be an object with a \"kind\"");
    return reader.finish(plan);
  }
  if (!json.contains("kind") || !json.at("kind").is_string()) {
    reader.add("/kind", "is required: \"none\", \"per_gb\" or \"p95\"");
    return reader.finish(plan);
  }
  const std::string kind = json.at("kind").get<std::string>();
  if (kind == "none") {
    reader.reject_unknown(json, "", {"kind"});
  } else if (kind == "per_gb") {
    plan.kind = UsagePlanKind::kPerGb;
    reader.reject_unknown(json, "", {"kind", "tiers"});
    if (!json.contains("tiers") || !json.at("tiers").is_array() || json.at("tiers").empty()) {
      reader.add("/tiers", "must be a non-empty array of tiers");
      return reader.finish(plan);
    }
    const nlohmann::json& tiers = json.at("tiers");
    std::optional<long long> previous_bound = 0;
    for (std::size_t i = 0; i < tiers.size(); ++i) {
      const std::string at = "/tiers/" + std::to_string(i);
      const nlohmann::json& tier = tiers[i];
      if (!tier.is_object()) {
        reader.add(at, "must be an object");
        continue;
      }
      reader.reject_unknown(tier, at, {"up_to_gb", "rate_milli_minor_per_gb"});
      UsageTier parsed;
      const bool last = i + 1 == tiers.size();
      if (!tier.contains("up_to_gb")) {
        reader.add(at + "/up_to_gb", "is required (null for the last, unbounded tier)");
      } else if (tier.at("up_to_gb").is_null()) {
        if (!last) reader.add(at + "/up_to_gb", "only the last tier may be unbounded");
      } else if (last) {
        reader.add(at + "/up_to_gb", "the last tier must be unbounded (null)");
      } else {
        parsed.up_to_gb = reader.integer(tier, "up_to_gb", at + "/up_to_gb", 1, kMaxQuantity);
        if (parsed.up_to_gb && previous_bound && *parsed.up_to_gb <= *previous_bound) {
          reader.add(at + "/up_to_gb", "must be greater than the previous tier's bound");
        }
        previous_bound = parsed.up_to_gb;
      }
      if (const auto rate =
              reader.integer(tier, "rate_milli_minor_per_gb", at + "/rate_milli_minor_per_gb", 0,
                             kMaxRateMilliMinor)) {
        parsed.rate_milli_minor_per_gb = *rate;
      }
      plan.tiers.push_back(parsed);
    }
  } else if (kind == "p95") {
    plan.kind = UsagePlanKind::kPercentile95;
    reader.reject_unknown(json, "", {"kind", "commit_mbps", "overage_milli_minor_per_mbps"});
    if (const auto commit = reader.integer(json, "commit_mbps", "/commit_mbps", 0, kMaxQuantity)) {
      plan.commit_mbps = *commit;
    }
    if (const auto rate = reader.integer(json, "overage_milli_minor_per_mbps",
                                         "/overage_milli_minor_per_mbps", 0, kMaxRateMilliMinor)) {
      plan.overage_milli_minor_per_mbps = *rate;
    }
  } else {
    reader.add("/kind", "must be \"none\", \"per_gb\" or \"p95\"");
  }
  return reader.finish(plan);
}

std::vector<UsageChargeLine> per_gb_charges(const UsagePlan& plan, long long bytes,
                                            std::string_view currency) {
  std::vector<UsageChargeLine> lines;
  if (plan.kind != UsagePlanKind::kPerGb || bytes <= 0) return lines;
  Int128 tier_start_bytes = 0;
  for (std::size_t i = 0; i < plan.tiers.size(); ++i) {
    const UsageTier& tier = plan.tiers[i];
    if (tier_start_bytes >= bytes) break;
    const Int128 tier_end_bytes =
        tier.up_to_gb ? static_cast<Int128>(*tier.up_to_gb) * kBytesPerGb : Int128{bytes};
    const Int128 end = tier_end_bytes < bytes ? tier_end_bytes : Int128{bytes};
    const long long in_tier = static_cast<long long>(end - tier_start_bytes);
    const std::string first_gb = grouped(static_cast<long long>(tier_start_bytes / kBytesPerGb));
    const std::string range = tier.up_to_gb ? first_gb + " to " + grouped(*tier.up_to_gb) + " GB"
                                            : "over " + first_gb + " GB";
    UsageChargeLine line;
    line.description = "Delivery tier " + std::to_string(i + 1) + " (" + range + ") at " +
                       price(tier.rate_milli_minor_per_gb, currency) + "/GB";
    line.quantity = fixed_point(in_tier, 9) + " GB";
    line.amount_minor = divide_rounded(static_cast<Int128>(in_tier) * tier.rate_milli_minor_per_gb,
                                       static_cast<Int128>(kBytesPerGb) * kMilli);
    lines.push_back(std::move(line));
    tier_start_bytes = end;
  }
  return lines;
}

std::optional<UsageChargeLine> p95_overage_charge(const UsagePlan& plan, long long p95_bps,
                                                  std::string_view currency) {
  if (plan.kind != UsagePlanKind::kPercentile95) return std::nullopt;
  const Int128 commit_bps = static_cast<Int128>(plan.commit_mbps) * kBitsPerMbps;
  if (p95_bps <= commit_bps) return std::nullopt;
  const long long over_bps = static_cast<long long>(p95_bps - commit_bps);
  UsageChargeLine line;
  line.description = "95th percentile " + fixed_point(p95_bps, 6) + " Mbps: overage above the " +
                     grouped(plan.commit_mbps) + " Mbps commit at " +
                     price(plan.overage_milli_minor_per_mbps, currency) + "/Mbps";
  line.quantity =
      fixed_point(over_bps, 6) + " Mbps over " + grouped(plan.commit_mbps) + " Mbps commit";
  line.amount_minor =
      divide_rounded(static_cast<Int128>(over_bps) * plan.overage_milli_minor_per_mbps,
                     static_cast<Int128>(kBitsPerMbps) * kMilli);
  return line;
}

}  // namespace candela::control
