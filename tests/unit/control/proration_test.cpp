// Table-driven tests of calendar-month proration: days in service ÷ days in that month, rounded
// once half away from zero.
#include "control/proration.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace candela::control {
namespace {

CivilDate d(int year, int month, int day) {
  return CivilDate{year, month, day};
}

struct ProrationCase {
  std::string name;
  long long mrc_minor;
  BillingMonth month;
  CivilDate from;
  std::optional<CivilDate> to;
  int days_in_service;
  int days_in_month;
  long long amount_minor;
};

class Proration : public ::testing::TestWithParam<ProrationCase> {};

TEST_P(Proration, ChargesTheDaysInServiceOfTheMonth) {
  const ProrationCase& c = GetParam();
  const ProratedCharge charge = prorate_monthly(c.mrc_minor, c.month, c.from, c.to);
  EXPECT_EQ(charge.days_in_service, c.days_in_service);
  EXPECT_EQ(charge.days_in_month, c.days_in_month);
  EXPECT_EQ(charge.amount_minor, c.amount_minor);
  if (c.days_in_service > 0) {
    EXPECT_EQ(days_between(charge.from, charge.to) + 1, c.days_in_service);
    EXPECT_EQ(month_of(charge.from), c.month);
    EXPECT_EQ(month_of(charge.to), c.month);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Proration,
    ::testing::Values(
        // Activation on 10 February: 20 of 29 days in a leap year, 19 of 28 in a common year.
        ProrationCase{"ActivationTenFebruaryLeapYear",
                      50000,
                      {2028, 2},
                      d(2028, 2, 10),
                      std::nullopt,
                      20,
                      29,
                      34483},  // 34482.758…
        ProrationCase{"ActivationTenFebruaryCommonYear",
                      50000,
                      {2027, 2},
                      d(2027, 2, 10),
                      std::nullopt,
                      19,
                      28,
                      33929},  // 33928.571…
        ProrationCase{"FullMonthAfterActivation",
                      50000,
                      {2028, 3},
                      d(2028, 2, 10),
                      std::nullopt,
                      31,
                      31,
                      50000},
        // Mid-month disconnect: last day 15 June, 15 of 30 days.
        ProrationCase{
            "MidMonthDisconnect", 50000, {2026, 6}, d(2026, 1, 1), d(2026, 6, 15), 15, 30, 25000},
        ProrationCase{
            "MonthAfterDisconnect", 50000, {2026, 7}, d(2026, 1, 1), d(2026, 6, 15), 0, 31, 0},
        // Transfer on 16 July: the old account pays 1–15 July, the new one 16–31 July.
        ProrationCase{"TransferOldAccountShare",
                      50000,
                      {2026, 7},
                      d(2025, 3, 1),
                      d(2026, 7, 15),
                      15,
                      31,
                      24194},  // 24193.548…
        ProrationCase{"TransferNewAccountShare",
                      50000,
                      {2026, 7},
                      d(2026, 7, 16),
                      std::nullopt,
                      16,
                      31,
                      25806},  // 25806.451…
        // The same ten days cost more in a 30-day month than in a 31-day month.
        ProrationCase{"TenDaysOfThirtyOneDayMonth",
                      50000,
                      {2026, 3},
                      d(2026, 3, 22),
                      std::nullopt,
                      10,
                      31,
                      16129},  // 16129.032…
        ProrationCase{"TenDaysOfThirtyDayMonth",
                      50000,
                      {2026, 4},
                      d(2026, 4, 21),
                      std::nullopt,
                      10,
                      30,
                      16667},  // 16666.666…
        ProrationCase{
            "OneDayStartAndEnd", 31000, {2026, 8}, d(2026, 8, 9), d(2026, 8, 9), 1, 31, 1000},
        ProrationCase{
            "StartsAfterTheMonth", 50000, {2026, 8}, d(2026, 9, 1), std::nullopt, 0, 31, 0},
        ProrationCase{"EndsOnTheMonthsLastDay",
                      50000,
                      {2026, 9},
                      d(2026, 9, 1),
                      d(2026, 9, 30),
                      30,
                      30,
                      50000},
        // Rounding: exactly half a minor unit rounds up (away from zero).
        ProrationCase{"HalfRoundsAwayFromZero",
                      3,
                      {2027, 2},
                      d(2027, 2, 15),
                      std::nullopt,
                      14,
                      28,
                      2},  // 1.5
        ProrationCase{"BelowHalfRoundsDown",
                      1,
                      {2026, 4},
                      d(2026, 4, 17),
                      std::nullopt,
                      14,
                      30,
                      0},  // 0.466…
        ProrationCase{"ZeroMrc", 0, {2026, 4}, d(2026, 4, 17), std::nullopt, 14, 30, 0}),
    [](const ::testing::TestParamInfo<ProrationCase>& param_info) {
      return param_info.param.name;
    });

// The two shares of a month split by a transfer always add up to the month's MRC when their sum
// is exact, and never stray from it by more than one minor unit.
TEST(ProrationSplit, SharesOfASplitMonthAddUpToTheMrc) {
  for (int month = 1; month <= 12; ++month) {
    const BillingMonth billing{2028, month};
    for (int split = 2; split <= days_in_month(billing); ++split) {
      const CivilDate effective{2028, month, split};
      const long long before =
          prorate_monthly(50000, billing, d(2027, 1, 1), add_days(effective, -1)).amount_minor;
      const long long after = prorate_monthly(50000, billing, effective, std::nullopt).amount_minor;
      EXPECT_LE(std::abs(before + after - 50000), 1) << format_civil_date(effective);
    }
  }
}

}  // namespace
}  // namespace candela::control
