// Migration 4, written once for SQLite and PostgreSQL ("{pk}" becomes the dialect's key).
#include "control/feed_migration.hpp"

namespace candela::control {

Migration edge_feed_migration() {
  return Migration{
      4,
      "edge networks, acknowledgement outcomes, overdue invalidations and notifications",
      {
          // Deployments go to one network; an edge applies only those of its own.
          "ALTER TABLE edges ADD COLUMN network TEXT NOT NULL DEFAULT 'production'"
          " CHECK (network IN ('production', 'staging'))",
          // Edges authenticate by token: its hash is the lookup key and must be unique.
          "CREATE UNIQUE INDEX edges_node_token ON edges(node_token_hash)",

          // An edge acknowledges every event, also one it could not apply (with the reason).
          "ALTER TABLE event_acks ADD COLUMN status TEXT NOT NULL DEFAULT 'applied'"
          " CHECK (status IN ('applied', 'failed'))",
          "ALTER TABLE event_acks ADD COLUMN detail TEXT NOT NULL DEFAULT ''",

          // The ack handler finds the invalidation of an acknowledged event by its sequence.
          "CREATE INDEX invalidations_sequence ON invalidations(feed_sequence)",
          // Set when the 12-hour notification went out, so it goes out once.
          "ALTER TABLE invalidations ADD COLUMN overdue_notified_at BIGINT",
          // Requests signed with an API key have no requesting user; the key is kept instead.
          "ALTER TABLE invalidations ADD COLUMN requested_by_key TEXT",

          // Stored notifications, for one user or for everyone holding a provider role. Mail
          // delivery reads the same rows later.
          "CREATE TABLE notifications ("
          " id {pk},"
          " recipient_user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,"
          " recipient_role TEXT CHECK (recipient_role IN ("
          "  'account_director', 'sales_engineer', 'customer_care_manager',"
          "  'activation_engineer', 'cdn_support_technician', 'billing_coordinator',"
          "  'noc_engineer', 'provider_admin')),"
          " subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),"
          " body TEXT NOT NULL,"
          " entity_type TEXT NOT NULL DEFAULT '',"
          " entity_id TEXT NOT NULL DEFAULT '',"
          " created_at BIGINT NOT NULL,"
          " read_at BIGINT,"
          " CHECK ((recipient_user_id IS NULL AND recipient_role IS NOT NULL)"
          "     OR (recipient_user_id IS NOT NULL AND recipient_role IS NULL)))",
          "CREATE INDEX notifications_user ON notifications(recipient_user_id, id)",
          "CREATE INDEX notifications_role ON notifications(recipient_role, id)",
      }};
}

}  // namespace candela::control
