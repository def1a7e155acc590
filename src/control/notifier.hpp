// The platform's one notification service: domains describe a notice (a template and its
// values) and who should hear of it; the notifier renders it and stores, in the caller's
// transaction, portal rows (per the recipients' preferences) and outbox rows that the portal's
// mail delivery job sends over SMTP later. See docs/notifications.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class NotificationCategory {
  kTickets,
  kMaintenance,
  kNoc,
  kInvalidations,
  kOrders,
  kBilling,
  kAccount
};

// "tickets", "maintenance", "noc", "invalidations", "orders", "billing", "account".
std::string_view notification_category_name(NotificationCategory category);
std::optional<NotificationCategory> parse_notification_category(std::string_view name);
// Every category, in declaration order.
const std::vector<NotificationCategory>& all_notification_categories();

struct NotificationTemplate {  // defined by each domain in its own *_notices.cpp
  std::string_view id;         // "ticket.created", "maintenance.scheduled", ...
  NotificationCategory category;
  std::string_view subject;  // "{{reference}} opened: {{subject}}"  ({{name}} placeholders)
  std::string_view body;     // plain text, may span lines
};

struct MailAttachment {
  std::string filename;
  std::string content_type;
  std::string content;
};

struct NotificationRecipients {
  std::vector<long long> user_ids;  // users: portal + email per their preferences
  std::vector<Role> roles;          // provider roles: one portal row per role (existing
                                    // behaviour) + an email to every enabled user holding it
  std::vector<std::string> emails;  // external addresses (a ticket's contact): email only
};

struct Notice {
  const NotificationTemplate* tmpl = nullptr;
  std::map<std::string, std::string>
      values;                               // every placeholder must have a value (else kInternal)
  std::vector<MailAttachment> attachments;  // e.g. maintenance.ics (text/calendar; method=REQUEST)
  std::string entity_type;                  // "ticket", "maintenance", "noc_event"
  std::string entity_id;                    // "TKT-2026-000001"
  std::string dedupe_key;  // optional: a second notify() with the same key is a no-op
};

struct NotifyReceipt {
  int portal_rows = 0;
  int emails_queued = 0;
};

class Notifier {
 public:
  Notifier(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}
  // Renders and stores in the CALLER'S transaction: portal rows (notifications table) and outbox
  // rows (one per distinct email address). Never talks to SMTP itself.
  Result<NotifyReceipt> notify(const Notice& notice, const NotificationRecipients& to);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
