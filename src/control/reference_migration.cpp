// Migration 8, written once for SQLite and PostgreSQL.
#include "control/reference_migration.hpp"

namespace candela::control {

Migration reference_migration() {
  return Migration{
      8,
      "reference number counters",
      {
          // The last sequence handed out per prefix ("TKT") and year (0: none yet); it only grows.
          "CREATE TABLE reference_counters ("
          " prefix TEXT NOT NULL CHECK (length(prefix) = 3),"
          " year INTEGER NOT NULL CHECK (year BETWEEN 1000 AND 9999),"
          " last_sequence BIGINT NOT NULL CHECK (last_sequence >= 0),"
          " PRIMARY KEY (prefix, year))",
      }};
}

}  // namespace candela::control
