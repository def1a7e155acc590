// Audit entries stamped with who acted (user, API key, mimicking admin), and the system
// principal that start-up tasks and test seeding act as.
#pragma once

#include <optional>
#include <string>

#include "control/audit_log.hpp"
#include "control/principal.hpp"

namespace candela::control {

// An AuditEntry for `principal` doing `action` to an entity: actor_user_id (empty for the
// system principal, whose user_id is 0), actor_key_id for API keys, mimicked_by when an admin
// acts as the user. Callers fill the states, reason and details.
AuditEntry audit_entry(const Principal& principal, std::string entity_type, std::string entity_id,
                       std::string action);

// The user id to record as the author of something (configurations, requests), or empty for
// the system principal.
std::optional<long long> acting_user_id(const Principal& principal);

// provider_admin acting for the portal itself (bootstrap, seeding); user_id 0 means "no user",
// so audit records show no actor.
Principal system_principal();

}  // namespace candela::control
