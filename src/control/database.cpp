// Database: URL parsing, the SOCI session pool, per-dialect session setup and the transaction loop.
#include "control/database.hpp"

#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

namespace candela::control {
namespace {

constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;

struct ParsedUrl {
  Dialect dialect;
  std::string connect_string;
  std::string display;
};

// Passwords must never reach logs or error messages.
std::string redact(std::string url) {
  const auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    const auto authority_start = scheme_end + 3;
    const auto at = url.find('@', authority_start);
    const auto slash = url.find('/', authority_start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const auto colon = url.find(':', authority_start);
      if (colon != std::string::npos && colon < at) url.replace(colon + 1, at - colon - 1, "***");
    }
  }
  const auto pw = url.find("password=");
  if (pw != std::string::npos) {
    const auto value_start = pw + 9;
    const auto value_end = url.find('&', value_start);
    url.replace(value_start,
                (value_end == std::string::npos ? url.size() : value_end) - value_start, "***");
  }
  return url;
}

// SOCI messages end in newlines and split libpq's text over lines; one line reads better.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r'))
    text.pop_back();
  return text;
}

// SOCI 4.0 splits connection strings on spaces and keeps quotes literally, so values with
// whitespace, quotes or backslashes cannot be passed through it; refuse them clearly.
bool passable(std::string_view value) {
  return value.find_first_of(" \t\r\n'\"\\") == std::string_view::npos;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int high = hex(text[i + 1]);
    const int low = hex(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// postgresql://[user[:password]@][host][:port][/dbname][?key=value&...] into libpq's
// "key=value ..." form, the only form SOCI 4.0 passes through intact.
Result<std::string> postgres_conninfo(std::string_view url, const std::string& display) {
  const auto bad = [&](const std::string& why) {
    return Error{"database URL '" + display + "': " + why};
  };
  std::string_view rest = url.substr(url.find("://") + 3);
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view dbname;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    dbname = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::vector<std::pair<std::string, std::string_view>> params;
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    params.emplace_back("user", userinfo.substr(0, colon));
    if (colon != std::string_view::npos)
      params.emplace_back("password", userinfo.substr(colon + 1));
  }
  std::string_view host = rest;
  if (const auto colon = rest.rfind(':');
      colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
    host = rest.substr(0, colon);
    const std::string_view port = rest.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return bad("the port must be a number");
    }
    params.emplace_back("port", port);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty()) params.emplace_back("host", host);
  if (!dbname.empty()) params.emplace_back("dbname", dbname);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) return bad("expected key=value after '?'");
    params.emplace_back(std::string(pair.substr(0, eq)), pair.substr(eq + 1));
  }
  std::string conninfo;
  for (const auto& [key, raw] : params) {
    const auto value = percent_decode(raw);
    if (!value) return bad("bad percent-encoding in " + key);
    if (!passable(*value) || !passable(key)) {
      return bad(key + " may not contain spaces, quotes or backslashes");
    }
    if (!conninfo.empty()) conninfo += ' ';
    conninfo += key + "=" + *value;
  }
  return conninfo;
}

Result<ParsedUrl> parse_url(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite://";
  const std::string display = redact(std::string(url));
  const std::string expected =
      "expected sqlite:///absolute/path.db, sqlite://relative/path.db or "
      "postgresql://user@host:port/dbname";
  if (url.starts_with(kSqlite)) {
    std::string path(url.substr(kSqlite.size()));
    if (path.empty() || path == "/") {
      return Error{"database URL '" + display + "' names no file; " + expected};
    }
    if (!passable(path)) {
      return Error{"database URL '" + display +
                   "': the file path may not contain spaces, quotes or backslashes"};
    }
    return ParsedUrl{Dialect::kSqlite, "db=" + path, display};
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    auto conninfo = postgres_conninfo(url, display);
    if (!conninfo.ok()) return Error{conninfo.error()};
    return ParsedUrl{Dialect::kPostgresql, conninfo.value(), display};
  }
  return Error{"unsupported database URL '" + display + "'; " + expected};
}

void configure_sqlite(soci::session& session, std::chrono::milliseconds busy_timeout) {
  // busy_timeout first, so the pragmas below wait for a concurrent writer instead of failing.
  session << "PRAGMA busy_timeout = " + std::to_string(busy_timeout.count());
  std::string mode;
  session << "PRAGMA journal_mode = WAL", soci::into(mode);
  if (mode != "wal") {
    throw soci::soci_error("could not switch the journal to WAL (journal_mode is '" + mode + "')");
  }
  session << "PRAGMA foreign_keys = ON";
  int foreign_keys = 0;
  session << "PRAGMA foreign_keys", soci::into(foreign_keys);
  if (foreign_keys != 1) throw soci::soci_error("this SQLite build cannot enforce foreign keys");
  // With WAL, NORMAL is durable against application crashes and much faster than FULL.
  session << "PRAGMA synchronous = NORMAL";
}

