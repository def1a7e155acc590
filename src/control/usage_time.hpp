// UTC instants of the usage API as text: RFC 3339 ("2026-11-25T01:22:00Z") and calendar dates
// ("2026-11-25", midnight UTC). Values are epoch milliseconds, as stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace candela::control {

inline constexpr long long kMinuteMs = 60'000;
inline constexpr long long kFiveMinutesMs = 300'000;
inline constexpr long long kHourMs = 3'600'000;
inline constexpr long long kDayMs = 86'400'000;

// "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also "+00:00"; 't'/'z' accepted), or "YYYY-MM-DD" when
// `allow_date`. nullopt for anything else, including impossible dates and other offsets.
std::optional<long long> parse_utc_ms(std::string_view text, bool allow_date);
// RFC 3339 UTC with whole seconds.
std::string format_utc_ms(long long ms);

// The start of the bucket of `length_ms` holding `ms` (floor, also before 1970).
inline long long bucket_start(long long ms, long long length_ms) {
  long long q = ms / length_ms;
  if (ms % length_ms < 0) --q;
  return q * length_ms;
}

}  // namespace candela::control
