// Migration 20: the edge network (edge capacity and admin address, monitor health reports).
#pragma once

#include "control/migrations.hpp"

namespace candela::control {

Migration network_migration();

}  // namespace candela::control
