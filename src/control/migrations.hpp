// Migrator: applies the versioned schema migrations at start, in order, each in its own
// transaction.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"

namespace candela::control {

// One schema step. Statements run one by one; "{pk}" in them becomes the dialect's
// auto-increment primary key, so each statement is written once for both databases. The few
// changes the two dialects cannot share (SQLite cannot alter a CHECK constraint) go in
// `sqlite_steps` / `postgresql_steps`, which run after `statements` in the same transaction.
struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;
  std::function<void(soci::session&)> sqlite_steps = {};
  std::function<void(soci::session&)> postgresql_steps = {};
};

// The migrations this build knows, versions 1, 2, ... in order. Never edit a released one:
// append a new version instead.
const std::vector<Migration>& builtin_migrations();

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<int> applied;
};

class Migrator {
 public:
  Migrator(Database& database, const Clock& clock,
           std::vector<Migration> migrations = builtin_migrations());

  // Brings the schema up to the newest known version. Refuses a database whose schema is newer
  // than this build or whose applied migrations differ from the known ones by name.
  Result<MigrationReport> run();
  // The highest applied version (0 for an empty database).
  Result<int> current_version();
  int latest_version() const;

 private:
  Database& database_;
  const Clock& clock_;
  std::vector<Migration> migrations_;
};

}  // namespace candela::control
