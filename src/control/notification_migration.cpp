// Migration 9, written once for SQLite and PostgreSQL.
#include "control/notification_migration.hpp"

namespace candela::control {

#define NOTIFICATION_CATEGORIES \
  "'tickets', 'maintenance', 'noc', 'invalidations', 'orders', 'billing', 'account'"

Migration notification_migration() {
  return Migration{
      9,
      "notification preferences, mail outbox and dedupe keys",
      {
          // Absent row: both channels on (the default), so only changes are stored.
          "CREATE TABLE notification_preferences ("
          " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
          " category TEXT NOT NULL CHECK (category IN (" NOTIFICATION_CATEGORIES ")),"
          " email INTEGER NOT NULL CHECK (email IN (0, 1)),"
          " portal INTEGER NOT NULL CHECK (portal IN (0, 1)),"
          " updated_at BIGINT NOT NULL,"
          " PRIMARY KEY (user_id, category))",

          // One row per message and address. The Message-ID is fixed when the row is queued, so
          // a resend after a crash carries the same one and the receiving side can drop it.
          "CREATE TABLE mail_outbox ("
          " id {pk},"
          " to_address TEXT NOT NULL CHECK (length(to_address) BETWEEN 3 AND 254),"
          " recipient_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
          " subject TEXT NOT NULL,"
          " body TEXT NOT NULL,"
          " template TEXT NOT NULL,"
          " category TEXT NOT NULL CHECK (category IN (" NOTIFICATION_CATEGORIES ")),"
          " entity_type TEXT NOT NULL DEFAULT '',"
          " entity_id TEXT NOT NULL DEFAULT '',"
          " message_id TEXT NOT NULL UNIQUE,"
          " status TEXT NOT NULL DEFAULT 'pending'"
          "  CHECK (status IN ('pending', 'sending', 'sent', 'failed')),"
          " attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
          " next_attempt_at BIGINT NOT NULL,"
          " last_error TEXT NOT NULL DEFAULT '',"
          " claimed_at BIGINT,"
          " claim_token TEXT,"
          " sent_at BIGINT,"
          " created_at BIGINT NOT NULL,"
          " CHECK ((status = 'sending') = (claimed_at IS NOT NULL AND claim_token IS NOT NULL)))",
          // The delivery job's queue scan, and the staff view filtered by status or entity.
          "CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at)",
          "CREATE INDEX mail_outbox_entity ON mail_outbox(entity_type, entity_id, id)",

          // Attachments are kept base64-encoded (TEXT) so any bytes survive both dialects.
          "CREATE TABLE mail_attachments ("
          " id {pk},"
          " outbox_id BIGINT NOT NULL REFERENCES mail_outbox(id) ON DELETE CASCADE,"
          " position INTEGER NOT NULL CHECK (position >= 0),"
          " filename TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),"
          " content_type TEXT NOT NULL CHECK (length(content_type) >= 3),"
          " content_base64 TEXT NOT NULL,"
          " UNIQUE (outbox_id, position))",

          // A notice with a dedupe key is stored once: a second notify() with the key is a no-op.
          "CREATE TABLE notification_dedupe ("
          " dedupe_key TEXT PRIMARY KEY CHECK (length(dedupe_key) BETWEEN 1 AND 500),"
          " template TEXT NOT NULL,"
          " created_at BIGINT NOT NULL)",

          "ALTER TABLE notifications ADD COLUMN category TEXT"
          " CHECK (category IS NULL OR category IN (" NOTIFICATION_CATEGORIES "))",
          "ALTER TABLE notifications ADD COLUMN template TEXT",
          // Until now only the overdue-invalidation check stored notifications.
          "UPDATE notifications SET category = 'invalidations' WHERE entity_type = 'invalidation'",

          // A row for a provider role is shared by everyone holding the role, so each of them
          // marks it read for themselves here; a user's own row keeps notifications.read_at.
          "CREATE TABLE notification_reads ("
          " notification_id BIGINT NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,"
          " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
          " read_at BIGINT NOT NULL,"
          " PRIMARY KEY (notification_id, user_id))",
      }};
}

#undef NOTIFICATION_CATEGORIES

}  // namespace candela::control
