// candela_billing_bench: a year of monthly billing runs on SQLite (issue 6, docs/billing.md).
//
//   candela_billing_bench DB_PATH [--services 10000] [--customers 1000] [--p95-every 250]
//
// Generates (outside the timing, with bulk SQL) `customers` customers (US by email, US by post,
// outside the US) and `services` active services spread over them, each with one contract item
// in service through 2025 — most CDN delivery billed per GB from day rollups, every
// `p95-every`-th one at the 95th percentile from 5-minute samples, some starting or ending in
// mid-year (proration, NRC on the first invoice) — plus a year of usage. Then times the twelve
// runs of 2025, each in one transaction the way the billing_run job makes it, and prints one line
// per run and the total. DB_PATH must not exist.
#include <soci/soci.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include "common/civil_date.hpp"
#include "control/billing_run.hpp"
#include "control/database.hpp"
#include "control/migrations.hpp"
#include "control/service_items.hpp"
#include "control/usage_charges.hpp"

namespace {

using namespace candela;
using namespace candela::control;
using Steady = std::chrono::steady_clock;

constexpr int kYear = 2025;
constexpr long long kDayMs = 86'400'000;

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "candela_billing_bench: %s\n", message.c_str());
  std::exit(1);
}

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

int int_option(int argc, char** argv, const std::string& name, int fallback) {
  for (int i = 2; i + 1 < argc; ++i) {
    if (argv[i] == name) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

void generate(Database& db, int customers, int services, int p95_every) {
  const long long year_start = to_epoch_ms(start_of_day(CivilDate{kYear, 1, 1}));
  const std::string per_gb =
      usage_plan_to_json(find_product("cdn-delivery")->standard_usage_plan).dump();
  const std::string p95 =
      usage_plan_to_json(find_product("cdn-delivery-p95")->standard_usage_plan).dump();
  auto made = db.with_transaction([&](soci::session& s) -> Result<bool> {
    const std::string count = std::to_string(customers);
    const std::string total = std::to_string(services);
    const std::string numbers =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < ";
    // Organisations and customers share ids 1..customers: one customer per organisation.
    s << "INSERT INTO access_groups (id, parent_id, name, created_at) " + numbers + count +
             ") SELECT i, NULL, 'Bench customer ' || i, 0 FROM n";
    s << "INSERT INTO customers (id, customer_number, name, billing_address_line1, billing_city,"
         " billing_postal_code, billing_region, country, invoice_delivery, invoice_email,"
         " created_at, organisation_id) " +
             numbers + count +
             ") SELECT i, printf('C%07d', i), 'Bench customer ' || i, i || ' Main Street',"
             " 'Springfield', '62701', 'IL', CASE WHEN i % 5 = 0 THEN 'GB' ELSE 'US' END,"
             " CASE WHEN i % 7 = 0 THEN 'post' ELSE 'email' END,"
             " 'billing' || i || '@bench.example', 0, i FROM n";
    s << "INSERT INTO services (id, scid, state, access_group_id, customer_id, created_at,"
         " updated_at) " +
             numbers + total + ") SELECT i, printf('B%08d', i), 'active', 1 + (i % " + count +
             "), 1 + (i % " + count + "), 0, 0 FROM n";
    // One item per service: p95 every p95_every-th, per-GB otherwise; one in ten starts in
    // mid-year (NRC due), one in twenty ends in mid-year.
    const std::string p95_test = "i % " + std::to_string(p95_every) + " = 0";
    s << "INSERT INTO service_items (scid, customer_id, product, description, pricing_basis,"
         " mrc_minor, nrc_minor, usage_plan, term_months, etc_percent, start_date, end_date,"
         " term_start, term_end, nrc_due, order_number, created_at) " +
             numbers + total + ") SELECT printf('B%08d', i), 1 + (i % " + count + "), CASE WHEN " +
             p95_test +
             " THEN 'cdn-delivery-p95' ELSE 'cdn-delivery' END, '', 'icb',"
             " CASE WHEN " +
             p95_test +
             " THEN 250000 ELSE 40000 + (i % 20) * 1000 END,"
             " 100000, CASE WHEN " +
             p95_test +
             " THEN :p95 ELSE :gb END, 12, 100,"
             " CASE WHEN i % 10 = 0 THEN printf('2025-%02d-%02d', 1 + i % 12, 1 + i % 28)"
             " ELSE '2024-12-01' END,"
             " CASE WHEN i % 20 = 5 THEN printf('2025-%02d-%02d', 6 + i % 6, 1 + i % 28)"
             " ELSE NULL END,"
             " CASE WHEN i % 10 = 0 THEN printf('2025-%02d-%02d', 1 + i % 12, 1 + i % 28)"
             " ELSE '2024-12-01' END, '2026-11-30', CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,"
             " printf('ORD-2024-%06d', i), 0 FROM n",
        soci::use(p95), soci::use(per_gb);
    // A year of day rollups: 20 to 1,000 GB a day per service.
    const std::string zeros = ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0";
    s << "INSERT INTO usage_service_day (scid, bucket, requests, bytes, body_bytes, fill_bytes,"
         " hits, misses, stale, revalidated, passes, errors, status_1xx, status_2xx, status_3xx,"
         " status_4xx, status_5xx, http, https, peak_rps)"
         " WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 364),"
         " n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
             total +
             ") SELECT printf('B%08d', i), :start + k * 86400000, 0,"
             " (20 + ((i * 31 + k * 17) % 981)) * 1000000000" +
             zeros + " FROM n, d",
        soci::use(year_start);
    // 5-minute samples of the p95 services: 0 to 800 Mbps.
    s << "INSERT INTO usage_five_minute (scid, bin, bytes)"
         " WITH RECURSIVE b(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM b WHERE k < 105119),"
         " n(i) AS (SELECT " +
             std::to_string(p95_every) + " UNION ALL SELECT i + " + std::to_string(p95_every) +
             " FROM n WHERE i + " + std::to_string(p95_every) + " <= " + total +
             ") SELECT printf('B%08d', i), :start + k * 300000,"
             " ((i * 7919 + k * 104729) % 1000) * 30000000 FROM n, b",
        soci::use(year_start);
    return true;
  });
  if (!made.ok()) fail("generating data: " + made.error());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fail("usage: candela_billing_bench DB_PATH [--services N] [--customers N] [--p95-every N]");
  }
  const std::string path = argv[1];
  const int services = int_option(argc, argv, "--services", 10000);
  const int customers = int_option(argc, argv, "--customers", 1000);
  const int p95_every = int_option(argc, argv, "--p95-every", 250);
  if (std::filesystem::exists(path)) fail(path + " exists; give a new path");
  if (services < 1 || customers < 1 || customers > services || p95_every < 1) {
    fail("need 1 <= customers <= services and p95-every >= 1");
  }

  auto opened = Database::open("sqlite://" + path);
  if (!opened.ok()) fail(opened.error());
  Database& db = **opened;
  ManualClock clock(start_of_day(CivilDate{kYear, 1, 1}));
  auto migrated = Migrator(db, clock).run();
  if (!migrated.ok()) fail("migrating: " + migrated.error());

  const auto generating = Steady::now();
  generate(db, customers, services, p95_every);
  std::printf("generated %d customers, %d services (%d at p95), a year of usage in %.1f s\n",
              customers, services, services / p95_every, seconds_since(generating));
  std::fflush(stdout);

  double total = 0;
  double total_cpu = 0;
  int invoices = 0;
  for (int month = 1; month <= 12; ++month) {
    const BillingMonth period{kYear, month};
    // The job's time: early on the 1st of the next month.
    clock.set(start_of_day(first_day(next_month(period))) + std::chrono::hours(1));
    const auto started = Steady::now();
    const std::clock_t cpu_started = std::clock();
    auto ran = db.with_transaction([&](soci::session& s) {
      return BillingRun(s, clock, InvoiceDeliverySettings{}).run_as_system(period, std::nullopt);
    });
    const double took = seconds_since(started);
    const double cpu = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
    if (!ran.ok()) fail("run " + format_billing_month(period) + ": " + ran.error());
    total += took;
    total_cpu += cpu;
    invoices += ran->invoices_created;
    std::printf("run %s: %d invoices in %.2f s (CPU %.2f s)\n",
                format_billing_month(period).c_str(), ran->invoices_created, took, cpu);
    std::fflush(stdout);
  }
  std::printf("total: 12 runs, %d invoices in %.2f s, CPU %.2f s (target < 60 s)\n", invoices,
              total, total_cpu);
  return 0;
}
