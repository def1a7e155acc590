// Alarm handling: a monitor's (or a NOC engineer's) alarm becomes a NOC event, once per dedupe
// key while it is open; the services it affects get one proactive ticket each; staff are told;
// a cleared alarm resolves the event and notes the clearing on its still-open tickets. Every
// change is audited in the caller's transaction (docs/noc.md).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/noc_events.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class AlarmState { kFiring, kCleared };

struct Alarm {
  NocEventKind kind = NocEventKind::kEdgeDown;
  std::optional<std::string> edge_id;
  std::optional<std::string> scid;
  std::optional<std::string> property;
  AlarmState state = AlarmState::kFiring;
  SysTime observed_at;
  std::string summary;
  std::string details = "{}";  // a JSON object, stored as given
};

// Who raised the alarm: a monitor (authenticated by its token) or a staff user.
struct AlarmSource {
  std::optional<std::string> monitor_id;
  std::optional<Principal> principal;
};

enum class AlarmAction {
  kOpened,    // a new event
  kUpdated,   // folded into the open event with the same dedupe key
  kResolved,  // a clear resolved the open event
  kIgnored,   // a clear with no open event, or observed before the event's last firing
};
std::string_view alarm_action_name(AlarmAction action);

struct AlarmOutcome {
  AlarmAction action = AlarmAction::kIgnored;
  std::optional<NocEventDetail> event;
  std::vector<std::string> tickets_opened;  // by this alarm
  std::vector<std::string> tickets_noted;   // told that the event cleared
  std::string reason;                       // why it was ignored
};

class NocAlarms {
 public:
  static constexpr std::size_t kMaxSummaryLength = 500;
  static constexpr std::size_t kMaxDetailsLength = 16 * 1024;
  static constexpr std::size_t kMaxPropertyLength = 200;
  // A monitor's clock may run a little ahead of the portal's; more than this is refused.
  static constexpr std::chrono::seconds kFutureTolerance{60};
  // An edge's affected services: those with traffic on it within this window.
  static constexpr std::chrono::hours kTrafficWindow{24};

  NocAlarms(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Validates the alarm (kInvalid with located fields: unknown edge or SCID, fields the kind
  // requires or forbids, observed_at in the future, summary) and applies it. A principal in
  // `source` must be a NOC engineer or provider admin.
  Result<AlarmOutcome> handle(const AlarmSource& source, const Alarm& alarm);

 private:
  Status validate(const Alarm& alarm);
  Result<AlarmOutcome> fire(const AlarmSource& source, const Alarm& alarm,
                            const std::string& dedupe_key);
  Result<AlarmOutcome> clear(const AlarmSource& source, const Alarm& alarm,
                             const std::string& dedupe_key);
  // Opens a proactive ticket for each affected service the event has none for yet.
  Result<std::vector<std::string>> link_affected_services(const NocEvent& event);

  soci::session& session_;
  const Clock& clock_;
};

// kind|edge|scid|property, absent parts empty: the rule that folds repeated alarms together.
std::string noc_dedupe_key(const Alarm& alarm);

}  // namespace candela::control
