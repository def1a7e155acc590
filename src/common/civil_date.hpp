// Calendar dates (proleptic Gregorian, UTC) for the business rules that count days: contract
// terms, proration, notice periods, due dates. Stored and sent as "YYYY-MM-DD".
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace candela {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..days_in_month
  auto operator<=>(const CivilDate&) const = default;
};

// A calendar month, the billing period: "YYYY-MM".
struct BillingMonth {
  int year = 1970;
  int month = 1;
  auto operator<=>(const BillingMonth&) const = default;
};

bool is_leap_year(int year);
int days_in_month(int year, int month);
int days_in_month(BillingMonth month);

// Strict "YYYY-MM-DD" (years 1900..9999, a real day); nullopt otherwise.
std::optional<CivilDate> parse_civil_date(std::string_view text);
std::string format_civil_date(const CivilDate& date);
// Strict "YYYY-MM"; nullopt otherwise.
std::optional<BillingMonth> parse_billing_month(std::string_view text);
std::string format_billing_month(BillingMonth month);

// Days since 1970-01-01 (which is day 0), and back.
long long days_from_epoch(const CivilDate& date);
CivilDate civil_from_days(long long days);
CivilDate add_days(const CivilDate& date, long long days);
// `to` − `from` in days (negative when `to` is earlier).
long long days_between(const CivilDate& from, const CivilDate& to);
// Adds calendar months keeping the day, clamped to the target month's last day
// (2026-01-31 + 1 month = 2026-02-28).
CivilDate add_months(const CivilDate& date, int months);

// The UTC calendar date of an instant, and the instant of a date's midnight (00:00 UTC).
CivilDate utc_date_of(SysTime at);
SysTime start_of_day(const CivilDate& date);

BillingMonth month_of(const CivilDate& date);
CivilDate first_day(BillingMonth month);
CivilDate last_day(BillingMonth month);
BillingMonth next_month(BillingMonth month);
BillingMonth previous_month(BillingMonth month);

}  // namespace candela
