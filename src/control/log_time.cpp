// Strict parsing of the fixed-width UTC forms used by log delivery; anything else is refused.
#include "control/log_time.hpp"

#include <chrono>
#include <cstdio>

namespace candela::control {
namespace {

// `count` ASCII digits at `at` as a number, or -1.
int digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// "YYYY-MM-DD" at the start of `text` → epoch ms of its midnight.
std::optional<long long> day_prefix(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const int year = digits(text, 0, 4);
  const int month = digits(text, 5, 2);
  const int day = digits(text, 8, 2);
  if (year < 1970 || month < 1 || day < 1) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  const auto since_epoch = std::chrono::sys_days(date).time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
}

// "YYYY-MM-DDTHH" at the start of `text` → epoch ms of that hour.
std::optional<long long> hour_prefix(std::string_view text) {
  auto day = day_prefix(text);
  if (!day || text.size() < 13 || text[10] != 'T') return std::nullopt;
  const int hour = digits(text, 11, 2);
  if (hour < 0 || hour > 23) return std::nullopt;
  return *day + hour * kLogHourMs;
}

std::chrono::year_month_day civil(long long epoch_ms) {
  const std::chrono::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(epoch_ms)};
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t));
}

long long floor_div(long long a, long long b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

std::optional<long long> parse_log_hour(std::string_view text) {
  if (text.size() != 20 || text.substr(13) != ":00:00Z") return std::nullopt;
  return hour_prefix(text);
}

std::optional<long long> parse_log_timestamp(std::string_view text) {
  auto hour = hour_prefix(text);
  if (!hour || text.size() < 20 || text[13] != ':' || text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  const int minute = digits(text, 14, 2);
  const int second = digits(text, 17, 2);
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return std::nullopt;
  long long millis = 0;
  const std::string_view rest = text.substr(19, text.size() - 20);  // between seconds and Z
  if (!rest.empty()) {
    if (rest.size() < 2 || rest.size() > 10 || rest[0] != '.') return std::nullopt;
    for (std::size_t i = 1; i < rest.size(); ++i) {
      if (rest[i] < '0' || rest[i] > '9') return std::nullopt;
      if (i <= 3) millis += (rest[i] - '0') * (i == 1 ? 100 : i == 2 ? 10 : 1);
    }
  }
  return *hour + minute * 60'000LL + second * 1000LL + millis;
}

std::optional<long long> parse_log_day(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return day_prefix(text);
}

std::optional<LogPeriod> parse_log_period(std::string_view text) {
  if (text.size() == 10) {
    auto day = parse_log_day(text);
    if (!day) return std::nullopt;
    return LogPeriod{*day, *day + kLogDayMs};
  }
  if (text.size() != 13) return std::nullopt;
  auto hour = hour_prefix(text);
  if (!hour) return std::nullopt;
  return LogPeriod{*hour, *hour + kLogHourMs};
}

std::string log_day_name(long long epoch_ms) {
  const auto date = civil(epoch_ms);
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return out;
}

std::string log_hour_of_day(long long epoch_ms) {
  const long long hour = floor_div(epoch_ms, kLogHourMs) % 24;
  char out[4];
  std::snprintf(out, sizeof out, "%02lld", (hour + 24) % 24);
  return out;
}

std::string log_hour_name(long long epoch_ms) {
  return log_day_name(epoch_ms) + "T" + log_hour_of_day(epoch_ms);
}

}  // namespace candela::control
