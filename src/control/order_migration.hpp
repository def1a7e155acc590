// Migration 16: orders and service connection notices.
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration order_migration();

}  // namespace candela::control
