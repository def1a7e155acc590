// Thread-safe request counters behind GET /_origin/stats; tests of collapsed forwarding and
// shielding read exact per-path counts from them.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace candela::origin {

class RequestStats {
 public:
  // Counts one request for `target` (path and query, as received).
  void record(std::string_view target);
  void reset();
  // {"requests": N, "by_path": {"/a": n, ...}} with keys in byte order.
  std::string to_json() const;
  std::uint64_t total() const;
  std::uint64_t count(std::string_view target) const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t total_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_target_;
};

}  // namespace candela::origin
