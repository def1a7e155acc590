// Request counters; one mutex is plenty for a test origin and keeps total and by_path consistent.
#include "origin/request_stats.hpp"

#include <nlohmann/json.hpp>

namespace candela::origin {

void RequestStats::record(std::string_view target) {
  std::lock_guard lock(mutex_);
  ++total_;
  auto it = by_target_.find(target);
  if (it == by_target_.end()) it = by_target_.emplace(std::string(target), 0).first;
  ++it->second;
}

void RequestStats::reset() {
  std::lock_guard lock(mutex_);
  total_ = 0;
  by_target_.clear();
}

std::string RequestStats::to_json(const StatsFilter& filter) const {
  nlohmann::ordered_json by_path = nlohmann::ordered_json::object();
  std::uint64_t total = 0;
  {
    std::lock_guard lock(mutex_);
    total = total_;
    if (filter.include_by_path) {
      const bool selective = !filter.paths.empty() || filter.prefix.has_value();
      for (const auto& path : filter.paths) {
        const auto it = by_target_.find(path);
        by_path[path] = it == by_target_.end() ? 0 : it->second;
      }
      if (filter.prefix) {
        for (auto it = by_target_.lower_bound(*filter.prefix);
             it != by_target_.end() && it->first.starts_with(*filter.prefix); ++it) {
          by_path[it->first] = it->second;
        }
      }
      if (!selective) {
        for (const auto& [target, n] : by_target_)
          by_path[target] = n;
      }
    }
  }
  nlohmann::ordered_json out = {{"requests", total}};
  if (filter.include_by_path) out["by_path"] = std::move(by_path);
  // Targets are raw request bytes; replacing invalid UTF-8 keeps the JSON valid whatever arrives.
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::uint64_t RequestStats::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::uint64_t RequestStats::count(std::string_view target) const {
  std::lock_guard lock(mutex_);
  const auto it = by_target_.find(target);
  return it == by_target_.end() ? 0 : it->second;
}

}  // namespace candela::origin
