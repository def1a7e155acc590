// Table-driven tests of the disconnect rules: early termination charge, the 30-day notice for a
// cessation at the term end, and month to month after the term.
#include "control/early_termination.hpp"

#include <gtest/gtest.h>

#include <string>

namespace candela::control {
namespace {

CivilDate d(int year, int month, int day) {
  return CivilDate{year, month, day};
}

TEST(TermEnd, EndsTheDayBeforeTheSameDayOfTheFinalMonth) {
  struct Case {
    CivilDate start;
    int months;
    CivilDate end;
  };
  for (const Case& c :
       {Case{d(2026, 2, 10), 12, d(2027, 2, 9)}, Case{d(2028, 2, 10), 12, d(2029, 2, 9)},
        Case{d(2026, 1, 1), 12, d(2026, 12, 31)}, Case{d(2026, 3, 15), 36, d(2029, 3, 14)},
        Case{d(2026, 3, 1), 1, d(2026, 3, 31)},
        // No 31 February: a one-month term from 31 January ends with February.
        Case{d(2026, 1, 31), 1, d(2026, 2, 28)}, Case{d(2028, 2, 29), 12, d(2029, 2, 28)},
        Case{d(2026, 5, 31), 1, d(2026, 6, 30)}, Case{d(2026, 7, 31), 1, d(2026, 8, 30)}}) {
    EXPECT_EQ(term_end_for(c.start, c.months), c.end)
        << format_civil_date(c.start) << " + " << c.months;
  }
}

// The example contract: 12 months from 10 February 2026, MRC 500.00.
ContractTerm contract(int etc_percent = 100) {
  return ContractTerm{d(2026, 2, 10), 12, d(2027, 2, 9), 50000, etc_percent};
}

struct QuoteCase {
  std::string name;
  int etc_percent;
  CivilDate requested_on;
  CivilDate requested_cessation;
  DisconnectOutcome outcome;
  CivilDate cessation;
  long long remaining_mrc_minor;
  long long etc_minor;
};

class DisconnectQuotes : public ::testing::TestWithParam<QuoteCase> {};

TEST_P(DisconnectQuotes, FollowTheHandbookRules) {
  const QuoteCase& c = GetParam();
  const auto quote =
      quote_disconnect(contract(c.etc_percent), c.requested_on, c.requested_cessation);
  ASSERT_TRUE(quote.ok()) << quote.error();
  EXPECT_EQ(disconnect_outcome_name(quote->outcome), disconnect_outcome_name(c.outcome));
  EXPECT_EQ(format_civil_date(quote->cessation), format_civil_date(c.cessation));
  EXPECT_EQ(quote->requested_on, c.requested_on);
  EXPECT_EQ(quote->requested_cessation, c.requested_cessation);
  EXPECT_EQ(quote->remaining_mrc_minor, c.remaining_mrc_minor);
  EXPECT_EQ(quote->etc_minor, c.etc_minor);
  EXPECT_NE(quote->explanation.find(format_civil_date(quote->cessation)), std::string::npos)
      << quote->explanation;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DisconnectQuotes,
    ::testing::Values(
        // Early: 16/31 of December + January + 9/28 of February = 91877.880… → 91878 (rounding
        // each month first would give 91877).
        QuoteCase{"EarlyTerminationFullRemainingMrc", 100, d(2026, 11, 25), d(2026, 12, 15),
                  DisconnectOutcome::kEarlyTermination, d(2026, 12, 15), 91878, 91878},
        QuoteCase{"EarlyTerminationPercentage", 50, d(2026, 11, 25), d(2026, 12, 15),
                  DisconnectOutcome::kEarlyTermination, d(2026, 12, 15), 91878, 45939},
        // January + 9/28 of February = 66071.428… → 66071; 50 % = 33035.5 → 33036.
        QuoteCase{"EarlyTerminationPercentageRoundsHalfUp", 50, d(2026, 11, 25), d(2026, 12, 31),
                  DisconnectOutcome::kEarlyTermination, d(2026, 12, 31), 66071, 33036},
        QuoteCase{"EarlyTerminationQuarter", 25, d(2026, 11, 25), d(2026, 12, 31),
                  DisconnectOutcome::kEarlyTermination, d(2026, 12, 31), 66071, 16518},  // 16517.75
        QuoteCase{"EarlyTerminationNoChargeRule", 0, d(2026, 11, 25), d(2026, 12, 31),
                  DisconnectOutcome::kEarlyTermination, d(2026, 12, 31), 66071, 0},
        // Under 30 days' notice for a cessation before the end is still early: the ETC applies.
        QuoteCase{"EarlyTerminationShortNotice", 100, d(2027, 2, 1), d(2027, 2, 8),
                  DisconnectOutcome::kEarlyTermination, d(2027, 2, 8), 1786,
                  1786},  // 1/28 → 1785.71…
        QuoteCase{"EarlyTerminationSameDay", 100, d(2026, 2, 10), d(2026, 2, 10),
                  DisconnectOutcome::kEarlyTermination, d(2026, 2, 10), 598214,
                  598214},  // 18/28 + 11 months + 9/28
        // Exactly 30 days' notice for the term end date: no fee.
        QuoteCase{"AtTermEndWithThirtyDaysNotice", 100, d(2027, 1, 10), d(2027, 2, 9),
                  DisconnectOutcome::kAtTermEnd, d(2027, 2, 9), 0, 0},
        QuoteCase{"AtTermEndWithLongNotice", 100, d(2026, 6, 1), d(2027, 2, 9),
                  DisconnectOutcome::kAtTermEnd, d(2027, 2, 9), 0, 0},
        // 29 days' notice: runs month to month until 30 days after the request, no ETC.
        QuoteCase{"AtTermEndWithTwentyNineDaysNotice", 100, d(2027, 1, 11), d(2027, 2, 9),
                  DisconnectOutcome::kLateNoticeMonthToMonth, d(2027, 2, 10), 0, 0},
        QuoteCase{"AtTermEndAskedOnTheLastDay", 100, d(2027, 2, 9), d(2027, 2, 9),
                  DisconnectOutcome::kLateNoticeMonthToMonth, d(2027, 3, 11), 0, 0},
        // Month to month: ends no earlier than 30 days after the request.
        QuoteCase{"MonthToMonthTooSoonMovesToThirtyDays", 100, d(2027, 5, 1), d(2027, 5, 10),
                  DisconnectOutcome::kMonthToMonth, d(2027, 5, 31), 0, 0},
        QuoteCase{"MonthToMonthWithNoticeAsRequested", 100, d(2027, 5, 1), d(2027, 7, 1),
                  DisconnectOutcome::kMonthToMonth, d(2027, 7, 1), 0, 0},
        QuoteCase{"MonthToMonthExactlyThirtyDays", 100, d(2027, 5, 1), d(2027, 5, 31),
                  DisconnectOutcome::kMonthToMonth, d(2027, 5, 31), 0, 0},
        QuoteCase{"AfterTermEndAskedDuringTheTerm", 100, d(2027, 1, 20), d(2027, 2, 10),
                  DisconnectOutcome::kMonthToMonth, d(2027, 2, 19), 0, 0}),
    [](const ::testing::TestParamInfo<QuoteCase>& param_info) { return param_info.param.name; });

TEST(DisconnectQuote, RefusesACessationBeforeTheRequest) {
  const auto quote = quote_disconnect(contract(), d(2026, 11, 25), d(2026, 11, 24));
  ASSERT_FALSE(quote.ok());
  EXPECT_EQ(quote.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(quote.failure().fields.size(), 1u);
  EXPECT_EQ(quote.failure().fields[0].first, "/cessation_date");
}

TEST(DisconnectQuote, ExplainsTheChargeInWords) {
  const auto quote = quote_disconnect(contract(50), d(2026, 11, 25), d(2026, 12, 31));
  ASSERT_TRUE(quote.ok());
  EXPECT_EQ(quote->explanation,
            "Cessation on 2026-12-31 is before the term end 2027-02-09: an early termination "
            "charge of 330.36 applies (50% of the remaining monthly charges of 660.71 for "
            "2027-01-01 to 2027-02-09).");
}

TEST(DisconnectQuote, NamesEveryOutcome) {
  EXPECT_EQ(disconnect_outcome_name(DisconnectOutcome::kEarlyTermination), "early_termination");
  EXPECT_EQ(disconnect_outcome_name(DisconnectOutcome::kAtTermEnd), "at_term_end");
  EXPECT_EQ(disconnect_outcome_name(DisconnectOutcome::kLateNoticeMonthToMonth),
            "late_notice_month_to_month");
  EXPECT_EQ(disconnect_outcome_name(DisconnectOutcome::kMonthToMonth), "month_to_month");
}

}  // namespace
}  // namespace candela::control
