// Target checks, the edges of targets, affected services and their audiences.
#include "control/maintenance_targets.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <set>

#include "control/database.hpp"
#include "control/edge_registry.hpp"
#include "control/edge_traffic.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

bool exists(soci::session& session, const char* sql, const std::string& name) {
  int found = 0;
  soci::indicator indicator = soci::i_null;
  session << sql, soci::use(name), soci::into(found, indicator);
  return session.got_data() && indicator == soci::i_ok;
}

void check_names(soci::session& session, const std::vector<std::string>& names,
                 const std::string& pointer, std::size_t max_length, const char* exists_sql,
                 const char* what, std::vector<std::pair<std::string, std::string>>& errors) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string at = pointer + "/" + std::to_string(i);
    const std::string& name = names[i];
    if (name.empty() || name.size() > max_length) {
      errors.emplace_back(at, "must be 1 to " + std::to_string(max_length) + " characters");
    } else if (!seen.insert(name).second) {
      errors.emplace_back(at, "\"" + name + "\" is listed twice");
    } else if (!exists(session, exists_sql, name)) {
      errors.emplace_back(at, std::string("names no ") + what);
    }
  }
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> check_targets(
    soci::session& session, const std::vector<std::string>& cache_groups,
    const std::vector<std::string>& edges) {
  return guarded(
      "could not check the maintenance targets",
      [&]() -> Result<std::vector<std::pair<std::string, std::string>>> {
        std::vector<std::pair<std::string, std::string>> errors;
        if (cache_groups.empty() && edges.empty()) {
          errors.emplace_back("/cache_groups", "name at least one cache group or edge");
        }
        if (cache_groups.size() + edges.size() > MaintenanceWindows::kMaxTargets) {
          errors.emplace_back("/cache_groups", "at most " +
                                                   std::to_string(MaintenanceWindows::kMaxTargets) +
                                                   " cache groups and edges together");
          return errors;
        }
        check_names(session, cache_groups, "/cache_groups", EdgeRegistry::kMaxCacheGroupLength,
                    "SELECT 1 FROM edges WHERE cache_group = :n LIMIT 1",
                    "cache group (no edge belongs to it)", errors);
        check_names(session, edges, "/edges", EdgeRegistry::kMaxEdgeIdLength,
                    "SELECT 1 FROM edges WHERE edge_id = :n", "edge", errors);
        return errors;
      });
}

Result<std::vector<std::string>> target_edges(soci::session& session,
                                              const std::vector<std::string>& cache_groups,
                                              const std::vector<std::string>& edges) {
  return guarded("could not read the edges of the maintenance targets",
                 [&]() -> Result<std::vector<std::string>> {
                   std::set<std::string> found(edges.begin(), edges.end());
                   for (const std::string& group : cache_groups) {
                     soci::rowset<std::string> rows =
                         (session.prepare << "SELECT edge_id FROM edges WHERE cache_group = :g",
                          soci::use(group));
                     for (const std::string& edge : rows)
                       found.insert(edge);
                   }
                   return std::vector<std::string>(found.begin(), found.end());
                 });
}

Result<std::vector<AffectedService>> services_affected(soci::session& session,
                                                       const std::vector<std::string>& edge_ids,
                                                       SysTime since) {
  auto served = services_served_by(session, edge_ids, since);
  if (!served.ok()) return Error{served.failure()};
  return guarded("could not read the affected customers",
                 [&]() -> Result<std::vector<AffectedService>> {
                   std::vector<AffectedService> out;
                   for (const ServedService& service : *served) {
                     AffectedService affected;
                     affected.scid = service.scid;
                     affected.customer_id = service.customer_id;
                     affected.access_group_id = service.access_group_id;
                     session << "SELECT customer_number, name FROM customers WHERE id = :id",
                         soci::use(service.customer_id), soci::into(affected.customer_number),
                         soci::into(affected.customer_name);
                     out.push_back(std::move(affected));
                   }
                   return out;
                 });
}

Result<std::vector<AffectedService>> stored_affected(soci::session& session, long long window_id) {
  return guarded(
      "could not read the affected services", [&]() -> Result<std::vector<AffectedService>> {
        soci::rowset<soci::row> rows =
            (session.prepare << "SELECT a.scid, a.customer_id, c.customer_number, c.name,"
                                " s.access_group_id FROM maintenance_affected a"
                                " JOIN customers c ON c.id = a.customer_id"
                                " JOIN services s ON s.scid = a.scid"
                                " WHERE a.window_id = :w ORDER BY a.scid",
             soci::use(window_id));
        std::vector<AffectedService> out;
        for (const soci::row& row : rows) {
          AffectedService affected;
          affected.scid = row.get<std::string>(0);
          affected.customer_id = row.get<long long>(1);
          affected.customer_number = row.get<std::string>(2);
          affected.customer_name = row.get<std::string>(3);
          affected.access_group_id = row.get<long long>(4);
          out.push_back(std::move(affected));
        }
        return out;
      });
}

Result<std::vector<NoticeAudience>> customer_audiences(
    soci::session& session, const std::vector<AffectedService>& services) {
  return guarded(
      "could not find the customers' contacts", [&]() -> Result<std::vector<NoticeAudience>> {
        // user → the services (indices) it may see.
        std::map<long long, std::set<std::size_t>> visible;
        for (std::size_t i = 0; i < services.size(); ++i) {
          // The service's group and every ancestor: a role there reaches the service.
          std::optional<long long> group = services[i].access_group_id;
          std::set<long long> chain;
          while (group && chain.insert(*group).second) {
            long long parent = 0;
            soci::indicator indicator = soci::i_null;
            session << "SELECT parent_id FROM access_groups WHERE id = :g", soci::use(*group),
                soci::into(parent, indicator);
            group = session.got_data() && indicator == soci::i_ok ? std::optional<long long>(parent)
                                                                  : std::nullopt;
          }
          for (const long long g : chain) {
            soci::rowset<long long> users =
                (session.prepare << "SELECT DISTINCT r.user_id FROM user_roles r"
                                    " JOIN users u ON u.id = r.user_id"
                                    " WHERE r.access_group_id = :g AND u.disabled = 0"
                                    " AND r.role IN ('admin', 'technical')",
                 soci::use(g));
            for (const long long user : users)
              visible[user].insert(i);
          }
        }
        std::map<std::set<std::size_t>, NoticeAudience> by_services;
        for (const auto& [user, indices] : visible) {
          NoticeAudience& audience = by_services[indices];
          if (audience.services.empty()) {
            for (const std::size_t i : indices)
              audience.services.push_back(services[i]);
          }
          audience.user_ids.push_back(user);
        }
        std::vector<NoticeAudience> out;
        for (auto& [indices, audience] : by_services)
          out.push_back(std::move(audience));
        return out;
      });
}

}  // namespace candela::control
