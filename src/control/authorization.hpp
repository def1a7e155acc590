// The tenancy check every domain operation makes before it reads or changes anything that
// belongs to an access group.
#pragma once

#include <vector>

#include "control/database.hpp"
#include "control/principal.hpp"

namespace candela::control {

// OK when `principal` may do `action` on something in `access_group_id`:
//  - a provider role allows it everywhere (provider_role_allows);
//  - otherwise a customer grant on that group or one of its ancestors must allow it.
// Errors: kNotFound when the group lies outside every group the principal can see (so that a
// customer cannot even learn that another customer's thing exists), kForbidden when the principal
// sees the group but its roles there do not allow `action`.
Status authorize(soci::session& session, const Principal& principal, long long access_group_id,
                 Action action);

// The groups a principal can see for listings: empty optional means "every group" (provider
// staff); otherwise the granted groups and their descendants, ascending.
Result<std::optional<std::vector<long long>>> visible_groups(soci::session& session,
                                                             const Principal& principal);

}  // namespace candela::control
