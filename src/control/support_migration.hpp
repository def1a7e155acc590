// Migration 10: support centres, their UTC duty schedule, the severities matrix and the
// escalation levels, seeded with the handbook's defaults (docs/support.md).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration support_migration();

}  // namespace candela::control
