// Orders: drafts, transitions by role, reads; the effects live in order_completion.
#include "control/orders.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "control/audit_log.hpp"
#include "control/authorization.hpp"
#include "control/customer_terms.hpp"
#include "control/customers.hpp"
#include "control/order_completion.hpp"
#include "control/order_notices.hpp"
#include "control/order_store.hpp"
#include "control/order_transitions.hpp"
#include "control/order_validation.hpp"
#include "control/principal_audit.hpp"
#include "control/reference_numbers.hpp"
#include "control/services.hpp"
#include "control/store_guard.hpp"
#include "control/text_rules.hpp"

namespace candela::control {
namespace {

constexpr std::array<std::string_view, 5> kTypeNames{"new_service", "change", "transfer", "renewal",
                                                     "disconnect"};
constexpr std::array<std::string_view, 8> kStateNames{
    "draft", "quoted", "signed", "validated", "provisioning", "completed", "cancelled", "rejected"};
constexpr std::array<std::string_view, 4> kActionNames{"add", "replace", "end", "keep"};

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

Error invalid_at(const std::string& pointer, const std::string& message) {
  return order_problems_error("the order", {{pointer, message}});
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!text.empty() && text.back() == '.')
    text.pop_back();
  return text;
}

void normalise(Order& order) {
  if (order.technical) {
    for (auto& alias : order.technical->aliases)
      alias = lower(alias);
    order.technical->origin.host = lower(order.technical->origin.host);
  }
  for (std::size_t i = 0; i < order.items.size(); ++i)
    order.items[i].line = static_cast<int>(i) + 1;
}

// Admin on the group or an ancestor: a customer admin of that part of the organisation.
Result<bool> is_customer_admin(soci::session& session, const Principal& principal,
                               long long group_id) {
  auto chain = access_group_chain(session, group_id);
  if (!chain.ok()) return Error{chain.failure()};
  for (const auto& grant : principal.grants) {
    if (grant.role != Role::kAdmin || !grant.access_group_id) continue;
    if (std::find(chain->begin(), chain->end(), *grant.access_group_id) != chain->end()) {
      return true;
    }
  }
  return false;
}

Result<OrderActor> actor_for(soci::session& session, const Principal& principal,
                             long long group_id) {
  auto admin = is_customer_admin(session, principal, group_id);
  if (!admin.ok()) return Error{admin.failure()};
  return order_actor(principal, *admin);
}

std::string actor_name(const Principal& principal) {
  return principal.name.empty() ? "system" : principal.name;
}

Status audit_order(soci::session& session, const Clock& clock, const Principal& principal,
                   const Order& order, const std::string& action, std::optional<OrderState> from,
                   const std::string& reason) {
  AuditEntry entry = audit_entry(principal, "order", order.order_number, action);
  if (from) entry.from_state = std::string(order_state_name(*from));
  entry.to_state = std::string(order_state_name(order.state));
  entry.reason = reason;
  entry.details = nlohmann::json{{"type", order_type_name(order.type)},
                                 {"customer_number", order.customer_number},
                                 {"scid", order.scid ? nlohmann::json(*order.scid) : nullptr},
                                 {"details", order_details_json(order)}}
                      .dump();
  auto appended = AuditLog(session, clock).append(entry);
  if (!appended.ok()) return Error{appended.failure()};
  return ok_status();
}

// Applies the draft's given fields to `order` (create: onto an empty order).
void apply_changes(Order& order, const OrderDraft& draft) {
  if (draft.customer_commit_date) order.customer_commit_date = *draft.customer_commit_date;
  if (draft.effective_date) order.effective_date = *draft.effective_date;
  if (draft.items) order.items = *draft.items;
  if (draft.technical) order.technical = *draft.technical;
  if (draft.target) order.target = *draft.target;
  if (draft.disconnect) {
    order.disconnect = *draft.disconnect;
    order.disconnect->quote.reset();  // quoted again from the new request
  }
  if (draft.renewal) order.renewal = *draft.renewal;
}

// Lines that replace, end or keep an item must name one of the service's items; end and keep
// lines carry that item's terms (the customer does not restate them).
OrderProblems resolve_item_references(soci::session& session, const Clock& clock, Order& order) {
  OrderProblems problems;
  if (!order.scid) return problems;
  ServiceItems items(session, clock);
  for (std::size_t i = 0; i < order.items.size(); ++i) {
    OrderItem& line = order.items[i];
    if (!line.item_id) continue;
    auto item = items.get(*line.item_id);
    if (!item.ok() || item->scid != *order.scid) {
      problems.emplace_back("/items/" + std::to_string(i) + "/item_id",
                            "is not an item of service " + *order.scid);
      continue;
    }
    if (line.action == ItemAction::kEnd || line.action == ItemAction::kKeep) {
      line.terms = item->terms;
    }
  }
  return problems;
}

}  // namespace

