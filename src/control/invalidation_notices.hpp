// Notification templates of the invalidation domain.
#pragma once

#include "control/notifier.hpp"

namespace candela::control {

// An invalidation still open 12 hours after its request: to the requester and to support.
// Values: id, scid, mode, kind, count, requested_at, applied, active, waiting, link.
extern const NotificationTemplate kInvalidationOverdueNotice;

}  // namespace candela::control
