// services_served_by(): one indexed lookup per edge (usage_minute's key starts with edge_id).
#include "control/edge_traffic.hpp"

#include <soci/soci.h>

#include <map>

#include "control/database.hpp"
#include "control/store_guard.hpp"

namespace candela::control {

Result<std::vector<ServedService>> services_served_by(soci::session& session,
                                                      const std::vector<std::string>& edge_ids,
                                                      SysTime since) {
  return guarded(
      "could not read the services an edge serves", [&]() -> Result<std::vector<ServedService>> {
        std::map<std::string, ServedService> found;
        const long long since_ms = to_epoch_ms(since);
        for (const std::string& edge_id : edge_ids) {
          soci::rowset<soci::row> rows =
              (session.prepare << "SELECT DISTINCT s.scid, s.customer_id, s.access_group_id"
                                  " FROM usage_minute u JOIN services s ON s.scid = u.scid"
                                  " WHERE u.edge_id = :edge AND u.minute >= :since"
                                  " AND s.state = 'active'",
               soci::use(edge_id), soci::use(since_ms));
          for (const soci::row& row : rows) {
            ServedService served;
            served.scid = row.get<std::string>(0);
            served.customer_id = row.get<long long>(1);
            served.access_group_id = row.get<long long>(2);
            found.emplace(served.scid, served);
          }
        }
        std::vector<ServedService> services;
        services.reserve(found.size());
        for (auto& [scid, served] : found)
          services.push_back(std::move(served));
        return services;
      });
}

}  // namespace candela::control
