// audit_entry() and the system principal.
#include "control/principal_audit.hpp"

#include <utility>

namespace candela::control {

AuditEntry audit_entry(const Principal& principal, std::string entity_type, std::string entity_id,
                       std::string action) {
  AuditEntry entry;
  entry.actor_user_id = acting_user_id(principal);
  entry.actor_key_id = principal.api_key_id;
  entry.mimicked_by = principal.mimicked_by;
  entry.entity_type = std::move(entity_type);
  entry.entity_id = std::move(entity_id);
  entry.action = std::move(action);
  return entry;
}

std::optional<long long> acting_user_id(const Principal& principal) {
  if (principal.user_id <= 0) return std::nullopt;
  return principal.user_id;
}

Principal system_principal() {
  Principal principal;
  principal.user_id = 0;
  principal.name = "system";
  principal.grants.push_back({Role::kProviderAdmin, std::nullopt});
  return principal;
}

}  // namespace candela::control
