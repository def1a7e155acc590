// Polling for end-to-end tests: wait until something the processes do becomes visible.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace candela::testing {

// Polls `condition` every `step` until it holds (true) or `timeout` passes (false).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                       std::chrono::milliseconds step = std::chrono::milliseconds(25)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

}  // namespace candela::testing
