// Tests for calendar dates: parsing, day counting, month arithmetic and UTC conversions.
#include "common/civil_date.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace candela {
namespace {

CivilDate d(int year, int month, int day) {
  return CivilDate{year, month, day};
}

TEST(CivilDate, LeapYearsFollowTheGregorianRules) {
  struct Case {
    int year;
    bool leap;
  };
  for (const Case& c : {Case{2024, true}, Case{2026, false}, Case{2027, false}, Case{2028, true},
                        Case{1900, false}, Case{2000, true}, Case{2100, false}, Case{2400, true}}) {
    EXPECT_EQ(is_leap_year(c.year), c.leap) << c.year;
  }
}

TEST(CivilDate, DaysInMonth) {
  struct Case {
    int year;
    int month;
    int days;
  };
  for (const Case& c :
       {Case{2027, 1, 31}, Case{2027, 2, 28}, Case{2028, 2, 29}, Case{2027, 4, 30},
        Case{2027, 6, 30}, Case{2027, 7, 31}, Case{2027, 8, 31}, Case{2027, 9, 30},
        Case{2027, 11, 30}, Case{2027, 12, 31}, Case{2100, 2, 28}, Case{2000, 2, 29}}) {
    EXPECT_EQ(days_in_month(c.year, c.month), c.days) << c.year << "-" << c.month;
    EXPECT_EQ(days_in_month(BillingMonth{c.year, c.month}), c.days);
  }
}

TEST(CivilDate, ParsesAndFormatsStrictDates) {
  for (const char* text : {"2026-02-10", "2028-02-29", "1900-01-01", "9999-12-31", "2026-12-31"}) {
    const auto date = parse_civil_date(text);
    ASSERT_TRUE(date.has_value()) << text;
    EXPECT_EQ(format_civil_date(*date), text);
  }
  EXPECT_EQ(parse_civil_date("2026-02-10"), d(2026, 2, 10));
}

TEST(CivilDate, RejectsMalformedOrImpossibleDates) {
  for (const char* text :
       {"", "2026-2-10", "2026-02-1", "2026/02/10", "2027-02-29", "2026-04-31", "2026-13-01",
        "2026-00-10", "2026-01-00", "1899-12-31", "10000-01-01", " 2026-02-10", "2026-02-10 ",
        "2026-02-10T00:00:00Z", "+026-02-10", "2026-0a-10", "２026-02-10"}) {
    EXPECT_FALSE(parse_civil_date(text).has_value()) << '"' << text << '"';
  }
}

TEST(CivilDate, ParsesAndFormatsBillingMonths) {
  EXPECT_EQ(parse_billing_month("2026-11"), (BillingMonth{2026, 11}));
  EXPECT_EQ(format_billing_month(BillingMonth{2026, 1}), "2026-01");
  for (const char* text : {"", "2026-1", "2026-13", "2026-00", "2026-11-01", "26-11", "2026_11"}) {
    EXPECT_FALSE(parse_billing_month(text).has_value()) << '"' << text << '"';
  }
}

TEST(CivilDate, CountsDaysFromTheEpochBothWays) {
  struct Case {
    CivilDate date;
    long long days;
  };
  for (const Case& c :
       {Case{d(1970, 1, 1), 0}, Case{d(1970, 1, 2), 1}, Case{d(1969, 12, 31), -1},
        Case{d(2000, 3, 1), 11017}, Case{d(2026, 11, 25), 20782}, Case{d(1900, 1, 1), -25567}}) {
    EXPECT_EQ(days_from_epoch(c.date), c.days) << format_civil_date(c.date);
    EXPECT_EQ(civil_from_days(c.days), c.date) << c.days;
  }
  // Every day from 1900 to 2188 round-trips, follows its predecessor and formats validly.
  CivilDate previous = civil_from_days(-25568);
  for (long long day = -25567; day < 80000; ++day) {
    const CivilDate date = civil_from_days(day);
    ASSERT_EQ(days_from_epoch(date), day);
    ASSERT_LT(previous, date);
    ASSERT_TRUE(parse_civil_date(format_civil_date(date)).has_value());
    previous = date;
  }
}

TEST(CivilDate, AddsDaysAndMeasuresSpans) {
  EXPECT_EQ(add_days(d(2028, 2, 28), 1), d(2028, 2, 29));
  EXPECT_EQ(add_days(d(2027, 2, 28), 1), d(2027, 3, 1));
  EXPECT_EQ(add_days(d(2026, 12, 31), 1), d(2027, 1, 1));
  EXPECT_EQ(add_days(d(2027, 1, 1), -1), d(2026, 12, 31));
  EXPECT_EQ(add_days(d(2027, 1, 10), 30), d(2027, 2, 9));
  EXPECT_EQ(days_between(d(2026, 2, 10), d(2027, 2, 9)), 364);
  EXPECT_EQ(days_between(d(2028, 2, 10), d(2029, 2, 10)), 366);
  EXPECT_EQ(days_between(d(2027, 2, 9), d(2026, 2, 10)), -364);
}

TEST(CivilDate, AddsMonthsClampingToTheLastDay) {
  struct Case {
    CivilDate from;
    int months;
    CivilDate to;
  };
  for (const Case& c :
       {Case{d(2026, 2, 10), 12, d(2027, 2, 10)}, Case{d(2026, 1, 31), 1, d(2026, 2, 28)},
        Case{d(2028, 1, 31), 1, d(2028, 2, 29)}, Case{d(2026, 3, 31), 1, d(2026, 4, 30)},
        Case{d(2026, 11, 15), 2, d(2027, 1, 15)}, Case{d(2026, 1, 15), -1, d(2025, 12, 15)},
        Case{d(2026, 3, 31), -1, d(2026, 2, 28)}, Case{d(2026, 5, 5), 120, d(2036, 5, 5)},
        Case{d(2026, 5, 5), 0, d(2026, 5, 5)}}) {
    EXPECT_EQ(add_months(c.from, c.months), c.to) << format_civil_date(c.from) << " + " << c.months;
  }
}

TEST(CivilDate, ConvertsInstantsToUtcDates) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  const SysTime midnight = start_of_day(d(2026, 11, 25));
  EXPECT_EQ(midnight.time_since_epoch(), std::chrono::days(20782));
  EXPECT_EQ(utc_date_of(midnight), d(2026, 11, 25));
  EXPECT_EQ(utc_date_of(midnight + hours(23) + std::chrono::minutes(59)), d(2026, 11, 25));
  EXPECT_EQ(utc_date_of(midnight - milliseconds(1)), d(2026, 11, 24));
  EXPECT_EQ(utc_date_of(start_of_day(d(1969, 12, 31)) + hours(12)), d(1969, 12, 31));
}

TEST(CivilDate, MonthHelpers) {
  EXPECT_EQ(month_of(d(2026, 2, 10)), (BillingMonth{2026, 2}));
  EXPECT_EQ(first_day(BillingMonth{2028, 2}), d(2028, 2, 1));
  EXPECT_EQ(last_day(BillingMonth{2028, 2}), d(2028, 2, 29));
  EXPECT_EQ(last_day(BillingMonth{2027, 2}), d(2027, 2, 28));
  EXPECT_EQ(last_day(BillingMonth{2026, 4}), d(2026, 4, 30));
  EXPECT_EQ(next_month(BillingMonth{2026, 12}), (BillingMonth{2027, 1}));
  EXPECT_EQ(next_month(BillingMonth{2026, 5}), (BillingMonth{2026, 6}));
  EXPECT_EQ(previous_month(BillingMonth{2027, 1}), (BillingMonth{2026, 12}));
  EXPECT_EQ(previous_month(BillingMonth{2026, 5}), (BillingMonth{2026, 4}));
  EXPECT_LT((BillingMonth{2026, 12}), (BillingMonth{2027, 1}));
}

}  // namespace
}  // namespace candela
