// Migration 17, written once for SQLite and PostgreSQL.
#include "control/billing_migration.hpp"

namespace candela::control {

Migration billing_migration() {
  return Migration{17,
                   "invoices, lines, adjustments and deliveries",
                   {
                       // Filled in by the billing helper (issue 6).
                   }};
}

}  // namespace candela::control