std::string_view order_type_name(OrderType type) {
  return kTypeNames[static_cast<std::size_t>(type)];
}
std::optional<OrderType> parse_order_type(std::string_view name) {
  return parse_name<OrderType>(kTypeNames, name);
}
std::string_view order_state_name(OrderState state) {
  return kStateNames[static_cast<std::size_t>(state)];
}
std::optional<OrderState> parse_order_state(std::string_view name) {
  return parse_name<OrderState>(kStateNames, name);
}
std::string_view item_action_name(ItemAction action) {
  return kActionNames[static_cast<std::size_t>(action)];
}
std::optional<ItemAction> parse_item_action(std::string_view name) {
  return parse_name<ItemAction>(kActionNames, name);
}
const std::vector<OrderState>& all_order_states() {
  static const std::vector<OrderState> states{OrderState::kDraft,        OrderState::kQuoted,
                                              OrderState::kSigned,       OrderState::kValidated,
                                              OrderState::kProvisioning, OrderState::kCompleted,
                                              OrderState::kCancelled,    OrderState::kRejected};
  return states;
}

long long Order::total_mrc_minor() const {
  long long total = 0;
  for (const auto& item : items) {
    if (item.action == ItemAction::kAdd || item.action == ItemAction::kReplace) {
      total += item.terms.mrc_minor;
    }
  }
  return total;
}

long long Order::total_nrc_minor() const {
  long long total = 0;
  for (const auto& item : items) {
    if (item.action == ItemAction::kAdd || item.action == ItemAction::kReplace) {
      total += item.terms.nrc_minor;
    }
  }
  return total;
}

std::vector<std::pair<std::string, std::string>> order_draft_problems(const OrderDraft& draft,
                                                                      const CivilDate& today) {
  OrderProblems problems;
  const auto type = parse_order_type(draft.type.value_or(""));
  if (!type) {
    problems.emplace_back("/type",
                          "must be one of new_service, change, transfer, renewal, disconnect");
    return problems;
  }
  Order order;
  order.type = *type;
  order.scid = draft.scid;
  apply_changes(order, draft);
  normalise(order);
  if (order.type == OrderType::kNewService) {
    if (!draft.customer_number) problems.emplace_back("/customer_number", "is required");
    if (!draft.access_group_id) {
      problems.emplace_back("/access_group_id", "is required: the group of the new service");
    }
  }
  if (!draft.customer_commit_date) problems.emplace_back("/customer_commit_date", "is required");
  for (auto& problem : check_order_fields(order, today))
    problems.push_back(std::move(problem));
  return problems;
}

Result<Order> Orders::load_visible(const Principal& principal, const std::string& order_number) {
  if (!is_valid_order_number(order_number)) {
    return Error{"no order " + order_number, ErrorKind::kNotFound};
  }
  auto found = find_order(session_, order_number);
  if (!found.ok()) return Error{found.failure()};
  if (!*found) return Error{"no order " + order_number, ErrorKind::kNotFound};
  auto allowed = authorize(session_, principal, (*found)->access_group_id, Action::kRead);
  if (!allowed.ok()) return Error{"no order " + order_number, ErrorKind::kNotFound};
  auto terms = CustomerTermsStore(session_, clock_).for_customer_id((*found)->customer_id);
  if (!terms.ok()) return Error{terms.failure()};
  (*found)->currency = terms->currency;
  return std::move(**found);
}

