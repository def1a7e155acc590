// Order JSON both ways.
#include "portal/order_json.hpp"

#include "common/civil_date.hpp"
#include "control/usage_charges.hpp"
#include "portal/feed_json.hpp"

namespace candela::portal {
namespace {

using control::ItemAction;
using control::OrderItem;

constexpr std::int64_t kMaxMoneyMinor = 10'000'000'000'000LL;  // 10^13

bool present(const nlohmann::json& document, const std::string& pointer) {
  try {
    nlohmann::json::json_pointer path{pointer};
    return document.contains(path) && !document.at(path).is_null();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

nlohmann::json item_json(const OrderItem& item) {
  return {{"line", item.line},
          {"action", control::item_action_name(item.action)},
          {"item_id", item.item_id ? nlohmann::json(*item.item_id) : nlohmann::json(nullptr)},
          {"product", item.terms.product},
          {"description", item.terms.description},
          {"pricing_basis", control::pricing_basis_name(item.terms.pricing_basis)},
          {"mrc_minor", item.terms.mrc_minor},
          {"nrc_minor", item.terms.nrc_minor},
          {"usage_plan", control::usage_plan_to_json(item.terms.usage_plan)},
          {"term_months", item.terms.term_months},
          {"etc_percent", item.terms.etc_percent}};
}

std::optional<CivilDate> read_date(JsonReader& reader, const std::string& pointer) {
  auto text = reader.string(pointer, true, 10);
  if (!text) return std::nullopt;
  auto date = parse_civil_date(*text);
  if (!date) reader.add_error(pointer, "must be a calendar date such as \"2026-12-15\"");
  return date;
}

std::optional<long long> read_money(JsonReader& reader, const std::string& pointer) {
  auto value = reader.integer(pointer, true, 0, kMaxMoneyMinor);
  if (!value) return std::nullopt;
  return static_cast<long long>(*value);
}

// One item; the product's standard prices and plan fill what a standard line leaves out.
OrderItem read_item(JsonReader& reader, const nlohmann::json& document, const std::string& at) {
  OrderItem item;
  reader.reject_unknown(at, {"line", "action", "item_id", "product", "description", "pricing_basis",
                             "mrc_minor", "nrc_minor", "usage_plan", "term_months", "etc_percent"});
  if (present(document, at + "/action")) {
    if (auto action = reader.string(at + "/action", true, 16)) {
      if (auto parsed = control::parse_item_action(*action)) {
        item.action = *parsed;
      } else {
        reader.add_error(at + "/action", "must be add, replace, end or keep");
      }
    }
  }
  if (present(document, at + "/item_id")) {
    if (auto id = reader.integer(at + "/item_id", true, 1)) item.item_id = *id;
  }
  const bool refers_only = item.action == ItemAction::kEnd || item.action == ItemAction::kKeep;
  if (present(document, at + "/product") || !refers_only) {
    item.terms.product = reader.string(at + "/product", true, 64).value_or("");
  }
  if (present(document, at + "/pricing_basis")) {
    if (auto basis = reader.string(at + "/pricing_basis", true, 16)) {
      if (auto parsed = control::parse_pricing_basis(*basis)) {
        item.terms.pricing_basis = *parsed;
      } else {
        reader.add_error(at + "/pricing_basis", "must be standard or icb");
      }
    }
  }
  const control::Product* product = control::find_product(item.terms.product);
  const bool standard = item.terms.pricing_basis == control::PricingBasis::kStandard;
  if (present(document, at + "/description")) {
    item.terms.description = reader.string(at + "/description", true, 4096).value_or("");
  } else if (product) {
    item.terms.description = product->name;
  }
  if (present(document, at + "/mrc_minor")) {
    item.terms.mrc_minor = read_money(reader, at + "/mrc_minor").value_or(0);
  } else if (product && standard) {
    item.terms.mrc_minor = product->standard_mrc_minor;
  }
  if (present(document, at + "/nrc_minor")) {
    item.terms.nrc_minor = read_money(reader, at + "/nrc_minor").value_or(0);
  } else if (product && standard) {
    item.terms.nrc_minor = product->standard_nrc_minor;
  }
  if (present(document, at + "/usage_plan")) {
    auto plan = control::usage_plan_from_json(
        document.at(nlohmann::json::json_pointer(at + "/usage_plan")), at + "/usage_plan");
    if (plan.ok()) {
      item.terms.usage_plan = plan.value();
    } else if (plan.failure().fields.empty()) {
      reader.add_error(at + "/usage_plan", plan.error());
    } else {
      for (const auto& [pointer, message] : plan.failure().fields)
        reader.add_error(pointer, message);
    }
  } else if (product) {
    item.terms.usage_plan = product->standard_usage_plan;
  }
  if (present(document, at + "/term_months")) {
    if (auto term = reader.integer(at + "/term_months", true, 1, control::kMaxTermMonths)) {
      item.terms.term_months = static_cast<int>(*term);
    }
  }
  if (present(document, at + "/etc_percent")) {
    if (auto percent = reader.integer(at + "/etc_percent", true, 0, 100)) {
      item.terms.etc_percent = static_cast<int>(*percent);
    }
  }
  return item;
}

control::TechnicalDetails read_technical(JsonReader& reader, const nlohmann::json& document) {
  control::TechnicalDetails technical;
  reader.reject_unknown("/technical", {"aliases", "origin"});
  if (const auto* aliases = reader.array("/technical/aliases")) {
    for (std::size_t i = 0; i < aliases->size(); ++i) {
      technical.aliases.push_back(
          reader.string("/technical/aliases/" + std::to_string(i), true, 253).value_or(""));
    }
  }
  if (reader.object("/technical/origin")) {
    reader.reject_unknown("/technical/origin", {"host", "port", "scheme"});
    technical.origin.host = reader.string("/technical/origin/host", true, 253).value_or("");
    if (present(document, "/technical/origin/scheme")) {
      technical.origin.scheme =
          reader.string("/technical/origin/scheme", true, 16).value_or("https");
    }
    if (present(document, "/technical/origin/port")) {
      technical.origin.port =
          static_cast<int>(reader.integer("/technical/origin/port", true, 1, 65535).value_or(443));
    } else {
      technical.origin.port = technical.origin.scheme == "http" ? 80 : 443;
    }
  }
  return technical;
}

}  // namespace

nlohmann::json order_json(const control::Order& order) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : order.items)
    items.push_back(item_json(item));
  nlohmann::json events = nlohmann::json::array();
  for (const auto& event : order.events) {
    events.push_back(
        {{"at", utc_timestamp(event.at)},
         {"actor", event.actor_name},
         {"from", event.from ? nlohmann::json(control::order_state_name(*event.from)) : nullptr},
         {"to", control::order_state_name(event.to)},
         {"note", event.note}});
  }
  nlohmann::json body = {
      {"order_number", order.order_number},
      {"type", control::order_type_name(order.type)},
      {"state", control::order_state_name(order.state)},
      {"customer_number", order.customer_number},
      {"customer_name", order.customer_name},
      {"access_group_id", order.access_group_id},
      {"scid", order.scid ? nlohmann::json(*order.scid) : nullptr},
      {"customer_commit_date", format_civil_date(order.customer_commit_date)},
      {"effective_date",
       order.effective_date ? nlohmann::json(format_civil_date(*order.effective_date)) : nullptr},
      {"currency", order.currency},
      {"items", items},
      {"totals", {{"mrc_minor", order.total_mrc_minor()}, {"nrc_minor", order.total_nrc_minor()}}},
      {"technical", nullptr},
      {"target", nullptr},
      {"disconnect", nullptr},
      {"renewal", nullptr},
      {"signature", nullptr},
      {"reason", order.reason ? nlohmann::json(*order.reason) : nullptr},
      {"created_by",
       {{"user_id", order.created_by ? nlohmann::json(*order.created_by) : nullptr},
        {"name", order.created_by_name}}},
      {"created_at", utc_timestamp(order.created_at)},
      {"updated_at", utc_timestamp(order.updated_at)},
      {"completed_at", utc_timestamp_or_null(order.completed_at)},
      {"events", events},
  };
  if (order.technical) {
    body["technical"] = {{"aliases", order.technical->aliases},
                         {"origin",
                          {{"host", order.technical->origin.host},
                           {"port", order.technical->origin.port},
                           {"scheme", order.technical->origin.scheme}}}};
  }
  if (order.target) {
    body["target"] = {{"customer_number", order.target->customer_number},
                      {"access_group_id", order.target->access_group_id}};
  }
  if (order.disconnect) {
    body["disconnect"] = {
        {"cessation_date", format_civil_date(order.disconnect->cessation_date)},
        {"item_ids", order.disconnect->item_ids},
        {"quote", order.disconnect->quote ? *order.disconnect->quote : nlohmann::json(nullptr)}};
  }
  if (order.renewal) {
    body["renewal"] = {
        {"term_months", order.renewal->term_months},
        {"mrc_minor",
         order.renewal->mrc_minor ? nlohmann::json(*order.renewal->mrc_minor) : nullptr}};
  }
  if (order.signature) {
    body["signature"] = {
        {"name", order.signature->name},
        {"title", order.signature->title},
        {"signed_at", utc_timestamp(order.signature->signed_at)},
        {"signed_by",
         order.signature->signed_by ? nlohmann::json(*order.signature->signed_by) : nullptr}};
  }
  return body;
}

nlohmann::json order_json(const control::Order& order,
                          const std::vector<control::OrderState>& allowed) {
  nlohmann::json body = order_json(order);
  nlohmann::json states = nlohmann::json::array();
  for (const auto state : allowed)
    states.push_back(control::order_state_name(state));
  body["allowed_transitions"] = states;
  return body;
}

nlohmann::json connection_notice_json(const control::ConnectionNotice& notice) {
  return {{"scid", notice.scid},
          {"order_number", notice.order_number},
          {"customer_number", notice.customer_number},
          {"created_at", utc_timestamp(notice.created_at)},
          {"body", notice.body},
          {"details", notice.details}};
}

control::OrderDraft read_order_draft(JsonReader& reader, const nlohmann::json& document,
                                     bool create) {
  reader.reject_unknown(
      "", {"type", "customer_number", "access_group_id", "scid", "customer_commit_date",
           "effective_date", "items", "technical", "target", "disconnect", "renewal"});
  control::OrderDraft draft;
  if (create) {
    draft.type = reader.string("/type", true, 32);
  } else if (present(document, "/type")) {
    draft.type = reader.string("/type", true, 32);
  }
  if (present(document, "/customer_number")) {
    draft.customer_number = reader.string("/customer_number", true, 16);
  }
  if (present(document, "/access_group_id")) {
    draft.access_group_id = reader.integer("/access_group_id", true, 1);
  }
  if (present(document, "/scid")) draft.scid = reader.string("/scid", true, 16);
  if (create || present(document, "/customer_commit_date")) {
    draft.customer_commit_date = read_date(reader, "/customer_commit_date");
  }
  if (document.contains("effective_date")) {
    if (document["effective_date"].is_null()) {
      draft.effective_date = std::optional<CivilDate>();
    } else if (auto date = read_date(reader, "/effective_date")) {
      draft.effective_date = std::optional<CivilDate>(*date);
    }
  }
  if (present(document, "/items")) {
    if (const auto* items = reader.array("/items")) {
      std::vector<OrderItem> read;
      for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string at = "/items/" + std::to_string(i);
        if (!reader.object(at)) continue;
        read.push_back(read_item(reader, document, at));
      }
      draft.items = std::move(read);
    }
  }
  if (present(document, "/technical") && reader.object("/technical")) {
    draft.technical = read_technical(reader, document);
  }
  if (present(document, "/target") && reader.object("/target")) {
    reader.reject_unknown("/target", {"customer_number", "access_group_id"});
    control::TransferTarget target;
    target.customer_number = reader.string("/target/customer_number", true, 16).value_or("");
    target.access_group_id = reader.integer("/target/access_group_id", true, 1).value_or(0);
    draft.target = target;
  }
  if (present(document, "/disconnect") && reader.object("/disconnect")) {
    reader.reject_unknown("/disconnect", {"cessation_date", "item_ids", "quote"});
    control::DisconnectRequest disconnect;
    disconnect.cessation_date =
        read_date(reader, "/disconnect/cessation_date").value_or(CivilDate{});
    if (present(document, "/disconnect/item_ids")) {
      if (const auto* ids = reader.array("/disconnect/item_ids")) {
        for (std::size_t i = 0; i < ids->size(); ++i) {
          if (auto id = reader.integer("/disconnect/item_ids/" + std::to_string(i), true, 1)) {
            disconnect.item_ids.push_back(*id);
          }
        }
      }
    }
    if (present(document, "/disconnect/quote")) {
      reader.add_error("/disconnect/quote", "is computed when the order is quoted; leave it out");
    }
    draft.disconnect = disconnect;
  }
  if (present(document, "/renewal") && reader.object("/renewal")) {
    reader.reject_unknown("/renewal", {"term_months", "mrc_minor"});
    control::RenewalTerms renewal;
    renewal.term_months = static_cast<int>(
        reader.integer("/renewal/term_months", true, 1, control::kMaxTermMonths).value_or(12));
    if (present(document, "/renewal/mrc_minor")) {
      renewal.mrc_minor = read_money(reader, "/renewal/mrc_minor");
    }
    draft.renewal = renewal;
  }
  return draft;
}

std::optional<control::OrderTransitionRequest> read_order_transition(
    JsonReader& reader, const nlohmann::json& document) {
  reader.reject_unknown("", {"to", "reason", "signature"});
  control::OrderTransitionRequest request;
  if (auto to = reader.string("/to", true, 32)) {
    if (auto state = control::parse_order_state(*to)) {
      request.to = *state;
    } else {
      reader.add_error("/to",
                       "must be draft, quoted, signed, validated, provisioning, completed, "
                       "cancelled or rejected");
    }
  }
  if (present(document, "/reason")) {
    request.reason =
        reader.string("/reason", true, control::Orders::kMaxReasonLength + 1).value_or("");
  }
  if (present(document, "/signature") && reader.object("/signature")) {
    reader.reject_unknown("/signature", {"name", "title"});
    if (present(document, "/signature/name")) {
      request.signer_name = reader.string("/signature/name", true, 4096);
    }
    if (present(document, "/signature/title")) {
      request.signer_title = reader.string("/signature/title", true, 4096);
    }
  }
  if (!reader.ok()) return std::nullopt;
  return request;
}

}  // namespace candela::portal
