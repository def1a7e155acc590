// Migration 15: service items and customer terms.
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration contract_migration();

}  // namespace candela::control
