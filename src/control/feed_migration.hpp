// Migration 4: what edges, their acknowledgements, invalidations and notifications need beyond
// the initial schema (edge networks, ack outcomes, the overdue check, stored notifications).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration edge_feed_migration();

}  // namespace candela::control
