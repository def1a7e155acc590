// AccessGroupAdmin: the access group tree as principals see and change it (the tenancy rules on
// top of the AccessGroups repository).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/access_groups.hpp"
#include "control/database.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct AccessGroupPage {
  std::vector<AccessGroup> groups;
  std::optional<long long> next_after_id;
};

struct AccessGroupChange {
  std::optional<std::string> name;
  // Set to move: the new parent, or an empty inner value for the top level.
  std::optional<std::optional<long long>> parent_id;
  std::optional<bool> customer_visible;
};

// Rules: provider staff see every group; a customer principal sees its granted groups and their
// descendants, except groups marked not customer-visible (404). Creating, renaming and moving
// groups needs the right to manage users on the group (and on the new parent): customer admins
// within their groups, provider admins anywhere. Only provider admins make top-level groups
// (organisations), move a group to the top level, or change customer_visible. A group that is
// a customer's organisation stays at the top level.
class AccessGroupAdmin {
 public:
  static constexpr int kMaxPageSize = 500;

  AccessGroupAdmin(soci::session& session, const Clock& clock)
      : session_(session), clock_(clock), groups_(session, clock) {}

  Result<AccessGroupPage> list(const Principal& actor, long long after_id, int limit);
  Result<AccessGroup> get(const Principal& actor, long long id);
  Result<AccessGroup> create(const Principal& actor, std::optional<long long> parent_id,
                             const std::string& name, bool customer_visible = true);
  Result<AccessGroup> update(const Principal& actor, long long id, const AccessGroupChange& change);

 private:
  Result<AccessGroup> load(const Principal& actor, long long id, Action action);
  Status audit(const Principal& actor, long long id, const std::string& action,
               const std::string& details);

  soci::session& session_;
  const Clock& clock_;
  AccessGroups groups_;
};

}  // namespace candela::control
