// The usage figures of one property and period, in the order of the wire format and the
// usage tables' columns (docs/usage.md defines each one).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace candela::control {

// Additive counters first; peak_rps last (combined by max or sum of peaks, never added over time).
inline constexpr std::array<std::string_view, 18> kUsageFields = {
    "requests",   "bytes",       "body_bytes", "fill_bytes", "hits",       "misses",
    "stale",      "revalidated", "passes",     "errors",     "status_1xx", "status_2xx",
    "status_3xx", "status_4xx",  "status_5xx", "http",       "https",      "peak_rps"};
inline constexpr std::size_t kUsageFieldCount = kUsageFields.size();
inline constexpr std::size_t kAdditiveUsageFields = kUsageFieldCount - 1;

enum UsageField : std::size_t {
  kRequests = 0,
  kBytes = 1,
  kBodyBytes = 2,
  kFillBytes = 3,
  kHits = 4,
  kMisses = 5,
  kStale = 6,
  kRevalidated = 7,
  kPasses = 8,
  kErrors = 9,
  kStatus5xx = 14,
  kPeakRps = 17,
};

struct UsageCounters {
  std::array<long long, kUsageFieldCount> values{};

  long long& operator[](std::size_t field) { return values[field]; }
  long long operator[](std::size_t field) const { return values[field]; }
  bool operator==(const UsageCounters&) const = default;
};

// Comma-separated column names ("requests, bytes, ..., peak_rps"), optionally prefixed
// ("SUM(" + name + ")" style expressions are built by the callers).
std::string usage_column_list(std::string_view prefix = "", std::string_view suffix = "");

// (hits + stale + revalidated) / requests, or a negative value when there were no requests.
double usage_hit_ratio(const UsageCounters& counters);

}  // namespace candela::control
