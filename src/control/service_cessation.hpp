// The end of a contract: a service whose every item has had its last day is disconnected (the
// edges then drop its properties). Run by the portal's `service_cessation` job every minute.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct EndedService {
  std::string scid;
  CivilDate last_day;  // the latest end date of its items
};

// Services not yet disconnected that have items, all of which ended before `today`.
Result<std::vector<EndedService>> services_to_cease(soci::session& session, const CivilDate& today);

// Disconnects one of them in the caller's transaction (Services::apply_state, actor
// "contracts", reason "contract ended: last day YYYY-MM-DD"); checks again that every item has
// ended, so a change made meanwhile keeps the service. Returns the feed sequence of the
// "service_state" event when it changed the service.
Result<std::optional<long long>> cease_service(soci::session& session, const Clock& clock,
                                               const std::string& scid);

}  // namespace candela::control
