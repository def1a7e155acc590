// Migration 13: maintenance windows, their targets, the services they affect and the notices sent.
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration maintenance_migration();

}  // namespace candela::control
