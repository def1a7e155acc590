// HTTP-date parsing and formatting with civil-calendar arithmetic (no locale, no tz database).
#include "common/http_date.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>

namespace candela {

namespace {

constexpr std::array<std::string_view, 7> kShortDays = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool is_leap(std::int64_t y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap(y)) ? 29 : kDays[m - 1];
}

// A cursor over the text; every reader fails (returns false) without consuming on mismatch.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool at_end() const noexcept { return pos_ == s_.size(); }

  bool literal(std::string_view lit) noexcept {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }

  // Like literal(), ignoring ASCII case: senders are strict about case, parsers need not be.
  bool iliteral(std::string_view lit) noexcept {
    if (!iequal(s_.substr(pos_, lit.size()), lit)) return false;
    pos_ += lit.size();
    return true;
  }

  // Exactly `n` decimal digits.
  bool digits(std::size_t n, unsigned& out) noexcept {
    if (s_.size() - pos_ < n) return false;
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = s_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    pos_ += n;
    out = v;
    return true;
  }

  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& names, unsigned& index) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      const auto candidate = s_.substr(pos_, names[i].size());
      if (iequal(candidate, names[i])) {
        pos_ += names[i].size();
        index = static_cast<unsigned>(i);
        return true;
      }
    }
    return false;
  }

  // "HH:MM:SS"
  bool time_of_day(unsigned& h, unsigned& m, unsigned& s) noexcept {
    return digits(2, h) && literal(":") && digits(2, m) && literal(":") && digits(2, s);
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

struct Fields {
  std::int64_t year = 0;
  unsigned month = 0;  // 1..12
  unsigned day = 0;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
};

// "Sun, 06 Nov 1994 08:49:37 GMT"
bool parse_imf(std::string_view text, Fields& f) noexcept {
  Cursor c(text);
  unsigned wd = 0;
  unsigned mon = 0;
  unsigned year = 0;
  if (!(c.name(kShortDays, wd) && c.literal(", ") && c.digits(2, f.day) && c.literal(" ") &&
        c.name(kMonths, mon) && c.literal(" ") && c.digits(4, year) && c.literal(" ") &&
        c.time_of_day(f.hour, f.minute, f.second) && c.iliteral(" GMT") && c.at_end())) {
    return false;
  }
  f.month = mon + 1;
  f.year = year;
  return true;
}

// "Sunday, 06-Nov-94 08:49:37 GMT"; the year is resolved by the caller.
bool parse_rfc850(std::string_view text, Fields& f) noexcept {
  Cursor c(text);
  unsigned wd = 0;
  unsigned mon = 0;
  unsigned yy = 0;
  if (!(c.name(kLongDays, wd) && c.literal(", ") && c.digits(2, f.day) && c.literal("-") &&
        c.name(kMonths, mon) && c.literal("-") && c.digits(2, yy) && c.literal(" ") &&
        c.time_of_day(f.hour, f.minute, f.second) && c.iliteral(" GMT") && c.at_end())) {
    return false;
  }
  f.month = mon + 1;
  f.year = yy;
  return true;
}

// "Sun Nov  6 08:49:37 1994" (day is two digits or a space and one digit).
bool parse_asctime(std::string_view text, Fields& f) noexcept {
  Cursor c(text);
  unsigned wd = 0;
  unsigned mon = 0;
  unsigned year = 0;
  if (!(c.name(kShortDays, wd) && c.literal(" ") && c.name(kMonths, mon) && c.literal(" "))) {
    return false;
  }
  if (!(c.literal(" ") ? c.digits(1, f.day) : c.digits(2, f.day))) return false;
  if (!(c.literal(" ") && c.time_of_day(f.hour, f.minute, f.second) && c.literal(" ") &&
        c.digits(4, year) && c.at_end())) {
    return false;
  }
  f.month = mon + 1;
  f.year = year;
  return true;
}

constexpr std::int64_t kMaxSeconds =
    std::chrono::duration_cast<std::chrono::seconds>(SysTime::duration::max()).count();
constexpr std::int64_t kMinSeconds =
    std::chrono::duration_cast<std::chrono::seconds>(SysTime::duration::min()).count();

std::optional<SysTime> to_time(const Fields& f) noexcept {
  if (f.month < 1 || f.month > 12) return std::nullopt;
  if (f.day < 1 || f.day > days_in_month(f.year, f.month)) return std::nullopt;
  // 60 admits a leap second; it rolls over into the next minute like POSIX time does.
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
  const std::int64_t secs = days_from_civil(f.year, f.month, f.day) * 86400 +
                            static_cast<std::int64_t>(f.hour) * 3600 +
                            static_cast<std::int64_t>(f.minute) * 60 + f.second;
  return from_unix_seconds(secs);
}

std::int64_t year_of(SysTime t) noexcept {
  const std::int64_t secs = to_unix_seconds(t);
  const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  return civil_from_days(days).year;
}

std::optional<SysTime> parse_impl(std::string_view text, std::optional<SysTime> now) noexcept {
  Fields f;
  if (parse_imf(text, f) || parse_asctime(text, f)) return to_time(f);
  if (!parse_rfc850(text, f)) return std::nullopt;
  if (now) {
    const std::int64_t current = year_of(*now);
    std::int64_t year = current - current % 100 + f.year;
    if (year > current + 50) year -= 100;
    f.year = year;
  } else {
    f.year += f.year < 70 ? 2000 : 1900;
  }
  return to_time(f);
}

void put2(char* out, unsigned v) noexcept {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

std::int64_t to_unix_seconds(SysTime t) noexcept {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

SysTime from_unix_seconds(std::int64_t seconds) noexcept {
  if (seconds >= kMaxSeconds) return SysTime::max();
  if (seconds <= kMinSeconds) return SysTime::min();
  return SysTime(std::chrono::duration_cast<SysTime::duration>(std::chrono::seconds(seconds)));
}

std::optional<SysTime> parse_http_date(std::string_view text) noexcept {
  return parse_impl(text, std::nullopt);
}

std::optional<SysTime> parse_http_date(std::string_view text, SysTime now) noexcept {
  return parse_impl(text, now);
}

void format_http_date(SysTime t, char* out) noexcept {
  const std::int64_t secs = to_unix_seconds(t);
  const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const auto rem = static_cast<unsigned>(secs - days * 86400);
  const Civil c = civil_from_days(days);
  // 1970-01-01 was a Thursday (index 4).
  const auto weekday = static_cast<unsigned>(((days % 7) + 11) % 7);
  const auto year = static_cast<unsigned>(c.year < 0 ? 0 : (c.year > 9999 ? 9999 : c.year));

  const std::string_view wd = kShortDays[weekday];
  const std::string_view mon = kMonths[c.month - 1];
  out[0] = wd[0];
  out[1] = wd[1];
  out[2] = wd[2];
  out[3] = ',';
  out[4] = ' ';
  put2(out + 5, c.day);
  out[7] = ' ';
  out[8] = mon[0];
  out[9] = mon[1];
  out[10] = mon[2];
  out[11] = ' ';
  put2(out + 12, year / 100);
  put2(out + 14, year % 100);
  out[16] = ' ';
  put2(out + 17, rem / 3600);
  out[19] = ':';
  put2(out + 20, rem / 60 % 60);
  out[22] = ':';
  put2(out + 23, rem % 60);
  out[25] = ' ';
  out[26] = 'G';
  out[27] = 'M';
  out[28] = 'T';
}

std::string format_http_date(SysTime t) {
  std::string s(kHttpDateLength, ' ');
  format_http_date(t, s.data());
  return s;
}

}  // namespace candela
