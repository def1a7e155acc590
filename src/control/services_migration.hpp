// Migration 2: what services, configuration versions and deployments need beyond the initial
// schema (API-key authors, deployment comments, lookups by feed sequence and by SCID).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration services_migration();

}  // namespace candela::control
