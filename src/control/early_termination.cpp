#include "control/early_termination.hpp"

#include <algorithm>

#include "common/money.hpp"

namespace candela::control {
namespace {

// A common denominator of every month length (28, 29, 30, 31): the days of several months add up
// exactly as fractions over it before the single rounding.
constexpr long long kMonthLengthsLcm = 377580;  // 4 × 3 × 5 × 7 × 29 × 31

// Σ over calendar months of mrc × days / days_in_month for the days first..last, as a numerator
// over kMonthLengthsLcm.
Int128 exact_mrc_numerator(long long mrc_minor, const CivilDate& first, const CivilDate& last) {
  Int128 numerator = 0;
  for (BillingMonth month = month_of(first); month <= month_of(last); month = next_month(month)) {
    const CivilDate from = std::max(first, first_day(month));
    const CivilDate to = std::min(last, last_day(month));
    const long long days = days_between(from, to) + 1;
    numerator += static_cast<Int128>(mrc_minor) * days * (kMonthLengthsLcm / days_in_month(month));
  }
  return numerator;
}

}  // namespace

CivilDate term_end_for(const CivilDate& term_start, int term_months) {
  const CivilDate same_day_later = add_months(term_start, term_months);
  // A start on a day the final month does not have (31 January + 1 month): the term runs to
  // that month's last day rather than the day before the clamped date.
  if (same_day_later.day < term_start.day) return same_day_later;
  return add_days(same_day_later, -1);
}

std::string_view disconnect_outcome_name(DisconnectOutcome outcome) {
  switch (outcome) {
    case DisconnectOutcome::kEarlyTermination:
      return "early_termination";
    case DisconnectOutcome::kAtTermEnd:
      return "at_term_end";
    case DisconnectOutcome::kLateNoticeMonthToMonth:
      return "late_notice_month_to_month";
    case DisconnectOutcome::kMonthToMonth:
      return "month_to_month";
  }
  return "unknown";
}

Result<DisconnectQuote> quote_disconnect(const ContractTerm& term, const CivilDate& requested_on,
                                         const CivilDate& requested_cessation) {
  if (requested_cessation < requested_on) {
    const std::string message = "the cessation date " + format_civil_date(requested_cessation) +
                                " is before the request date " + format_civil_date(requested_on);
    return Error{message, ErrorKind::kInvalid, {{"/cessation_date", message}}};
  }
  DisconnectQuote quote;
  quote.requested_on = requested_on;
  quote.requested_cessation = requested_cessation;
  const CivilDate earliest_at_notice = add_days(requested_on, kDisconnectNoticeDays);
  const std::string term_end = format_civil_date(term.term_end);

  if (requested_cessation < term.term_end) {
    quote.outcome = DisconnectOutcome::kEarlyTermination;
    quote.cessation = requested_cessation;
    const CivilDate first_unserved = add_days(requested_cessation, 1);
    const Int128 numerator = exact_mrc_numerator(term.mrc_minor, first_unserved, term.term_end);
    quote.remaining_mrc_minor = divide_rounded(numerator, kMonthLengthsLcm);
    // The percentage applies to the remaining MRC as quoted, so the customer can check it.
    quote.etc_minor =
        divide_rounded(static_cast<Int128>(quote.remaining_mrc_minor) * term.etc_percent, 100);
    quote.explanation =
        "Cessation on " + format_civil_date(requested_cessation) + " is before the term end " +
        term_end + ": an early termination charge of " + format_amount(quote.etc_minor) +
        " applies (" + std::to_string(term.etc_percent) + "% of the remaining monthly charges of " +
        format_amount(quote.remaining_mrc_minor) + " for " + format_civil_date(first_unserved) +
        " to " + term_end + ").";
  } else if (requested_cessation == term.term_end) {
    if (earliest_at_notice <= term.term_end) {
      quote.outcome = DisconnectOutcome::kAtTermEnd;
      quote.cessation = term.term_end;
      quote.explanation = "Cessation on the term end date " + term_end +
                          " with at least 30 days' notice: no early termination charge.";
    } else {
      quote.outcome = DisconnectOutcome::kLateNoticeMonthToMonth;
      quote.cessation = earliest_at_notice;
      quote.explanation = "A disconnect at the term end " + term_end +
                          " needs 30 days' notice (received " + format_civil_date(requested_on) +
                          "): the service continues month to month and ends on " +
                          format_civil_date(earliest_at_notice) +
                          ", the days after the term end billed at the monthly charge, "
                          "no early termination charge.";
    }
  } else {
    quote.outcome = DisconnectOutcome::kMonthToMonth;
    quote.cessation = std::max(requested_cessation, earliest_at_notice);
    quote.explanation =
        "The term ends " + term_end + "; after it the service runs month to month and ends on " +
        format_civil_date(quote.cessation) +
        (quote.cessation == requested_cessation
             ? " as requested"
             : " (30 days after the request of " + format_civil_date(requested_on) + ")") +
        ", no early termination charge.";
  }
  return quote;
}

}  // namespace candela::control
