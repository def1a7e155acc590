// Migration 8: the counters behind business references (control/reference_numbers).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration reference_migration();

}  // namespace candela::control
