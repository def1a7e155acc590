// Calendar-month proration of monthly recurring charges (handbook: "If your bill only includes a
// partial month, it is prorated based on a calendar month"): the share of a month's MRC is
// days in service in that month ÷ days in that month, rounded once (common/money.hpp).
#pragma once

#include <optional>

#include "common/civil_date.hpp"

namespace candela::control {

struct ProratedCharge {
  int days_in_service = 0;  // days of `month` within [in_service_from, in_service_to]
  int days_in_month = 0;
  long long amount_minor = 0;  // mrc × days_in_service ÷ days_in_month, rounded
  CivilDate from;              // the first and last billed day (valid when days_in_service > 0)
  CivilDate to;
};

// The MRC share for `month` of something in service from `in_service_from` through
// `in_service_to` (inclusive; nullopt = still in service). Zero days → amount 0.
ProratedCharge prorate_monthly(long long mrc_minor, BillingMonth month,
                               const CivilDate& in_service_from,
                               const std::optional<CivilDate>& in_service_to);

}  // namespace candela::control
