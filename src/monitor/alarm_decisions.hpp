// When the monitor raises or clears each NOC alarm (docs/monitor.md "Alarms"). Pure: each takes
// whether the alarm is firing now and what was observed, and says what to send, if anything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "monitor/health_state.hpp"

namespace candela::monitor {

enum class AlarmAction : std::uint8_t { kNone, kFire, kClear };

// edge_down fires when an edge that was up or unknown becomes down, and clears when a down edge
// answers again (up, or draining: it is alive). A draining edge that stops answering is being
// taken down on purpose (maintenance): no alarm.
AlarmAction decide_edge_down(bool firing, HealthState from, HealthState to);

// error_rate fires when the window holds at least `min_requests` responses and the 5xx share is
// above `threshold`; it clears when the share is back at or under it (fewer responses than
// `min_requests` may clear but never fire: a few errors among a few requests are not a spike).
AlarmAction decide_error_rate(bool firing, double responses, double errors, double threshold,
                              double min_requests);

// origin_unreachable (per edge and property) fires when failed fetches grew and ok fetches did
// not over the last poll interval, and clears when an ok fetch is seen.
AlarmAction decide_origin_unreachable(bool firing, double ok_delta, double failed_delta);

struct PropertyName {
  std::string scid;
  std::string name;
};

// "<SCID>.<name>" (a valid SCID, check character included) → its parts; nullopt for a property id
// of another form (a hand-written edge configuration), which has no service to alarm on.
std::optional<PropertyName> split_property_id(std::string_view id);

}  // namespace candela::monitor
