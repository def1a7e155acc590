// Migration 20, written once for SQLite and PostgreSQL (docs/noc.md, "Network topology").
#include "control/network_migration.hpp"

namespace candela::control {

Migration network_migration() {
  return Migration{
      20,
      "edge network: capacity, admin address, monitor health",
      {
          // What an edge declares when it registers: where its admin listener (/healthz,
          // /metrics) answers, and the load it is built for (0 = undeclared).
          "ALTER TABLE edges ADD COLUMN admin_address TEXT",
          "ALTER TABLE edges ADD COLUMN capacity_rps BIGINT NOT NULL DEFAULT 0"
          " CHECK (capacity_rps >= 0)",
          "ALTER TABLE edges ADD COLUMN capacity_bps BIGINT NOT NULL DEFAULT 0"
          " CHECK (capacity_bps >= 0)",

          // The latest report of each monitor about each edge: a report replaces the previous
          // one. Rates are measurements, not money, so floating point is right here.
          "CREATE TABLE edge_health ("
          " monitor_id TEXT NOT NULL REFERENCES noc_monitors(monitor_id) ON DELETE CASCADE,"
          " edge_id TEXT NOT NULL REFERENCES edges(edge_id) ON DELETE CASCADE,"
          " state TEXT NOT NULL CHECK (state IN ('up', 'down', 'draining', 'unknown')),"
          " since BIGINT NOT NULL,"
          " checked_at BIGINT NOT NULL,"
          " requests_per_second DOUBLE PRECISION NOT NULL CHECK (requests_per_second >= 0),"
          " bytes_per_second DOUBLE PRECISION NOT NULL CHECK (bytes_per_second >= 0),"
          " error_rate DOUBLE PRECISION NOT NULL CHECK (error_rate BETWEEN 0 AND 1),"
          " overloaded INTEGER NOT NULL DEFAULT 0 CHECK (overloaded IN (0, 1)),"
          " detail TEXT NOT NULL DEFAULT '',"
          " PRIMARY KEY (monitor_id, edge_id))",
          // The topology's question: the freshest report per edge.
          "CREATE INDEX edge_health_edge ON edge_health(edge_id, checked_at)",
      }};
}

}  // namespace candela::control
