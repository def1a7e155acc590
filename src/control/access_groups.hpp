// AccessGroups: the access group tree and the tenancy checks the domain layer builds on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct AccessGroup {
  long long id = 0;
  std::optional<long long> parent_id;  // empty for a top-level group (an organisation)
  std::string name;
  bool customer_visible = true;
};

class AccessGroups {
 public:
  static constexpr std::size_t kMaxNameLength = 200;

  // Works on the caller's session, usually inside its transaction.
  AccessGroups(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // A new group under `parent_id`, or a top-level one when it is empty.
  Result<AccessGroup> create(std::optional<long long> parent_id, const std::string& name,
                             bool customer_visible = true);
  Result<AccessGroup> get(long long id);
  Result<AccessGroup> rename(long long id, const std::string& name);
  // Re-parents `id` (with its subtree); refuses to put a group under itself or its descendants.
  Result<AccessGroup> move(long long id, std::optional<long long> new_parent_id);
  // Direct children ordered by name, or the top-level groups when `parent_id` is empty.
  Result<std::vector<AccessGroup>> children(std::optional<long long> parent_id);
  // Every group below `id` (not `id` itself), ascending by id.
  Result<std::vector<long long>> descendants(long long id);
  // The tenancy rule: true when `group_id` is `ancestor_id` or lies below it.
  Result<bool> is_within(long long group_id, long long ancestor_id);
  // Groups a user reaches through its customer roles: each granted group and its descendants,
  // ascending by id. Provider roles are not scoped to groups and add nothing here.
  Result<std::vector<long long>> visible_groups(long long user_id);

 private:
  Result<std::string> checked_name(const std::string& name);

  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
