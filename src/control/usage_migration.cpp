// Migration 5, written once for SQLite and PostgreSQL. Minutes and buckets are BIGINT epoch ms of
// the bucket's start (UTC); counters are BIGINT and never negative.
#include "control/usage_migration.hpp"

#include <string>

#include "control/usage_counters.hpp"

namespace candela::control {
namespace {

#define USAGE_COUNTERS                                     \
  " requests BIGINT NOT NULL CHECK (requests >= 0),"       \
  " bytes BIGINT NOT NULL CHECK (bytes >= 0),"             \
  " body_bytes BIGINT NOT NULL CHECK (body_bytes >= 0),"   \
  " fill_bytes BIGINT NOT NULL CHECK (fill_bytes >= 0),"   \
  " hits BIGINT NOT NULL CHECK (hits >= 0),"               \
  " misses BIGINT NOT NULL CHECK (misses >= 0),"           \
  " stale BIGINT NOT NULL CHECK (stale >= 0),"             \
  " revalidated BIGINT NOT NULL CHECK (revalidated >= 0)," \
  " passes BIGINT NOT NULL CHECK (passes >= 0),"           \
  " errors BIGINT NOT NULL CHECK (errors >= 0),"           \
  " status_1xx BIGINT NOT NULL CHECK (status_1xx >= 0),"   \
  " status_2xx BIGINT NOT NULL CHECK (status_2xx >= 0),"   \
  " status_3xx BIGINT NOT NULL CHECK (status_3xx >= 0),"   \
  " status_4xx BIGINT NOT NULL CHECK (status_4xx >= 0),"   \
  " status_5xx BIGINT NOT NULL CHECK (status_5xx >= 0),"   \
  " http BIGINT NOT NULL CHECK (http >= 0),"               \
  " https BIGINT NOT NULL CHECK (https >= 0),"             \
  " peak_rps BIGINT NOT NULL CHECK (peak_rps >= 0),"

}  // namespace

Migration usage_migration() {
  return Migration{
      5,
      "usage minutes, hour and day rollups, bandwidth samples and edge usage progress",
      {
          // One edge's cumulative counters of one property and minute; replaced only by a
          // higher revision. No foreign keys: rows outlive retired edges, and ingestion checks
          // the SCID itself (unknown SCIDs are skipped, not stored).
          "CREATE TABLE usage_minute ("
          " edge_id TEXT NOT NULL,"
          " scid CHAR(9) NOT NULL,"
          " property TEXT NOT NULL CHECK (length(property) BETWEEN 1 AND 200),"
          " minute BIGINT NOT NULL CHECK (minute % 60000 = 0),"
          " revision BIGINT NOT NULL CHECK (revision >= 0)," USAGE_COUNTERS
          " PRIMARY KEY (edge_id, scid, property, minute))",
          // Reports and the cross-edge peak read one property's minutes in time order.
          "CREATE INDEX usage_minute_report ON usage_minute(scid, property, minute)",
          // Retention deletes the oldest minutes of every property at once.
          "CREATE INDEX usage_minute_age ON usage_minute(minute)",

          // Rollups over all edges; peak_rps = max over the bucket's minutes of the cross-edge
          // sum of peak_rps. Kept when minute rows expire.
          "CREATE TABLE usage_hour ("
          " scid CHAR(9) NOT NULL,"
          " property TEXT NOT NULL,"
          " bucket BIGINT NOT NULL CHECK (bucket % 3600000 = 0)," USAGE_COUNTERS
          " PRIMARY KEY (scid, property, bucket))",
          "CREATE TABLE usage_day ("
          " scid CHAR(9) NOT NULL,"
          " property TEXT NOT NULL,"
          " bucket BIGINT NOT NULL CHECK (bucket % 86400000 = 0)," USAGE_COUNTERS
          " PRIMARY KEY (scid, property, bucket))",

          // Bytes per service and 5-minute bin (all properties, all edges): the samples of the
          // 95th-percentile bandwidth of a service or a group without reading minute rows.
          "CREATE TABLE usage_five_minute ("
          " scid CHAR(9) NOT NULL,"
          " bin BIGINT NOT NULL CHECK (bin % 300000 = 0),"
          " bytes BIGINT NOT NULL CHECK (bytes >= 0),"
          " PRIMARY KEY (scid, bin))",

          // Per edge: every minute ending at or before complete_until is final on that edge.
          "CREATE TABLE usage_edge_progress ("
          " edge_id TEXT PRIMARY KEY,"
          " complete_until BIGINT NOT NULL,"
          " last_batch BIGINT NOT NULL CHECK (last_batch >= 0),"
          " updated_at BIGINT NOT NULL)",
      }};
}

Migration usage_service_rollup_migration() {
  // Additive columns summed; peak_rps summed too: a service's peak is the sum of its
  // properties' peaks (docs/usage.md, "Peak requests per second and its bound").
  const std::string columns = usage_column_list();
  const std::string sums = usage_column_list("SUM(", ")");
  std::string counters;
  for (auto field : kUsageFields) {
    const std::string name(field);
    counters += name + " BIGINT NOT NULL CHECK (" + name + " >= 0), ";
  }
  return Migration{
      7,
      "usage hour and day rollups per service, for service and access-group reports",
      {
          "CREATE TABLE usage_service_hour (scid CHAR(9) NOT NULL,"
          " bucket BIGINT NOT NULL CHECK (bucket % 3600000 = 0), " +
              counters + "PRIMARY KEY (scid, bucket))",
          "CREATE TABLE usage_service_day (scid CHAR(9) NOT NULL,"
          " bucket BIGINT NOT NULL CHECK (bucket % 86400000 = 0), " +
              counters + "PRIMARY KEY (scid, bucket))",
          "INSERT INTO usage_service_hour (scid, bucket, " + columns + ") SELECT scid, bucket, " +
              sums + " FROM usage_hour GROUP BY scid, bucket",
          "INSERT INTO usage_service_day (scid, bucket, " + columns + ") SELECT scid, bucket, " +
              sums + " FROM usage_day GROUP BY scid, bucket",
      }};
}

#undef USAGE_COUNTERS

}  // namespace candela::control
