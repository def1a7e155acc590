// Quote-time checks and completion effects of orders.
#include "control/order_completion.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "common/money.hpp"
#include "control/audit_log.hpp"
#include "control/billing_adjustments.hpp"
#include "control/configuration_store.hpp"
#include "control/connection_notice.hpp"
#include "control/customers.hpp"
#include "control/deployments.hpp"
#include "control/early_termination.hpp"
#include "control/feed.hpp"
#include "control/order_validation.hpp"
#include "control/principal_audit.hpp"
#include "control/service_items.hpp"
#include "control/services.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

Error located(const std::string& pointer, const std::string& message) {
  return order_problems_error("the order", {{pointer, message}});
}

struct ServiceRow {
  std::string state;
  long long customer_id = 0;
  long long group = 0;
  int log_retention_days = 30;
};

Result<std::optional<ServiceRow>> service_row(soci::session& session, const std::string& scid) {
  return guarded("could not read the service", [&]() -> Result<std::optional<ServiceRow>> {
    ServiceRow row;
    session << "SELECT state, customer_id, access_group_id, log_retention_days FROM services"
               " WHERE scid = :s",
        soci::use(scid), soci::into(row.state), soci::into(row.customer_id), soci::into(row.group),
        soci::into(row.log_retention_days);
    if (!session.got_data()) return std::optional<ServiceRow>();
    return std::optional<ServiceRow>(row);
  });
}

// The order's service, which must still be in service.
Result<ServiceRow> live_service(soci::session& session, const Order& order) {
  auto row = service_row(session, order.scid.value_or(""));
  if (!row.ok()) return Error{row.failure()};
  if (!*row) return located("/scid", "names no service");
  if ((*row)->state == "disconnected") {
    return Error{"service " + *order.scid + " is disconnected", ErrorKind::kConflict};
  }
  return **row;
}

Result<std::vector<ServiceItem>> items_to_disconnect(soci::session& session, const Clock& clock,
                                                     const Order& order, const CivilDate& today) {
  auto open = open_items(session, clock, *order.scid, today);
  if (!open.ok()) return open;
  if (order.disconnect->item_ids.empty()) return open;
  std::vector<ServiceItem> chosen;
  for (std::size_t i = 0; i < order.disconnect->item_ids.size(); ++i) {
    const long long id = order.disconnect->item_ids[i];
    auto it = std::find_if(open->begin(), open->end(),
                           [&](const ServiceItem& item) { return item.id == id; });
    if (it == open->end()) {
      return located("/disconnect/item_ids/" + std::to_string(i),
                     "is not an open item of service " + *order.scid);
    }
    chosen.push_back(*it);
  }
  return chosen;
}

Result<nlohmann::json> disconnect_quote(soci::session& session, const Clock& clock,
                                        const Order& order, const CivilDate& today) {
  auto items = items_to_disconnect(session, clock, order, today);
  if (!items.ok()) return Error{items.failure()};
  if (items->empty()) return located("/scid", "the service has no open items to disconnect");
  nlohmann::json quotes = nlohmann::json::array();
  long long total = 0;
  for (const auto& item : *items) {
    auto quote = quote_disconnect(item.contract(), today, order.disconnect->cessation_date);
    if (!quote.ok()) {
      if (!quote.failure().fields.empty()) {
        OrderProblems problems;
        for (const auto& [pointer, message] : quote.failure().fields)
          problems.emplace_back("/disconnect" + pointer, message);
        return order_problems_error("the disconnect", std::move(problems));
      }
      return Error{quote.failure()};
    }
    total += quote->etc_minor;
    quotes.push_back({{"item_id", item.id},
                      {"product", item.terms.product},
                      {"term_end", format_civil_date(item.term_end)},
                      {"requested_cessation", format_civil_date(quote->requested_cessation)},
                      {"cessation", format_civil_date(quote->cessation)},
                      {"outcome", std::string(disconnect_outcome_name(quote->outcome))},
                      {"remaining_mrc_minor", quote->remaining_mrc_minor},
                      {"etc_minor", quote->etc_minor},
                      {"explanation", quote->explanation}});
  }
  return nlohmann::json{{"requested_on", format_civil_date(today)},
                        {"quotes", quotes},
                        {"etc_total_minor", total},
                        {"currency", order.currency}};
}

