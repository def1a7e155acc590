// next_reference(): bump-and-read of one counter row inside the caller's transaction.
#include "control/reference_numbers.hpp"

#include <soci/soci.h>

#include <chrono>

#include "control/store_guard.hpp"

namespace candela::control {

Result<std::string> next_reference(soci::session& session, ReferenceKind kind, SysTime at) {
  return guarded("could not allocate a reference number", [&]() -> Result<std::string> {
    const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(at)};
    const int year = static_cast<int>(date.year());
    if (year < 1000 || year > 9999) {
      return Error{"a reference year must be between 1000 and 9999", ErrorKind::kInternal};
    }
    const std::string prefix(reference_prefix(kind));
    // The row exists after the first statement; the UPDATE then takes its row lock, so
    // concurrent transactions on PostgreSQL are served one after another.
    session << "INSERT INTO reference_counters (prefix, year, last_sequence) VALUES (:p, :y, 0)"
               " ON CONFLICT (prefix, year) DO NOTHING",
        soci::use(prefix), soci::use(year);
    session << "UPDATE reference_counters SET last_sequence = last_sequence + 1"
               " WHERE prefix = :p AND year = :y",
        soci::use(prefix), soci::use(year);
    long long sequence = 0;
    session << "SELECT last_sequence FROM reference_counters WHERE prefix = :p AND year = :y",
        soci::into(sequence), soci::use(prefix), soci::use(year);
    return format_reference(kind, year, static_cast<std::uint64_t>(sequence));
  });
}

}  // namespace candela::control
