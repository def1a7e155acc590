// Migration 11: support tickets, their timeline events and attachments (contract section 3;
// the MTTR report of control/mttr_* reads tickets and ticket_events).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration ticket_migration();

}  // namespace candela::control
