// Migration 19: billing requests.
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration billing_request_migration();

}  // namespace candela::control
