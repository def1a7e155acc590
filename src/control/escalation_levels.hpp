// Support escalation levels (senior technician → duty manager → customer care manager →
// director) and who is told when a ticket reaches each.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/notifier.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct EscalationLevel {
  int level = 0;
  std::string name;
  std::optional<Role> notify_role;               // every user holding this provider role
  std::optional<Role> notify_account_team_role;  // the customer's account-team member in it
  std::vector<long long> notify_user_ids;        // named users
};

// Level 1..N ascending.
Result<std::vector<EscalationLevel>> escalation_levels(soci::session& session);
// Who hears about a ticket of `customer_id` reaching `level` (role, the customer's account-team
// member, users). kNotFound for a level that is not configured. When the customer has nobody in
// the account-team slot, everyone holding that provider role hears instead, so that a level is
// never silent.
Result<NotificationRecipients> escalation_recipients(soci::session& session, int level,
                                                     long long customer_id);

// The levels for a reader: provider staff only (kForbidden for customers).
Result<std::vector<EscalationLevel>> escalation_levels_for(soci::session& session,
                                                           const Principal& actor);
// Replaces every level (provider_admin; audited as escalation_levels/"levels" in the caller's
// transaction). Levels must be numbered 1..N in order, each with a name and at least one
// recipient; notify_role a provider role, notify_account_team_role an account-team role, user ids
// of existing provider staff. Errors located at /levels/<i>/<field>; nothing changes then.
Result<std::vector<EscalationLevel>> replace_escalation_levels(
    soci::session& session, const Clock& clock, const Principal& actor,
    const std::vector<EscalationLevel>& levels, const std::string& reason);

}  // namespace candela::control
