// Maintenance windows: scheduled or emergency work on cache groups and edges, the services and
// customers it affects (computed from the edges' traffic when scheduled or rescheduled, then
// kept), and the notices with their iCalendar attachment (docs/maintenance.md).
#pragma once

#include <chrono>
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

enum class MaintenanceKind { kScheduled, kEmergency };
enum class MaintenanceImpact { kServiceAffecting, kNonServiceAffecting };
enum class MaintenanceState { kScheduled, kInProgress, kCompleted, kCancelled };

std::string_view maintenance_kind_name(MaintenanceKind kind);  // "scheduled", "emergency"
std::optional<MaintenanceKind> parse_maintenance_kind(std::string_view name);
// "service_affecting", "non_service_affecting"
std::string_view maintenance_impact_name(MaintenanceImpact impact);
std::optional<MaintenanceImpact> parse_maintenance_impact(std::string_view name);
// "scheduled", "in_progress", "completed", "cancelled"
std::string_view maintenance_state_name(MaintenanceState state);
std::optional<MaintenanceState> parse_maintenance_state(std::string_view name);

// A service the window affects, with its customer.
struct AffectedService {
  std::string scid;
  long long customer_id = 0;
  std::string customer_number;
  std::string customer_name;
  long long access_group_id = 0;
};

// One notice queued for the window: which template, at which SEQUENCE, to how many recipients
// (users and provider roles addressed), and what the notifier stored.
struct MaintenanceNoticeRecord {
  std::string template_id;
  int sequence = 0;
  SysTime sent_at;
  int recipients = 0;
  int portal_rows = 0;
  int emails_queued = 0;
};

struct MaintenanceWindow {
  long long id = 0;
  std::string reference;  // MNT-2026-000001
  MaintenanceKind kind = MaintenanceKind::kScheduled;
  MaintenanceImpact impact = MaintenanceImpact::kServiceAffecting;
  MaintenanceState state = MaintenanceState::kScheduled;
  std::string title;
  std::string description;
  SysTime starts_at;
  SysTime ends_at;
  int sequence = 0;  // iCalendar SEQUENCE
  std::optional<long long> created_by;
  SysTime created_at;
  SysTime updated_at;
  std::optional<SysTime> reminder_due_at;
  std::optional<SysTime> reminder_notice_at;
  std::optional<SysTime> started_notice_at;
  std::optional<SysTime> completed_notice_at;
  std::optional<SysTime> started_at;
  std::optional<SysTime> completed_at;
  std::optional<SysTime> cancelled_at;
  std::string cancel_reason;
  std::vector<std::string> cache_groups;  // as named, sorted
  std::vector<std::string> edges;         // as named, sorted
  // Staff: every affected service. Customers: only the services they can see.
  std::vector<AffectedService> affected;
  int affected_customers = 0;                    // distinct customers among `affected`
  std::vector<MaintenanceNoticeRecord> notices;  // oldest first (get() only)
};

struct NewMaintenanceWindow {
  MaintenanceKind kind = MaintenanceKind::kScheduled;
  MaintenanceImpact impact = MaintenanceImpact::kServiceAffecting;
  std::string title;
  std::string description;
  std::optional<SysTime> starts_at;  // emergency maintenance may leave it out: it starts now
  SysTime ends_at;
  std::vector<std::string> cache_groups;
  std::vector<std::string> edges;
};

// A reschedule or a corrected text; absent members stay as they are.
struct MaintenanceChange {
  std::optional<SysTime> starts_at;
  std::optional<SysTime> ends_at;
  std::optional<std::string> title;
  std::optional<std::string> description;
};

// Calendar listing: windows overlapping [from, to) (either end open), in one state if given,
// ordered by start; `after` continues after (starts_at, id) of the previous page's last window.
struct MaintenanceQuery {
  std::optional<SysTime> from;
  std::optional<SysTime> to;
  std::optional<MaintenanceState> state;
  std::optional<std::pair<long long, long long>> after;  // (starts_at ms, id)
  int limit = 50;
};

