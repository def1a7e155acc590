// Migration 6, written once for SQLite and PostgreSQL. `hour` is the BIGINT epoch ms of the UTC
// hour the chunk's lines belong to; the chunk's file lives in the log store (control/log_store).
#include "control/log_migration.hpp"

namespace candela::control {

Migration log_migration() {
  return Migration{
      6,
      "log chunks delivered by edges, log retention per service",
      {
          "CREATE TABLE log_chunks ("
          " id {pk},"
          " scid CHAR(9) NOT NULL REFERENCES services(scid),"
          " property TEXT NOT NULL CHECK (length(property) BETWEEN 1 AND 63),"
          " hour BIGINT NOT NULL CHECK (hour % 3600000 = 0),"
          " edge_id TEXT NOT NULL,"
          " chunk TEXT NOT NULL CHECK (length(chunk) BETWEEN 1 AND 120),"
          " bytes BIGINT NOT NULL CHECK (bytes >= 0),"
          " lines BIGINT NOT NULL CHECK (lines >= 0),"
          " sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
          " stored_at BIGINT NOT NULL,"
          " UNIQUE (edge_id, scid, property, hour, chunk))",
          // Listing and download walk one service's chunks by property and hour.
          "CREATE INDEX log_chunks_listing ON log_chunks(scid, property, hour)",
          // The retention job looks for old hours across every service.
          "CREATE INDEX log_chunks_hour ON log_chunks(hour)",
          "ALTER TABLE services ADD COLUMN log_retention_days INTEGER NOT NULL DEFAULT 30"
          " CHECK (log_retention_days BETWEEN 1 AND 366)",
      }};
}

}  // namespace candela::control
