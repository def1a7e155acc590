// Migration 12, written once for SQLite and PostgreSQL.
#include "control/noc_migration.hpp"

namespace candela::control {

Migration noc_migration() {
  return Migration{
      12,
      "noc events, affected services and monitor credentials",
      {
          // One row per incident. dedupe_key is kind + edge + scid + property: a firing alarm
          // with the key of an open event updates it (occurrences, last_seen_at) instead of
          // opening another; the partial unique index makes that hold under concurrency too.
          "CREATE TABLE noc_events ("
          " id {pk},"
          " reference TEXT NOT NULL UNIQUE,"
          " kind TEXT NOT NULL"
          "  CHECK (kind IN ('edge_down', 'error_rate', 'origin_unreachable')),"
          " state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),"
          " edge_id TEXT REFERENCES edges(edge_id),"
          " scid CHAR(9) REFERENCES services(scid),"
          " property TEXT,"
          " severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),"
          " summary TEXT NOT NULL CHECK (length(summary) >= 1),"
          " details TEXT NOT NULL DEFAULT '{}',"
          " dedupe_key TEXT NOT NULL,"
          " raised_by TEXT NOT NULL,"
          " first_seen_at BIGINT NOT NULL,"
          " last_seen_at BIGINT NOT NULL,"
          " resolved_at BIGINT,"
          " occurrences INTEGER NOT NULL CHECK (occurrences >= 1),"
          " created_at BIGINT NOT NULL,"
          " updated_at BIGINT NOT NULL,"
          " CHECK ((state = 'resolved') = (resolved_at IS NOT NULL)),"
          " CHECK (last_seen_at >= first_seen_at))",
          "CREATE UNIQUE INDEX noc_events_open_key ON noc_events(dedupe_key) WHERE state = 'open'",
          "CREATE INDEX noc_events_state ON noc_events(state, id)",

          // The services an event affects, each with the one proactive ticket it opened.
          "CREATE TABLE noc_event_services ("
          " event_id BIGINT NOT NULL REFERENCES noc_events(id) ON DELETE CASCADE,"
          " scid CHAR(9) NOT NULL REFERENCES services(scid),"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " ticket_reference TEXT NOT NULL,"
          " added_at BIGINT NOT NULL,"
          " PRIMARY KEY (event_id, scid))",

          // Monitor credentials: like edge node tokens, only the token's SHA-256 is kept.
          "CREATE TABLE noc_monitors ("
          " monitor_id TEXT PRIMARY KEY,"
          " description TEXT NOT NULL DEFAULT '',"
          " token_hash TEXT NOT NULL UNIQUE,"
          " created_by_user_id BIGINT REFERENCES users(id),"
          " created_at BIGINT NOT NULL,"
          " last_used_at BIGINT,"
          " revoked_at BIGINT)",
      }};
}

}  // namespace candela::control
