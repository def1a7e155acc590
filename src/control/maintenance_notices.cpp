// Maintenance notice templates and sending. Every notice carries the window's .ics, so a
// recipient's calendar follows each change (SEQUENCE) and a cancellation removes the entry.
#include "control/maintenance_notices.hpp"

#include <soci/soci.h>

#include <set>

#include "control/database.hpp"
#include "control/gmt_time.hpp"
#include "control/icalendar.hpp"
#include "control/maintenance_targets.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

// Shared by every template: what, when (GMT), where, whom.
#define MAINTENANCE_FACTS                                                                      \
  "Reference:  {{reference}}\n"                                                                \
  "Title:      {{title}}\n"                                                                    \
  "Type:       {{kind_label}} maintenance\n"                                                   \
  "Impact:     {{impact_label}}\n"                                                             \
  "Start:      {{starts}}\n"                                                                   \
  "End:        {{ends}}\n"                                                                     \
  "Duration:   {{duration}}\n"                                                                 \
  "Locations:  {{locations}}\n"                                                                \
  "Services:   {{services}}\n"                                                                 \
  "\n"                                                                                         \
  "{{description}}\n"                                                                          \
  "\n"                                                                                         \
  "All times are GMT. The attached calendar entry ({{reference}}.ics) keeps your calendar up " \
  "to date.\n"                                                                                 \
  "Details: {{link}}\n"

const NotificationTemplate kScheduled{
    "maintenance.scheduled", NotificationCategory::kMaintenance,
    "{{reference}} {{kind_label}} maintenance {{starts}}: {{title}}",
    "{{kind_label}} maintenance has been scheduled on the Candela network.\n\n" MAINTENANCE_FACTS};
const NotificationTemplate kReminder{
    "maintenance.reminder", NotificationCategory::kMaintenance,
    "Reminder: {{reference}} maintenance starts {{starts}}: {{title}}",
    "Reminder: this maintenance starts at {{starts}}.\n\n" MAINTENANCE_FACTS};
const NotificationTemplate kStarted{"maintenance.started", NotificationCategory::kMaintenance,
                                    "{{reference}} maintenance has started: {{title}}",
                                    "This maintenance started at {{at}}.\n\n" MAINTENANCE_FACTS};
const NotificationTemplate kCompleted{
    "maintenance.completed", NotificationCategory::kMaintenance,
    "{{reference}} maintenance completed: {{title}}",
    "This maintenance was completed at {{at}}.\n\n" MAINTENANCE_FACTS};
const NotificationTemplate kCancelled{
    "maintenance.cancelled", NotificationCategory::kMaintenance,
    "{{reference}} maintenance cancelled: {{title}}",
    "This maintenance has been cancelled: {{reason}}\n"
    "The attached calendar entry removes it from your calendar.\n\n" MAINTENANCE_FACTS};
const NotificationTemplate kRescheduled{
    "maintenance.rescheduled", NotificationCategory::kMaintenance,
    "{{reference}} maintenance rescheduled to {{starts}}: {{title}}",
    "This maintenance has been rescheduled.\n"
    "It was planned from {{previous_starts}} to {{previous_ends}}.\n\n" MAINTENANCE_FACTS};
const NotificationTemplate kUpdated{
    "maintenance.updated", NotificationCategory::kMaintenance,
    "{{reference}} maintenance updated: {{title}}",
    "The details of this maintenance have been updated.\n\n" MAINTENANCE_FACTS};

#undef MAINTENANCE_FACTS

constexpr std::size_t kMaxServicesListed = 50;

std::string kind_label(MaintenanceKind kind) {
  return kind == MaintenanceKind::kEmergency ? "Emergency" : "Scheduled";
}

std::string impact_label(MaintenanceImpact impact) {
  return impact == MaintenanceImpact::kServiceAffecting
             ? "Service affecting (your service may be interrupted)"
             : "Non-service affecting (no interruption expected)";
}

std::string locations(const MaintenanceWindow& window) {
  std::string out;
  auto add = [&](const std::string& text) {
    if (!out.empty()) out += ", ";
    out += text;
  };
  for (const auto& group : window.cache_groups)
    add("cache group " + group);
  for (const auto& edge : window.edges)
    add("edge " + edge);
  return out;
}

std::string services_text(const std::vector<AffectedService>& services, bool for_staff) {
  if (services.empty()) return "none had traffic on these edges in the last 30 days";
  std::string out;
  for (std::size_t i = 0; i < services.size() && i < kMaxServicesListed; ++i) {
    if (!out.empty()) out += ", ";
    out += services[i].scid;
    if (for_staff)
      out += " (" + services[i].customer_number + " " + services[i].customer_name + ")";
  }
  if (services.size() > kMaxServicesListed) {
    out += " and " + std::to_string(services.size() - kMaxServicesListed) + " more";
  }
  return out;
}

}  // namespace

const NotificationTemplate& maintenance_template(MaintenanceNoticeKind kind) {
  switch (kind) {
    case MaintenanceNoticeKind::kScheduled:
      return kScheduled;
    case MaintenanceNoticeKind::kReminder:
      return kReminder;
    case MaintenanceNoticeKind::kStarted:
      return kStarted;
    case MaintenanceNoticeKind::kCompleted:
      return kCompleted;
    case MaintenanceNoticeKind::kCancelled:
      return kCancelled;
    case MaintenanceNoticeKind::kRescheduled:
      return kRescheduled;
    case MaintenanceNoticeKind::kUpdated:
      return kUpdated;
  }
  return kUpdated;
}

const std::vector<const NotificationTemplate*>& maintenance_templates() {
  static const std::vector<const NotificationTemplate*> all = {
      &kScheduled, &kReminder, &kStarted, &kCompleted, &kCancelled, &kRescheduled, &kUpdated};
  return all;
}

