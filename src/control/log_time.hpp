// The UTC times of log delivery: hours and days as epoch milliseconds, the access-log `ts`
// (RFC 3339 with Z), and the names of days and hours in paths and downloads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace candela::control {

inline constexpr long long kLogHourMs = 3'600'000;
inline constexpr long long kLogDayMs = 24 * kLogHourMs;

// "2026-11-25T01:00:00Z" (a whole UTC hour, nothing else) → epoch ms.
std::optional<long long> parse_log_hour(std::string_view text);
// "2026-11-24T19:37:38.123Z" (RFC 3339 in UTC, fraction optional) → epoch ms (fraction cut to ms).
std::optional<long long> parse_log_timestamp(std::string_view text);
// "2026-11-25" → epoch ms of its midnight (UTC).
std::optional<long long> parse_log_day(std::string_view text);

// A download period: a day "2026-11-25" or an hour "2026-11-25T01"; [start, end) in epoch ms.
struct LogPeriod {
  long long start_ms = 0;
  long long end_ms = 0;
};
std::optional<LogPeriod> parse_log_period(std::string_view text);

std::string log_day_name(long long epoch_ms);     // "2026-11-25"
std::string log_hour_name(long long epoch_ms);    // "2026-11-25T01"
std::string log_hour_of_day(long long epoch_ms);  // "01"

}  // namespace candela::control
