// Migrator: applies the schema from empty, is idempotent, refuses newer schemas, enforces the
// schema.
#include "control/migrations.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <thread>

#include "store_test.hpp"

namespace candela::control {
namespace {

const SysTime kStart = kStoreTestStart;

class MigrationsTest : public StoreTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/false)); }

  // Runs one statement in its own transaction; returns the error text, empty on success.
  std::string execute(const std::string& sql) {
    Status status = db_->with_transaction([&](soci::session& s) -> Status {
      s << sql;
      return ok_status();
    });
    return status.ok() ? "" : status.error();
  }

  long long count(const std::string& sql) {
    auto n = db_->with_session([&](soci::session& s) -> Result<long long> {
      long long value = -1;
      s << sql, soci::into(value);
      return value;
    });
    EXPECT_TRUE(n.ok()) << n.error();
    return n.ok() ? n.value() : -1;
  }
};

TEST_P(MigrationsTest, AppliesEveryMigrationToAnEmptyDatabase) {
  Migrator migrator(*db_, clock_);
  auto report = migrator.run();
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->from_version, 0);
  EXPECT_EQ(report->to_version, migrator.latest_version());
  EXPECT_EQ(report->applied.size(), builtin_migrations().size());
  for (const char* table : {"access_groups", "customers", "users", "user_roles", "account_team",
                            "services", "configurations", "deployments", "edges", "feed_events",
                            "event_acks", "invalidations", "api_keys", "sessions", "audit_log"}) {
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(count("SELECT applied_at FROM schema_migrations WHERE version = 1"),
            to_epoch_ms(kStart));
}

TEST_P(MigrationsTest, RunningTwiceAppliesNothingNew) {
  Migrator migrator(*db_, clock_);
  ASSERT_TRUE(migrator.run().ok());
  clock_.advance(std::chrono::hours(1));
  auto again = migrator.run();
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->from_version, migrator.latest_version());
  EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<long long>(builtin_migrations().size()));
  EXPECT_EQ(count("SELECT MAX(applied_at) FROM schema_migrations"), to_epoch_ms(kStart));
}

TEST_P(MigrationsTest, ConcurrentStartsMigrateOnce) {
  auto other = Database::open(url_);
  ASSERT_TRUE(other.ok()) << other.error();
  Result<MigrationReport> first = Error{"not run"};
  Result<MigrationReport> second = Error{"not run"};
  std::thread a([&] { first = Migrator(*db_, clock_).run(); });
  std::thread b([&] { second = Migrator(*other.value(), clock_).run(); });
  a.join();
  b.join();
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(first->applied.size() + second->applied.size(), builtin_migrations().size());
}

TEST_P(MigrationsTest, ANewerSchemaIsRefused) {
  Migrator migrator(*db_, clock_);
  ASSERT_TRUE(migrator.run().ok());
  ASSERT_EQ(execute("INSERT INTO schema_migrations (version, name, applied_at)"
                    " VALUES (99, 'from the future', 0)"),
            "");
  auto report = migrator.run();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().find("has schema version 99 but this build of candela knows only up "
                                "to version " +
                                std::to_string(migrator.latest_version())),
            std::string::npos)
      << report.error();
}

TEST_P(MigrationsTest, AMigrationRecordedUnderAnotherNameIsRefused) {
  ASSERT_TRUE(Migrator(*db_, clock_).run().ok());
  ASSERT_EQ(execute("UPDATE schema_migrations SET name = 'something else' WHERE version = 1"), "");
  auto report = Migrator(*db_, clock_).run();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().find("recorded migration 1 as 'something else'"), std::string::npos)
      << report.error();
}

TEST_P(MigrationsTest, AFailingMigrationIsRolledBackWhole) {
  std::vector<Migration> migrations = builtin_migrations();
  const int next = static_cast<int>(migrations.size()) + 1;
  migrations.push_back(
      {next, "broken", {"CREATE TABLE half_done (x INTEGER)", "INSERT INTO nowhere VALUES (1)"}});
  Migrator migrator(*db_, clock_, migrations);
  auto report = migrator.run();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().find("migration " + std::to_string(next) +
                                " (broken) failed and was rolled back"),
            std::string::npos)
      << report.error();
  auto version = migrator.current_version();
  ASSERT_TRUE(version.ok()) << version.error();
  EXPECT_EQ(version.value(), next - 1);
  EXPECT_NE(execute("INSERT INTO half_done VALUES (1)"), "");
}

TEST_P(MigrationsTest, ForeignKeysAreEnforced) {
  ASSERT_TRUE(Migrator(*db_, clock_).run().ok());
  EXPECT_NE(
      execute("INSERT INTO access_groups (parent_id, name, created_at) VALUES (424242, 'x', 0)"),
      "");
  EXPECT_EQ(count("SELECT COUNT(*) FROM access_groups"), 0);
}

TEST_P(MigrationsTest, CheckConstraintsRejectValuesOutsideTheEnumerations) {
  ASSERT_TRUE(Migrator(*db_, clock_).run().ok());
  ASSERT_EQ(execute("INSERT INTO access_groups (name, created_at) VALUES ('Acme', 0)"), "");
  ASSERT_EQ(execute("INSERT INTO customers (customer_number, name, country, created_at)"
                    " VALUES ('C-1', 'Acme', 'GB', 0)"),
            "");
  ASSERT_EQ(execute("INSERT INTO users (name, email, created_at) VALUES ('Ann', 'ann@x.test', 0)"),
            "");
  EXPECT_NE(execute("INSERT INTO services (scid, state, access_group_id, customer_id, created_at,"
                    " updated_at) VALUES ('ABCDEFGH1', 'paused', 1, 1, 0, 0)"),
            "");
  EXPECT_EQ(execute("INSERT INTO services (scid, state, access_group_id, customer_id, created_at,"
                    " updated_at) VALUES ('ABCDEFGH1', 'active', 1, 1, 0, 0)"),
            "");
  // A customer role needs an access group; a provider role must not have one.
  EXPECT_NE(execute("INSERT INTO user_roles (user_id, role) VALUES (1, 'technical')"), "");
  EXPECT_NE(execute("INSERT INTO user_roles (user_id, role, access_group_id)"
                    " VALUES (1, 'noc_engineer', 1)"),
            "");
  EXPECT_NE(execute("INSERT INTO user_roles (user_id, role) VALUES (1, 'emperor')"), "");
  EXPECT_EQ(execute("INSERT INTO user_roles (user_id, role) VALUES (1, 'noc_engineer')"), "");
  EXPECT_NE(execute("INSERT INTO user_roles (user_id, role) VALUES (1, 'noc_engineer')"), "");
  EXPECT_NE(execute("INSERT INTO users (name, email, created_at) VALUES ('Bo', 'Bo@X.test', 0)"),
            "");
  EXPECT_NE(execute("INSERT INTO customers (customer_number, name, country, created_at)"
                    " VALUES ('C-2', 'Beta', 'gbr', 0)"),
            "");
  EXPECT_NE(execute("INSERT INTO deployments (scid, version, environment, requested_at)"
                    " VALUES ('ABCDEFGH1', 1, 'staging', 0)"),
            "")
      << "a deployment must name a stored configuration version";
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, MigrationsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
