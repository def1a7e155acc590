// NotificationPreferences: rows only for changed categories; an upsert per change, audited.
#include "control/notification_preferences.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>
#include <set>

#include "control/audit_log.hpp"
#include "control/database.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

Status require_user(const Principal& principal) {
  if (principal.user_id <= 0) {
    return Error{"notification preferences belong to a user; an API key has none",
                 ErrorKind::kForbidden};
  }
  return ok_status();
}

nlohmann::json preferences_json(const std::vector<NotificationPreference>& preferences) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : preferences) {
    out.push_back({{"category", std::string(notification_category_name(p.category))},
                   {"email", p.email},
                   {"portal", p.portal}});
  }
  return out;
}

}  // namespace

Result<NotificationPreference> NotificationPreferences::of(long long user_id,
                                                           NotificationCategory category) {
  return guarded("could not read notification preferences",
                 [&]() -> Result<NotificationPreference> {
                   NotificationPreference preference{category, true, true};
                   const std::string name(notification_category_name(category));
                   int email = 1;
                   int portal = 1;
                   session_ << "SELECT email, portal FROM notification_preferences"
                               " WHERE user_id = :u AND category = :c",
                       soci::use(user_id), soci::use(name), soci::into(email), soci::into(portal);
                   if (session_.got_data()) {
                     preference.email = email != 0;
                     preference.portal = portal != 0;
                   }
                   return preference;
                 });
}

Result<std::vector<NotificationPreference>> NotificationPreferences::of_user(long long user_id) {
  return guarded("could not read notification preferences",
                 [&]() -> Result<std::vector<NotificationPreference>> {
                   std::vector<NotificationPreference> out;
                   for (NotificationCategory category : all_notification_categories())
                     out.push_back({category, true, true});
                   std::string name;
                   int email = 1;
                   int portal = 1;
                   soci::statement st =
                       (session_.prepare << "SELECT category, email, portal FROM "
                                            "notification_preferences WHERE user_id = :u",
                        soci::use(user_id), soci::into(name), soci::into(email),
                        soci::into(portal));
                   st.execute();
                   while (st.fetch()) {
                     const auto category = parse_notification_category(name);
                     if (!category) continue;
                     for (auto& p : out) {
                       if (p.category != *category) continue;
                       p.email = email != 0;
                       p.portal = portal != 0;
                     }
                   }
                   return out;
                 });
}

Result<std::vector<NotificationPreference>> NotificationPreferences::list(
    const Principal& principal) {
  if (auto allowed = require_user(principal); !allowed.ok()) return Error{allowed.failure()};
  return of_user(principal.user_id);
}

Result<std::vector<NotificationPreference>> NotificationPreferences::update(
    const Principal& principal, const std::vector<NotificationPreference>& changes) {
  if (auto allowed = require_user(principal); !allowed.ok()) return Error{allowed.failure()};
  std::set<NotificationCategory> seen;
  Error duplicates{"a category may be named once"};
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (!seen.insert(changes[i].category).second) {
      duplicates.fields.emplace_back("/preferences/" + std::to_string(i) + "/category",
                                     "is named more than once");
    }
  }
  if (!duplicates.fields.empty()) return duplicates;
  return guarded("could not store notification preferences",
                 [&]() -> Result<std::vector<NotificationPreference>> {
                   auto before = of_user(principal.user_id);
                   if (!before.ok()) return before;
                   const long long now = to_epoch_ms(clock_.now());
                   for (const auto& change : changes) {
                     const std::string name(notification_category_name(change.category));
                     const int email = change.email ? 1 : 0;
                     const int portal = change.portal ? 1 : 0;
                     session_ << "INSERT INTO notification_preferences"
                                 " (user_id, category, email, portal, updated_at)"
                                 " VALUES (:u, :c, :e, :p, :now)"
                                 " ON CONFLICT (user_id, category) DO UPDATE SET"
                                 " email = excluded.email, portal = excluded.portal,"
                                 " updated_at = excluded.updated_at",
                         soci::use(principal.user_id), soci::use(name), soci::use(email),
                         soci::use(portal), soci::use(now);
                   }
                   auto after = of_user(principal.user_id);
                   if (!after.ok()) return after;
                   if (*after != *before) {
                     AuditEntry entry =
                         audit_entry(principal, "user", std::to_string(principal.user_id),
                                     "notification_preferences");
                     entry.details = nlohmann::json{{"before", preferences_json(*before)},
                                                    {"after", preferences_json(*after)}}
                                         .dump();
                     if (auto audited = AuditLog(session_, clock_).append(entry); !audited.ok()) {
                       return Error{audited.failure()};
                     }
                   }
                   return after;
                 });
}

}  // namespace candela::control
