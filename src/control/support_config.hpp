// Reading and changing the follow-the-sun configuration: the support centres (name, city,
// languages) and the UTC duty schedule. Changes are for provider admins, validated whole, and
// audited in the same transaction; the caller runs these inside Database::with_transaction.
#pragma once

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"
#include "control/support_centres.hpp"
#include "control/support_schedule.hpp"

namespace soci {
class session;
}

namespace candela::control {

// Centres in display order.
Result<std::vector<SupportCentre>> support_centres(soci::session& session);
// The schedule in the order it was saved.
Result<std::vector<ScheduleEntry>> support_schedule(soci::session& session);

// Replaces the whole schedule after validate_schedule (24x7 coverage, known centres); an invalid
// schedule changes nothing. Audited as support_schedule/"schedule" "update" with before/after.
Result<std::vector<ScheduleEntry>> replace_support_schedule(
    soci::session& session, const Clock& clock, const Principal& actor,
    const std::vector<ScheduleEntry>& schedule, const std::string& reason);

// Changes a centre's name, city, country (ISO 3166 alpha-2) and languages (ISO 639-1, at least
// one, no repeats); the code stays. Errors are located at /name, /city, /country, /languages/<i>.
Result<SupportCentre> update_support_centre(soci::session& session, const Clock& clock,
                                            const Principal& actor, const SupportCentre& centre,
                                            const std::string& reason);

}  // namespace candela::control
