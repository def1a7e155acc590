// Migration 5: usage counters per edge and minute, their hour and day rollups, the service-level
// 5-minute bandwidth samples and each edge's usage progress (docs/data-store.md, docs/usage.md).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration usage_migration();
// Migration 7: the hour and day rollups per service (all properties), so that service and
// access-group reports read one row per service and bucket; filled from the property rollups.
Migration usage_service_rollup_migration();

}  // namespace candela::control
