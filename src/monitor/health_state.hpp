// The health state machine of one edge, with hysteresis (docs/monitor.md "States"): pure, so
// every transition is unit-tested.
#pragma once

#include <cstdint>
#include <string_view>

namespace candela::monitor {

enum class HealthState : std::uint8_t { kUnknown, kUp, kDown, kDraining };

std::string_view to_string(HealthState state);

// What one poll of /healthz found.
enum class ProbeResult : std::uint8_t {
  kOk,        // 200
  kDraining,  // 503 "draining"
  kFailed,    // refused, timed out, or any other status
};

struct HealthPolicy {
  int down_after = 2;  // consecutive failures before up/unknown/draining → down
  int up_after = 3;    // consecutive successes before down → up
};

class HealthTracker {
 public:
  // Applies one probe result; true when the state changed.
  bool observe(ProbeResult result, const HealthPolicy& policy);

  HealthState state() const { return state_; }
  int consecutive_failures() const { return failures_; }
  int consecutive_successes() const { return successes_; }

 private:
  HealthState state_ = HealthState::kUnknown;
  int failures_ = 0;
  int successes_ = 0;
};

}  // namespace candela::monitor
