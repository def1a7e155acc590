// Order states by role.
#include "control/order_transitions.hpp"

#include <array>
#include <string>

namespace candela::control {
namespace {

enum Who : unsigned {
  kAd = 1,
  kCcm = 2,
  kAe = 4,
  kCustomerAdmin = 8,
};

struct Move {
  OrderState from;
  OrderState to;
  unsigned who;
};

constexpr std::array<Move, 13> kMoves{{
    {OrderState::kDraft, OrderState::kQuoted, kAd},
    {OrderState::kQuoted, OrderState::kDraft, kAd},
    {OrderState::kQuoted, OrderState::kSigned, kCustomerAdmin},
    {OrderState::kSigned, OrderState::kValidated, kCcm},
    {OrderState::kSigned, OrderState::kRejected, kCcm},
    {OrderState::kValidated, OrderState::kProvisioning, kAe},
    {OrderState::kValidated, OrderState::kRejected, kAe},
    {OrderState::kProvisioning, OrderState::kCompleted, kAe},
    {OrderState::kDraft, OrderState::kCancelled, kCustomerAdmin | kAd | kCcm},
    {OrderState::kQuoted, OrderState::kCancelled, kCustomerAdmin | kAd | kCcm},
    {OrderState::kSigned, OrderState::kCancelled, kAd | kCcm},
    {OrderState::kValidated, OrderState::kCancelled, kAd | kCcm},
    {OrderState::kProvisioning, OrderState::kCancelled, kAd | kCcm},
}};

unsigned capacities(const OrderActor& actor) {
  return (actor.account_director ? kAd : 0u) | (actor.customer_care_manager ? kCcm : 0u) |
         (actor.activation_engineer ? kAe : 0u) | (actor.customer_admin ? kCustomerAdmin : 0u);
}

std::string who_names(unsigned who) {
  std::string out;
  auto add = [&](unsigned bit, const char* name) {
    if (!(who & bit)) return;
    if (!out.empty()) out += " or ";
    out += name;
  };
  add(kCustomerAdmin, "a customer admin");
  add(kAd, "the account director");
  add(kCcm, "the customer care manager");
  add(kAe, "the activation engineer");
  return out;
}

}  // namespace

OrderActor order_actor(const Principal& principal, bool customer_admin) {
  OrderActor actor;
  actor.account_director = principal.has_provider_role(Role::kAccountDirector);
  actor.sales_engineer = principal.has_provider_role(Role::kSalesEngineer);
  actor.customer_care_manager = principal.has_provider_role(Role::kCustomerCareManager);
  actor.activation_engineer = principal.has_provider_role(Role::kActivationEngineer);
  actor.customer_admin = customer_admin;
  return actor;
}

bool may_edit_orders(const OrderActor& actor) {
  return actor.account_director || actor.sales_engineer || actor.customer_admin;
}

Status check_order_transition(OrderState from, OrderState to, const OrderActor& actor) {
  for (const auto& move : kMoves) {
    if (move.from != from || move.to != to) continue;
    if (move.who & capacities(actor)) return ok_status();
    return Error{"only " + who_names(move.who) + " may move an order from " +
                     std::string(order_state_name(from)) + " to " +
                     std::string(order_state_name(to)),
                 ErrorKind::kForbidden};
  }
  return Error{"an order cannot move from " + std::string(order_state_name(from)) + " to " +
                   std::string(order_state_name(to)),
               ErrorKind::kConflict};
}

std::vector<OrderState> permitted_transitions(OrderState from, const OrderActor& actor) {
  std::vector<OrderState> out;
  for (const OrderState to : all_order_states()) {
    if (check_order_transition(from, to, actor).ok()) out.push_back(to);
  }
  return out;
}

}  // namespace candela::control
