// What a maintenance window names (cache groups, edges) and what that means: the edges it covers
// and the services — with their customers and contacts — that traffic on those edges affects.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/maintenance_windows.hpp"

namespace soci {
class session;
}

namespace candela::control {

// Adds a located error ("/cache_groups/2", "/edges/0", …) for every name that is empty, too
// long, listed twice, or names no cache group (no edge has it) or no edge; and one for naming
// nothing at all.
Result<std::vector<std::pair<std::string, std::string>>> check_targets(
    soci::session& session, const std::vector<std::string>& cache_groups,
    const std::vector<std::string>& edges);

// The edges the targets cover now, sorted, each once.
Result<std::vector<std::string>> target_edges(soci::session& session,
                                              const std::vector<std::string>& cache_groups,
                                              const std::vector<std::string>& edges);

// Active services with traffic on `edge_ids` since `since`, with their customers (by SCID).
Result<std::vector<AffectedService>> services_affected(soci::session& session,
                                                       const std::vector<std::string>& edge_ids,
                                                       SysTime since);
// The stored affected services of a window, by SCID.
Result<std::vector<AffectedService>> stored_affected(soci::session& session, long long window_id);

// The people to tell about some affected services, and the services each group may see: every
// enabled user with the admin or technical role on a service's access group or an ancestor of
// it. Users who see the same set of services form one audience (one notice each).
struct NoticeAudience {
  std::vector<long long> user_ids;
  std::vector<AffectedService> services;
};
Result<std::vector<NoticeAudience>> customer_audiences(
    soci::session& session, const std::vector<AffectedService>& services);

}  // namespace candela::control
