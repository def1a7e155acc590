// Who may read and change the support configuration (centres, schedule, severities,
// escalation levels): the configuration is global, not owned by an access group, so the checks
// are on provider roles rather than authorize(group).
#pragma once

#include <string_view>

#include "control/database.hpp"
#include "control/principal.hpp"

namespace candela::control {

// kForbidden unless `principal` holds provider_admin; `what` completes "may not …".
Status require_provider_admin(const Principal& principal, std::string_view what);
// kForbidden unless `principal` holds any provider (staff) role.
Status require_provider_staff(const Principal& principal, std::string_view what);

}  // namespace candela::control
