// Database: URLs, session setup, transactions (commit, rollback, bounded serialisation retry).
#include "control/database.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "support/postgres_cluster.hpp"
#include "support/process.hpp"

namespace candela::control {
namespace {

using candela::testing::PostgresCluster;
using candela::testing::TempDir;

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    try {
      url_ = GetParam() == "sqlite" ? "sqlite://" + dir_.path() + "/store.db"
                                    : PostgresCluster::shared().create_fresh_database();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }

  std::unique_ptr<Database> open(DatabaseOptions options = {}) {
    auto db = Database::open(url_, options);
    EXPECT_TRUE(db.ok()) << db.error();
    if (!db.ok()) return nullptr;
    auto handle = std::move(db).value();
    Status made = handle->with_session([](soci::session& s) -> Status {
      s << "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)";
      return ok_status();
    });
    EXPECT_TRUE(made.ok()) << made.error();
    return handle;
  }

  static long long read_counter(Database& db, const std::string& name) {
    auto value = db.with_session([&](soci::session& s) -> Result<long long> {
      long long v = -1;
      s << "SELECT value FROM counters WHERE name = :n", soci::use(name), soci::into(v);
      return s.got_data() ? v : -1;
    });
    EXPECT_TRUE(value.ok()) << value.error();
    return value.ok() ? value.value() : -2;
  }

  static Status insert_counter(soci::session& s, const std::string& name, long long value) {
    s << "INSERT INTO counters (name, value) VALUES (:n, :v)", soci::use(name), soci::use(value);
    return ok_status();
  }

  TempDir dir_;
  std::string url_;
};

TEST_P(DatabaseTest, ReportsItsDialect) {
  auto db = open();
  ASSERT_TRUE(db);
  EXPECT_EQ(dialect_name(db->dialect()), GetParam());
}

TEST_P(DatabaseTest, CommitsWhenTheFunctionReturnsAValue) {
  auto db = open();
  ASSERT_TRUE(db);
  auto result = db->with_transaction([&](soci::session& s) -> Result<int> {
    Status inserted = insert_counter(s, "a", 7);
    if (!inserted.ok()) return Error{inserted.error()};
    return 42;
  });
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result.value(), 42);
  EXPECT_EQ(read_counter(*db, "a"), 7);
}

TEST_P(DatabaseTest, RollbackOnErrorLeavesNothingBehind) {
  auto db = open();
  ASSERT_TRUE(db);
  Status status = db->with_transaction([&](soci::session& s) -> Status {
    Status inserted = insert_counter(s, "gone", 1);
    if (!inserted.ok()) return inserted;
    return Error{"the domain rule said no"};
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error(), "the domain rule said no");
  EXPECT_EQ(read_counter(*db, "gone"), -1);
}

TEST_P(DatabaseTest, SqlErrorRollsBackAndBecomesAnError) {
  auto db = open();
  ASSERT_TRUE(db);
  Status status = db->with_transaction([&](soci::session& s) -> Status {
    Status inserted = insert_counter(s, "first", 1);
    if (!inserted.ok()) return inserted;
    return insert_counter(s, "first", 2);  // duplicate primary key
  });
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("database error"), std::string::npos) << status.error();
  EXPECT_EQ(read_counter(*db, "first"), -1);
  // The session went back to the pool in a usable state.
  auto again = db->with_transaction(
      [&](soci::session& s) -> Status { return insert_counter(s, "first", 3); });
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(read_counter(*db, "first"), 3);
}

TEST_P(DatabaseTest, ExceptionsFromTheFunctionRollBackAndPropagate) {
  auto db = open();
  ASSERT_TRUE(db);
  EXPECT_THROW((void)db->with_transaction([&](soci::session& s) -> Status {
    (void)insert_counter(s, "thrown", 1);
    throw std::logic_error("bug");
  }),
               std::logic_error);
  EXPECT_EQ(read_counter(*db, "thrown"), -1);
}

// Makes the first attempts of a transaction conflict with another writer, then lets it through.
TEST_P(DatabaseTest, SerialisationConflictIsRetried) {
  DatabaseOptions options;
  options.busy_timeout = std::chrono::milliseconds(20);
  options.max_attempts = 20;
  auto db = open(options);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->with_transaction([&](soci::session& s) { return insert_counter(s, "c", 0); }));
  std::atomic<int> attempts{0};
  std::thread blocker;
  std::atomic<bool> locked{false};
  if (GetParam() == "sqlite") {
    // Another connection holds the write lock for a while: BEGIN IMMEDIATE reports BUSY.
    blocker = std::thread([&] {
      soci::session other(*soci::factory_sqlite3(), "db=" + dir_.path() + "/store.db");
      other << "BEGIN IMMEDIATE";
      locked = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      other << "COMMIT";
    });
    while (!locked)
      std::this_thread::yield();
  }
  Status status = db->with_transaction([&](soci::session& s) -> Status {
    long long value = 0;
    s << "SELECT value FROM counters WHERE name = 'c'", soci::into(value);
    if (++attempts == 1 && GetParam() == "postgresql") {
      // A concurrent committed update of the row this transaction read and will write.
      Status bumped = db->with_session([](soci::session& other) -> Status {
        other << "UPDATE counters SET value = value + 100 WHERE name = 'c'";
        return ok_status();
      });
      if (!bumped.ok()) return bumped;
    }
    const long long next = value + 1;
    s << "UPDATE counters SET value = :v WHERE name = 'c'", soci::use(next);
    return ok_status();
  });
  if (blocker.joinable()) blocker.join();
  ASSERT_TRUE(status.ok()) << status.error();
  EXPECT_GE(db->retry_count(), 1);
  // On PostgreSQL the retry saw the concurrent +100; the update was not lost.
  EXPECT_EQ(read_counter(*db, "c"), GetParam() == "postgresql" ? 101 : 1);
}

