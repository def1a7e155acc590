// Which edges the router should drain now: the edges of maintenance windows that are open
// (scheduled and already started, or in progress) at `now`. The edge API reports them as
// "draining" with the window's reference, so the router can move traffic away.
#pragma once

#include <map>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

// edge_id → reference of the open window that drains it (the earliest-starting one when several
// windows overlap). Edges named directly and the edges of named cache groups both count.
Result<std::map<std::string, std::string>> draining_edges(soci::session& session, SysTime now);

}  // namespace candela::control
