// HealthTracker: unknown → up at the first success; failures count towards down; a down edge
// must answer `up_after` times in a row before it is trusted again; draining is followed at once.
#include "monitor/health_state.hpp"

namespace candela::monitor {

std::string_view to_string(HealthState state) {
  switch (state) {
    case HealthState::kUp:
      return "up";
    case HealthState::kDown:
      return "down";
    case HealthState::kDraining:
      return "draining";
    case HealthState::kUnknown:
      break;
  }
  return "unknown";
}

bool HealthTracker::observe(ProbeResult result, const HealthPolicy& policy) {
  const HealthState before = state_;
  switch (result) {
    case ProbeResult::kDraining:
      // The edge answered, so it is alive: draining is what it says, at once.
      failures_ = 0;
      successes_ = 0;
      state_ = HealthState::kDraining;
      break;
    case ProbeResult::kOk:
      failures_ = 0;
      ++successes_;
      if (state_ != HealthState::kDown || successes_ >= policy.up_after) state_ = HealthState::kUp;
      break;
    case ProbeResult::kFailed:
      successes_ = 0;
      ++failures_;
      if (state_ != HealthState::kDown && failures_ >= policy.down_after) {
        state_ = HealthState::kDown;
      }
      break;
  }
  return state_ != before;
}

}  // namespace candela::monitor
