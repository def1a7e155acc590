// Provider-role checks for the support configuration.
#include "control/support_access.hpp"

#include <algorithm>
#include <string>

namespace candela::control {

Status require_provider_admin(const Principal& principal, std::string_view what) {
  if (principal.has_provider_role(Role::kProviderAdmin)) return ok_status();
  return Error{"only provider administrators may " + std::string(what), ErrorKind::kForbidden};
}

Status require_provider_staff(const Principal& principal, std::string_view what) {
  if (principal.is_provider()) return ok_status();
  return Error{"only provider staff may " + std::string(what), ErrorKind::kForbidden};
}

}  // namespace candela::control
