// Migration 15, written once for SQLite and PostgreSQL.
#include "control/contract_migration.hpp"

namespace candela::control {

Migration contract_migration() {
  return Migration{15,
                   "service items and customer terms",
                   {
                       // Filled in by the contracts helper (issue 6).
                   }};
}

}  // namespace candela::control
