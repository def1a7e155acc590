// on_duty_centre(): the stored schedule and centres through choose_on_duty().
#include "control/support_centres.hpp"

#include "control/support_config.hpp"
#include "control/support_schedule.hpp"

namespace candela::control {

Result<DutyAssignment> on_duty_centre(soci::session& session, SysTime at,
                                      std::string_view language) {
  auto centres = support_centres(session);
  if (!centres.ok()) return Error{centres.failure()};
  auto schedule = support_schedule(session);
  if (!schedule.ok()) return Error{schedule.failure()};
  auto choice = choose_on_duty(*schedule, *centres, at, language);
  // Only a schedule stored around validation could leave an hour uncovered.
  if (!choice) return Error{"no support centre is on duty at that time", ErrorKind::kInternal};
  return DutyAssignment{*choice->centre, choice->language_matched};
}

}  // namespace candela::control
