#include "common/civil_date.hpp"

#include <chrono>
#include <cstdio>

namespace candela {
namespace {

// Exactly `count` ASCII digits at text[at..]; nullopt otherwise.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;

// Floor division, so that dates before the epoch map correctly.
long long floor_div(long long a, long long b) {
  long long q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

int days_in_month(BillingMonth month) {
  return days_in_month(month.year, month.month);
}

std::optional<CivilDate> parse_civil_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  if (!year || !month || !day) return std::nullopt;
  if (*year < kMinYear || *year > kMaxYear || *month < 1 || *month > 12) return std::nullopt;
  if (*day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  return CivilDate{*year, *month, *day};
}

std::string format_civil_date(const CivilDate& date) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

std::optional<BillingMonth> parse_billing_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  if (!year || !month) return std::nullopt;
  if (*year < kMinYear || *year > kMaxYear || *month < 1 || *month > 12) return std::nullopt;
  return BillingMonth{*year, *month};
}

std::string format_billing_month(BillingMonth month) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d", month.year, month.month);
  return buffer;
}

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
long long days_from_epoch(const CivilDate& date) {
  const long long y = date.year - (date.month <= 2 ? 1 : 0);
  const long long era = floor_div(y, 400);
  const long long yoe = y - era * 400;
  const long long m = date.month;
  const long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + date.day - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(long long days) {
  const long long z = days + 719468;
  const long long era = floor_div(z, 146097);
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long d = doy - (153 * mp + 2) / 5 + 1;
  const long long m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return CivilDate{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

CivilDate add_days(const CivilDate& date, long long days) {
  return civil_from_days(days_from_epoch(date) + days);
}

long long days_between(const CivilDate& from, const CivilDate& to) {
  return days_from_epoch(to) - days_from_epoch(from);
}

CivilDate add_months(const CivilDate& date, int months) {
  const long long index = static_cast<long long>(date.year) * 12 + (date.month - 1) + months;
  const int year = static_cast<int>(floor_div(index, 12));
  const int month = static_cast<int>(index - static_cast<long long>(year) * 12) + 1;
  const int last = days_in_month(year, month);
  return CivilDate{year, month, date.day > last ? last : date.day};
}

CivilDate utc_date_of(SysTime at) {
  const auto days = std::chrono::floor<std::chrono::days>(at);
  return civil_from_days(days.time_since_epoch().count());
}

SysTime start_of_day(const CivilDate& date) {
  return SysTime(
      std::chrono::duration_cast<SysTime::duration>(std::chrono::days(days_from_epoch(date))));
}

BillingMonth month_of(const CivilDate& date) {
  return BillingMonth{date.year, date.month};
}

CivilDate first_day(BillingMonth month) {
  return CivilDate{month.year, month.month, 1};
}

CivilDate last_day(BillingMonth month) {
  return CivilDate{month.year, month.month, days_in_month(month)};
}

BillingMonth next_month(BillingMonth month) {
  if (month.month == 12) return BillingMonth{month.year + 1, 1};
  return BillingMonth{month.year, month.month + 1};
}

BillingMonth previous_month(BillingMonth month) {
  if (month.month == 1) return BillingMonth{month.year - 1, 12};
  return BillingMonth{month.year, month.month - 1};
}

}  // namespace candela
