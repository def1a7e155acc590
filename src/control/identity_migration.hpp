// Migration 3: what users, customers and API keys need beyond the initial schema (customers'
// organisations, API keys' sealed signing keys and descriptions).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration identity_migration();

}  // namespace candela::control
