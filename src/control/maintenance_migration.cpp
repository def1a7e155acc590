// Migration 13, written once for SQLite and PostgreSQL (docs/maintenance.md).
#include "control/maintenance_migration.hpp"

namespace candela::control {

Migration maintenance_migration() {
  return Migration{
      13,
      "maintenance windows, targets, affected services and notices",
      {
          // sequence is the iCalendar SEQUENCE: +1 per change announced to the recipients.
          // *_notice_at stamp each once-only notice in the transaction that queues it; the
          // reminder is due at reminder_due_at (NULL: none, e.g. emergency maintenance).
          "CREATE TABLE maintenance_windows ("
          " id {pk},"
          " reference TEXT NOT NULL UNIQUE,"
          " kind TEXT NOT NULL CHECK (kind IN ('scheduled', 'emergency')),"
          " impact TEXT NOT NULL"
          "  CHECK (impact IN ('service_affecting', 'non_service_affecting')),"
          " state TEXT NOT NULL"
          "  CHECK (state IN ('scheduled', 'in_progress', 'completed', 'cancelled')),"
          " title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),"
          " description TEXT NOT NULL DEFAULT '',"
          " starts_at BIGINT NOT NULL,"
          " ends_at BIGINT NOT NULL,"
          " sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),"
          " created_by BIGINT REFERENCES users(id),"
          " created_at BIGINT NOT NULL,"
          " updated_at BIGINT NOT NULL,"
          " reminder_due_at BIGINT,"
          " started_notice_at BIGINT,"
          " reminder_notice_at BIGINT,"
          " completed_notice_at BIGINT,"
          " started_at BIGINT,"
          " completed_at BIGINT,"
          " cancelled_at BIGINT,"
          " cancel_reason TEXT,"
          " CHECK (ends_at > starts_at))",
          // The job's and the router's questions: what is due or open, by state and time.
          "CREATE INDEX maintenance_windows_state ON maintenance_windows(state, starts_at)",
          "CREATE INDEX maintenance_windows_starts ON maintenance_windows(starts_at)",

          // What the staff named: a cache group (all its edges) or one edge.
          "CREATE TABLE maintenance_targets ("
          " window_id BIGINT NOT NULL REFERENCES maintenance_windows(id) ON DELETE CASCADE,"
          " cache_group TEXT,"
          " edge_id TEXT REFERENCES edges(edge_id),"
          " CHECK ((cache_group IS NULL) <> (edge_id IS NULL)))",
          "CREATE INDEX maintenance_targets_window ON maintenance_targets(window_id)",

          // Computed when the window is scheduled or rescheduled and kept, so every later notice
          // goes to exactly the customers told before.
          "CREATE TABLE maintenance_affected ("
          " window_id BIGINT NOT NULL REFERENCES maintenance_windows(id) ON DELETE CASCADE,"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " scid CHAR(9) NOT NULL REFERENCES services(scid),"
          " PRIMARY KEY (window_id, scid))",
          "CREATE INDEX maintenance_affected_scid ON maintenance_affected(scid)",

          // Every notice queued for a window (shown on the window's page).
          "CREATE TABLE maintenance_notices ("
          " id {pk},"
          " window_id BIGINT NOT NULL REFERENCES maintenance_windows(id) ON DELETE CASCADE,"
          " template TEXT NOT NULL,"
          " sequence INTEGER NOT NULL,"
          " sent_at BIGINT NOT NULL,"
          " recipients INTEGER NOT NULL CHECK (recipients >= 0),"
          " portal_rows INTEGER NOT NULL CHECK (portal_rows >= 0),"
          " emails_queued INTEGER NOT NULL CHECK (emails_queued >= 0))",
          "CREATE INDEX maintenance_notices_window ON maintenance_notices(window_id, id)",
      }};
}

}  // namespace candela::control
