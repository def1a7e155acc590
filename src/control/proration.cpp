#include "control/proration.hpp"

#include <algorithm>

#include "common/money.hpp"

namespace candela::control {

ProratedCharge prorate_monthly(long long mrc_minor, BillingMonth month,
                               const CivilDate& in_service_from,
                               const std::optional<CivilDate>& in_service_to) {
  ProratedCharge charge;
  charge.days_in_month = days_in_month(month);
  const CivilDate from = std::max(first_day(month), in_service_from);
  const CivilDate to = in_service_to ? std::min(last_day(month), *in_service_to) : last_day(month);
  if (to < from) return charge;
  charge.from = from;
  charge.to = to;
  charge.days_in_service = static_cast<int>(days_between(from, to)) + 1;
  charge.amount_minor =
      divide_rounded(static_cast<Int128>(mrc_minor) * charge.days_in_service, charge.days_in_month);
  return charge;
}

}  // namespace candela::control
