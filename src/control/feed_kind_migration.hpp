// Migration 14: the feed also carries service state changes (suspension, restoration,
// disconnection), so edges stop and resume serving a service in feed order.
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration feed_kind_migration();

}  // namespace candela::control
