// Migrator and the schema's migrations: written once for SQLite and PostgreSQL, applied at start.
#include "control/migrations.hpp"

#include <soci/soci.h>

#include <map>
#include <utility>

#include "control/billing_migration.hpp"
#include "control/billing_request_migration.hpp"
#include "control/contract_migration.hpp"
#include "control/feed_kind_migration.hpp"
#include "control/feed_migration.hpp"
#include "control/identity_migration.hpp"
#include "control/log_migration.hpp"
#include "control/maintenance_migration.hpp"
#include "control/network_migration.hpp"
#include "control/noc_migration.hpp"
#include "control/notification_migration.hpp"
#include "control/order_migration.hpp"
#include "control/payment_migration.hpp"
#include "control/reference_migration.hpp"
#include "control/services_migration.hpp"
#include "control/support_migration.hpp"
#include "control/ticket_migration.hpp"
#include "control/usage_migration.hpp"

namespace candela::control {
namespace {

// Any constant works; it only has to be the same in every portal sharing a PostgreSQL database.
constexpr long long kMigrationLockKey = 0x43616e64656c61;  // "Candela"

// Enumerations live in CHECK constraints so bad data cannot be stored by any code path.
#define CUSTOMER_ROLES "'admin', 'technical', 'billing', 'read_only'"
#define PROVIDER_ROLES                                                                     \
  "'account_director', 'sales_engineer', 'customer_care_manager', 'activation_engineer', " \
  "'cdn_support_technician', 'billing_coordinator', 'noc_engineer', 'provider_admin'"
#define ACCOUNT_TEAM_ROLES                                                                 \
  "'account_director', 'sales_engineer', 'customer_care_manager', 'activation_engineer', " \
  "'cdn_support_technician', 'billing_coordinator'"

// Times: BIGINT milliseconds since the Unix epoch, UTC. Flags: INTEGER 0/1 (SQLite has no
// boolean type). JSON: TEXT. Money (later migrations): BIGINT minor units, never floating point.
Migration initial_schema() {
  return Migration{
      1,
      "tenancy, services, configurations, feed, authentication and audit",
      {
          "CREATE TABLE access_groups ("
          " id {pk},"
          " parent_id BIGINT REFERENCES access_groups(id) ON DELETE RESTRICT,"
          " name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
          " customer_visible INTEGER NOT NULL DEFAULT 1 CHECK (customer_visible IN (0, 1)),"
          " created_at BIGINT NOT NULL)",
          "CREATE INDEX access_groups_parent ON access_groups(parent_id)",

          "CREATE TABLE customers ("
          " id {pk},"
          " customer_number TEXT NOT NULL UNIQUE,"
          " name TEXT NOT NULL CHECK (length(name) >= 1),"
          " billing_address_line1 TEXT NOT NULL DEFAULT '',"
          " billing_address_line2 TEXT NOT NULL DEFAULT '',"
          " billing_city TEXT NOT NULL DEFAULT '',"
          " billing_postal_code TEXT NOT NULL DEFAULT '',"
          " billing_region TEXT NOT NULL DEFAULT '',"
          " country TEXT NOT NULL CHECK (length(country) = 2 AND country = upper(country)),"
          " invoice_delivery TEXT NOT NULL DEFAULT 'email'"
          "  CHECK (invoice_delivery IN ('email', 'post', 'portal')),"
          " invoice_email TEXT,"
          " created_at BIGINT NOT NULL)",

          "CREATE TABLE users ("
          " id {pk},"
          " name TEXT NOT NULL CHECK (length(name) >= 1),"
          " email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),"
          " phone_office TEXT NOT NULL DEFAULT '',"
          " phone_mobile TEXT NOT NULL DEFAULT '',"
          " after_hours_contact TEXT NOT NULL DEFAULT '',"
          " language TEXT NOT NULL DEFAULT 'en',"
          " password_hash TEXT,"
          " failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),"
          " locked_until BIGINT,"
          " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
          " created_at BIGINT NOT NULL)",

          // Customer roles are scoped to an access group (and reach its descendants); provider
          // roles are not scoped to one.
          "CREATE TABLE user_roles ("
          " id {pk},"
          " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
          " role TEXT NOT NULL CHECK (role IN (" CUSTOMER_ROLES ", " PROVIDER_ROLES ")),"
          " access_group_id BIGINT REFERENCES access_groups(id) ON DELETE CASCADE,"
          " CHECK ((role IN (" CUSTOMER_ROLES ") AND access_group_id IS NOT NULL)"
          "     OR (role IN (" PROVIDER_ROLES ") AND access_group_id IS NULL)))",
          "CREATE UNIQUE INDEX user_roles_scoped ON user_roles(user_id, role, access_group_id)"
          " WHERE access_group_id IS NOT NULL",
          "CREATE UNIQUE INDEX user_roles_provider ON user_roles(user_id, role)"
          " WHERE access_group_id IS NULL",
          "CREATE INDEX user_roles_group ON user_roles(access_group_id)",

          "CREATE TABLE account_team ("
          " customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
          " role TEXT NOT NULL CHECK (role IN (" ACCOUNT_TEAM_ROLES ")),"
          " user_id BIGINT NOT NULL REFERENCES users(id),"
          " PRIMARY KEY (customer_id, role))",
          "CREATE INDEX account_team_user ON account_team(user_id)",

          "CREATE TABLE services ("
          " id {pk},"
          " scid CHAR(9) NOT NULL UNIQUE CHECK (length(scid) = 9),"
          " state TEXT NOT NULL DEFAULT 'pending'"
          "  CHECK (state IN ('pending', 'active', 'suspended', 'disconnected')),"
          " access_group_id BIGINT NOT NULL REFERENCES access_groups(id),"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " created_at BIGINT NOT NULL,"
          " updated_at BIGINT NOT NULL)",
          "CREATE INDEX services_group ON services(access_group_id)",
          "CREATE INDEX services_customer ON services(customer_id)",

          // A stored version is immutable: the code only ever inserts rows here.
          "CREATE TABLE configurations ("
          " id {pk},"
          " scid CHAR(9) NOT NULL REFERENCES services(scid),"
          " version INTEGER NOT NULL CHECK (version >= 1),"
          " document TEXT NOT NULL,"
          " author_user_id BIGINT REFERENCES users(id),"
          " created_at BIGINT NOT NULL,"
          " comment TEXT NOT NULL DEFAULT '',"
          " UNIQUE (scid, version))",

          // The ordered feed every edge long-polls (after=sequence).
          "CREATE TABLE feed_events ("
          " sequence {pk},"
          " kind TEXT NOT NULL CHECK (kind IN ('deployment', 'invalidation')),"
          " payload TEXT NOT NULL,"
          " created_at BIGINT NOT NULL)",

          "CREATE TABLE deployments ("
          " id {pk},"
          " scid CHAR(9) NOT NULL,"
          " version INTEGER NOT NULL,"
          " environment TEXT NOT NULL CHECK (environment IN ('staging', 'production')),"
          " requested_by BIGINT REFERENCES users(id),"
          " requested_at BIGINT NOT NULL,"
          " feed_sequence BIGINT REFERENCES feed_events(sequence),"
          " FOREIGN KEY (scid, version) REFERENCES configurations(scid, version))",
          "CREATE INDEX deployments_current ON deployments(scid, environment, requested_at)",

          "CREATE TABLE edges ("
          " edge_id TEXT PRIMARY KEY,"
          " cache_group TEXT NOT NULL,"
          " address TEXT NOT NULL,"
          " role TEXT NOT NULL CHECK (role IN ('edge', 'shield')),"
          " node_token_hash TEXT NOT NULL,"
          " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
          " registered_at BIGINT NOT NULL,"
          " last_seen BIGINT)",

          "CREATE TABLE event_acks ("
          " sequence BIGINT NOT NULL REFERENCES feed_events(sequence) ON DELETE CASCADE,"
          " edge_id TEXT NOT NULL REFERENCES edges(edge_id) ON DELETE CASCADE,"
          " applied_at BIGINT NOT NULL,"
          " PRIMARY KEY (sequence, edge_id))",
          "CREATE INDEX event_acks_edge ON event_acks(edge_id)",

          "CREATE TABLE invalidations ("
          " id {pk},"
          " scid CHAR(9) NOT NULL REFERENCES services(scid),"
          " kind TEXT NOT NULL CHECK (kind IN ('url', 'pattern', 'tag')),"
          " mode TEXT NOT NULL CHECK (mode IN ('hard', 'soft')),"
          " target_values TEXT NOT NULL,"
          " requested_by BIGINT REFERENCES users(id),"
          " requested_at BIGINT NOT NULL,"
          " completed_at BIGINT,"
          " feed_sequence BIGINT REFERENCES feed_events(sequence))",
          "CREATE INDEX invalidations_scid ON invalidations(scid, requested_at)",
          // The 12-hour overdue check only looks at open requests.
          "CREATE INDEX invalidations_open ON invalidations(requested_at)"
          " WHERE completed_at IS NULL",

          "CREATE TABLE api_keys ("
          " id {pk},"
          " key_id TEXT NOT NULL UNIQUE,"
          " access_group_id BIGINT NOT NULL REFERENCES access_groups(id) ON DELETE CASCADE,"
          " role TEXT NOT NULL CHECK (role IN (" CUSTOMER_ROLES ")),"
          " secret_hash TEXT NOT NULL,"
          " created_by BIGINT REFERENCES users(id),"
          " created_at BIGINT NOT NULL,"
          " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)))",
          "CREATE INDEX api_keys_group ON api_keys(access_group_id)",

          "CREATE TABLE sessions ("
          " token_hash TEXT PRIMARY KEY,"
          " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
          " csrf_token TEXT NOT NULL,"
          " created_at BIGINT NOT NULL,"
          " expires_at BIGINT NOT NULL,"
          " mimic_of BIGINT REFERENCES users(id) ON DELETE CASCADE)",
          "CREATE INDEX sessions_user ON sessions(user_id)",
          "CREATE INDEX sessions_expiry ON sessions(expires_at)",

          // Audit rows outlive what they describe, so entity references are plain text, and
          // users referenced here are disabled rather than deleted.
          "CREATE TABLE audit_log ("
          " id {pk},"
          " at BIGINT NOT NULL,"
          " actor_user_id BIGINT REFERENCES users(id),"
          " actor_key_id TEXT,"
          " mimicked_by BIGINT REFERENCES users(id),"
          " entity_type TEXT NOT NULL CHECK (length(entity_type) >= 1),"
          " entity_id TEXT NOT NULL CHECK (length(entity_id) >= 1),"
          " action TEXT NOT NULL CHECK (length(action) >= 1),"
          " from_state TEXT,"
          " to_state TEXT,"
          " reason TEXT NOT NULL DEFAULT '',"
          " details TEXT NOT NULL DEFAULT '{}')",
          "CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id, id)",
          "CREATE INDEX audit_log_actor ON audit_log(actor_user_id, id)",
      }};
}

#undef CUSTOMER_ROLES
#undef PROVIDER_ROLES
#undef ACCOUNT_TEAM_ROLES

std::string for_dialect(std::string sql, Dialect dialect) {
  // AUTOINCREMENT: SQLite would otherwise reuse the highest id after a delete, and ids (feed
  // sequences above all) must never be reused.
  const std::string pk = dialect == Dialect::kSqlite
                             ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                             : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  for (auto pos = sql.find("{pk}"); pos != std::string::npos; pos = sql.find("{pk}", pos)) {
    sql.replace(pos, 4, pk);
    pos += pk.size();
  }
  return sql;
}

std::map<int, std::string> applied_migrations(soci::session& session) {
  std::map<int, std::string> applied;
  int version = 0;
  std::string name;
  soci::statement st =
      (session.prepare << "SELECT version, name FROM schema_migrations ORDER BY version",
       soci::into(version), soci::into(name));
  st.execute();
  while (st.fetch())
    applied.emplace(version, name);
  return applied;
}

const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

}  // namespace

const std::vector<Migration>& builtin_migrations() {
  static const std::vector<Migration> migrations = {initial_schema(),
                                                    services_migration(),
                                                    identity_migration(),
                                                    edge_feed_migration(),
                                                    usage_migration(),
                                                    log_migration(),
                                                    usage_service_rollup_migration(),
                                                    reference_migration(),
                                                    notification_migration(),
                                                    support_migration(),
                                                    ticket_migration(),
                                                    noc_migration(),
                                                    maintenance_migration(),
                                                    feed_kind_migration(),
                                                    contract_migration(),
                                                    order_migration(),
                                                    billing_migration(),
                                                    payment_migration(),
                                                    billing_request_migration(),
                                                    network_migration()};
  return migrations;
}

Migrator::Migrator(Database& database, const Clock& clock, std::vector<Migration> migrations)
    : database_(database), clock_(clock), migrations_(std::move(migrations)) {}

int Migrator::latest_version() const {
  return migrations_.empty() ? 0 : migrations_.back().version;
}

Result<int> Migrator::current_version() {
  return database_.with_session([&](soci::session& session) -> Result<int> {
    session << kCreateMigrationsTable;
    const auto applied = applied_migrations(session);
    return applied.empty() ? 0 : applied.rbegin()->first;
  });
}

Result<MigrationReport> Migrator::run() {
  for (std::size_t i = 0; i < migrations_.size(); ++i) {
    if (migrations_[i].version != static_cast<int>(i) + 1) {
      return Error{"migration list is broken: entry " + std::to_string(i + 1) + " has version " +
                   std::to_string(migrations_[i].version)};
    }
  }
  return database_.with_session([&](soci::session& session) -> Result<MigrationReport> {
    const bool postgres = database_.dialect() == Dialect::kPostgresql;
    // Several portals may start at once on one PostgreSQL database: one migrates, the others
    // wait and then find nothing left to do. On SQLite, BEGIN IMMEDIATE serialises them.
    if (postgres) {
      int locked = 0;
      session << "SELECT 1 FROM (SELECT pg_advisory_lock(:key)) AS l", soci::use(kMigrationLockKey),
          soci::into(locked);
    }
    struct Unlock {
      soci::session& session;
      bool postgres;
      ~Unlock() {
        if (!postgres) return;
        try {
          int unlocked = 0;
          session << "SELECT 1 FROM (SELECT pg_advisory_unlock(:key)) AS u",
              soci::use(kMigrationLockKey), soci::into(unlocked);
        } catch (const soci::soci_error&) {
          // The lock dies with the session anyway.
        }
      }
    } unlock{session, postgres};

    session << kCreateMigrationsTable;
    const auto applied = applied_migrations(session);
    MigrationReport report;
    report.from_version = applied.empty() ? 0 : applied.rbegin()->first;
    if (report.from_version > latest_version()) {
      return Error{"the database " + database_.display_url() + " has schema version " +
                   std::to_string(report.from_version) + " but this build of candela knows only " +
                   "up to version " + std::to_string(latest_version()) +
                   "; run a newer candela (downgrading the schema is not supported)"};
    }
    for (const auto& [version, name] : applied) {
      const Migration& known = migrations_[static_cast<std::size_t>(version) - 1];
      if (known.name != name) {
        return Error{"the database " + database_.display_url() + " recorded migration " +
                     std::to_string(version) + " as '" + name + "' but this build calls it '" +
                     known.name + "'; the database was made by an incompatible build"};
      }
    }
    for (const Migration& migration : migrations_) {
      if (applied.count(migration.version) != 0) continue;
      // True when this run applied it; false when another portal did so since `applied` was read.
      Result<bool> done = database_.transaction_on(session, [&](soci::session& s) -> Result<bool> {
        int already = 0;
        s << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v",
            soci::use(migration.version), soci::into(already);
        if (already != 0) return false;
        for (const std::string& statement : migration.statements) {
          s << for_dialect(statement, database_.dialect());
        }
        const auto& dialect_steps = postgres ? migration.postgresql_steps : migration.sqlite_steps;
        if (dialect_steps) dialect_steps(s);
        const long long now = to_epoch_ms(clock_.now());
        s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
            soci::use(migration.version), soci::use(migration.name), soci::use(now);
        return true;
      });
      if (!done.ok()) {
        return Error{"migration " + std::to_string(migration.version) + " (" + migration.name +
                     ") failed and was rolled back: " + done.error()};
      }
      if (*done) report.applied.push_back(migration.version);
    }
    report.to_version = latest_version();
    return report;
  });
}

}  // namespace candela::control