Status check_transfer_target(soci::session& session, const Clock& clock, RandomSource& random,
                             const Order& order) {
  Customers customers(session, clock, random);
  auto target = customers.find(order.target->customer_number);
  if (!target.ok()) return Error{target.failure()};
  if (!*target) {
    return located("/target/customer_number",
                   "names no customer; create the new customer first, then name it here");
  }
  auto organisation = customers.organisation_of(order.target->access_group_id);
  if (!organisation.ok() || *organisation != (*target)->organisation_id) {
    return located("/target/access_group_id",
                   "must be a group of " + (*target)->name + "'s organisation");
  }
  return ok_status();
}

// No randomness is needed to check a target; Customers only wants a source.
class NoRandom : public RandomSource {
 public:
  std::uint64_t next_u64() override { return 0; }
};

Status audit(soci::session& session, const Clock& clock, const Principal& actor,
             const std::string& scid, const std::string& action, const std::string& reason,
             nlohmann::json details) {
  AuditEntry entry = audit_entry(actor, "service", scid, action);
  entry.reason = reason;
  entry.details = details.dump();
  auto appended = AuditLog(session, clock).append(entry);
  if (!appended.ok()) return Error{appended.failure()};
  return ok_status();
}

// One property per alias: ids from the host name ("www.example.com" → "www-example-com").
nlohmann::json default_configuration(const std::string& scid, const TechnicalDetails& technical) {
  nlohmann::json properties = nlohmann::json::array();
  std::set<std::string> ids;
  for (const auto& alias : technical.aliases) {
    std::string id;
    for (const char c : alias)
      id += c == '.' ? '-' : c;
    if (id.size() > 60) id.resize(60);
    while (!id.empty() && id.back() == '-')
      id.pop_back();
    std::string unique = id;
    for (int n = 2; !ids.insert(unique).second; ++n)
      unique = id + "-" + std::to_string(n);
    properties.push_back({{"id", unique},
                          {"primary_alias", alias},
                          {"origin",
                           {{"host", technical.origin.host},
                            {"protocol", technical.origin.scheme},
                            {"port", technical.origin.port}}}});
  }
  return {{"scid", scid}, {"properties", properties}};
}

Status complete_new_service(soci::session& session, const Clock& clock, RandomSource& random,
                            const OrderSettings& settings, const Principal& actor, Order& order,
                            const CivilDate& today) {
  const std::string why = "order " + order.order_number;
  Services services(session, clock);
  auto created =
      services.create(actor, {order.access_group_id, order.customer_number, why}, random);
  if (!created.ok()) return Error{created.failure()};
  order.scid = created->scid;
  auto active = services.apply_state(created->scid, ServiceState::kActive, why + " completed",
                                     actor.name, acting_user_id(actor));
  if (!active.ok()) return Error{active.failure()};
  std::vector<ItemTerms> terms;
  for (const auto& item : order.items)
    terms.push_back(item.terms);
  auto opened = ServiceItems(session, clock)
                    .open(created->scid, order.customer_id, terms, today, order.order_number);
  if (!opened.ok()) return Error{opened.failure()};
  for (std::size_t i = 0; i < order.items.size() && i < opened->size(); ++i)
    order.items[i].item_id = (*opened)[i].id;

  auto version =
      ConfigurationStore(session, clock)
          .create(actor, created->scid, default_configuration(created->scid, *order.technical),
                  "default configuration from " + order.order_number, 0);
  if (!version.ok()) {
    if (!version.failure().fields.empty()) {
      return Error{
          "the order's technical details do not make a valid configuration: " + version.error(),
          ErrorKind::kConflict, version.failure().fields};
    }
    return Error{version.failure()};
  }
  auto deployed = Deployments(session, clock)
                      .deploy(actor, created->scid,
                              {version->version, Environment::kProduction,
                               "activation of " + order.order_number});
  if (!deployed.ok()) return Error{deployed.failure()};

  auto notice = compose_connection_notice(session, order, active->log_retention_days,
                                          version->version, settings, clock.now());
  if (!notice.ok()) return Error{notice.failure()};
  return deliver_connection_notice(session, clock, order, *notice);
}

