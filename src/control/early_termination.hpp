// Contract terms and the disconnect rules of the handbook: a disconnect must be received 30
// calendar days before the contract end date to end at term without charge; a cessation on the
// term end date carries no fee; a cessation before the end carries an early termination charge
// (ETC); after the term the service runs month to month at the same MRC.
#pragma once

#include <string>

#include "common/civil_date.hpp"
#include "common/result.hpp"

namespace candela::control {

inline constexpr int kDisconnectNoticeDays = 30;
inline constexpr int kMaxTermMonths = 120;

struct ContractTerm {
  CivilDate term_start;
  int term_months = 12;  // 1..kMaxTermMonths
  CivilDate term_end;    // inclusive: term_end_for(term_start, term_months)
  long long mrc_minor = 0;
  int etc_percent = 100;  // the per-contract ETC rule: this share of the remaining MRC (0..100)
};

// The last day of a term: term_start + months − 1 day (2026-02-10 + 12 months → 2027-02-09).
CivilDate term_end_for(const CivilDate& term_start, int term_months);

enum class DisconnectOutcome {
  kEarlyTermination,        // cessation before the term end: ETC applies
  kAtTermEnd,               // cessation on the term end date, notice in time: no fee
  kLateNoticeMonthToMonth,  // asked for the term end with under 30 days' notice: runs month to
                            // month until requested_on + 30 days, no ETC
  kMonthToMonth,            // term already over: ends requested_on + 30 days at the earliest
};
std::string_view disconnect_outcome_name(DisconnectOutcome outcome);  // "early_termination", …

struct DisconnectQuote {
  CivilDate requested_on;         // when the disconnect request was received
  CivilDate requested_cessation;  // what the customer asked for
  CivilDate cessation;            // the last day of service that applies
  DisconnectOutcome outcome = DisconnectOutcome::kAtTermEnd;
  long long remaining_mrc_minor = 0;  // MRC for cessation+1 .. term_end (prorated per month)
  long long etc_minor = 0;            // remaining_mrc × etc_percent / 100, rounded once
  std::string explanation;            // one sentence for the customer, dates as YYYY-MM-DD
};

// Errors (kInvalid, located): requested_cessation before requested_on ("/cessation_date").
Result<DisconnectQuote> quote_disconnect(const ContractTerm& term, const CivilDate& requested_on,
                                         const CivilDate& requested_cessation);

}  // namespace candela::control
