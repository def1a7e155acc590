// Remembers accepted request signatures for the signing window, so replays are refused.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "common/clock.hpp"

namespace candela::portal {

class ReplayCache {
 public:
  // Records `signature` until `forget_after`; false if it is already recorded (a replay).
  // Entries whose time has passed `now` are dropped first, which bounds memory by the rate of
  // valid signed requests times the window.
  bool check_and_insert(std::string_view signature, SysTime forget_after, SysTime now);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_set<std::string> seen_;
  std::multimap<SysTime, std::string> expiry_;
};

}  // namespace candela::portal
