// Retryable SQL conflicts are rethrown; everything else becomes an internal Error.
#include "control/store_errors.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string>

namespace candela::control {
namespace {

constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;

}  // namespace

bool is_retryable(const soci::soci_error& error) {
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

Error storage_error(std::string_view what, const soci::soci_error& error) {
  if (is_retryable(error)) throw;  // NOLINT: rethrows the exception being handled
  return Error{std::string(what) + ": " + error.what(), ErrorKind::kInternal};
}

}  // namespace candela::control
