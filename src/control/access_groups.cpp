// AccessGroups: tree storage with parent links, walked by recursive CTEs on SQLite and PostgreSQL.
#include "control/access_groups.hpp"

#include <soci/soci.h>

#include "control/database.hpp"
#include "control/store_errors.hpp"

namespace candela::control {
namespace {

// The subtree under :root, root excluded. UNION (not UNION ALL) stops even on corrupt cyclic data.
constexpr const char* kDescendantsSql =
    "WITH RECURSIVE sub(id) AS ("
    " SELECT id FROM access_groups WHERE parent_id = :root"
    " UNION SELECT g.id FROM access_groups g JOIN sub ON g.parent_id = sub.id)"
    " SELECT id FROM sub ORDER BY id";

constexpr const char* kVisibleSql =
    "WITH RECURSIVE reach(id) AS ("
    " SELECT access_group_id FROM user_roles"
    "  WHERE user_id = :user AND access_group_id IS NOT NULL"
    " UNION SELECT g.id FROM access_groups g JOIN reach ON g.parent_id = reach.id)"
    " SELECT id FROM reach ORDER BY id";

// Rethrows a retryable conflict so the surrounding transaction runs again; else an internal Error.
Error sql_error(const char* what, const soci::soci_error& e) {
  return storage_error(what, e);
}

}  // namespace

Result<std::string> AccessGroups::checked_name(const std::string& name) {
  const auto first = name.find_first_not_of(" \t");
  if (first == std::string::npos) return Error{"an access group needs a name"};
  const auto last = name.find_last_not_of(" \t");
  std::string trimmed = name.substr(first, last - first + 1);
  if (trimmed.size() > kMaxNameLength) {
    return Error{"an access group name is at most " + std::to_string(kMaxNameLength) +
                 " characters"};
  }
  return trimmed;
}

Result<AccessGroup> AccessGroups::get(long long id) {
  AccessGroup group;
  long long parent = 0;
  int visible = 1;
  soci::indicator parent_ind = soci::i_ok;
  try {
    session_ << "SELECT id, parent_id, name, customer_visible FROM access_groups WHERE id = :id",
        soci::use(id), soci::into(group.id), soci::into(parent, parent_ind), soci::into(group.name),
        soci::into(visible);
  } catch (const soci::soci_error& e) {
    return sql_error("could not read access group", e);
  }
  if (!session_.got_data()) return Error{"access group " + std::to_string(id) + " does not exist"};
  if (parent_ind == soci::i_ok) group.parent_id = parent;
  group.customer_visible = visible != 0;
  return group;
}

Result<AccessGroup> AccessGroups::create(std::optional<long long> parent_id,
                                         const std::string& name, bool customer_visible) {
  auto clean = checked_name(name);
  if (!clean.ok()) return Error{clean.error()};
  if (parent_id) {
    auto parent = get(*parent_id);
    if (!parent.ok()) return Error{"cannot create the group: " + parent.error()};
  }
  const long long parent_value = parent_id.value_or(0);
  soci::indicator parent_ind = parent_id ? soci::i_ok : soci::i_null;
  const int visible = customer_visible ? 1 : 0;
  const long long now = to_epoch_ms(clock_.now());
  AccessGroup group{0, parent_id, clean.value(), customer_visible};
  try {
    session_ << "INSERT INTO access_groups (parent_id, name, customer_visible, created_at)"
                " VALUES (:parent, :name, :visible, :now) RETURNING id",
        soci::use(parent_value, parent_ind), soci::use(group.name), soci::use(visible),
        soci::use(now), soci::into(group.id);
  } catch (const soci::soci_error& e) {
    return sql_error("could not create access group", e);
  }
  return group;
}

Result<AccessGroup> AccessGroups::rename(long long id, const std::string& name) {
  auto clean = checked_name(name);
  if (!clean.ok()) return Error{clean.error()};
  auto group = get(id);
  if (!group.ok()) return group;
  try {
    session_ << "UPDATE access_groups SET name = :name WHERE id = :id", soci::use(clean.value()),
        soci::use(id);
  } catch (const soci::soci_error& e) {
    return sql_error("could not rename access group", e);
  }
  group->name = clean.value();
  return group;
}

Result<AccessGroup> AccessGroups::move(long long id, std::optional<long long> new_parent_id) {
  auto group = get(id);
  if (!group.ok()) return group;
  if (new_parent_id) {
    auto parent = get(*new_parent_id);
    if (!parent.ok()) return Error{"cannot move the group: " + parent.error()};
    auto below = is_within(*new_parent_id, id);
    if (!below.ok()) return Error{below.error()};
    if (below.value()) {
      return Error{"cannot move access group " + std::to_string(id) + " under " +
                   std::to_string(*new_parent_id) +
                   ": that is the group itself or one of its descendants"};
    }
  }
  const long long parent_value = new_parent_id.value_or(0);
  soci::indicator parent_ind = new_parent_id ? soci::i_ok : soci::i_null;
  try {
    session_ << "UPDATE access_groups SET parent_id = :parent WHERE id = :id",
        soci::use(parent_value, parent_ind), soci::use(id);
  } catch (const soci::soci_error& e) {
    return sql_error("could not move access group", e);
  }
  group->parent_id = new_parent_id;
  return group;
}

Result<std::vector<AccessGroup>> AccessGroups::children(std::optional<long long> parent_id) {
  std::vector<AccessGroup> out;
  AccessGroup row;
  long long parent = 0;
  int visible = 1;
  soci::indicator parent_ind = soci::i_ok;
  const long long parent_value = parent_id.value_or(0);
  // "parent_id = NULL" never matches, so top-level groups need their own condition.
  const std::string sql =
      std::string("SELECT id, parent_id, name, customer_visible FROM ") + "access_groups WHERE " +
      (parent_id ? "parent_id = :parent" : "parent_id IS NULL") + " ORDER BY name, id";
  // SOCI reads the bound value even when the SQL has no placeholder for it, so bind only if used.
  try {
    soci::statement st =
        parent_id ? (session_.prepare << sql, soci::use(parent_value), soci::into(row.id),
                     soci::into(parent, parent_ind), soci::into(row.name), soci::into(visible))
                  : (session_.prepare << sql, soci::into(row.id), soci::into(parent, parent_ind),
                     soci::into(row.name), soci::into(visible));
    st.execute();
    while (st.fetch()) {
      AccessGroup group = row;
      group.parent_id = parent_ind == soci::i_ok ? std::optional<long long>(parent) : std::nullopt;
      group.customer_visible = visible != 0;
      out.push_back(std::move(group));
    }
  } catch (const soci::soci_error& e) {
    return sql_error("could not list access groups", e);
  }
  return out;
}

Result<std::vector<long long>> AccessGroups::descendants(long long id) {
  auto group = get(id);
  if (!group.ok()) return Error{group.error()};
  std::vector<long long> out;
  long long row = 0;
  try {
    soci::statement st = (session_.prepare << kDescendantsSql, soci::use(id), soci::into(row));
    st.execute();
    while (st.fetch())
      out.push_back(row);
  } catch (const soci::soci_error& e) {
    return sql_error("could not walk the access group tree", e);
  }
  return out;
}

Result<bool> AccessGroups::is_within(long long group_id, long long ancestor_id) {
  auto group = get(group_id);
  if (!group.ok()) return Error{group.error()};
  if (group_id == ancestor_id) return true;
  // Walking up from the group costs its depth; walking down from the ancestor could cost a lot.
  int found = 0;
  try {
    session_ << "WITH RECURSIVE up(id) AS ("
                " SELECT parent_id FROM access_groups WHERE id = :g"
                " UNION SELECT a.parent_id FROM access_groups a JOIN up ON a.id = up.id)"
                " SELECT COUNT(*) FROM up WHERE id = :a",
        soci::use(group_id), soci::use(ancestor_id), soci::into(found);
  } catch (const soci::soci_error& e) {
    return sql_error("could not walk the access group tree", e);
  }
  return found > 0;
}

Result<std::vector<long long>> AccessGroups::visible_groups(long long user_id) {
  std::vector<long long> out;
  long long row = 0;
  try {
    soci::statement st = (session_.prepare << kVisibleSql, soci::use(user_id), soci::into(row));
    st.execute();
    while (st.fetch())
      out.push_back(row);
  } catch (const soci::soci_error& e) {
    return sql_error("could not compute the user's access groups", e);
  }
  return out;
}

}  // namespace candela::control
