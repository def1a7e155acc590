// Migration 17: invoices, lines, adjustments and deliveries.
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration billing_migration();

}  // namespace candela::control
