// Database: one handle over SQLite or PostgreSQL (SOCI), with a session pool and retried
// transactions.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/clock.hpp"
#include "common/result.hpp"

// SOCI stays out of this header: callers that run SQL include <soci/soci.h> themselves.
namespace soci {
class session;
}

namespace candela::control {

// A result with no value: success or an Error.
using Status = Result<std::monostate>;
inline Status ok_status() {
  return std::monostate{};
}

// Stored times are UTC instants as integer milliseconds since the Unix epoch (BIGINT columns):
// the same in both dialects, sortable, and free of time-zone or text-format ambiguity.
inline long long to_epoch_ms(SysTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline SysTime from_epoch_ms(long long ms) {
  return SysTime(std::chrono::duration_cast<SysTime::duration>(std::chrono::milliseconds(ms)));
}

enum class Dialect { kSqlite, kPostgresql };

const char* dialect_name(Dialect dialect);

struct DatabaseOptions {
  // Sessions kept open; callers beyond this many wait for one (up to lease_timeout).
  std::size_t pool_size = 4;
  std::chrono::milliseconds lease_timeout{10000};
  // SQLite only: how long a statement waits for another connection's write lock.
  std::chrono::milliseconds busy_timeout{5000};
  // Attempts of a transaction that fails with a serialisation conflict before giving up.
  int max_attempts = 5;
};

class Database {
 public:
  // Opens `url`: sqlite:///absolute/path.db, sqlite://relative/path.db, or
  // postgresql://user[:password]@host[:port]/dbname[?params] (postgres:// also accepted).
  static Result<std::unique_ptr<Database>> open(std::string_view url, DatabaseOptions options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }
  // The URL with any password replaced by "***", safe for logs and messages.
  const std::string& display_url() const { return display_url_; }
  // Transactions that were rolled back and run again after a serialisation conflict.
  long retry_count() const { return retries_.load(); }

  // Leases a pooled session for `fn` (no transaction: each statement commits on its own).
  // SQL errors thrown by SOCI become an Error.
  template <typename Fn>
  auto with_session(Fn&& fn) -> decltype(fn(std::declval<soci::session&>()));

  // Runs `fn` in a transaction on a pooled session: commits if it returns a value, rolls back
  // if it returns an Error or throws. A serialisation conflict (PostgreSQL SQLSTATE 40001/40P01,
  // SQLite BUSY) rolls back and runs `fn` again, up to max_attempts, so `fn` must be safe to
  // repeat. Transactions do not nest.
  template <typename Fn>
  auto with_transaction(Fn&& fn) -> decltype(fn(std::declval<soci::session&>()));

  // The same, on a session the caller already holds (from with_session).
  template <typename Fn>
  auto transaction_on(soci::session& session, Fn&& fn)
      -> decltype(fn(std::declval<soci::session&>()));

 private:
  struct Pool;
  enum class Outcome { kCommit, kRollback };

  Database(Dialect dialect, std::string display_url, DatabaseOptions options,
           std::unique_ptr<Pool> pool);

  Status lease_and_run(const std::function<Status(soci::session&)>& body);
  Status run_transaction(soci::session& session,
                         const std::function<Outcome(soci::session&)>& body);

  Dialect dialect_;
  std::string display_url_;
  DatabaseOptions options_;
  std::unique_ptr<Pool> pool_;
  std::atomic<long> retries_{0};
};

template <typename Fn>
auto Database::with_session(Fn&& fn) -> decltype(fn(std::declval<soci::session&>())) {
  using R = decltype(fn(std::declval<soci::session&>()));
  std::optional<R> out;
  Status status = lease_and_run([&](soci::session& session) -> Status {
    out.emplace(fn(session));
    return ok_status();
  });
  if (!status.ok()) return Error{status.error()};
  return std::move(*out);
}

template <typename Fn>
auto Database::transaction_on(soci::session& session, Fn&& fn)
    -> decltype(fn(std::declval<soci::session&>())) {
  using R = decltype(fn(std::declval<soci::session&>()));
  std::optional<R> out;
  Status status = run_transaction(session, [&](soci::session& s) {
    out.emplace(fn(s));
    return out->ok() ? Outcome::kCommit : Outcome::kRollback;
  });
  if (!status.ok()) return Error{status.error()};
  return std::move(*out);
}

template <typename Fn>
auto Database::with_transaction(Fn&& fn) -> decltype(fn(std::declval<soci::session&>())) {
  using R = decltype(fn(std::declval<soci::session&>()));
  return with_session([&](soci::session& session) -> R { return transaction_on(session, fn); });
}

}  // namespace candela::control