TEST_P(DatabaseTest, RetriesAreBoundedAndReportedClearly) {
  DatabaseOptions options;
  options.busy_timeout = std::chrono::milliseconds(10);
  options.max_attempts = 3;
  auto db = open(options);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->with_transaction([&](soci::session& s) { return insert_counter(s, "c", 0); }));
  std::unique_ptr<soci::session> holder;
  if (GetParam() == "sqlite") {
    holder = std::make_unique<soci::session>(*soci::factory_sqlite3(),
                                             "db=" + dir_.path() + "/store.db");
    *holder << "BEGIN IMMEDIATE";
  }
  int attempts = 0;
  Status status = db->with_transaction([&](soci::session& s) -> Status {
    ++attempts;
    long long value = 0;
    s << "SELECT value FROM counters WHERE name = 'c'", soci::into(value);
    Status bumped = db->with_session([](soci::session& other) -> Status {
      other << "UPDATE counters SET value = value + 1 WHERE name = 'c'";
      return ok_status();
    });
    if (!bumped.ok()) return bumped;
    const long long next = value + 10;
    s << "UPDATE counters SET value = :v WHERE name = 'c'", soci::use(next);
    return ok_status();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("gave up after 3 attempts"), std::string::npos) << status.error();
  EXPECT_EQ(db->retry_count(), 2);
  if (holder) *holder << "ROLLBACK";
  if (GetParam() == "postgresql") {
    EXPECT_EQ(attempts, 3);
  }
}

TEST_P(DatabaseTest, PoolServesSeveralThreads) {
  DatabaseOptions options;
  options.pool_size = 3;
  options.max_attempts = 100;
  auto db = open(options);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->with_transaction([&](soci::session& s) { return insert_counter(s, "n", 0); }));
  constexpr int kThreads = 4;
  constexpr int kIncrements = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status status = db->with_transaction([](soci::session& s) -> Status {
          long long value = 0;
          s << "SELECT value FROM counters WHERE name = 'n'", soci::into(value);
          const long long next = value + 1;
          s << "UPDATE counters SET value = :v WHERE name = 'n'", soci::use(next);
          return ok_status();
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  // Read-modify-write from four threads loses no increment: transactions are serialisable.
  EXPECT_EQ(read_counter(*db, "n"), kThreads * kIncrements);
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, DatabaseTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

TEST(DatabaseUrl, UnsupportedSchemeIsRefusedWithTheAcceptedForms) {
  auto db = Database::open("mysql://root@localhost/x");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().find("unsupported database URL 'mysql://root@localhost/x'"),
            std::string::npos)
      << db.error();
  EXPECT_NE(db.error().find("sqlite:///absolute/path.db"), std::string::npos) << db.error();
}

TEST(DatabaseUrl, SqliteUrlWithoutAFileIsRefused) {
  auto db = Database::open("sqlite://");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().find("names no file"), std::string::npos) << db.error();
}

TEST(DatabaseUrl, UnopenableSqliteFileNamesTheUrlAndTheCause) {
  auto db = Database::open("sqlite:///nonexistent-candela-dir/sub/store.db");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().find("cannot open database sqlite:///nonexistent-candela-dir/sub/store.db"),
            std::string::npos)
      << db.error();
  EXPECT_NE(db.error().find("unable to open database file"), std::string::npos) << db.error();
}

TEST(DatabaseUrl, AFileThatIsNotADatabaseIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/notes.db";
  FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs("these are not the pages you are looking for, not at all, no, not a database\n", file);
  std::fclose(file);
  auto db = Database::open("sqlite://" + path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().find("not a database"), std::string::npos) << db.error();
}

TEST(DatabaseUrl, UnreachablePostgresqlIsReportedWithoutThePassword) {
  const int port = candela::testing::free_port();
  auto db = Database::open("postgresql://candela:s3cret@127.0.0.1:" + std::to_string(port) +
                           "/candela?connect_timeout=2");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().find("cannot open database postgresql://candela:***@127.0.0.1:"),
            std::string::npos)
      << db.error();
  EXPECT_EQ(db.error().find("s3cret"), std::string::npos) << db.error();
}

TEST(DatabaseUrl, RelativeSqlitePathIsRelativeToTheWorkingDirectory) {
  TempDir dir;
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto db = Database::open("sqlite://var.db");
  std::filesystem::current_path(previous);
  ASSERT_TRUE(db.ok()) << db.error();
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/var.db"));
}

TEST(SqliteSession, UsesWalForeignKeysAndABusyTimeout) {
  TempDir dir;
  DatabaseOptions options;
  options.busy_timeout = std::chrono::milliseconds(1234);
  auto db = Database::open("sqlite://" + dir.path() + "/store.db", options);
  ASSERT_TRUE(db.ok()) << db.error();
  auto settings = db.value()->with_session([](soci::session& s) -> Result<std::string> {
    std::string mode;
    int foreign_keys = 0;
    int timeout = 0;
    s << "PRAGMA journal_mode", soci::into(mode);
    s << "PRAGMA foreign_keys", soci::into(foreign_keys);
    s << "PRAGMA busy_timeout", soci::into(timeout);
    return mode + "/" + std::to_string(foreign_keys) + "/" + std::to_string(timeout);
  });
  ASSERT_TRUE(settings.ok()) << settings.error();
  EXPECT_EQ(settings.value(), "wal/1/1234");
}

TEST(EpochMilliseconds, RoundTripsUtcInstants) {
  const SysTime t = from_epoch_ms(1767225600123);  // 2026-01-01T00:00:00.123Z
  EXPECT_EQ(to_epoch_ms(t), 1767225600123);
}

}  // namespace
}  // namespace candela::control
