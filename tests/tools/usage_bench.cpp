// candela_usage_bench: the usage store's two benchmark figures (issue 4, docs/usage.md).
//
//   candela_usage_bench ingest  DB_URL [--edges 4] [--properties 100] [--minutes 30]
//       Rows per second through UsageStore::ingest, posted the way edges post: every edge sends
//       one batch per 10 s holding the running totals of every property's open minute (six
//       revisions per minute; the first inserts, the others replace and adjust the rollups).
//   candela_usage_bench reports DB_URL [--properties 1000] [--days 90] [--runs 7] [--reuse]
//       Generates properties x days of minute rows (one edge) with bulk SQL, builds the hour,
//       day and 5-minute rollups from them with INSERT ... SELECT ... GROUP BY (this bypasses
//       ingest: same tables, same meaning, far faster), then times a 30-day hourly report for one
//       property, one service of 10 properties and the group of all properties (median of runs).
//       --reuse skips generation when the data is already there.
//
// DB_URL: sqlite:///path.db, postgresql://user@host:port/db, or "pg-temp" for a throwaway
// PostgreSQL server (initdb in a temp folder, deleted at exit). The database must be empty or
// made by this tool.
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "control/database.hpp"
#include "control/migrations.hpp"
#include "control/usage_reports.hpp"
#include "control/usage_store.hpp"
#include "control/usage_time.hpp"
#include "support/postgres_cluster.hpp"

namespace {

using namespace candela;
using namespace candela::control;
using Steady = std::chrono::steady_clock;

struct Options {
  std::string mode;
  std::string url;
  int edges = 4;
  int properties = 0;
  int minutes = 30;
  int days = 90;
  int runs = 7;
  bool reuse = false;
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "candela_usage_bench: %s\n", message.c_str());
  std::exit(1);
}

template <typename T>
T check(Result<T> result, const char* what) {
  if (!result.ok()) fail(std::string(what) + ": " + result.error());
  return std::move(result).value();
}

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

std::string scid_of(int service) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "SB%07d", service);
  return buffer;
}

// One organisation holding every bench service (10 properties each); returns the group id.
long long seed(Database& db, int services, const std::vector<std::string>& edges) {
  return check(db.with_transaction([&](soci::session& s) -> Result<long long> {
    long long group = 0;
    s << "SELECT COUNT(*) FROM access_groups WHERE name = 'usage bench'", soci::into(group);
    if (group != 0) {
      s << "SELECT id FROM access_groups WHERE name = 'usage bench'", soci::into(group);
      return group;
    }
    s << "INSERT INTO access_groups (name, created_at) VALUES ('usage bench', 0)";
    s << "SELECT id FROM access_groups WHERE name = 'usage bench'", soci::into(group);
    s << "INSERT INTO customers (customer_number, name, country, created_at,"
         " organisation_id) VALUES ('BENCH', 'Bench', 'GB', 0, :g)",
        soci::use(group);
    long long customer = 0;
    s << "SELECT id FROM customers WHERE customer_number = 'BENCH'", soci::into(customer);
    for (int i = 0; i < services; ++i) {
      const std::string scid = scid_of(i);
      s << "INSERT INTO services (scid, state, access_group_id, customer_id,"
           " created_at, updated_at) VALUES (:s, 'active', :g, :c, 0, 0)",
          soci::use(scid), soci::use(group), soci::use(customer);
    }
    for (const std::string& edge : edges) {
      s << "INSERT INTO edges (edge_id, cache_group, address, role,"
           " node_token_hash, registered_at) VALUES (:e, 'bench', '127.0.0.1:1',"
           " 'edge', :h, 0)",
          soci::use(edge), soci::use(edge);
    }
    return group;
  }),
               "seeding");
}

void run_ingest(Database& db, const Options& options) {
  const int properties = options.properties > 0 ? options.properties : 100;
  std::vector<std::string> edges;
  for (int e = 0; e < options.edges; ++e)
    edges.push_back("bench-edge-" + std::to_string(e));
  seed(db, (properties + 9) / 10, edges);
  const long long now = to_epoch_ms(SystemClock::instance().now());
  const long long first_minute = bucket_start(now, kMinuteMs) - options.minutes * kMinuteMs;
  long long rows = 0;
  long long batches = 0;
  const auto start = Steady::now();
  for (int m = 0; m < options.minutes; ++m) {
    const long long minute = first_minute + m * kMinuteMs;
    for (int post = 1; post <= 6; ++post) {
      for (int e = 0; e < options.edges; ++e) {
        UsageBatch batch;
        batch.batch = ++batches;
        batch.complete_until = minute;
        for (int p = 0; p < properties; ++p) {
          UsageRow row;
          row.property_id = scid_of(p / 10) + ".p" + std::to_string(p % 10);
          row.minute = minute;
          row.revision = post;
          const long long requests = post * (10 + (p + e) % 7);
          row.counters[kRequests] = requests;
          row.counters[kBytes] = requests * 20'000;
          row.counters[kBodyBytes] = requests * 19'500;
          row.counters[kHits] = requests * 9 / 10;
          row.counters[kMisses] = requests - requests * 9 / 10;
          row.counters[kPeakRps] = 1 + post;
          batch.rows.push_back(std::move(row));
        }
        check(db.with_transaction([&](soci::session& s) {
          return UsageStore(s, SystemClock::instance()).ingest(edges[e], batch);
        }),
              "ingest");
        rows += static_cast<long long>(batch.rows.size());
      }
    }
  }
  const double elapsed = seconds_since(start);
  std::printf(
      "ingest %s: %lld rows in %lld batches (%d edges x %d properties, %d minutes x 6 "
      "revisions) in %.2f s = %.0f rows/s\n",
      dialect_name(db.dialect()), rows, batches, options.edges, properties, options.minutes,
      elapsed, static_cast<double>(rows) / elapsed);
}

