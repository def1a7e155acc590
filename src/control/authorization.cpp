// authorize(): provider roles first, then the principal's customer grants over the group's
// ancestor chain (one recursive query).
#include "control/authorization.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "control/store_errors.hpp"

namespace candela::control {
namespace {

// The group itself and every ancestor up to its organisation.
Result<std::set<long long>> ancestors_and_self(soci::session& session, long long group_id) {
  std::set<long long> chain;
  try {
    long long id = 0;
    soci::statement st = (session.prepare << "WITH RECURSIVE up(id, parent_id) AS ("
                                             " SELECT id, parent_id FROM access_groups"
                                             "  WHERE id = :id"
                                             " UNION SELECT g.id, g.parent_id FROM access_groups g"
                                             "  JOIN up ON g.id = up.parent_id)"
                                             " SELECT id FROM up",
                          soci::use(group_id), soci::into(id));
    st.execute();
    while (st.fetch())
      chain.insert(id);
  } catch (const soci::soci_error& e) {
    return storage_error("could not read access groups", e);
  }
  return chain;
}

}  // namespace

Status authorize(soci::session& session, const Principal& principal, long long access_group_id,
                 Action action) {
  bool provider_sees = false;
  for (const auto& grant : principal.grants) {
    if (!is_provider_role(grant.role)) continue;
    provider_sees = true;
    if (provider_role_allows(grant.role, action)) return ok_status();
  }
  auto chain = ancestors_and_self(session, access_group_id);
  if (!chain.ok()) return Error{chain.failure()};
  if (chain->empty()) return Error{"no such access group", ErrorKind::kNotFound};
  bool sees = provider_sees;
  for (const auto& grant : principal.grants) {
    if (is_provider_role(grant.role) || !grant.access_group_id) continue;
    if (!chain->count(*grant.access_group_id)) continue;
    sees = true;
    if (customer_role_allows(grant.role, action)) return ok_status();
  }
  if (!sees) return Error{"not found", ErrorKind::kNotFound};
  return Error{"your role does not allow this", ErrorKind::kForbidden};
}

Result<std::optional<std::vector<long long>>> visible_groups(soci::session& session,
                                                             const Principal& principal) {
  if (principal.is_provider()) return std::optional<std::vector<long long>>{};
  std::set<long long> groups;
  try {
    for (const auto& grant : principal.grants) {
      if (!grant.access_group_id) continue;
      long long id = 0;
      const long long root = *grant.access_group_id;
      soci::statement st = (session.prepare << "WITH RECURSIVE sub(id) AS ("
                                               " SELECT id FROM access_groups WHERE id = :root"
                                               " UNION SELECT g.id FROM access_groups g"
                                               "  JOIN sub ON g.parent_id = sub.id)"
                                               " SELECT id FROM sub",
                            soci::use(root), soci::into(id));
      st.execute();
      while (st.fetch())
        groups.insert(id);
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read access groups", e);
  }
  return std::optional<std::vector<long long>>{
      std::vector<long long>(groups.begin(), groups.end())};
}

}  // namespace candela::control
