// Per-user, per-category choice of channels (email, portal); both on unless the user turned one
// off. Users read and change only their own; every change is audited.
#pragma once

#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/notifier.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct NotificationPreference {
  NotificationCategory category = NotificationCategory::kAccount;
  bool email = true;
  bool portal = true;
  bool operator==(const NotificationPreference&) const = default;
};

class NotificationPreferences {
 public:
  NotificationPreferences(soci::session& session, const Clock& clock)
      : session_(session), clock_(clock) {}

  // One user's preference for one category (defaults when never changed).
  Result<NotificationPreference> of(long long user_id, NotificationCategory category);
  // Every category in declaration order, defaults filled in.
  Result<std::vector<NotificationPreference>> of_user(long long user_id);

  // The caller's own preferences; an API key (no user) is refused with kForbidden.
  Result<std::vector<NotificationPreference>> list(const Principal& principal);
  // Stores the given categories (others keep their value) and returns every category. A
  // category named twice is kInvalid (located at /preferences/<index>/category).
  Result<std::vector<NotificationPreference>> update(
      const Principal& principal, const std::vector<NotificationPreference>& changes);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
