// HTTP date formatting and parsing without locale or time-zone dependence.
#include "origin/http_date.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace candela::origin {

namespace {

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm); avoids timegm's
// dependence on the process time zone and its range quirks.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// A tiny cursor over the date text; every accessor fails (returns false) rather than throwing.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  bool number(std::size_t min_digits, std::size_t max_digits, int& out) {
    std::size_t n = 0;
    while (pos_ + n < s_.size() && n < max_digits && s_[pos_ + n] >= '0' && s_[pos_ + n] <= '9') {
      ++n;
    }
    if (n < min_digits) return false;
    std::from_chars(s_.data() + pos_, s_.data() + pos_ + n, out);
    pos_ += n;
    return true;
  }
  bool month(unsigned& out) {
    for (unsigned i = 0; i < kMonths.size(); ++i) {
      if (literal(kMonths[i])) {
        out = i + 1;
        return true;
      }
    }
    return false;
  }
  bool skip_day_name() {
    while (pos_ < s_.size() &&
           ((s_[pos_] >= 'A' && s_[pos_] <= 'Z') || (s_[pos_] >= 'a' && s_[pos_] <= 'z'))) {
      ++pos_;
    }
    return true;
  }
  bool spaces() {
    const auto start = pos_;
    while (pos_ < s_.size() && s_[pos_] == ' ')
      ++pos_;
    return pos_ > start;
  }
  bool time(int& h, int& mi, int& sec) {
    return number(2, 2, h) && literal(":") && number(2, 2, mi) && literal(":") && number(2, 2, sec);
  }
  bool done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<SysTime> make_time(int year, unsigned month, int day, int h, int mi, int sec) {
  if (day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  const auto days = days_from_civil(year, month, static_cast<unsigned>(day));
  return SysTime(std::chrono::seconds(days * 86400 + h * 3600 + mi * 60 + sec));
}

}  // namespace

std::string format_http_date(SysTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  const auto n = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                               kDays[static_cast<std::size_t>(tm.tm_wday)].data(), tm.tm_mday,
                               kMonths[static_cast<std::size_t>(tm.tm_mon)].data(),
                               tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buf, static_cast<std::size_t>(n));
}

std::optional<SysTime> parse_http_date(std::string_view text) {
  int day = 0, year = 0, h = 0, mi = 0, sec = 0;
  unsigned month = 0;
  {  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    Cursor c(text);
    if (c.skip_day_name() && c.literal(", ") && c.number(2, 2, day) && c.literal(" ") &&
        c.month(month) && c.literal(" ") && c.number(4, 4, year) && c.literal(" ") &&
        c.time(h, mi, sec) && c.literal(" GMT") && c.done()) {
      return make_time(year, month, day, h, mi, sec);
    }
  }
  {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years pivot at 70, as most servers do)
    Cursor c(text);
    if (c.skip_day_name() && c.literal(", ") && c.number(2, 2, day) && c.literal("-") &&
        c.month(month) && c.literal("-") && c.number(2, 2, year) && c.literal(" ") &&
        c.time(h, mi, sec) && c.literal(" GMT") && c.done()) {
      return make_time(year + (year < 70 ? 2000 : 1900), month, day, h, mi, sec);
    }
  }
  {  // asctime: Sun Nov  6 08:49:37 1994
    Cursor c(text);
    if (c.skip_day_name() && c.literal(" ") && c.month(month) && c.spaces() &&
        c.number(1, 2, day) && c.literal(" ") && c.time(h, mi, sec) && c.literal(" ") &&
        c.number(4, 4, year) && c.done()) {
      return make_time(year, month, day, h, mi, sec);
    }
  }
  return std::nullopt;
}

}  // namespace candela::origin