std::map<std::string, std::string> maintenance_notice_values(
    const MaintenanceWindow& window, const std::vector<AffectedService>& services, bool for_staff,
    const MaintenanceSettings& settings, SysTime now, const NoticeContext& context) {
  const auto length =
      std::chrono::duration_cast<std::chrono::minutes>(window.ends_at - window.starts_at);
  return {
      {"reference", window.reference},
      {"title", window.title},
      {"kind_label", kind_label(window.kind)},
      {"impact_label", impact_label(window.impact)},
      {"starts", format_gmt(window.starts_at)},
      {"ends", format_gmt(window.ends_at)},
      {"duration", format_duration(length)},
      {"locations", locations(window)},
      {"services", services_text(services, for_staff)},
      {"description", window.description.empty() ? "(no further description)" : window.description},
      {"link", settings.public_url + "/maintenance/" + window.reference},
      {"at", format_gmt(now)},
      {"reason", context.reason.empty() ? "no reason given" : context.reason},
      {"previous_starts", context.previous_starts ? format_gmt(*context.previous_starts)
                                                  : format_gmt(window.starts_at)},
      {"previous_ends",
       context.previous_ends ? format_gmt(*context.previous_ends) : format_gmt(window.ends_at)},
  };
}

std::string maintenance_calendar(const MaintenanceWindow& window,
                                 const MaintenanceSettings& settings, SysTime stamp) {
  ICalendarEvent event;
  event.uid = window.reference + "@candela";
  event.sequence = window.sequence;
  event.stamp = stamp;
  event.start = window.starts_at;
  event.end = window.ends_at;
  event.summary =
      window.reference + " " + kind_label(window.kind) + " maintenance (" +
      (window.impact == MaintenanceImpact::kServiceAffecting ? "service affecting"
                                                             : "non-service affecting") +
      "): " + window.title;
  event.description = window.description;
  if (!event.description.empty()) event.description += "\n\n";
  event.description += "Locations: " + locations(window) +
                       "\nTimes are UTC (GMT).\nDetails: " + settings.public_url + "/maintenance/" +
                       window.reference;
  event.location = locations(window);
  event.url = settings.public_url + "/maintenance/" + window.reference;
  event.organizer_name = "Candela NOC";
  event.organizer_email = settings.organizer_email;
  const ICalendarMethod method = window.state == MaintenanceState::kCancelled
                                     ? ICalendarMethod::kCancel
                                     : ICalendarMethod::kRequest;
  return write_icalendar(method, event, "-//Candela//Maintenance notices//EN");
}

MailAttachment maintenance_attachment(const MaintenanceWindow& window,
                                      const MaintenanceSettings& settings, SysTime stamp) {
  const bool cancel = window.state == MaintenanceState::kCancelled;
  return MailAttachment{
      window.reference + ".ics",
      std::string("text/calendar; charset=UTF-8; method=") + (cancel ? "CANCEL" : "REQUEST"),
      maintenance_calendar(window, settings, stamp)};
}

Result<MaintenanceNoticeRecord> send_maintenance_notice(soci::session& session, const Clock& clock,
                                                        const MaintenanceSettings& settings,
                                                        const MaintenanceWindow& window,
                                                        MaintenanceNoticeKind kind,
                                                        const NoticeContext& context) {
  const SysTime now = clock.now();
  auto affected = stored_affected(session, window.id);
  if (!affected.ok()) return Error{affected.failure()};
  auto audiences = customer_audiences(session, *affected);
  if (!audiences.ok()) return Error{audiences.failure()};

  const NotificationTemplate& tmpl = maintenance_template(kind);
  const MailAttachment attachment = maintenance_attachment(window, settings, now);
  Notifier notifier(session, clock);
  MaintenanceNoticeRecord record;
  record.template_id = std::string(tmpl.id);
  record.sequence = window.sequence;
  record.sent_at = now;
  auto send = [&](const std::vector<AffectedService>& services, bool for_staff,
                  const NotificationRecipients& to) -> Status {
    Notice notice;
    notice.tmpl = &tmpl;
    notice.values = maintenance_notice_values(window, services, for_staff, settings, now, context);
    notice.attachments.push_back(attachment);
    notice.entity_type = "maintenance";
    notice.entity_id = window.reference;
    auto receipt = notifier.notify(notice, to);
    if (!receipt.ok()) return Error{receipt.failure()};
    record.recipients += static_cast<int>(to.user_ids.size() + to.roles.size());
    record.portal_rows += receipt->portal_rows;
    record.emails_queued += receipt->emails_queued;
    return ok_status();
  };
  for (const NoticeAudience& audience : *audiences) {
    NotificationRecipients to;
    to.user_ids = audience.user_ids;
    if (auto sent = send(audience.services, false, to); !sent.ok()) return Error{sent.failure()};
  }
  NotificationRecipients noc;
  noc.roles.push_back(Role::kNocEngineer);
  if (auto sent = send(*affected, true, noc); !sent.ok()) return Error{sent.failure()};

  return guarded("could not record the maintenance notice",
                 [&]() -> Result<MaintenanceNoticeRecord> {
                   const long long sent_at = to_epoch_ms(now);
                   session << "INSERT INTO maintenance_notices (window_id, template, sequence,"
                              " sent_at, recipients, portal_rows, emails_queued)"
                              " VALUES (:w, :t, :s, :at, :r, :p, :e)",
                       soci::use(window.id), soci::use(record.template_id),
                       soci::use(record.sequence), soci::use(sent_at), soci::use(record.recipients),
                       soci::use(record.portal_rows), soci::use(record.emails_queued);
                   return record;
                 });
}

}  // namespace candela::control
