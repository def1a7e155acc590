// Allocates the business references of common/ids (TKT-2026-000001, MNT-…, EVT-…, ORD-…):
// one counter per kind and year in the store, so a number is never handed out twice, also by
// two portals sharing a PostgreSQL database.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

// The next reference of `kind` for the UTC year of `at`. Call it inside the transaction that
// stores the referenced row: a rolled-back transaction gives its number back, a committed one
// keeps it for good.
Result<std::string> next_reference(soci::session& session, ReferenceKind kind, SysTime at);

}  // namespace candela::control
