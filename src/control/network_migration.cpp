// Migration 20, written once for SQLite and PostgreSQL.
#include "control/network_migration.hpp"

namespace candela::control {

Migration network_migration() {
  return Migration{20, "edge network: capacity, admin address, monitor health", {}};
}

}  // namespace candela::control
