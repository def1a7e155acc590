// draining_edges(): the open windows' edge targets plus the current edges of their cache groups.
#include "control/maintenance_drain.hpp"

#include <soci/soci.h>

#include "control/database.hpp"
#include "control/store_guard.hpp"

namespace candela::control {

Result<std::map<std::string, std::string>> draining_edges(soci::session& session, SysTime now) {
  return guarded(
      "could not read the draining edges", [&]() -> Result<std::map<std::string, std::string>> {
        const long long now_ms = to_epoch_ms(now);
        // Open: in progress (until completed, also when extended), or scheduled and
        // inside its times before the job has moved it (the job runs every 15 s).
        soci::rowset<soci::row> rows =
            (session.prepare << "SELECT e.edge_id, w.reference FROM maintenance_windows w"
                                " JOIN maintenance_targets t ON t.window_id = w.id"
                                " JOIN edges e ON e.edge_id = t.edge_id"
                                "  OR (t.cache_group IS NOT NULL AND e.cache_group = t.cache_group)"
                                " WHERE w.state = 'in_progress'"
                                "  OR (w.state = 'scheduled' AND w.starts_at <= :now"
                                "      AND w.ends_at > :now2)"
                                " ORDER BY w.starts_at, w.id",
             soci::use(now_ms), soci::use(now_ms));
        std::map<std::string, std::string> draining;
        for (const soci::row& row : rows)
          draining.emplace(row.get<std::string>(0), row.get<std::string>(1));
        return draining;
      });
}

}  // namespace candela::control
