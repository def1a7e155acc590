// Migration 11, written once for SQLite and PostgreSQL.
#include "control/ticket_migration.hpp"

namespace candela::control {

Migration ticket_migration() {
  return Migration{
      11,
      "support tickets, ticket events and attachments",
      {
          // Deadlines and events are BIGINT epoch milliseconds. contact_phones is a JSON array.
          "CREATE TABLE tickets ("
          " id {pk},"
          " reference TEXT NOT NULL UNIQUE,"
          " type TEXT NOT NULL"
          "  CHECK (type IN ('service_impairment', 'service_change', 'account_inquiry')),"
          " origin TEXT NOT NULL CHECK (origin IN ('customer', 'staff', 'proactive')),"
          " severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),"
          " state TEXT NOT NULL CHECK (state IN ('new', 'acknowledged', 'in_progress',"
          "  'pending_customer', 'resolved', 'closed', 'reopened')),"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " access_group_id BIGINT NOT NULL REFERENCES access_groups(id),"
          " scid CHAR(9) NULL,"
          " subject TEXT NOT NULL CHECK (length(subject) >= 1),"
          " description TEXT NOT NULL DEFAULT '',"
          " alarm_info TEXT NOT NULL DEFAULT '',"
          " problem_started_at BIGINT NULL,"
          " contact_name TEXT NOT NULL DEFAULT '',"
          " contact_email TEXT NOT NULL DEFAULT '',"
          " contact_phones TEXT NOT NULL DEFAULT '[]',"
          " alternate_contact TEXT NOT NULL DEFAULT '',"
          " language TEXT NOT NULL DEFAULT 'en',"
          " centre_code TEXT NOT NULL,"
          " assignee_user_id BIGINT NULL REFERENCES users(id),"
          " escalation_level INTEGER NOT NULL DEFAULT 0 CHECK (escalation_level >= 0),"
          " next_escalation_at BIGINT NULL,"
          " response_due_at BIGINT NOT NULL,"
          " update_due_at BIGINT NULL,"
          " restore_due_at BIGINT NOT NULL,"
          " acknowledged_at BIGINT NULL,"
          " resolved_at BIGINT NULL,"
          " closed_at BIGINT NULL,"
          " noc_event_id BIGINT NULL,"
          " maintenance_reference TEXT NULL,"
          " created_by_user_id BIGINT NULL REFERENCES users(id),"
          " created_at BIGINT NOT NULL,"
          " updated_at BIGINT NOT NULL)",
          "CREATE INDEX tickets_group ON tickets(access_group_id, id)",
          "CREATE INDEX tickets_customer ON tickets(customer_id, id)",
          "CREATE INDEX tickets_state ON tickets(state, next_escalation_at)",
          "CREATE INDEX tickets_noc_event ON tickets(noc_event_id)",

          "CREATE TABLE ticket_events ("
          " id {pk},"
          " ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,"
          " at BIGINT NOT NULL,"
          " actor_user_id BIGINT NULL REFERENCES users(id),"
          " kind TEXT NOT NULL CHECK (kind IN ('created', 'routed', 'state_changed', 'note',"
          "  'attachment', 'escalated', 'assigned', 'severity_changed')),"
          " visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),"
          " from_state TEXT NULL,"
          " to_state TEXT NULL,"
          " body TEXT NOT NULL DEFAULT '',"
          " details TEXT NOT NULL DEFAULT '{}')",
          "CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id)",

          // The bytes live in PortalSettings::attachment_store under storage_name (random, never
          // derived from the uploaded filename); event_id is the timeline entry that shows it.
          "CREATE TABLE ticket_attachments ("
          " id {pk},"
          " ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,"
          " event_id BIGINT NOT NULL REFERENCES ticket_events(id) ON DELETE CASCADE,"
          " filename TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),"
          " content_type TEXT NOT NULL,"
          " size BIGINT NOT NULL CHECK (size >= 0),"
          " sha256 TEXT NOT NULL,"
          " storage_name TEXT NOT NULL UNIQUE,"
          " visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),"
          " uploaded_by_user_id BIGINT NULL REFERENCES users(id),"
          " created_at BIGINT NOT NULL)",
          "CREATE INDEX ticket_attachments_ticket ON ticket_attachments(ticket_id, id)",
      }};
}

}  // namespace candela::control
