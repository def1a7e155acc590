// Migration 6: the log chunks edges deliver and each service's log retention.
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration log_migration();

}  // namespace candela::control
