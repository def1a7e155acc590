// Order field rules by type.
#include "control/order_validation.hpp"

#include <cctype>
#include <set>

#include "common/money.hpp"
#include "control/text_rules.hpp"

namespace candela::control {
namespace {

constexpr long long kMaxMoneyMinor = 10'000'000'000'000LL;  // 10^13

void check_items(const Order& order, OrderProblems& problems) {
  if (order.items.size() > Orders::kMaxItems) {
    problems.emplace_back("/items", "at most " + std::to_string(Orders::kMaxItems) + " items");
    return;
  }
  const bool items_expected =
      order.type == OrderType::kNewService || order.type == OrderType::kChange;
  if (!items_expected && !order.items.empty()) {
    problems.emplace_back("/items", "a " + std::string(order_type_name(order.type)) +
                                        " order has no items (it applies to the service's items)");
    return;
  }
  if (items_expected && order.items.empty()) {
    problems.emplace_back("/items", "must list at least one item");
  }
  bool changes_something = false;
  std::set<long long> referenced;
  for (std::size_t i = 0; i < order.items.size(); ++i) {
    const OrderItem& item = order.items[i];
    const std::string at = "/items/" + std::to_string(i);
    if (order.type == OrderType::kNewService && item.action != ItemAction::kAdd) {
      problems.emplace_back(at + "/action", "a new service only adds items");
    }
    const bool needs_item = item.action != ItemAction::kAdd;
    if (needs_item && !item.item_id) {
      problems.emplace_back(at + "/item_id", "names the service item to " +
                                                 std::string(item_action_name(item.action)));
    }
    if (!needs_item && item.item_id) {
      problems.emplace_back(at + "/item_id", "a new item has no item_id");
    }
    if (item.item_id && !referenced.insert(*item.item_id).second) {
      problems.emplace_back(at + "/item_id", "names an item another line already names");
    }
    if (item.action != ItemAction::kKeep) changes_something = true;
    if (item.terms.description.size() > Orders::kMaxDescriptionLength) {
      problems.emplace_back(
          at + "/description",
          "at most " + std::to_string(Orders::kMaxDescriptionLength) + " characters");
    } else if (!is_printable_text(item.terms.description)) {
      problems.emplace_back(at + "/description", "must not contain control characters");
    }
    // end and keep lines refer to what is there; their terms are not used.
    if (item.action == ItemAction::kAdd || item.action == ItemAction::kReplace) {
      auto checked = validate_item_terms(item.terms, at);
      if (!checked.ok()) {
        if (checked.failure().fields.empty()) {
          problems.emplace_back(at, checked.error());
        }
        for (const auto& field : checked.failure().fields)
          problems.push_back(field);
      }
    }
  }
  if (order.type == OrderType::kChange && !order.items.empty() && !changes_something) {
    problems.emplace_back("/items", "a change must add, replace or end at least one item");
  }
}

void check_technical(const Order& order, OrderProblems& problems) {
  if (order.type != OrderType::kNewService) {
    if (order.technical) {
      problems.emplace_back("/technical", "only a new_service order has technical details");
    }
    return;
  }
  if (!order.technical) {
    problems.emplace_back("/technical", "is required: the aliases and the origin");
    return;
  }
  const TechnicalDetails& technical = *order.technical;
  if (technical.aliases.empty()) {
    problems.emplace_back("/technical/aliases", "must list at least one host name");
  }
  if (technical.aliases.size() > Orders::kMaxAliases) {
    problems.emplace_back("/technical/aliases",
                          "at most " + std::to_string(Orders::kMaxAliases) + " host names");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < technical.aliases.size(); ++i) {
    const std::string at = "/technical/aliases/" + std::to_string(i);
    if (!is_order_host_name(technical.aliases[i])) {
      problems.emplace_back(at, "must be a host name such as www.example.com");
    } else if (!seen.insert(technical.aliases[i]).second) {
      problems.emplace_back(at, "is listed twice");
    }
  }
  if (!is_order_host_name(technical.origin.host)) {
    problems.emplace_back("/technical/origin/host",
                          "must be a host name or IPv4 address such as origin.example.com");
  }
  if (technical.origin.port < 1 || technical.origin.port > 65535) {
    problems.emplace_back("/technical/origin/port", "must be 1 to 65535");
  }
  if (technical.origin.scheme != "http" && technical.origin.scheme != "https") {
    problems.emplace_back("/technical/origin/scheme", "must be http or https");
  }
}

void check_sections(const Order& order, const CivilDate& today, OrderProblems& problems) {
  const bool transfer = order.type == OrderType::kTransfer;
  const bool disconnect = order.type == OrderType::kDisconnect;
  const bool renewal = order.type == OrderType::kRenewal;
  if (order.target && !transfer) {
    problems.emplace_back("/target", "only a transfer order has a target");
  }
  if (order.disconnect && !disconnect) {
    problems.emplace_back("/disconnect", "only a disconnect order has disconnect details");
  }
  if (order.renewal && !renewal) {
    problems.emplace_back("/renewal", "only a renewal order has renewal terms");
  }
  if (transfer) {
    if (!order.target) {
      problems.emplace_back("/target", "is required: the customer number and access group");
    } else {
      if (order.target->customer_number.empty()) {
        problems.emplace_back("/target/customer_number", "is required");
      } else if (order.target->customer_number == order.customer_number) {
        problems.emplace_back("/target/customer_number",
                              "is the service's customer already; name another billing account");
      }
      if (order.target->access_group_id <= 0) {
        problems.emplace_back("/target/access_group_id", "is required");
      }
    }
    if (!order.effective_date) {
      problems.emplace_back("/effective_date", "a transfer needs the date it takes effect");
    }
  }
  if (disconnect) {
    if (!order.disconnect) {
      problems.emplace_back("/disconnect", "is required: the cessation date");
    } else {
      if (order.disconnect->cessation_date < today) {
        problems.emplace_back("/disconnect/cessation_date",
                              "must be today (" + format_civil_date(today) + ") or later");
      }
      std::set<long long> seen;
      for (std::size_t i = 0; i < order.disconnect->item_ids.size(); ++i) {
        if (!seen.insert(order.disconnect->item_ids[i]).second) {
          problems.emplace_back("/disconnect/item_ids/" + std::to_string(i), "is listed twice");
        }
      }
    }
  }
  if (renewal) {
    if (!order.renewal) {
      problems.emplace_back("/renewal", "is required: the new term in months");
    } else {
      if (order.renewal->term_months < 1 || order.renewal->term_months > kMaxTermMonths) {
        problems.emplace_back("/renewal/term_months",
                              "must be 1 to " + std::to_string(kMaxTermMonths));
      }
      if (order.renewal->mrc_minor &&
          (*order.renewal->mrc_minor < 0 || *order.renewal->mrc_minor > kMaxMoneyMinor)) {
        problems.emplace_back("/renewal/mrc_minor", "must be 0 to 10^13 minor units");
      }
    }
  }
}

}  // namespace

bool is_order_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    const std::size_t dot = host.find('.', start);
    const std::size_t end = dot == std::string_view::npos ? host.size() : dot;
    const std::string_view label = host.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

OrderProblems check_order_fields(const Order& order, const CivilDate& today) {
  OrderProblems problems;
  const bool needs_service = order.type != OrderType::kNewService;
  if (needs_service && !order.scid) {
    problems.emplace_back("/scid", "names the service this order changes");
  }
  if (!needs_service && order.scid) {
    problems.emplace_back("/scid", "a new service gets its SCID when the order is completed");
  }
  if (order.effective_date && *order.effective_date < today) {
    problems.emplace_back("/effective_date",
                          "must be today (" + format_civil_date(today) + ") or later");
  }
  check_items(order, problems);
  check_technical(order, problems);
  check_sections(order, today, problems);
  return problems;
}

Error order_problems_error(const std::string& what, OrderProblems problems) {
  const std::string message = what + " has " + std::to_string(problems.size()) +
                              " problem(s); each is listed with its field";
  return Error{message, ErrorKind::kInvalid, std::move(problems)};
}

}  // namespace candela::control
