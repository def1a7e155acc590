// Migration 19, written once for SQLite and PostgreSQL.
#include "control/billing_request_migration.hpp"

namespace candela::control {

Migration billing_request_migration() {
  return Migration{19,
                   "billing requests",
                   {
                       // Filled in by the requests helper (issue 6).
                   }};
}

}  // namespace candela::control
