// Migration 14. Widening a CHECK constraint is one statement on PostgreSQL; SQLite cannot alter
// a constraint, so the stored table definition is edited in place, the documented procedure for
// changes that leave existing rows valid (https://sqlite.org/lang_altertable.html, "otheralter").
#include "control/feed_kind_migration.hpp"

#include <soci/soci.h>

namespace candela::control {

namespace {

constexpr const char* kOldKinds = "'deployment', 'invalidation')";
constexpr const char* kNewKinds = "'deployment', 'invalidation', 'service_state')";

void widen_on_sqlite(soci::session& session) {
  int schema_version = 0;
  session << "PRAGMA schema_version", soci::into(schema_version);
  session << "PRAGMA writable_schema = ON";
  // soci::use keeps a reference until the statement runs at the end of the full expression:
  // the strings must outlive it (temporaries would be destroyed first).
  const std::string old_kinds(kOldKinds);
  const std::string new_kinds(kNewKinds);
  session << "UPDATE sqlite_schema SET sql = replace(sql, :old_kinds, :new_kinds)"
             " WHERE type = 'table' AND name = 'feed_events'",
      soci::use(old_kinds), soci::use(new_kinds);
  // Other connections reload the schema when its version changes.
  session << "PRAGMA schema_version = " + std::to_string(schema_version + 1);
  // RESET (rather than OFF) also makes this connection parse the edited schema again.
  session << "PRAGMA writable_schema = RESET";
}

void widen_on_postgresql(soci::session& session) {
  session << "ALTER TABLE feed_events DROP CONSTRAINT feed_events_kind_check";
  session << "ALTER TABLE feed_events ADD CONSTRAINT feed_events_kind_check"
             " CHECK (kind IN ('deployment', 'invalidation', 'service_state'))";
}

}  // namespace

Migration feed_kind_migration() {
  return Migration{
      14, "service state events in the feed", {}, widen_on_sqlite, widen_on_postgresql};
}

}  // namespace candela::control
