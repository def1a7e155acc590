// Which services an edge has been serving, from the usage minutes the edges report: the basis
// of "affected services" for NOC events and maintenance windows.
#pragma once

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct ServedService {
  std::string scid;
  long long customer_id = 0;
  long long access_group_id = 0;
};

// The active services (state 'active') with at least one usage minute on any of `edge_ids` at
// or after `since`, ordered by SCID, each once.
Result<std::vector<ServedService>> services_served_by(soci::session& session,
                                                      const std::vector<std::string>& edge_ids,
                                                      SysTime since);

}  // namespace candela::control