Result<Order> Orders::create(const Principal& principal, const OrderDraft& draft) {
  const auto type = parse_order_type(draft.type.value_or(""));
  if (!type) {
    return invalid_at("/type", "must be one of new_service, change, transfer, renewal, disconnect");
  }
  Order order;
  order.type = *type;
  const CivilDate today = utc_date_of(clock_.now());
  Customers customers(session_, clock_, random_);
  if (order.type == OrderType::kNewService) {
    OrderProblems problems;
    if (!draft.customer_number) problems.emplace_back("/customer_number", "is required");
    if (!draft.access_group_id) {
      problems.emplace_back("/access_group_id", "is required: the group of the new service");
    }
    if (draft.scid) {
      problems.emplace_back("/scid", "a new service gets its SCID when the order is completed");
    }
    if (!problems.empty()) return order_problems_error("the order", std::move(problems));
    auto visible = authorize(session_, principal, *draft.access_group_id, Action::kRead);
    if (!visible.ok() && visible.error_kind() == ErrorKind::kNotFound) {
      return invalid_at("/access_group_id", "names no access group you can see");
    }
    auto customer = customers.find(*draft.customer_number);
    if (!customer.ok()) return Error{customer.failure()};
    auto organisation = customers.organisation_of(*draft.access_group_id);
    if (!organisation.ok()) return Error{organisation.failure()};
    if (!*customer || (*customer)->organisation_id != *organisation) {
      return invalid_at("/customer_number", "names no customer of the group's organisation");
    }
    order.customer_id = (*customer)->id;
    order.customer_number = (*customer)->customer_number;
    order.customer_name = (*customer)->name;
    order.access_group_id = *draft.access_group_id;
  } else {
    if (!draft.scid) return invalid_at("/scid", "names the service this order changes");
    if (draft.access_group_id) {
      return invalid_at("/access_group_id", "comes from the service; leave it out");
    }
    auto service = Services(session_, clock_).get(principal, *draft.scid);
    if (!service.ok()) {
      if (service.error_kind() == ErrorKind::kNotFound ||
          service.error_kind() == ErrorKind::kInvalid) {
        return invalid_at("/scid", "names no service you can see");
      }
      return Error{service.failure()};
    }
    if (draft.customer_number && *draft.customer_number != service->customer_number) {
      return invalid_at("/customer_number",
                        "is not the service's customer (" + service->customer_number + ")");
    }
    auto customer = customers.find(service->customer_number);
    if (!customer.ok()) return Error{customer.failure()};
    if (!*customer) return Error{"the service's customer is missing", ErrorKind::kInternal};
    order.customer_id = (*customer)->id;
    order.customer_number = (*customer)->customer_number;
    order.customer_name = (*customer)->name;
    order.access_group_id = service->access_group_id;
    order.scid = service->scid;
  }
  auto actor = actor_for(session_, principal, order.access_group_id);
  if (!actor.ok()) return Error{actor.failure()};
  if (!may_edit_orders(*actor)) {
    return Error{"only an account director, a sales engineer or a customer admin may place orders",
                 ErrorKind::kForbidden};
  }
  if (!draft.customer_commit_date) return invalid_at("/customer_commit_date", "is required");
  apply_changes(order, draft);
  normalise(order);
  OrderProblems problems = resolve_item_references(session_, clock_, order);
  for (auto& problem : check_order_fields(order, today))
    problems.push_back(std::move(problem));
  if (!problems.empty()) return order_problems_error("the order", std::move(problems));

  const SysTime now = clock_.now();
  auto number = next_reference(session_, ReferenceKind::kOrder, now);
  if (!number.ok()) return Error{number.failure()};
  order.order_number = *number;
  order.state = OrderState::kDraft;
  order.created_by = acting_user_id(principal);
  order.created_by_name = principal.name;
  order.created_at = now;
  order.updated_at = now;
  auto inserted = insert_order(session_, order);
  if (!inserted.ok()) return Error{inserted.failure()};
  OrderEvent event{now,          acting_user_id(principal), actor_name(principal),
                   std::nullopt, OrderState::kDraft,        "created"};
  auto appended = append_order_event(session_, order.id, event);
  if (!appended.ok()) return Error{appended.failure()};
  auto audited = audit_order(session_, clock_, principal, order, "create", std::nullopt, "");
  if (!audited.ok()) return Error{audited.failure()};
  return load_visible(principal, order.order_number);
}