Status complete_change(soci::session& session, const Clock& clock, const Order& order,
                       const CivilDate& effective) {
  ServiceItems items(session, clock);
  for (const auto& item : order.items) {
    Status done = ok_status();
    switch (item.action) {
      case ItemAction::kAdd: {
        auto added = items.add(*order.scid, item.terms, effective, order.order_number);
        if (!added.ok()) done = Error{added.failure()};
        break;
      }
      case ItemAction::kReplace: {
        auto replaced = items.replace(*item.item_id, item.terms, effective, order.order_number);
        if (!replaced.ok()) done = Error{replaced.failure()};
        break;
      }
      case ItemAction::kEnd: {
        // The item is gone from the effective date on: its last day is the day before.
        auto ended = items.end(*item.item_id, add_days(effective, -1), order.order_number);
        if (!ended.ok()) done = Error{ended.failure()};
        break;
      }
      case ItemAction::kKeep:
        break;
    }
    if (!done.ok()) return done;
  }
  return ok_status();
}

Status complete_transfer(soci::session& session, const Clock& clock, const Principal& actor,
                         const Order& order) {
  NoRandom no_random;
  auto target_ok = check_transfer_target(session, clock, no_random, order);
  if (!target_ok.ok()) return target_ok;
  auto target = Customers(session, clock, no_random).find(order.target->customer_number);
  if (!target.ok()) return Error{target.failure()};
  const long long to_customer = (*target)->id;
  auto moved = ServiceItems(session, clock)
                   .transfer(*order.scid, to_customer, *order.effective_date, order.order_number);
  if (!moved.ok()) return Error{moved.failure()};
  auto updated = guarded("could not transfer the service", [&]() -> Status {
    const long long now = to_epoch_ms(clock.now());
    session << "UPDATE services SET customer_id = :c, access_group_id = :g, updated_at = :u"
               " WHERE scid = :s",
        soci::use(to_customer), soci::use(order.target->access_group_id), soci::use(now),
        soci::use(*order.scid);
    return ok_status();
  });
  if (!updated.ok()) return updated;
  return audit(session, clock, actor, *order.scid, "transfer", "order " + order.order_number,
               {{"from_customer_number", order.customer_number},
                {"to_customer_number", order.target->customer_number},
                {"from_access_group_id", order.access_group_id},
                {"to_access_group_id", order.target->access_group_id},
                {"effective_date", format_civil_date(*order.effective_date)}});
}

Status complete_disconnect(soci::session& session, const Clock& clock, const Principal& actor,
                           const Order& order) {
  if (!order.disconnect || !order.disconnect->quote) {
    return Error{"the disconnect order has no stored quote", ErrorKind::kInternal};
  }
  ServiceItems items(session, clock);
  for (const auto& line : order.disconnect->quote->value("quotes", nlohmann::json::array())) {
    const long long item_id = line.value("item_id", 0LL);
    const auto cessation = parse_civil_date(line.value("cessation", std::string()));
    if (!cessation) return Error{"the stored quote has no cessation date", ErrorKind::kInternal};
    auto ended = items.end(item_id, *cessation, order.order_number);
    if (!ended.ok()) return Error{ended.failure()};
    const long long etc = line.value("etc_minor", 0LL);
    if (etc <= 0) continue;
    NewAdjustment adjustment;
    adjustment.customer_id = order.customer_id;
    adjustment.kind = AdjustmentKind::kEarlyTermination;
    adjustment.amount_minor = etc;
    adjustment.description = "Early termination charge: " + line.value("product", std::string()) +
                             " on SCID " + *order.scid + ", cessation " +
                             line.value("cessation", std::string()) + " (term end " +
                             line.value("term_end", std::string()) + ")";
    adjustment.scid = order.scid;
    adjustment.source_reference = order.order_number;
    adjustment.created_by = acting_user_id(actor);
    auto added = add_billing_adjustment(session, adjustment, clock.now());
    if (!added.ok()) return Error{added.failure()};
  }
  return ok_status();
}

}  // namespace

Result<std::vector<ServiceItem>> open_items(soci::session& session, const Clock& clock,
                                            const std::string& scid, const CivilDate& today) {
  auto all = ServiceItems(session, clock).for_service(scid);
  if (!all.ok()) return all;
  std::vector<ServiceItem> open;
  for (auto& item : *all) {
    if (!item.end_date || *item.end_date >= today) open.push_back(std::move(item));
  }
  return open;
}

