// UsageReports: what customers and staff read out of the usage store (docs/usage.md, contract
// B): dense series per minute, hour or day, totals, hit ratio, 95th-percentile bandwidth,
// completeness, the live view, and the usage figures billing will charge for.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"
#include "control/usage_counters.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class UsageGranularity { kMinute, kHour, kDay };
std::string_view usage_granularity_name(UsageGranularity granularity);
std::optional<UsageGranularity> parse_usage_granularity(std::string_view name);
long long usage_bucket_length(UsageGranularity granularity);

struct UsageScope {
  enum class Kind { kService, kProperty, kGroup };
  Kind kind = Kind::kService;
  std::string scid;        // kService, kProperty
  std::string property;    // kProperty
  long long group_id = 0;  // kGroup (the group and its descendants)
};
std::string_view usage_scope_kind_name(UsageScope::Kind kind);

struct UsageQuery {
  UsageScope scope;
  long long from = 0;  // epoch ms, inclusive
  long long to = 0;    // epoch ms, exclusive
  UsageGranularity granularity = UsageGranularity::kHour;
};

struct UsageBucket {
  long long start = 0;
  UsageCounters counters;
};

struct UsageReport {
  UsageQuery query;
  // Every minute ending at or before this is final on every reporting edge; empty when no
  // active edge has reported yet.
  std::optional<long long> complete_until;
  UsageCounters totals;  // peak_rps: the highest bucket peak
  long long p95_bps = 0;
  std::vector<UsageBucket> series;  // every bucket of [from, to), zeros included
};

struct UsageLiveMinute {
  long long minute = 0;
  long long requests = 0;
  long long hits = 0;  // hits + stale + revalidated
  long long errors = 0;
  long long status_5xx = 0;
  long long bytes = 0;
};
struct UsageLiveProperty {
  std::string property;
  std::vector<UsageLiveMinute> series;  // oldest first, the current (open) minute last
};
struct UsageLive {
  long long generated_at = 0;
  int minutes = 0;
  std::vector<UsageLiveProperty> properties;
};

// Usage figures of one service over a period, for invoices.
struct UsageSummary {
  UsageCounters totals;
  long long p95_bps = 0;
  std::optional<long long> complete_until;
};

// The 95th percentile of 5-minute samples: `bytes_per_bin` holds every bin's bytes (zeros
// included); sample = bytes x 8 / 300; the top floor(5% of N) samples are discarded and the
// highest remaining one, rounded down to whole bit/s, is returned (0 for no bins).
long long p95_bits_per_second(std::vector<long long> bytes_per_bin);

class UsageReports {
 public:
  static constexpr int kMaxLiveMinutes = 60;

  UsageReports(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // The report of `query` for `principal`, who needs kRead on the scope's access group (the
  // service's group, or the group itself). Errors: kInvalid with located fields
  // ("/query/from", "/query/to", "/query/granularity", "/query/property") for a bad period or
  // granularity; kNotFound for an unknown SCID or group, or one outside the principal's groups;
  // kForbidden without the read right.
  Result<UsageReport> report(const Principal& principal, const UsageQuery& query);

  // The last `minutes` (1..60) minutes of every property of `scid` that has usage in them,
  // the current minute included (it is still filling). Same authorisation as report().
  Result<UsageLive> live(const Principal& principal, const std::string& scid, int minutes);

  // For billing (no principal: the billing run is the provider's own process): totals and the
  // 95th-percentile bandwidth of service `scid` over [from, to), both whole days (UTC
  // midnights). The totals come from the day rollups; p95 from the service's 5-minute samples.
  // kNotFound for an unknown SCID; kInvalid for a period that is not whole days.
  Result<UsageSummary> service_summary(const std::string& scid, long long from, long long to);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
