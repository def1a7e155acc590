// The usage counters of one (property, minute) on this edge, as counted and as reported
// (docs/edge.md "Usage reporting").
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "edge/edge_metrics.hpp"

namespace candela::edge {

struct UsageCounts {
  std::uint64_t requests = 0;
  std::uint64_t bytes = 0;       // sent to clients: status line, headers and body
  std::uint64_t body_bytes = 0;  // sent to clients: body only
  std::uint64_t fill_bytes = 0;  // received from origins or parents
  std::array<std::uint64_t, kCacheOutcomes> outcomes{};  // indexed by CacheOutcome
  std::array<std::uint64_t, 5> status_classes{};         // 1xx..5xx
  std::uint64_t http = 0;
  std::uint64_t https = 0;
  // Requests completed in each wall-clock second of the minute: peak_rps is their maximum, and
  // keeping the seconds (not the maximum) lets counts from several threads or runs be added.
  std::array<std::uint32_t, 60> per_second{};

  std::uint64_t outcome(CacheOutcome o) const { return outcomes[static_cast<std::size_t>(o)]; }
  std::uint64_t peak_rps() const;
  void add(const UsageCounts& other);
  bool operator==(const UsageCounts&) const = default;
};

// A property and a minute (whole minutes since the Unix epoch, UTC).
struct UsageKey {
  std::string property;
  std::int64_t minute = 0;
  auto operator<=>(const UsageKey&) const = default;
};

}  // namespace candela::edge
