// Migration 5: usage counters per edge and minute, their hour and day rollups, the service-level
// 5-minute bandwidth samples and each edge's usage progress (docs/data-store.md, docs/usage.md).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration usage_migration();

}  // namespace candela::control
