// The order state machine and who may make each move (contract section 2): plain functions,
// no store, so every rule is testable on its own. Roles are strict: provider_admin is not a
// wildcard here.
#pragma once

#include <vector>

#include "control/database.hpp"
#include "control/orders.hpp"

namespace candela::control {

// The capacities a principal acts in for one order.
struct OrderActor {
  bool account_director = false;
  bool sales_engineer = false;
  bool customer_care_manager = false;
  bool activation_engineer = false;
  bool customer_admin = false;  // admin on the order's access group or an ancestor of it
};

// `customer_admin` is worked out by the caller (it needs the store).
OrderActor order_actor(const Principal& principal, bool customer_admin);

// Creating and editing drafts: account director, sales engineer, customer admin.
bool may_edit_orders(const OrderActor& actor);

// The moves:
//   draft → quoted, quoted → draft (revise): account director.
//   quoted → signed: customer admin (with the signature).
//   signed → validated | rejected: customer care manager.
//   validated → provisioning | rejected, provisioning → completed: activation engineer.
//   draft, quoted → cancelled: customer admin, account director, customer care manager;
//   signed, validated, provisioning → cancelled: account director, customer care manager.
// kConflict for a move that does not exist; kForbidden for an actor who may not make it.
Status check_order_transition(OrderState from, OrderState to, const OrderActor& actor);

// The states `actor` may move an order in `from` to, in lifecycle order.
std::vector<OrderState> permitted_transitions(OrderState from, const OrderActor& actor);

}  // namespace candela::control