// Deterministic, varied counters from the minute number x and the property number p.
const char* kRequestsExpr = "(50 + ((x * 7919 + p * 104729) % 1000))";

std::string minute_values(Dialect dialect) {
  (void)dialect;
  const std::string r = kRequestsExpr;
  return "'bench-edge-0', scid, 'p' || CAST(p % 10 AS TEXT), x * 60000, 1, " + r + ", " + r +
         " * 20000, " + r + " * 19500, " + r + " * 2000, " + r + " * 9 / 10, " + r + " - " + r +
         " * 9 / 10, 0, 0, 0, " + r + " % 3, 0, " + r + " - " + r + " % 7, 0, " + r +
         " % 7, 0, 0, " + r + ", 1 + " + r + " / 40";
}

void generate(Database& db, const Options& options, long long from) {
  const int properties = options.properties > 0 ? options.properties : 1000;
  const long long first = from / kMinuteMs;
  const long long last = first + options.days * (kDayMs / kMinuteMs) - 1;
  const bool postgres = db.dialect() == Dialect::kPostgresql;
  const auto start = Steady::now();
  check(db.with_session([&](soci::session& s) -> Result<bool> {
    // Secondary indexes are built once at the end: much faster than row by row.
    s << "DROP INDEX usage_minute_report";
    s << "DROP INDEX usage_minute_age";
    return true;
  }),
        "dropping indexes");
  for (int p = 0; p < properties; ++p) {
    const std::string scid = scid_of(p / 10);
    const std::string series = postgres ? "generate_series(CAST(" + std::to_string(first) +
                                              " AS BIGINT), CAST(" + std::to_string(last) +
                                              " AS BIGINT)) AS g(x)"
                                        : "m";
    const std::string with = postgres ? ""
                                      : "WITH RECURSIVE m(x) AS (SELECT " + std::to_string(first) +
                                            " UNION ALL SELECT x + 1 FROM m WHERE x < " +
                                            std::to_string(last) + ") ";
    const std::string sql =
        "INSERT INTO usage_minute (edge_id, scid, property, minute, revision, " +
        usage_column_list() + ") " + with + "SELECT " + minute_values(db.dialect()) +
        " FROM (SELECT '" + scid + "' AS scid, " + std::to_string(p) + " AS p) AS k, " + series;
    check(db.with_transaction([&](soci::session& s) -> Result<bool> {
      s << sql;
      return true;
    }),
          "generating minute rows");
    if ((p + 1) % 50 == 0) {
      std::printf("  %d/%d properties of minute rows (%.0f s)\n", p + 1, properties,
                  seconds_since(start));
      std::fflush(stdout);
    }
  }
  const std::string sums = usage_column_list("SUM(", ")");
  // One edge: the cross-edge sum of a minute is that edge's peak, so MAX(peak_rps) is exact.
  std::string rollup_columns = sums;
  rollup_columns.replace(rollup_columns.rfind("SUM(peak_rps)"), 13, "MAX(peak_rps)");
  const std::string service_sums = "scid, bucket, " + sums + " FROM ";
  const std::vector<std::string> steps = {
      "CREATE INDEX usage_minute_report ON usage_minute(scid, property, minute)",
      "CREATE INDEX usage_minute_age ON usage_minute(minute)",
      "INSERT INTO usage_hour (scid, property, bucket, " + usage_column_list() +
          ") SELECT scid, property, minute - minute % 3600000, " + rollup_columns +
          " FROM usage_minute GROUP BY scid, property, minute - minute % 3600000",
      "INSERT INTO usage_day (scid, property, bucket, " + usage_column_list() +
          ") SELECT scid, property, bucket - bucket % 86400000, " + rollup_columns +
          " FROM usage_hour GROUP BY scid, property, bucket - bucket % 86400000",
      // Service rollups: sums over properties, peaks included (as ingestion keeps them).
      "INSERT INTO usage_service_hour (scid, bucket, " + usage_column_list() + ") SELECT " +
          service_sums + "usage_hour GROUP BY scid, bucket",
      "INSERT INTO usage_service_day (scid, bucket, " + usage_column_list() + ") SELECT " +
          service_sums + "usage_day GROUP BY scid, bucket",
      "INSERT INTO usage_five_minute (scid, bin, bytes) SELECT scid, minute - minute % 300000,"
      " SUM(bytes) FROM usage_minute GROUP BY scid, minute - minute % 300000",
  };
  for (std::size_t i = 0; i < steps.size(); ++i) {
    check(db.with_transaction([&](soci::session& s) -> Result<bool> {
      s << steps[i];
      return true;
    }),
          "building indexes and rollups");
    std::printf("  step %zu/%zu done (%.0f s)\n", i + 1, steps.size(), seconds_since(start));
    std::fflush(stdout);
  }
  check(db.with_session([&](soci::session& s) -> Result<bool> {
    s << (postgres ? "VACUUM ANALYZE" : "ANALYZE");
    return true;
  }),
        "analyzing");
  std::printf("generated %d properties x %d days = %lld minute rows in %.0f s\n", properties,
              options.days,
              static_cast<long long>(properties) * options.days * (kDayMs / kMinuteMs),
              seconds_since(start));
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void run_reports(Database& db, const Options& options) {
  const int properties = options.properties > 0 ? options.properties : 1000;
  const long long group = seed(db, (properties + 9) / 10, {"bench-edge-0"});
  // Data ends at today's UTC midnight; the report is the last 30 days of it.
  const long long end = bucket_start(to_epoch_ms(SystemClock::instance().now()), kDayMs);
  const long long from = end - options.days * kDayMs;
  long long existing = 0;
  check(db.with_session([&](soci::session& s) -> Result<bool> {
    s << "SELECT COUNT(*) FROM usage_hour", soci::into(existing);
    return true;
  }),
        "counting");
  if (existing != 0 && !options.reuse) fail("the database already holds usage; use --reuse");
  if (existing == 0) generate(db, options, from);
  Principal viewer;
  viewer.name = "bench viewer";
  viewer.grants.push_back({Role::kReadOnly, group});
  struct Case {
    const char* name;
    UsageScope scope;
  };
  const Case cases[] = {
      {"one property", {UsageScope::Kind::kProperty, scid_of(0), "p0", 0}},
      {"one service (10 properties)", {UsageScope::Kind::kService, scid_of(0), "", 0}},
      {"group of all properties", {UsageScope::Kind::kGroup, "", "", group}},
  };
  for (const Case& c : cases) {
    std::vector<double> times;
    long long requests = 0;
    for (int run = 0; run < options.runs; ++run) {
      const auto start = Steady::now();
      auto report = check(db.with_session([&](soci::session& s) {
        return UsageReports(s, SystemClock::instance())
            .report(viewer, UsageQuery{c.scope, end - 30 * kDayMs, end, UsageGranularity::kHour});
      }),
                          "report");
      times.push_back(seconds_since(start) * 1000.0);
      requests = report.totals[kRequests];
      if (report.series.size() != 720) fail("a 30-day hourly report must have 720 buckets");
    }
    std::printf(
        "report %s, 30 days hourly, %s: median %.1f ms (min %.1f, max %.1f, %d runs; "
        "%lld requests)\n",
        dialect_name(db.dialect()), c.name, median(times),
        *std::min_element(times.begin(), times.end()),
        *std::max_element(times.begin(), times.end()), options.runs, requests);
  }
}

Options parse(int argc, char** argv) {
  if (argc < 3) {
    fail(
        "usage: candela_usage_bench ingest|reports DB_URL [--edges N] [--properties N] "
        "[--minutes N] [--days N] [--runs N] [--reuse]");
  }
  Options options;
  options.mode = argv[1];
  options.url = argv[2];
  if (options.mode != "ingest" && options.mode != "reports") fail("mode must be ingest or reports");
  for (int i = 3; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--reuse") {
      options.reuse = true;
      continue;
    }
    if (i + 1 >= argc) fail(flag + " needs a value");
    const int value = std::atoi(argv[++i]);
    if (value < 1) fail(flag + " must be 1 or more");
    if (flag == "--edges") {
      options.edges = value;
    } else if (flag == "--properties") {
      options.properties = value;
    } else if (flag == "--minutes") {
      options.minutes = value;
    } else if (flag == "--days") {
      options.days = value;
    } else if (flag == "--runs") {
      options.runs = value;
    } else {
      fail("unknown option " + flag);
    }
  }
  if (options.mode == "reports" && options.days < 30) fail("--days must be 30 or more");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  std::unique_ptr<candela::testing::PostgresCluster> cluster;
  std::string url = options.url;
  try {
    if (url == "pg-temp") {
      cluster = std::make_unique<candela::testing::PostgresCluster>();
      url = cluster->create_database("usage_bench");
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
  auto db = check(Database::open(url), "opening the database");
  check(Migrator(*db, SystemClock::instance()).run(), "migrating");
  if (options.mode == "ingest") {
    run_ingest(*db, options);
  } else {
    run_reports(*db, options);
  }
  return 0;
}
