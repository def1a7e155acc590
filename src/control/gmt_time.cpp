// GMT formatting with std::chrono's civil calendar (no locale, no time zone database).
#include "control/gmt_time.hpp"

#include <array>
#include <cstdio>

namespace candela::control {

std::string format_gmt(SysTime time) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto minutes = std::chrono::floor<std::chrono::minutes>(time);
  const auto day = std::chrono::floor<std::chrono::days>(minutes);
  const std::chrono::year_month_day date{day};
  const std::chrono::weekday weekday{day};
  const std::chrono::hh_mm_ss clock{minutes - day};
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s %02u %s %04d %02d:%02d GMT", kDays[weekday.c_encoding()],
                static_cast<unsigned>(date.day()), kMonths[static_cast<unsigned>(date.month()) - 1],
                static_cast<int>(date.year()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()));
  return buffer;
}

std::string format_duration(std::chrono::minutes length) {
  long long total = length.count();
  if (total < 0) total = 0;
  const long long days = total / (24 * 60);
  const long long hours = total / 60 % 24;
  const long long minutes = total % 60;
  std::string out;
  auto part = [&](long long value, const char* unit) {
    if (value == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(value) + " " + unit;
  };
  part(days, "d");
  part(hours, "h");
  part(minutes, "min");
  return out.empty() ? "0 min" : out;
}

}  // namespace candela::control
