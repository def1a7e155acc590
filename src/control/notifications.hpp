// Notifications: stored messages for one user or for everyone holding a provider role (e.g. the
// CDN support technicians), shown in the portal. Domains write them through control::Notifier,
// which also queues the mail (docs/notifications.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/notifier.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct NotificationDraft {
  std::optional<long long> recipient_user_id;  // exactly one of the two recipients
  std::optional<Role> recipient_role;          // a provider role
  std::string subject;
  std::string body;
  std::string entity_type;  // what it is about, e.g. "invalidation"
  std::string entity_id;
  std::optional<NotificationCategory> category;
  std::string template_id;  // e.g. "ticket.created"; empty for rows stored before templates
};

struct Notification {
  long long id = 0;
  std::optional<long long> recipient_user_id;
  std::optional<Role> recipient_role;
  std::string subject;
  std::string body;
  std::string entity_type;
  std::string entity_id;
  std::optional<NotificationCategory> category;
  std::string template_id;
  SysTime created_at;
  // When the reader marked it read: a user's own row carries it; a role row is marked per user.
  std::optional<SysTime> read_at;
};

struct NotificationPage {
  std::vector<Notification> notifications;  // newest first
  std::optional<long long> next_before;     // pass as `before` for the next page
};

class Notifications {
 public:
  static constexpr int kMaxPageSize = 500;
  static constexpr std::size_t kMaxSubjectLength = 200;

  Notifications(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  Result<long long> create(const NotificationDraft& draft);
  // What `principal` may read: its own and those addressed to its provider roles, newest first,
  // with ids below `before` when given.
  Result<NotificationPage> list_for(const Principal& principal, std::optional<long long> before,
                                    int limit);
  // Marks one notification read for `principal` (its own, or one of its provider roles'):
  // kNotFound for anything else. Marking twice keeps the first time.
  Status mark_read(const Principal& principal, long long id);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
