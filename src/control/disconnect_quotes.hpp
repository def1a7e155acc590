// The early termination quote for disconnecting a service (all its open items, or some): one
// DisconnectQuote per item, and the total the customer sees before confirming. Computed, never
// stored here (a disconnect order stores the quote it was signed with).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/early_termination.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct ItemDisconnectQuote {
  long long item_id = 0;
  std::string product;
  CivilDate term_end;
  DisconnectQuote quote;
};

struct ServiceDisconnectQuote {
  CivilDate requested_on;
  std::vector<ItemDisconnectQuote> quotes;  // ascending by item id
  long long etc_total_minor = 0;
  std::string currency;  // the customer's (customer_terms)
};

// Quotes disconnecting `scid` with the last day `cessation`, requested today (the clock's UTC
// date). `item_ids` names some of the service's open items; nullopt = every open item. No
// authorization: callers check kRead on the service first.
// Errors: kInvalid at "/cessation_date" (before today, or before an item's first day) or
// "/item_ids/N" (not an open item of this service); kConflict when the service has no open items.
Result<ServiceDisconnectQuote> quote_service_disconnect(
    soci::session& session, const Clock& clock, std::string_view scid, const CivilDate& cessation,
    const std::optional<std::vector<long long>>& item_ids);

// {"requested_on", "quotes": [{"item_id", "product", "term_end", "requested_cessation",
// "cessation", "outcome", "remaining_mrc_minor", "etc_minor", "explanation"}],
// "etc_total_minor", "currency"}
nlohmann::json disconnect_quote_to_json(const ServiceDisconnectQuote& quote);

}  // namespace candela::control
