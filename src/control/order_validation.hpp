// The rules an order's fields must follow, by type, located by JSON pointer ("/items/0/action",
// "/technical/aliases/1"): checked when a draft is stored and again when it is quoted.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/civil_date.hpp"
#include "control/orders.hpp"

namespace candela::control {

using OrderProblems = std::vector<std::pair<std::string, std::string>>;

// A host name: dot-separated labels of 1-63 letters, digits and '-' (not at either end), at
// most 253 characters.
bool is_order_host_name(std::string_view host);

// Every problem with the order's own fields for its type; `today` bounds the dates.
OrderProblems check_order_fields(const Order& order, const CivilDate& today);

// One kInvalid Error listing `problems`.
Error order_problems_error(const std::string& what, OrderProblems problems);

}  // namespace candela::control
