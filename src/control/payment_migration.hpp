// Migration 18: payments, allocations and collections.
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration payment_migration();

}  // namespace candela::control
