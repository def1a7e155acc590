// bootstrap_provider_admin: idempotent creation through Users as the system principal (audited).
#include "control/bootstrap.hpp"

#include "control/principal_audit.hpp"
#include "control/users.hpp"

namespace candela::control {

Result<bool> bootstrap_provider_admin(Database& database, const Clock& clock,
                                      const std::string& email, const std::string& password,
                                      PasswordCost cost) {
  return database.with_transaction([&](soci::session& s) -> Result<bool> {
    Users users(s, clock, cost);
    auto existing = users.find_by_email(email);
    if (!existing.ok()) return Error{existing.failure()};
    if (existing.value()) return false;
    NewUser user;
    user.profile.name = "Provider admin";
    user.profile.email = email;
    user.grants.push_back({Role::kProviderAdmin, std::nullopt});
    user.password = password;
    auto created = users.create(system_principal(), user);
    if (!created.ok()) {
      std::string message = created.error();
      for (const auto& [pointer, text] : created.failure().fields) {
        if (pointer == "/email" || pointer == "/password") message = pointer.substr(1) + " " + text;
      }
      return Error{message};
    }
    return true;
  });
}

}  // namespace candela::control
