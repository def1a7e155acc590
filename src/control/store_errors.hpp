// How the service, configuration, deployment and feed stores turn SQL failures into Errors
// without breaking the transaction retry of Database::with_transaction.
#pragma once

#include <string_view>

#include "common/result.hpp"

namespace soci {
class soci_error;
}

namespace candela::control {

// True for a conflict that Database::run_transaction retries: PostgreSQL SQLSTATE 40001 or
// 40P01, SQLite BUSY or LOCKED.
bool is_retryable(const soci::soci_error& error);

// Call from inside a `catch (const soci::soci_error& e)` block: rethrows a retryable conflict
// (so the transaction is rolled back and run again), otherwise returns an internal Error saying
// what could not be done; the SQL detail goes to the log through the portal, not to users.
Error storage_error(std::string_view what, const soci::soci_error& error);

}  // namespace candela::control