bool is_serialisation_failure(const soci::soci_error& error) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    const std::string state = pg->sqlstate();
    return state == "40001" || state == "40P01";
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    const int primary = lite->result() & 0xff;
    return primary == kSqliteBusy || primary == kSqliteLocked;
  }
  return false;
}

void rollback_quietly(soci::session& session) {
  try {
    session << "ROLLBACK";
  } catch (const soci::soci_error&) {
    // Nothing was open (the failure was BEGIN itself or COMMIT already ended it).
  }
}

}  // namespace

const char* dialect_name(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "sqlite" : "postgresql";
}

struct Database::Pool {
  explicit Pool(std::size_t n) : pool(n), size(n) {}
  soci::connection_pool pool;
  std::size_t size;
};

Database::Database(Dialect dialect, std::string display_url, DatabaseOptions options,
                   std::unique_ptr<Pool> pool)
    : dialect_(dialect),
      display_url_(std::move(display_url)),
      options_(options),
      pool_(std::move(pool)) {}

Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::open(std::string_view url, DatabaseOptions options) {
  auto parsed = parse_url(url);
  if (!parsed.ok()) return Error{parsed.error()};
  if (options.pool_size == 0) options.pool_size = 1;
  if (options.max_attempts < 1) options.max_attempts = 1;
  auto pool = std::make_unique<Pool>(options.pool_size);
  try {
    for (std::size_t i = 0; i < options.pool_size; ++i) {
      soci::session& session = pool->pool.at(i);
      if (parsed->dialect == Dialect::kSqlite) {
        session.open(*soci::factory_sqlite3(), parsed->connect_string);
        configure_sqlite(session, options.busy_timeout);
      } else {
        session.open(*soci::factory_postgresql(), parsed->connect_string);
        // libpq prints NOTICEs to stderr (e.g. "already exists, skipping"); keep logs clean.
        session << "SET client_min_messages = warning";
      }
    }
  } catch (const std::exception& e) {
    return Error{"cannot open database " + parsed->display + ": " + one_line(e.what())};
  }
  return std::unique_ptr<Database>(
      new Database(parsed->dialect, parsed->display, options, std::move(pool)));
}

Status Database::lease_and_run(const std::function<Status(soci::session&)>& body) {
  std::size_t position = 0;
  if (!pool_->pool.try_lease(position, static_cast<int>(options_.lease_timeout.count()))) {
    return Error{"no database session became free within " +
                     std::to_string(options_.lease_timeout.count()) + " ms (pool of " +
                     std::to_string(pool_->size) + " on " + display_url_ +
                     "); the database is overloaded or a caller holds sessions too long",
                 ErrorKind::kUnavailable};
  }
  struct GiveBack {
    soci::connection_pool& pool;
    std::size_t position;
    ~GiveBack() { pool.give_back(position); }
  } give_back{pool_->pool, position};
  try {
    return body(pool_->pool.at(position));
  } catch (const soci::soci_error& e) {
    return Error{"database error on " + display_url_ + ": " + one_line(e.what()),
                 ErrorKind::kInternal};
  }
}

Status Database::run_transaction(soci::session& session,
                                 const std::function<Outcome(soci::session&)>& body) {
  // SQLite: IMMEDIATE takes the write lock up front, so a transaction never has to upgrade a read
  // lock (which SQLite refuses with BUSY without waiting). PostgreSQL: SERIALIZABLE, so every
  // transaction behaves as if run alone and conflicts surface as SQLSTATE 40001 to retry.
  const char* begin =
      dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN ISOLATION LEVEL SERIALIZABLE";
  for (int attempt = 1;; ++attempt) {
    try {
      session << begin;
      const Outcome outcome = body(session);
      session << (outcome == Outcome::kCommit ? "COMMIT" : "ROLLBACK");
      return ok_status();
    } catch (const soci::soci_error& e) {
      rollback_quietly(session);
      if (!is_serialisation_failure(e)) {
        return Error{"database error on " + display_url_ + ": " + one_line(e.what()),
                     ErrorKind::kInternal};
      }
      if (attempt >= options_.max_attempts) {
        return Error{"transaction gave up after " + std::to_string(attempt) +
                         " attempts because concurrent changes kept conflicting with it (" +
                         one_line(e.what()) + "); try again",
                     ErrorKind::kUnavailable};
      }
      ++retries_;
      // Back off a little more each time so competing transactions stop colliding.
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
    } catch (...) {
      rollback_quietly(session);
      throw;
    }
  }
}

}  // namespace candela::control
