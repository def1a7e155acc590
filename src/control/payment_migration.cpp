// Migration 18, written once for SQLite and PostgreSQL.
#include "control/payment_migration.hpp"

namespace candela::control {

Migration payment_migration() {
  return Migration{18,
                   "payments, allocations and collections",
                   {
                       // Filled in by the payments helper (issue 6).
                   }};
}

}  // namespace candela::control
