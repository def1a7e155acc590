// Migration 16, written once for SQLite and PostgreSQL.
#include "control/order_migration.hpp"

namespace candela::control {

Migration order_migration() {
  return Migration{16,
                   "orders and service connection notices",
                   {
                       // Filled in by the orders helper (issue 6).
                   }};
}

}  // namespace candela::control
