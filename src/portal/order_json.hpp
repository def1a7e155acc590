// Orders and connection notices as JSON (contract section 2), and reading order bodies with
// every type error located; the order rules themselves are the domain's (control/orders).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "control/orders.hpp"
#include "portal/json_body.hpp"

namespace candela::portal {

// The order as GET /api/v1/orders/{n} answers, without allowed_transitions (which depend on
// who asks; the ETag is computed over this part).
nlohmann::json order_json(const control::Order& order);
// order_json plus "allowed_transitions" for the caller.
nlohmann::json order_json(const control::Order& order,
                          const std::vector<control::OrderState>& allowed);
nlohmann::json connection_notice_json(const control::ConnectionNotice& notice);

// A POST /api/v1/orders body (`create`) or a PATCH body. Type errors go into `reader`.
control::OrderDraft read_order_draft(JsonReader& reader, const nlohmann::json& document,
                                     bool create);
// A POST .../transitions body; nullopt (with errors in `reader`) when it cannot be read.
std::optional<control::OrderTransitionRequest> read_order_transition(
    JsonReader& reader, const nlohmann::json& document);

}  // namespace candela::portal