Status prepare_quote(soci::session& session, const Clock& clock, Order& order,
                     const CivilDate& today) {
  OrderProblems problems = check_order_fields(order, today);
  for (std::size_t i = 0; i < order.items.size(); ++i) {
    const ItemTerms& terms = order.items[i].terms;
    const bool priced_line =
        order.items[i].action == ItemAction::kAdd || order.items[i].action == ItemAction::kReplace;
    if (priced_line && terms.pricing_basis == PricingBasis::kIndividualCase &&
        terms.mrc_minor == 0 && terms.nrc_minor == 0) {
      problems.emplace_back("/items/" + std::to_string(i) + "/mrc_minor",
                            "an individual-case item needs its price before it is quoted");
    }
  }
  if (!problems.empty()) return order_problems_error("the order", std::move(problems));
  if (order.type == OrderType::kNewService) return ok_status();

  auto service = live_service(session, order);
  if (!service.ok()) return Error{service.failure()};
  auto open = open_items(session, clock, *order.scid, today);
  if (!open.ok()) return Error{open.failure()};
  switch (order.type) {
    case OrderType::kChange:
      for (std::size_t i = 0; i < order.items.size(); ++i) {
        const auto& item = order.items[i];
        if (!item.item_id) continue;
        const bool known = std::any_of(open->begin(), open->end(),
                                       [&](const ServiceItem& s) { return s.id == *item.item_id; });
        if (!known) {
          problems.emplace_back("/items/" + std::to_string(i) + "/item_id",
                                "is not an open item of service " + *order.scid);
        }
      }
      break;
    case OrderType::kRenewal:
      if (open->empty()) problems.emplace_back("/scid", "the service has no open items to renew");
      break;
    case OrderType::kTransfer: {
      if (open->empty()) {
        problems.emplace_back("/scid", "the service has no open items to transfer");
      }
      NoRandom no_random;
      auto target = check_transfer_target(session, clock, no_random, order);
      if (!target.ok()) return target;
      break;
    }
    case OrderType::kDisconnect: {
      auto quote = disconnect_quote(session, clock, order, today);
      if (!quote.ok()) return Error{quote.failure()};
      order.disconnect->quote = *quote;
      break;
    }
    case OrderType::kNewService:
      break;
  }
  if (!problems.empty()) return order_problems_error("the order", std::move(problems));
  return ok_status();
}

Result<std::optional<long long>> complete_order(soci::session& session, const Clock& clock,
                                                RandomSource& random, const OrderSettings& settings,
                                                const Principal& actor, Order& order) {
  const CivilDate today = utc_date_of(clock.now());
  const bool waits_for_effective_date = order.type == OrderType::kNewService ||
                                        order.type == OrderType::kChange ||
                                        order.type == OrderType::kRenewal;
  if (waits_for_effective_date && order.effective_date && *order.effective_date > today) {
    return Error{"order " + order.order_number + " takes effect on " +
                     format_civil_date(*order.effective_date) +
                     "; complete it on or after that day",
                 ErrorKind::kConflict};
  }
  if (order.type == OrderType::kTransfer &&
      (!order.effective_date || *order.effective_date < today)) {
    return Error{"a transfer completes on or before its effective date; set a new effective date",
                 ErrorKind::kConflict};
  }
  if (order.type != OrderType::kNewService) {
    auto service = live_service(session, order);
    if (!service.ok()) return Error{service.failure()};
  }
  const CivilDate effective = order.effective_date.value_or(today);
  Status done = ok_status();
  switch (order.type) {
    case OrderType::kNewService:
      done = complete_new_service(session, clock, random, settings, actor, order, today);
      break;
    case OrderType::kChange:
      done = complete_change(session, clock, order, effective);
      break;
    case OrderType::kTransfer:
      done = complete_transfer(session, clock, actor, order);
      break;
    case OrderType::kRenewal: {
      auto renewed = ServiceItems(session, clock)
                         .renew(*order.scid, order.renewal->term_months, effective,
                                order.renewal->mrc_minor, order.order_number);
      if (!renewed.ok()) done = Error{renewed.failure()};
      break;
    }
    case OrderType::kDisconnect:
      done = complete_disconnect(session, clock, actor, order);
      break;
  }
  if (!done.ok()) return Error{done.failure()};
  auto latest = Feed(session, clock).latest();
  if (!latest.ok()) return Error{latest.failure()};
  return std::optional<long long>(*latest);
}

}  // namespace candela::control
