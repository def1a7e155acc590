// Order notices: plain-text templates with {{placeholders}}, and their recipients.
#include "control/order_notices.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "common/money.hpp"
#include "control/customer_contacts.hpp"
#include "control/store_guard.hpp"

namespace candela::control {

const NotificationTemplate kOrderQuotedNotice{
    "order.quoted", NotificationCategory::kOrders,
    "{{order_number}} quoted: please review and sign",
    "Order {{order_number}} ({{type}}) for {{customer}} has been quoted.\n"
    "\n"
    "Service (SCID): {{scid}}\n"
    "Monthly recurring charges: {{mrc}}\n"
    "Non-recurring charges: {{nrc}}\n"
    "Customer commit date: {{commit_date}}\n"
    "{{quote}}"
    "\n"
    "Review the order and sign it in the portal to authorize it: {{link}}\n"};

const NotificationTemplate kOrderSignedNotice{
    "order.signed", NotificationCategory::kOrders, "{{order_number}} signed: please validate",
    "Order {{order_number}} ({{type}}) for {{customer}} has been signed by {{signer}}.\n"
    "\n"
    "Service (SCID): {{scid}}\n"
    "Customer commit date: {{commit_date}}\n"
    "\n"
    "Validate or reject it: {{link}}\n"};

const NotificationTemplate kOrderValidatedNotice{
    "order.validated", NotificationCategory::kOrders,
    "{{order_number}} validated: ready for provisioning",
    "Order {{order_number}} ({{type}}) for {{customer}} has been validated by customer care.\n"
    "\n"
    "Service (SCID): {{scid}}\n"
    "Customer commit date: {{commit_date}}\n"
    "\n"
    "Provision it: {{link}}\n"};

const NotificationTemplate kOrderProvisioningNotice{
    "order.provisioning", NotificationCategory::kOrders, "{{order_number}} is being provisioned",
    "Order {{order_number}} ({{type}}) for {{customer}} is being provisioned.\n"
    "\n"
    "Your activation engineer will contact you to complete the activation.\n"
    "Customer commit date: {{commit_date}}\n"
    "\n"
    "Follow the order in the portal: {{link}}\n"};

const NotificationTemplate kOrderCompletedNotice{
    "order.completed", NotificationCategory::kOrders, "{{order_number}} completed",
    "Order {{order_number}} ({{type}}) for {{customer}} has been completed.\n"
    "\n"
    "Service (SCID): {{scid}}\n"
    "Effective: {{effective_date}}\n"
    "\n"
    "Details in the portal: {{link}}\n"};

const NotificationTemplate kOrderCancelledNotice{
    "order.cancelled", NotificationCategory::kOrders, "{{order_number}} cancelled",
    "Order {{order_number}} ({{type}}) for {{customer}} has been cancelled by {{actor}}.\n"
    "\n"
    "Reason: {{reason}}\n"
    "\n"
    "{{link}}\n"};

const NotificationTemplate kOrderRejectedNotice{
    "order.rejected", NotificationCategory::kOrders, "{{order_number}} rejected",
    "Order {{order_number}} ({{type}}) for {{customer}} has been rejected by {{actor}}.\n"
    "\n"
    "Reason: {{reason}}\n"
    "\n"
    "{{link}}\n"};

const NotificationTemplate kServiceConnectionNotice{
    "order.service_connection_notice", NotificationCategory::kOrders,
    "Service connection notice: SCID {{scid}} ({{order_number}})", "{{body}}"};

namespace {

std::vector<long long> users_with_roles(soci::session& session, long long group,
                                        const std::string& roles) {
  std::vector<long long> out;
  soci::rowset<long long> rows =
      (session.prepare << "SELECT DISTINCT r.user_id FROM user_roles r"
                          " JOIN users u ON u.id = r.user_id"
                          " WHERE r.access_group_id = :g AND u.disabled = 0 AND r.role IN (" +
                              roles + ") ORDER BY r.user_id",
       soci::use(group));
  for (const long long user : rows)
    out.push_back(user);
  return out;
}

// The group and its ancestors, nearest first.
std::vector<long long> group_chain(soci::session& session, long long group_id) {
  std::vector<long long> chain;
  std::optional<long long> group = group_id;
  while (group && std::find(chain.begin(), chain.end(), *group) == chain.end()) {
    chain.push_back(*group);
    long long parent = 0;
    soci::indicator indicator = soci::i_null;
    session << "SELECT parent_id FROM access_groups WHERE id = :g", soci::use(*group),
        soci::into(parent, indicator);
    group = session.got_data() && indicator == soci::i_ok ? std::optional<long long>(parent)
                                                          : std::nullopt;
  }
  return chain;
}

void merge(NotificationRecipients& into, const NotificationRecipients& from) {
  for (const long long user : from.user_ids) {
    if (std::find(into.user_ids.begin(), into.user_ids.end(), user) == into.user_ids.end()) {
      into.user_ids.push_back(user);
    }
  }
  for (const Role role : from.roles) {
    if (std::find(into.roles.begin(), into.roles.end(), role) == into.roles.end()) {
      into.roles.push_back(role);
    }
  }
}

std::string scid_text(const Order& order) {
  return order.scid ? *order.scid : "assigned on completion";
}

std::string quote_text(const Order& order) {
  if (!order.disconnect || !order.disconnect->quote) return "";
  const nlohmann::json& quote = *order.disconnect->quote;
  std::string text = "\nDisconnect quote (cessation requested " +
                     format_civil_date(order.disconnect->cessation_date) + "):\n";
  for (const auto& line : quote.value("quotes", nlohmann::json::array())) {
    text += "- " + line.value("product", std::string()) + ": " +
            line.value("explanation", std::string()) + "\n";
  }
  text += "Early termination charge: " +
          format_money(quote.value("etc_total_minor", 0LL), order.currency) + "\n";
  return text;
}

}  // namespace

Result<std::vector<long long>> access_group_chain(soci::session& session, long long group_id) {
  return guarded("could not read the access groups", [&]() -> Result<std::vector<long long>> {
    return group_chain(session, group_id);
  });
}

Result<std::vector<long long>> customer_admins(soci::session& session, long long group_id) {
  return guarded("could not find the customer's admins", [&]() -> Result<std::vector<long long>> {
    const auto chain = group_chain(session, group_id);
    if (chain.empty()) return std::vector<long long>{};
    return users_with_roles(session, chain.back(), "'admin'");
  });
}

Result<std::vector<long long>> service_contacts(soci::session& session, long long group_id) {
  return guarded("could not find the service's contacts", [&]() -> Result<std::vector<long long>> {
    std::set<long long> users;
    for (const long long group : group_chain(session, group_id)) {
      for (const long long user : users_with_roles(session, group, "'admin', 'technical'"))
        users.insert(user);
    }
    return std::vector<long long>(users.begin(), users.end());
  });
}

Status notify_order_state(soci::session& session, const Clock& clock, const Order& order,
                          const std::string& link) {
  const NotificationTemplate* tmpl = nullptr;
  NotificationRecipients to;
  auto add_team = [&](Role role) -> Status {
    auto member = account_team_recipient(session, order.customer_id, role);
    if (!member.ok()) return Error{member.failure()};
    merge(to, *member);
    return ok_status();
  };
  auto add_admins = [&]() -> Status {
    auto admins = customer_admins(session, order.access_group_id);
    if (!admins.ok()) return Error{admins.failure()};
    merge(to, NotificationRecipients{*admins, {}, {}});
    return ok_status();
  };
  Status added = ok_status();
  switch (order.state) {
    case OrderState::kQuoted:
      tmpl = &kOrderQuotedNotice;
      added = add_admins();
      break;
    case OrderState::kSigned:
      tmpl = &kOrderSignedNotice;
      added = add_team(Role::kCustomerCareManager);
      break;
    case OrderState::kValidated:
      tmpl = &kOrderValidatedNotice;
      added = add_team(Role::kActivationEngineer);
      break;
    case OrderState::kProvisioning:
      tmpl = &kOrderProvisioningNotice;
      added = add_admins();
      break;
    case OrderState::kCompleted:
      tmpl = &kOrderCompletedNotice;
      added = add_admins();
      if (added.ok()) added = add_team(Role::kAccountDirector);
      if (added.ok()) added = add_team(Role::kCustomerCareManager);
      break;
    case OrderState::kCancelled:
    case OrderState::kRejected:
      tmpl = order.state == OrderState::kCancelled ? &kOrderCancelledNotice : &kOrderRejectedNotice;
      if (order.created_by) merge(to, NotificationRecipients{{*order.created_by}, {}, {}});
      added = add_team(Role::kAccountDirector);
      break;
    case OrderState::kDraft:
      return ok_status();  // a revised quote goes back to the account director's desk
  }
  if (!added.ok()) return added;
  if (to.user_ids.empty() && to.roles.empty()) return ok_status();
  Notice notice;
  notice.tmpl = tmpl;
  const std::string actor = order.events.empty() ? "" : order.events.back().actor_name;
  notice.values = {
      {"order_number", order.order_number},
      {"type", std::string(order_type_name(order.type))},
      {"customer", order.customer_name + " (" + order.customer_number + ")"},
      {"scid", scid_text(order)},
      {"mrc", format_money(order.total_mrc_minor(), order.currency)},
      {"nrc", format_money(order.total_nrc_minor(), order.currency)},
      {"commit_date", format_civil_date(order.customer_commit_date)},
      {"effective_date", order.effective_date ? format_civil_date(*order.effective_date)
                                              : format_civil_date(utc_date_of(clock.now()))},
      {"quote", quote_text(order)},
      {"signer", order.signature ? order.signature->name + ", " + order.signature->title : ""},
      {"reason", order.reason.value_or("")},
      {"actor", actor},
      {"link", link},
  };
  notice.entity_type = "order";
  notice.entity_id = order.order_number;
  // A quote revised and quoted again is a new fact: count the times the state was reached.
  const auto reached = std::count_if(order.events.begin(), order.events.end(),
                                     [&](const OrderEvent& e) { return e.to == order.state; });
  notice.dedupe_key =
      std::string(tmpl->id) + ":" + order.order_number + ":" + std::to_string(reached);
  auto sent = Notifier(session, clock).notify(notice, to);
  if (!sent.ok()) return Error{sent.failure()};
  return ok_status();
}

}  // namespace candela::control
