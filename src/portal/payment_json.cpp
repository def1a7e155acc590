// JSON of payments, balances and aging; amounts in minor units, dates "YYYY-MM-DD".
#include "portal/payment_json.hpp"

#include "portal/feed_json.hpp"

namespace candela::portal {

nlohmann::json payment_json(const control::Payment& payment) {
  nlohmann::json allocations = nlohmann::json::array();
  for (const auto& allocation : payment.allocations) {
    allocations.push_back(
        {{"invoice_number", allocation.invoice_number}, {"amount_minor", allocation.amount_minor}});
  }
  nlohmann::json recorded_by = nullptr;
  if (payment.recorded_by_user_id) {
    recorded_by = {{"user_id", *payment.recorded_by_user_id}, {"name", payment.recorded_by_name}};
  }
  return {{"id", payment.id},
          {"customer_number", payment.customer_number},
          {"customer_name", payment.customer_name},
          {"method", control::payment_method_name(payment.method)},
          {"reference", payment.reference},
          {"amount_minor", payment.amount_minor},
          {"currency", payment.currency},
          {"received_on", format_civil_date(payment.received_on)},
          {"note", payment.note},
          {"recorded_by", recorded_by},
          {"created_at", utc_timestamp(payment.created_at)},
          {"allocations", allocations},
          {"unapplied_minor", payment.unapplied_minor}};
}

nlohmann::json aging_json(const control::AgingBuckets& aging) {
  return {{"current_minor", aging.current_minor},
          {"days_1_30_minor", aging.days_1_30_minor},
          {"days_31_60_minor", aging.days_31_60_minor},
          {"days_61_90_minor", aging.days_61_90_minor},
          {"days_over_90_minor", aging.days_over_90_minor}};
}

nlohmann::json balance_json(const control::CustomerBalance& balance, bool with_name) {
  nlohmann::json body = {
      {"customer_number", balance.customer_number},
      {"currency", balance.currency},
      {"outstanding_minor", balance.outstanding_minor},
      {"overdue_minor", balance.overdue_minor},
      {"disputed_minor", balance.disputed_minor},
      {"unapplied_minor", balance.unapplied_minor},
      {"aging", aging_json(balance.aging)},
      {"collection_state", control::collection_state_name(balance.collection_state)}};
  if (with_name) body["customer_name"] = balance.customer_name;
  return body;
}

}  // namespace candela::portal
