// Fixture for store tests that run once on SQLite (a temp file) and once on a throwaway
// PostgreSQL cluster: instantiate with ::testing::Values("sqlite", "postgresql").
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "control/database.hpp"
#include "control/migrations.hpp"
#include "support/postgres_cluster.hpp"
#include "support/process.hpp"

namespace candela::control {

inline const SysTime kStoreTestStart = from_epoch_ms(1767225600000);  // 2026-01-01T00:00:00Z

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Opens a fresh, empty database of the parameter's dialect into db_; with `migrate`, also
  // applies every migration. Use ASSERT_NO_FATAL_FAILURE(open_store(...)) in SetUp.
  void open_store(bool migrate) {
    try {
      url_ = GetParam() == "sqlite"
                 ? "sqlite://" + dir_.path() + "/store.db"
                 : candela::testing::PostgresCluster::shared().create_fresh_database();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
    auto db = Database::open(url_);
    ASSERT_TRUE(db.ok()) << db.error();
    db_ = std::move(db).value();
    if (!migrate) return;
    auto migrated = Migrator(*db_, clock_).run();
    ASSERT_TRUE(migrated.ok()) << migrated.error();
  }

  candela::testing::TempDir dir_;
  std::string url_;
  std::unique_ptr<Database> db_;
  ManualClock clock_{kStoreTestStart};
};

}  // namespace candela::control
