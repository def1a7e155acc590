#include "control/service_cessation.hpp"

#include <soci/soci.h>

#include "control/services.hpp"
#include "control/store_errors.hpp"

namespace candela::control {

namespace {

// Ended services, all of them or only `only_scid`.
Result<std::vector<EndedService>> query_ended(soci::session& session, const CivilDate& today,
                                              const std::string& only_scid) {
  const std::string day = format_civil_date(today);
  const int all = only_scid.empty() ? 1 : 0;
  std::vector<EndedService> ended;
  try {
    std::string scid;
    std::string last_day;
    // No item may still be in service today (open, or ending today or later).
    soci::statement st =
        (session.prepare << "SELECT s.scid, MAX(i.end_date) FROM services s"
                            " JOIN service_items i ON i.scid = s.scid"
                            " WHERE s.state <> 'disconnected' AND (:all = 1 OR s.scid = :scid)"
                            " GROUP BY s.scid"
                            " HAVING SUM(CASE WHEN i.end_date IS NULL OR i.end_date >= :today"
                            " THEN 1 ELSE 0 END) = 0"
                            " ORDER BY s.scid",
         soci::use(all), soci::use(only_scid), soci::use(day), soci::into(scid),
         soci::into(last_day));
    st.execute(false);
    while (st.fetch()) {
      const auto date = parse_civil_date(last_day);
      if (!date) {
        return Error{"service " + scid + " has an unreadable item end date", ErrorKind::kInternal};
      }
      ended.push_back(EndedService{scid, *date});
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not find services whose contract ended", e);
  }
  return ended;
}

}  // namespace

Result<std::vector<EndedService>> services_to_cease(soci::session& session,
                                                    const CivilDate& today) {
  return query_ended(session, today, "");
}

Result<std::optional<long long>> cease_service(soci::session& session, const Clock& clock,
                                               const std::string& scid) {
  const CivilDate today = utc_date_of(clock.now());
  auto candidates = query_ended(session, today, scid);
  if (!candidates.ok()) return Error{candidates.failure()};
  for (const EndedService& service : *candidates) {
    if (service.scid != scid) continue;
    Services services(session, clock);
    auto changed =
        services.apply_state(scid, ServiceState::kDisconnected,
                             "contract ended: last day " + format_civil_date(service.last_day),
                             "contracts", std::nullopt);
    if (!changed.ok()) return Error{changed.failure()};
    return services.last_feed_sequence();
  }
  return std::optional<long long>{};
}

}  // namespace candela::control
