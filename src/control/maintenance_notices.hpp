// The notices of a maintenance window: templates, their values (times in GMT), the iCalendar
// attachment, and sending one notice to the window's stored audience and the NOC.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/maintenance_windows.hpp"
#include "control/notifier.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class MaintenanceNoticeKind {
  kScheduled,
  kReminder,
  kStarted,
  kCompleted,
  kCancelled,
  kRescheduled,
  kUpdated,
};

// "maintenance.scheduled", "maintenance.reminder", …
const NotificationTemplate& maintenance_template(MaintenanceNoticeKind kind);
// Every maintenance template, in the order of MaintenanceNoticeKind.
const std::vector<const NotificationTemplate*>& maintenance_templates();

// Extra facts some notices show: the times before a reschedule, a cancellation's reason.
struct NoticeContext {
  std::optional<SysTime> previous_starts;
  std::optional<SysTime> previous_ends;
  std::string reason;
};

// Every placeholder value of the maintenance templates for `window`, listing `services` (what
// this audience may see; `for_staff` adds each service's customer).
std::map<std::string, std::string> maintenance_notice_values(
    const MaintenanceWindow& window, const std::vector<AffectedService>& services, bool for_staff,
    const MaintenanceSettings& settings, SysTime now, const NoticeContext& context);

// The window as a one-event iCalendar object: UID <reference>@candela, SEQUENCE, DTSTART/DTEND
// in UTC, METHOD:REQUEST (or CANCEL with STATUS:CANCELLED once cancelled).
std::string maintenance_calendar(const MaintenanceWindow& window,
                                 const MaintenanceSettings& settings, SysTime stamp);
// The same as a mail attachment "<reference>.ics" (text/calendar; method=…).
MailAttachment maintenance_attachment(const MaintenanceWindow& window,
                                      const MaintenanceSettings& settings, SysTime stamp);

// Queues one notice about `window` (in the caller's transaction): to the contacts of its stored
// affected services (each audience sees its own services) and to the NOC engineers; records it
// in maintenance_notices.
Result<MaintenanceNoticeRecord> send_maintenance_notice(soci::session& session, const Clock& clock,
                                                        const MaintenanceSettings& settings,
                                                        const MaintenanceWindow& window,
                                                        MaintenanceNoticeKind kind,
                                                        const NoticeContext& context = {});

}  // namespace candela::control
