#include "control/customer_contacts.hpp"

#include <soci/soci.h>

#include <string>

#include "control/store_guard.hpp"

namespace candela::control {

Result<std::vector<long long>> organisation_billing_users(soci::session& session,
                                                          long long organisation_id) {
  return guarded("could not find the billing users", [&]() -> Result<std::vector<long long>> {
    std::vector<long long> users;
    soci::rowset<long long> rows =
        (session.prepare << "SELECT DISTINCT r.user_id FROM user_roles r"
                            " JOIN users u ON u.id = r.user_id"
                            " WHERE r.access_group_id = :g AND u.disabled = 0"
                            " AND r.role IN ('admin', 'billing') ORDER BY r.user_id",
         soci::use(organisation_id));
    for (const long long user : rows)
      users.push_back(user);
    return users;
  });
}

Result<NotificationRecipients> account_team_recipient(soci::session& session, long long customer_id,
                                                      Role role) {
  return guarded("could not find the account team", [&]() -> Result<NotificationRecipients> {
    NotificationRecipients to;
    long long user = 0;
    const std::string name(role_name(role));
    session << "SELECT a.user_id FROM account_team a JOIN users u ON u.id = a.user_id"
               " WHERE a.customer_id = :c AND a.role = :r AND u.disabled = 0",
        soci::use(customer_id), soci::use(name), soci::into(user);
    if (session.got_data()) {
      to.user_ids.push_back(user);
    } else {
      to.roles.push_back(role);
    }
    return to;
  });
}

}  // namespace candela::control