Result<Order> Orders::update(const Principal& principal, const std::string& order_number,
                             const OrderDraft& changes) {
  auto loaded = load_visible(principal, order_number);
  if (!loaded.ok()) return loaded;
  Order order = std::move(loaded).value();
  auto actor = actor_for(session_, principal, order.access_group_id);
  if (!actor.ok()) return Error{actor.failure()};
  if (!may_edit_orders(*actor)) {
    return Error{"only an account director, a sales engineer or a customer admin may edit orders",
                 ErrorKind::kForbidden};
  }
  if (order.state != OrderState::kDraft) {
    return Error{order_number + " is " + std::string(order_state_name(order.state)) +
                     "; only a draft can be edited (the account director revises a quote back "
                     "to draft)",
                 ErrorKind::kConflict};
  }
  OrderProblems fixed;
  if (changes.type) fixed.emplace_back("/type", "cannot change; place a new order instead");
  if (changes.customer_number) fixed.emplace_back("/customer_number", "cannot change");
  if (changes.access_group_id) fixed.emplace_back("/access_group_id", "cannot change");
  if (changes.scid) fixed.emplace_back("/scid", "cannot change");
  if (!fixed.empty()) return order_problems_error("the change", std::move(fixed));
  apply_changes(order, changes);
  normalise(order);
  OrderProblems problems = resolve_item_references(session_, clock_, order);
  for (auto& problem : check_order_fields(order, utc_date_of(clock_.now())))
    problems.push_back(std::move(problem));
  if (!problems.empty()) return order_problems_error("the order", std::move(problems));
  order.updated_at = clock_.now();
  auto saved = save_order(session_, order);
  if (!saved.ok()) return Error{saved.failure()};
  auto audited = audit_order(session_, clock_, principal, order, "update", order.state, "");
  if (!audited.ok()) return Error{audited.failure()};
  return load_visible(principal, order_number);
}

Result<Order> Orders::get(const Principal& principal, const std::string& order_number) {
  return load_visible(principal, order_number);
}

Result<OrderPage> Orders::list(const Principal& principal, const OrderFilter& filter,
                               std::optional<long long> before, int limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return Error{"limit must be 1 to " + std::to_string(kMaxPageSize)};
  }
  if (filter.customer_number && !is_customer_number(*filter.customer_number)) {
    return Error{"customer_number must be C and seven digits"};
  }
  auto groups = visible_groups(session_, principal);
  if (!groups.ok()) return Error{groups.failure()};
  auto orders = list_orders(session_, *groups, filter, before, limit + 1);
  if (!orders.ok()) return Error{orders.failure()};
  OrderPage page;
  page.orders = std::move(orders).value();
  if (static_cast<int>(page.orders.size()) > limit) {
    page.orders.resize(static_cast<std::size_t>(limit));
    page.next_before = page.orders.back().id;
  }
  for (auto& order : page.orders) {
    auto terms = CustomerTermsStore(session_, clock_).for_customer_id(order.customer_id);
    if (!terms.ok()) return Error{terms.failure()};
    order.currency = terms->currency;
  }
  return page;
}

Result<std::vector<OrderState>> Orders::allowed_transitions(const Principal& principal,
                                                            const Order& order) {
  auto actor = actor_for(session_, principal, order.access_group_id);
  if (!actor.ok()) return Error{actor.failure()};
  return permitted_transitions(order.state, *actor);
}