struct MaintenancePage {
  std::vector<MaintenanceWindow> windows;
  std::optional<std::pair<long long, long long>> next_after;
};

struct MaintenanceSettings {
  // The reminder goes this long before the start (`--maintenance-reminder-hours`).
  std::chrono::hours reminder_before{24};
  // Links in notices point here: <public_url>/maintenance/<reference>.
  std::string public_url = "http://127.0.0.1:9000";
  // The iCalendar ORGANIZER (mailto:); omitted when empty.
  std::string organizer_email;
};

// What one run of the notice job did.
struct MaintenanceRun {
  int reminders = 0;
  int started = 0;
  int completed = 0;
};

class MaintenanceWindows {
 public:
  static constexpr std::size_t kMaxTitleLength = 200;
  static constexpr std::size_t kMaxDescriptionLength = 8000;
  static constexpr std::size_t kMaxReasonLength = 1000;
  static constexpr std::size_t kMaxTargets = 200;
  static constexpr std::chrono::hours kMaxLength{7 * 24};
  // How far back an emergency window's start may lie (it has already begun).
  static constexpr std::chrono::hours kEmergencyBackdate{1};
  // Services count as affected when they had traffic on the edges in this period.
  static constexpr std::chrono::hours kTrafficLookback{30 * 24};
  static constexpr int kMaxPageSize = 500;

  // Works on the caller's session: changes run inside its transaction, so the window, its
  // audit record and its notices commit together.
  MaintenanceWindows(soci::session& session, const Clock& clock, MaintenanceSettings settings);

  // NOC engineers and provider admins only (kForbidden for anyone else). Validates every field
  // (one kInvalid error with located `fields`), allocates the reference, stores the targets and
  // the affected services, and queues the "scheduled" notice.
  Result<MaintenanceWindow> schedule(const Principal& principal, const NewMaintenanceWindow& draft);
  // Staff see every window; a customer sees the windows affecting a service it can see.
  Result<MaintenancePage> list(const Principal& principal, const MaintenanceQuery& query);
  // kNotFound for an unknown reference and for a window that affects none of the caller's
  // services (customers).
  Result<MaintenanceWindow> get(const Principal& principal, const std::string& reference);
  // New times and/or text. Scheduled windows may change everything; a window in progress only
  // its end (an extension) and text. Recomputes the affected services, bumps SEQUENCE and
  // queues a "rescheduled" (times changed) or "updated" notice; no change, no notice.
  Result<MaintenanceWindow> reschedule(const Principal& principal, const std::string& reference,
                                       const MaintenanceChange& change);
  // A scheduled window only (kConflict otherwise); queues "cancelled" with METHOD:CANCEL.
  Result<MaintenanceWindow> cancel(const Principal& principal, const std::string& reference,
                                   const std::string& reason);
  // Ends a window now (in progress, or scheduled and already past its start); queues
  // "completed" (and "started" first if that had not gone yet).
  Result<MaintenanceWindow> complete(const Principal& principal, const std::string& reference);
  // The window as an iCalendar object (REQUEST, or CANCEL once cancelled), for anyone who may
  // read it.
  Result<std::string> calendar(const Principal& principal, const std::string& reference);

  // The job's work for one window, as the system: the reminder when due, the start, the end;
  // each notice at most once (stamped in this transaction).
  Result<MaintenanceRun> advance(long long window_id);
  // Windows with something due at the clock's time (ids, for advance()).
  Result<std::vector<long long>> due_windows();

 private:
  Result<MaintenanceWindow> load(const std::string& reference);
  Result<MaintenanceWindow> load_by_id(long long id);
  Status check_manage(const Principal& principal) const;

  soci::session& session_;
  const Clock& clock_;
  MaintenanceSettings settings_;
};

}  // namespace candela::control
