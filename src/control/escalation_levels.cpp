// Escalation levels in the store, and who hears about a ticket at each.
#include "control/escalation_levels.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "control/audit_log.hpp"
#include "control/customers.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"
#include "control/support_access.hpp"

namespace candela::control {
namespace {

constexpr std::size_t kMaxLevels = 10;
constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxUsersPerLevel = 50;

nlohmann::json levels_json(const std::vector<EscalationLevel>& levels) {
  auto out = nlohmann::json::array();
  for (const auto& l : levels) {
    out.push_back(
        {{"level", l.level},
         {"name", l.name},
         {"notify_role", l.notify_role ? nlohmann::json(role_name(*l.notify_role)) : nullptr},
         {"notify_account_team_role", l.notify_account_team_role
                                          ? nlohmann::json(role_name(*l.notify_account_team_role))
                                          : nullptr},
         {"notify_user_ids", l.notify_user_ids}});
  }
  return out;
}

bool is_account_team_role(Role role) {
  const auto& roles = account_team_roles();
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Result<bool> is_provider_staff_user(soci::session& session, long long user_id) {
  return guarded("could not look up a user", [&]() -> Result<bool> {
    int count = 0;
    session << "SELECT COUNT(*) FROM user_roles WHERE user_id = :u AND access_group_id IS NULL",
        soci::use(user_id), soci::into(count);
    return count > 0;
  });
}

// Fills `error.fields` with every problem; an Error only when the store cannot be read.
Status collect_errors(soci::session& session, const std::vector<EscalationLevel>& levels,
                      Error& error) {
  if (levels.empty()) error.fields.emplace_back("/levels", "must list at least one level");
  if (levels.size() > kMaxLevels) error.fields.emplace_back("/levels", "at most 10 levels");
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const auto& l = levels[i];
    const std::string at = "/levels/" + std::to_string(i) + "/";
    if (l.level != static_cast<int>(i) + 1)
      error.fields.emplace_back(
          at + "level",
          "levels must be numbered 1, 2, 3 … in order; expected " + std::to_string(i + 1));
    if (l.name.empty() || l.name.size() > kMaxNameLength)
      error.fields.emplace_back(at + "name", "must be 1 to 100 characters");
    if (l.notify_role && !is_provider_role(*l.notify_role))
      error.fields.emplace_back(at + "notify_role", "must be a provider role");
    if (l.notify_account_team_role && !is_account_team_role(*l.notify_account_team_role))
      error.fields.emplace_back(at + "notify_account_team_role", "must be an account-team role");
    if (!l.notify_role && !l.notify_account_team_role && l.notify_user_ids.empty())
      error.fields.emplace_back(at + "notify_role",
                                "a level must notify a role, an account-team member or users");
    if (l.notify_user_ids.size() > kMaxUsersPerLevel)
      error.fields.emplace_back(at + "notify_user_ids", "at most 50 users");
    std::set<long long> seen;
    for (std::size_t u = 0; u < l.notify_user_ids.size(); ++u) {
      const long long id = l.notify_user_ids[u];
      const std::string uat = at + "notify_user_ids/" + std::to_string(u);
      if (!seen.insert(id).second) {
        error.fields.emplace_back(uat, "user " + std::to_string(id) + " is listed twice");
        continue;
      }
      auto staff = is_provider_staff_user(session, id);
      if (!staff.ok()) return Error{staff.failure()};
      if (!*staff)
        error.fields.emplace_back(
            uat, "user " + std::to_string(id) + " does not exist or holds no provider role");
    }
  }
  return ok_status();
}

}  // namespace

Result<std::vector<EscalationLevel>> escalation_levels(soci::session& session) {
  return guarded(
      "could not read the escalation levels", [&]() -> Result<std::vector<EscalationLevel>> {
        std::vector<EscalationLevel> levels;
        int level = 0;
        std::string name, users;
        std::string role, team_role;
        soci::indicator role_ind = soci::i_ok, team_ind = soci::i_ok;
        soci::statement st = (session.prepare << "SELECT level, name, notify_role,"
                                                 " notify_account_team_role, notify_user_ids"
                                                 " FROM escalation_levels ORDER BY level",
                              soci::into(level), soci::into(name), soci::into(role, role_ind),
                              soci::into(team_role, team_ind), soci::into(users));
        st.execute();
        while (st.fetch()) {
          EscalationLevel row;
          row.level = level;
          row.name = name;
          if (role_ind == soci::i_ok) row.notify_role = parse_role(role);
          if (team_ind == soci::i_ok) row.notify_account_team_role = parse_role(team_role);
          const auto parsed = nlohmann::json::parse(users, nullptr, false);
          if (parsed.is_array())
            for (const auto& u : parsed)
              if (u.is_number_integer()) row.notify_user_ids.push_back(u.get<long long>());
          levels.push_back(std::move(row));
        }
        return levels;
      });
}

Result<NotificationRecipients> escalation_recipients(soci::session& session, int level,
                                                     long long customer_id) {
  auto levels = escalation_levels(session);
  if (!levels.ok()) return Error{levels.failure()};
  const auto found = std::find_if(levels->begin(), levels->end(),
                                  [&](const EscalationLevel& l) { return l.level == level; });
  if (found == levels->end())
    return Error{"escalation level " + std::to_string(level) + " is not configured",
                 ErrorKind::kNotFound};
  NotificationRecipients to;
  if (found->notify_role) to.roles.push_back(*found->notify_role);
  std::set<long long> users(found->notify_user_ids.begin(), found->notify_user_ids.end());
  if (found->notify_account_team_role) {
    const std::string role(role_name(*found->notify_account_team_role));
    auto member =
        guarded("could not read the account team", [&]() -> Result<std::optional<long long>> {
          long long user_id = 0;
          session << "SELECT user_id FROM account_team WHERE customer_id = :c AND role = :r",
              soci::use(customer_id), soci::use(role), soci::into(user_id);
          if (!session.got_data()) return std::optional<long long>{};
          return std::optional<long long>{user_id};
        });
    if (!member.ok()) return Error{member.failure()};
    if (*member) {
      users.insert(**member);
    } else if (std::find(to.roles.begin(), to.roles.end(), *found->notify_account_team_role) ==
               to.roles.end()) {
      to.roles.push_back(*found->notify_account_team_role);
    }
  }
  to.user_ids.assign(users.begin(), users.end());
  return to;
}

Result<std::vector<EscalationLevel>> escalation_levels_for(soci::session& session,
                                                           const Principal& actor) {
  if (auto allowed = require_provider_staff(actor, "see the escalation levels"); !allowed.ok())
    return Error{allowed.failure()};
  return escalation_levels(session);
}

Result<std::vector<EscalationLevel>> replace_escalation_levels(
    soci::session& session, const Clock& clock, const Principal& actor,
    const std::vector<EscalationLevel>& levels, const std::string& reason) {
  if (auto allowed = require_provider_admin(actor, "change the escalation levels"); !allowed.ok())
    return Error{allowed.failure()};
  Error invalid{"the escalation levels are not valid", ErrorKind::kInvalid};
  if (auto checked = collect_errors(session, levels, invalid); !checked.ok())
    return Error{checked.failure()};
  if (!invalid.fields.empty()) return invalid;
  auto before = escalation_levels(session);
  if (!before.ok()) return Error{before.failure()};

  auto stored = guarded("could not store the escalation levels", [&]() -> Status {
    session << "DELETE FROM escalation_levels";
    for (const auto& l : levels) {
      const std::string users = nlohmann::json(l.notify_user_ids).dump();
      std::string role = l.notify_role ? std::string(role_name(*l.notify_role)) : "";
      std::string team =
          l.notify_account_team_role ? std::string(role_name(*l.notify_account_team_role)) : "";
      soci::indicator role_ind = l.notify_role ? soci::i_ok : soci::i_null;
      soci::indicator team_ind = l.notify_account_team_role ? soci::i_ok : soci::i_null;
      session << "INSERT INTO escalation_levels"
                 " (level, name, notify_role, notify_account_team_role, notify_user_ids)"
                 " VALUES (:l, :n, :r, :t, :u)",
          soci::use(l.level), soci::use(l.name), soci::use(role, role_ind),
          soci::use(team, team_ind), soci::use(users);
    }
    return ok_status();
  });
  if (!stored.ok()) return Error{stored.failure()};
  auto entry = audit_entry(actor, "escalation_levels", "levels", "update");
  entry.reason = reason;
  entry.details =
      nlohmann::json{{"before", levels_json(*before)}, {"after", levels_json(levels)}}.dump();
  if (auto audited = AuditLog(session, clock).append(entry); !audited.ok())
    return Error{audited.failure()};
  return escalation_levels(session);
}

}  // namespace candela::control