Result<OrderTransitionResult> Orders::transition(const Principal& principal,
                                                 const std::string& order_number,
                                                 const OrderTransitionRequest& request) {
  auto loaded = load_visible(principal, order_number);
  if (!loaded.ok()) return Error{loaded.failure()};
  Order order = std::move(loaded).value();
  auto actor = actor_for(session_, principal, order.access_group_id);
  if (!actor.ok()) return Error{actor.failure()};
  const OrderState from = order.state;
  auto allowed = check_order_transition(from, request.to, *actor);
  if (!allowed.ok()) return Error{allowed.failure()};

  OrderProblems problems;
  const bool needs_reason =
      request.to == OrderState::kCancelled || request.to == OrderState::kRejected;
  if (needs_reason && request.reason.empty()) {
    problems.emplace_back(
        "/reason", "is required to " +
                       std::string(request.to == OrderState::kCancelled ? "cancel" : "reject") +
                       " an order");
  }
  if (request.reason.size() > kMaxReasonLength) {
    problems.emplace_back("/reason", "at most " + std::to_string(kMaxReasonLength) + " characters");
  } else if (!is_printable_text(request.reason)) {
    problems.emplace_back("/reason", "must not contain control characters");
  }
  if (request.to == OrderState::kSigned) {
    auto check_signature = [&](const std::optional<std::string>& value, const std::string& at) {
      if (!value || value->empty()) {
        problems.emplace_back(at, "is required: the customer's authorization");
      } else if (value->size() > kMaxSignatureLength || !is_printable_text(*value)) {
        problems.emplace_back(at, "at most " + std::to_string(kMaxSignatureLength) +
                                      " characters, no control characters");
      }
    };
    check_signature(request.signer_name, "/signature/name");
    check_signature(request.signer_title, "/signature/title");
  }
  if (!problems.empty()) return order_problems_error("the transition", std::move(problems));

  const SysTime now = clock_.now();
  const CivilDate today = utc_date_of(now);
  OrderTransitionResult result;
  switch (request.to) {
    case OrderState::kQuoted: {
      auto prepared = prepare_quote(session_, clock_, order, today);
      if (!prepared.ok()) return Error{prepared.failure()};
      break;
    }
    case OrderState::kDraft:
      if (order.disconnect) order.disconnect->quote.reset();
      break;
    case OrderState::kSigned:
      order.signature = OrderSignature{*request.signer_name, *request.signer_title,
                                       acting_user_id(principal), now};
      break;
    case OrderState::kCompleted: {
      auto completed = complete_order(session_, clock_, random_, settings_, principal, order);
      if (!completed.ok()) return Error{completed.failure()};
      result.feed_sequence = *completed;
      order.completed_at = now;
      if (!order.effective_date) order.effective_date = today;
      break;
    }
    case OrderState::kCancelled:
    case OrderState::kRejected:
      order.reason = request.reason;
      break;
    case OrderState::kValidated:
    case OrderState::kProvisioning:
      break;
  }
  order.state = request.to;
  order.updated_at = now;
  auto saved = save_order(session_, order);
  if (!saved.ok()) return Error{saved.failure()};
  OrderEvent event{
      now, acting_user_id(principal), actor_name(principal), from, request.to, request.reason};
  auto appended = append_order_event(session_, order.id, event);
  if (!appended.ok()) return Error{appended.failure()};
  order.events.push_back(event);
  auto audited =
      audit_order(session_, clock_, principal, order, "transition", from, request.reason);
  if (!audited.ok()) return Error{audited.failure()};
  auto notified = notify_order_state(session_, clock_, order,
                                     settings_.public_url + "/orders/" + order.order_number);
  if (!notified.ok()) return Error{notified.failure()};
  auto reloaded = load_visible(principal, order_number);
  if (!reloaded.ok()) return Error{reloaded.failure()};
  result.order = std::move(reloaded).value();
  return result;
}

Result<ConnectionNotice> Orders::connection_notice_for_service(const Principal& principal,
                                                               const std::string& scid) {
  auto service = Services(session_, clock_).get(principal, scid);
  if (!service.ok()) {
    if (service.error_kind() == ErrorKind::kInvalid) {
      return Error{"no service " + scid, ErrorKind::kNotFound};
    }
    return Error{service.failure()};
  }
  auto notice = find_connection_notice(session_, service->scid);
  if (!notice.ok()) return Error{notice.failure()};
  if (!*notice) {
    return Error{"service " + scid + " has no connection notice (it was not activated by an order)",
                 ErrorKind::kNotFound};
  }
  return std::move(**notice);
}

Result<ConnectionNotice> Orders::connection_notice_for_order(const Principal& principal,
                                                             const std::string& order_number) {
  auto order = load_visible(principal, order_number);
  if (!order.ok()) return Error{order.failure()};
  auto notice = find_connection_notice_of_order(session_, order_number);
  if (!notice.ok()) return Error{notice.failure()};
  if (!*notice) {
    return Error{order_number +
                     " has no connection notice (only a completed new-service order "
                     "has one)",
                 ErrorKind::kNotFound};
  }
  return std::move(**notice);
}

}  // namespace candela::control
