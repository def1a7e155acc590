// Counts usage per property and minute on the request path without a shared lock: each thread
// counts into its own shard, and the usage reporter drains and merges the shards.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "edge/usage_counts.hpp"

namespace candela::edge {

// One completed exchange, as far as usage is concerned.
struct UsageExchange {
  std::string_view property_id;  // "<SCID>.<name>"; "-" or empty: not counted
  SysTime completed;             // decides the minute and the second (peak_rps)
  int status = 0;
  CacheOutcome outcome = CacheOutcome::kNone;
  std::uint64_t bytes = 0;
  std::uint64_t body_bytes = 0;
  bool https = false;
};

using UsageDelta = std::map<UsageKey, UsageCounts>;

class UsageMeter {
 public:
  UsageMeter();
  ~UsageMeter();
  UsageMeter(const UsageMeter&) = delete;
  UsageMeter& operator=(const UsageMeter&) = delete;

  // Request path: touches only the calling thread's shard (its mutex is contended only by
  // drain(), briefly, once per report interval).
  void record(const UsageExchange& exchange);
  // Bytes received from an origin or parent for `property_id`, counted in the minute of `when`.
  void record_fill(std::string_view property_id, SysTime when, std::uint64_t bytes);

  // Everything counted since the previous drain, merged over all threads.
  UsageDelta drain();

 private:
  struct Shard;
  Shard& shard();

  const std::uint64_t id_;  // distinguishes instances in the per-thread shard cache
  std::mutex shards_mu_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

// Whole minutes since the epoch, and the second within that minute, of `t`.
std::int64_t minute_of(SysTime t);
SysTime minute_start(std::int64_t minute);

}  // namespace candela::edge
