// HTTP-date parsing and formatting (RFC 9110 §5.6.7), cheap enough to emit Date on every response.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace candela {

// Length of an IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
inline constexpr std::size_t kHttpDateLength = 29;

// Parses any of the three HTTP-date formats: IMF-fixdate, obsolete RFC 850
// ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994").
// Day and month names are matched case-insensitively (lenient, as browsers are); the weekday
// must be a valid name but is not checked against the date. Anything else is rejected.
// RFC 850 two-digit years: 00-69 → 20yy, 70-99 → 19yy (use the overload below for the
// RFC's "more than 50 years in the future" rule). Dates outside SysTime's range are clamped.
std::optional<SysTime> parse_http_date(std::string_view text) noexcept;

// As above, but a two-digit RFC 850 year that would lie more than 50 years after `now` is
// taken as the most recent past year with those digits (RFC 9110 §5.6.7).
std::optional<SysTime> parse_http_date(std::string_view text, SysTime now) noexcept;

// IMF-fixdate of `t` (sub-second part truncated).
std::string format_http_date(SysTime t);

// Writes exactly kHttpDateLength characters (no terminator) to `out`; never allocates.
void format_http_date(SysTime t, char* out) noexcept;

// Whole seconds since the Unix epoch, rounded down; the unit of all cache arithmetic.
std::int64_t to_unix_seconds(SysTime t) noexcept;
SysTime from_unix_seconds(std::int64_t seconds) noexcept;

}  // namespace candela
