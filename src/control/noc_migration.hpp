// Migration 12: NOC events, the services each event affects (with their proactive tickets) and
// the monitors' credentials (control/noc_*).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration noc_migration();

}  // namespace candela::control
