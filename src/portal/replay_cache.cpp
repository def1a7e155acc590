// Replay cache: a set of signatures plus an expiry index to prune it in order.
#include "portal/replay_cache.hpp"

namespace candela::portal {

bool ReplayCache::check_and_insert(std::string_view signature, SysTime forget_after, SysTime now) {
  std::lock_guard lock(mutex_);
  while (!expiry_.empty() && expiry_.begin()->first < now) {
    seen_.erase(expiry_.begin()->second);
    expiry_.erase(expiry_.begin());
  }
  auto [it, inserted] = seen_.emplace(signature);
  if (!inserted) return false;
  expiry_.emplace(forget_after, *it);
  return true;
}

std::size_t ReplayCache::size() const {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

}  // namespace candela::portal
