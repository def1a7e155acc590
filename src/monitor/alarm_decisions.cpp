// The alarm rules, one function each.
#include "monitor/alarm_decisions.hpp"

#include "common/ids.hpp"

namespace candela::monitor {

AlarmAction decide_edge_down(bool firing, HealthState from, HealthState to) {
  if (from == to) return AlarmAction::kNone;
  if (to == HealthState::kDown) {
    const bool unplanned = from == HealthState::kUp || from == HealthState::kUnknown;
    return unplanned && !firing ? AlarmAction::kFire : AlarmAction::kNone;
  }
  const bool answers = to == HealthState::kUp || to == HealthState::kDraining;
  return firing && answers ? AlarmAction::kClear : AlarmAction::kNone;
}

AlarmAction decide_error_rate(bool firing, double responses, double errors, double threshold,
                              double min_requests) {
  const double rate = responses > 0 ? errors / responses : 0.0;
  if (!firing) {
    return responses >= min_requests && rate > threshold ? AlarmAction::kFire : AlarmAction::kNone;
  }
  return rate <= threshold ? AlarmAction::kClear : AlarmAction::kNone;
}

AlarmAction decide_origin_unreachable(bool firing, double ok_delta, double failed_delta) {
  if (ok_delta > 0) return firing ? AlarmAction::kClear : AlarmAction::kNone;
  if (failed_delta > 0 && !firing) return AlarmAction::kFire;
  return AlarmAction::kNone;
}

std::optional<PropertyName> split_property_id(std::string_view id) {
  if (id.size() < kScidLength + 2 || id[kScidLength] != '.' ||
      !is_valid_scid(id.substr(0, kScidLength))) {
    return std::nullopt;
  }
  return PropertyName{std::string(id.substr(0, kScidLength)),
                      std::string(id.substr(kScidLength + 1))};
}

}  // namespace candela::monitor
