// Thread-safe request counters behind GET /_origin/stats; tests of collapsed forwarding and
// shielding read exact per-path counts from them.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace candela::origin {

// Which by_path entries a stats answer includes; by default all of them.
struct StatsFilter {
  std::vector<std::string> paths;     // exact targets, reported even when 0
  std::optional<std::string> prefix;  // targets starting with this
  bool include_by_path = true;        // false: only the total (cheap to poll)
};

class RequestStats {
 public:
  // Counts one request for `target` (path and query, as received).
  void record(std::string_view target);
  void reset();
  // {"requests": N, "by_path": {"/a": n, ...}} with keys in byte order.
  std::string to_json(const StatsFilter& filter = {}) const;
  std::uint64_t total() const;
  std::uint64_t count(std::string_view target) const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t total_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_target_;
};

}  // namespace candela::origin
