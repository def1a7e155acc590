// NOC events: what the monitor's alarms become (docs/noc.md). One open event per dedupe key
// (kind + edge + SCID + property); each lists the services it affects with the one proactive
// ticket opened for each. Reading them is for provider staff only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class NocEventKind { kEdgeDown, kErrorRate, kOriginUnreachable };
enum class NocEventState { kOpen, kResolved };

// Stored and wire names: "edge_down", "error_rate", "origin_unreachable"; "open", "resolved".
std::string_view noc_event_kind_name(NocEventKind kind);
std::optional<NocEventKind> parse_noc_event_kind(std::string_view name);
std::string_view noc_event_state_name(NocEventState state);
std::optional<NocEventState> parse_noc_event_state(std::string_view name);
// The severity (1..4, the support severities matrix) of an event and of its proactive tickets:
// edge_down 2 (Major), origin_unreachable 2, error_rate 3 (Minor).
int noc_event_severity(NocEventKind kind);

struct NocEvent {
  long long id = 0;
  std::string reference;  // EVT-2026-000001
  NocEventKind kind = NocEventKind::kEdgeDown;
  NocEventState state = NocEventState::kOpen;
  std::optional<std::string> edge_id;
  std::optional<std::string> scid;
  std::optional<std::string> property;
  int severity = 2;
  std::string summary;     // the latest alarm's
  std::string details;     // the latest alarm's details, a JSON object
  std::string dedupe_key;  // "edge_down|edge-lon-1||"
  std::string raised_by;   // "monitor:<id>" or "user:<id>" of the first alarm
  SysTime first_seen_at;   // observed_at of the first firing alarm
  SysTime last_seen_at;    // latest observed_at of a firing alarm
  std::optional<SysTime> resolved_at;
  int occurrences = 1;  // firing alarms folded into this event
  int affected_services = 0;
  SysTime created_at;
  SysTime updated_at;
};

// A service an event affects and the proactive ticket it got (state as the ticket is now).
struct NocAffectedService {
  std::string scid;
  std::string customer_number;
  std::string customer_name;
  std::string ticket_reference;
  std::string ticket_state;
  int ticket_severity = 0;
  SysTime added_at;
};

struct NocEventDetail {
  NocEvent event;
  std::vector<NocAffectedService> services;  // by SCID
};

struct NocEventFilter {
  std::optional<NocEventState> state;
  std::optional<NocEventKind> kind;
};

struct NocEventPage {
  std::vector<NocEvent> events;          // newest first
  std::optional<long long> next_before;  // the last id when more follow
};

// Who may do what in the NOC: reading (dashboard, events) takes any provider role; raising and
// clearing alarms from a session takes noc_engineer or provider_admin; managing monitor
// credentials takes provider_admin. Customers get kForbidden.
Status may_read_noc(const Principal& principal);
Status may_raise_alarms(const Principal& principal);
Status may_manage_monitors(const Principal& principal);

class NocEvents {
 public:
  static constexpr int kMaxPageSize = 500;

  explicit NocEvents(soci::session& session) : session_(session) {}

  Result<NocEventPage> list(const Principal& principal, const NocEventFilter& filter,
                            std::optional<long long> before_id, int limit);
  Result<NocEventDetail> get(const Principal& principal, const std::string& reference);
  // Every open event, most severe and then oldest first (the dashboard; no principal check).
  Result<std::vector<NocEvent>> open_events();

  // Store access for the alarm handling (control/noc_alarms): no principal checks.
  Result<std::optional<NocEvent>> find_open(const std::string& dedupe_key);
  Result<NocEvent> find_by_id(long long id);
  Result<std::vector<NocAffectedService>> services_of(long long event_id);

 private:
  soci::session& session_;
};

}  // namespace candela::control
