// AccessGroupAdmin: authorization, validation and audit around the access group tree.
#include "control/access_group_admin.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/authorization.hpp"
#include "control/principal_audit.hpp"

namespace candela::control {
namespace {

Error group_not_found(long long id) {
  return Error{"access group " + std::to_string(id) + " does not exist", ErrorKind::kNotFound};
}

nlohmann::json parent_json(std::optional<long long> parent) {
  return parent ? nlohmann::json(*parent) : nlohmann::json(nullptr);
}

std::optional<Error> invalid_name(const std::string& name) {
  const auto first = name.find_first_not_of(" \t");
  if (first == std::string::npos)
    return Error{
        "an access group needs a name", ErrorKind::kInvalid, {{"/name", "must not be empty"}}};
  if (name.size() > AccessGroups::kMaxNameLength + 64 ||
      std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
    return Error{"the access group name is invalid",
                 ErrorKind::kInvalid,
                 {{"/name", "must be at most 200 characters, without control characters"}}};
  }
  return std::nullopt;
}

}  // namespace

Status AccessGroupAdmin::audit(const Principal& actor, long long id, const std::string& action,
                               const std::string& details) {
  AuditEntry entry = audit_entry(actor, "access_group", std::to_string(id), action);
  entry.details = details;
  auto appended = AuditLog(session_, clock_).append(entry);
  if (!appended.ok()) return Error{appended.error(), ErrorKind::kInternal};
  return ok_status();
}

Result<AccessGroup> AccessGroupAdmin::load(const Principal& actor, long long id, Action action) {
  auto group = groups_.get(id);
  if (!group.ok()) return group_not_found(id);
  auto readable = authorize(session_, actor, id, Action::kRead);
  if (!readable.ok()) {
    if (readable.error_kind() == ErrorKind::kNotFound) return group_not_found(id);
    return Error{readable.failure()};
  }
  if (!actor.is_provider() && !group->customer_visible) return group_not_found(id);
  if (action != Action::kRead) {
    auto allowed = authorize(session_, actor, id, action);
    if (!allowed.ok()) {
      if (allowed.error_kind() == ErrorKind::kForbidden)
        return Error{"changing access groups needs the admin role", ErrorKind::kForbidden};
      return Error{allowed.failure()};
    }
  }
  return group;
}

Result<AccessGroupPage> AccessGroupAdmin::list(const Principal& actor, long long after_id,
                                               int limit) {
  if (limit < 1 || limit > kMaxPageSize)
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  auto visible = visible_groups(session_, actor);
  if (!visible.ok()) return Error{visible.failure()};
  std::string condition = "id > :after";
  if (visible.value()) {
    std::string list;
    for (long long id : **visible)
      list += (list.empty() ? "" : ",") + std::to_string(id);
    if (list.empty()) return AccessGroupPage{};
    condition += " AND customer_visible = 1 AND id IN (" + list + ")";
  }
  AccessGroupPage page;
  const int fetch = limit + 1;
  try {
    AccessGroup row;
    long long parent = 0;
    int visible_flag = 1;
    soci::indicator parent_ind = soci::i_ok;
    soci::statement st =
        (session_.prepare << "SELECT id, parent_id, name, customer_visible FROM access_groups"
                             " WHERE " +
                                 condition + " ORDER BY id LIMIT :n",
         soci::use(after_id), soci::use(fetch), soci::into(row.id), soci::into(parent, parent_ind),
         soci::into(row.name), soci::into(visible_flag));
    st.execute();
    while (st.fetch()) {
      if (static_cast<int>(page.groups.size()) == limit) {
        page.next_after_id = page.groups.back().id;
        break;
      }
      AccessGroup group = row;
      group.parent_id = parent_ind == soci::i_ok ? std::optional<long long>(parent) : std::nullopt;
      group.customer_visible = visible_flag != 0;
      page.groups.push_back(std::move(group));
    }
  } catch (const soci::soci_error& e) {
    return Error{std::string("could not list access groups: ") + e.what(), ErrorKind::kInternal};
  }
  return page;
}

Result<AccessGroup> AccessGroupAdmin::get(const Principal& actor, long long id) {
  return load(actor, id, Action::kRead);
}

Result<AccessGroup> AccessGroupAdmin::create(const Principal& actor,
                                             std::optional<long long> parent_id,
                                             const std::string& name, bool customer_visible) {
  if (auto bad = invalid_name(name)) return *bad;
  if (!parent_id) {
    if (!actor.has_provider_role(Role::kProviderAdmin)) {
      return Error{"only a provider admin creates top-level access groups (organisations)",
                   ErrorKind::kForbidden};
    }
  } else {
    auto parent = load(actor, *parent_id, Action::kManageUsers);
    if (!parent.ok()) {
      Error error = parent.failure();
      if (error.kind == ErrorKind::kNotFound)
        error.message = "parent access group " + std::to_string(*parent_id) + " does not exist";
      return error;
    }
  }
  if (!customer_visible && !actor.has_provider_role(Role::kProviderAdmin)) {
    return Error{"only a provider admin hides access groups from customers", ErrorKind::kForbidden};
  }
  auto group = groups_.create(parent_id, name, customer_visible);
  if (!group.ok()) return Error{group.error(), ErrorKind::kInvalid, {{"/name", group.error()}}};
  nlohmann::json details = {{"name", group->name},
                            {"parent_id", parent_json(group->parent_id)},
                            {"customer_visible", group->customer_visible}};
  auto audited = audit(actor, group->id, "create", details.dump());
  if (!audited.ok()) return Error{audited.failure()};
  return group;
}

Result<AccessGroup> AccessGroupAdmin::update(const Principal& actor, long long id,
                                             const AccessGroupChange& change) {
  if (change.name) {
    if (auto bad = invalid_name(*change.name)) return *bad;
  }
  auto group = load(actor, id, Action::kManageUsers);
  if (!group.ok()) return group;
  nlohmann::json changed = nlohmann::json::object();
  if (change.customer_visible && *change.customer_visible != group->customer_visible) {
    if (!actor.has_provider_role(Role::kProviderAdmin)) {
      return Error{"only a provider admin hides access groups from customers",
                   ErrorKind::kForbidden};
    }
  }
  if (change.parent_id && *change.parent_id != group->parent_id) {
    const auto& target = *change.parent_id;
    if (!target) {
      if (!actor.has_provider_role(Role::kProviderAdmin))
        return Error{"only a provider admin moves a group to the top level", ErrorKind::kForbidden};
    } else {
      auto parent = load(actor, *target, Action::kManageUsers);
      if (!parent.ok()) {
        Error error = parent.failure();
        if (error.kind == ErrorKind::kNotFound)
          error.message = "parent access group " + std::to_string(*target) + " does not exist";
        return error;
      }
      int customers = 0;
      try {
        session_ << "SELECT COUNT(*) FROM customers WHERE organisation_id = :g", soci::use(id),
            soci::into(customers);
      } catch (const soci::soci_error& e) {
        return Error{std::string("could not read customers: ") + e.what(), ErrorKind::kInternal};
      }
      if (customers > 0) {
        return Error{"access group " + std::to_string(id) +
                         " is a customer's organisation and stays at the top level",
                     ErrorKind::kConflict};
      }
    }
    auto moved = groups_.move(id, target);
    if (!moved.ok()) {
      return Error{moved.error(), ErrorKind::kInvalid, {{"/parent_id", moved.error()}}};
    }
    changed["parent_id"] = {{"from", parent_json(group->parent_id)}, {"to", parent_json(target)}};
    group->parent_id = target;
  }
  if (change.name) {
    auto renamed = groups_.rename(id, *change.name);
    if (!renamed.ok())
      return Error{renamed.error(), ErrorKind::kInvalid, {{"/name", renamed.error()}}};
    if (renamed->name != group->name)
      changed["name"] = {{"from", group->name}, {"to", renamed->name}};
    group->name = renamed->name;
  }
  if (change.customer_visible && *change.customer_visible != group->customer_visible) {
    const int flag = *change.customer_visible ? 1 : 0;
    try {
      session_ << "UPDATE access_groups SET customer_visible = :v WHERE id = :id", soci::use(flag),
          soci::use(id);
    } catch (const soci::soci_error& e) {
      return Error{std::string("could not change the access group: ") + e.what(),
                   ErrorKind::kInternal};
    }
    changed["customer_visible"] = {{"from", group->customer_visible},
                                   {"to", *change.customer_visible}};
    group->customer_visible = *change.customer_visible;
  }
  if (changed.empty()) return group;
  auto audited = audit(actor, id, "update", changed.dump());
  if (!audited.ok()) return Error{audited.failure()};
  return group;
}

}  // namespace candela::control
