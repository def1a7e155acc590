// Migration 9: the notification service's preferences, mail outbox and dedupe keys, and the
// category and template of stored portal notifications (docs/notifications.md).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration notification_migration();

}  // namespace candela::control
