// Migration 2, written once for SQLite and PostgreSQL.
#include "control/services_migration.hpp"

namespace candela::control {

Migration services_migration() {
  return Migration{
      2,
      "configuration and deployment authors, comments and lookups",
      {
          // A version or deployment made with an API key has no user; the key id is kept.
          "ALTER TABLE configurations ADD COLUMN author_key_id TEXT",
          "ALTER TABLE deployments ADD COLUMN requested_by_key TEXT",
          // Why it was deployed (or rolled back), in the requester's words.
          "ALTER TABLE deployments ADD COLUMN comment TEXT NOT NULL DEFAULT ''",
          // 'deploy' or 'rollback': a rollback is an older version deployed again.
          "ALTER TABLE deployments ADD COLUMN action TEXT NOT NULL DEFAULT 'deploy'"
          " CHECK (action IN ('deploy', 'rollback'))",
          // A service's deployments newest first, and the deployment of an acknowledged event.
          "CREATE INDEX deployments_scid ON deployments(scid, feed_sequence)",
          "CREATE INDEX deployments_sequence ON deployments(feed_sequence)",
          "CREATE INDEX services_state ON services(state, scid)",
      }};
}

}  // namespace candela::control
