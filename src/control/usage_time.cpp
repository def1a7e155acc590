// Strict parsing: a fixed layout, digits only where digits belong, real calendar dates.
#include "control/usage_time.hpp"

#include <chrono>
#include <cstdio>

namespace candela::control {
namespace {

std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<long long> parse_utc_ms(std::string_view text, bool allow_date) {
  using namespace std::chrono;
  const auto y = digits(text, 0, 4);
  const auto mo = digits(text, 5, 2);
  const auto d = digits(text, 8, 2);
  if (!y || !mo || !d || text[4] != '-' || text[7] != '-') return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                            day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  const long long day_ms = duration_cast<milliseconds>(sys_days{date}.time_since_epoch()).count();
  if (text.size() == 10) return allow_date ? std::optional<long long>(day_ms) : std::nullopt;
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const auto h = digits(text, 11, 2);
  const auto mi = digits(text, 14, 2);
  const auto s = digits(text, 17, 2);
  if (!h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  std::size_t pos = 19;
  long long fraction_ms = 0;
  if (text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
      ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
    for (std::size_t i = 0; i < 3; ++i) {
      fraction_ms = fraction_ms * 10 + (start + i < pos ? text[start + i] - '0' : 0);
    }
  }
  const std::string_view zone = text.substr(pos);
  if (zone != "Z" && zone != "z" && zone != "+00:00") return std::nullopt;
  return day_ms + ((*h * 60LL + *mi) * 60LL + *s) * 1000LL + fraction_ms;
}

std::string format_utc_ms(long long ms) {
  using namespace std::chrono;
  const long long day_start = bucket_start(ms, kDayMs);
  const year_month_day date{sys_days{days{day_start / kDayMs}}};
  const long long second_of_day = (ms - day_start) / 1000;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), second_of_day / 3600, second_of_day / 60 % 60,
                second_of_day % 60);
  return buffer;
}

}  // namespace candela::control
