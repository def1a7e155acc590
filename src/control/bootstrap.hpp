// The first provider admin of an empty store, so someone can sign in and create the rest.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/passwords.hpp"

namespace candela::control {

// Creates a provider_admin with this email and password unless a user with the email exists
// (then nothing changes: running it at every start is safe). True when it created the user.
Result<bool> bootstrap_provider_admin(Database& database, const Clock& clock,
                                      const std::string& email, const std::string& password,
                                      PasswordCost cost);

}  // namespace candela::control
