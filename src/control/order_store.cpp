// Order rows ↔ structs, in both SQL dialects.
#include "control/order_store.hpp"

#include <soci/soci.h>

#include "control/nullable_columns.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

std::optional<std::string> date_text(const std::optional<CivilDate>& date) {
  if (!date) return std::nullopt;
  return format_civil_date(*date);
}

CivilDate stored_date(const std::string& text) {
  return parse_civil_date(text).value_or(CivilDate{});
}

const char* const kOrderColumns =
    "SELECT o.id, o.order_number, o.type, o.state, o.customer_id, c.customer_number, c.name,"
    " o.access_group_id, o.scid, o.customer_commit_date, o.effective_date, o.details,"
    " o.signature_name, o.signature_title, o.signed_by, o.signed_at, o.reason, o.created_by,"
    " COALESCE(u.name, ''), o.created_at, o.updated_at, o.completed_at"
    " FROM orders o JOIN customers c ON c.id = o.customer_id"
    " LEFT JOIN users u ON u.id = o.created_by ";

struct OrderRow {
  long long id = 0;
  std::string number, type, state;
  long long customer_id = 0;
  std::string customer_number, customer_name;
  long long group = 0;
  NullableText scid;
  std::string commit_date;
  NullableText effective_date;
  std::string details;
  NullableText signature_name, signature_title;
  NullableNumber signed_by, signed_at;
  NullableText reason;
  NullableNumber created_by;
  std::string created_by_name;
  long long created_at = 0, updated_at = 0;
  NullableNumber completed_at;
};

template <typename Key>
std::optional<OrderRow> read_row(soci::session& session, const std::string& where, const Key& key) {
  OrderRow r;
  soci::statement st =
      (session.prepare << std::string(kOrderColumns) + where, soci::use(key), soci::into(r.id),
       soci::into(r.number), soci::into(r.type), soci::into(r.state), soci::into(r.customer_id),
       soci::into(r.customer_number), soci::into(r.customer_name), soci::into(r.group),
       soci::into(r.scid.value, r.scid.ind), soci::into(r.commit_date),
       soci::into(r.effective_date.value, r.effective_date.ind), soci::into(r.details),
       soci::into(r.signature_name.value, r.signature_name.ind),
       soci::into(r.signature_title.value, r.signature_title.ind),
       soci::into(r.signed_by.value, r.signed_by.ind),
       soci::into(r.signed_at.value, r.signed_at.ind), soci::into(r.reason.value, r.reason.ind),
       soci::into(r.created_by.value, r.created_by.ind), soci::into(r.created_by_name),
       soci::into(r.created_at), soci::into(r.updated_at),
       soci::into(r.completed_at.value, r.completed_at.ind));
  st.execute();
  if (!st.fetch()) return std::nullopt;
  return r;
}

Order order_of(const OrderRow& r) {
  Order order;
  order.id = r.id;
  order.order_number = r.number;
  order.type = parse_order_type(r.type).value_or(OrderType::kNewService);
  order.state = parse_order_state(r.state).value_or(OrderState::kDraft);
  order.customer_id = r.customer_id;
  order.customer_number = r.customer_number;
  order.customer_name = r.customer_name;
  order.access_group_id = r.group;
  order.scid = r.scid.get();
  order.customer_commit_date = stored_date(r.commit_date);
  if (auto effective = r.effective_date.get()) order.effective_date = stored_date(*effective);
  read_order_details(nlohmann::json::parse(r.details, nullptr, false), order);
  if (r.signed_at.get()) {
    order.signature = OrderSignature{r.signature_name.value, r.signature_title.value,
                                     r.signed_by.get(), from_epoch_ms(r.signed_at.value)};
  }
  order.reason = r.reason.get();
  order.created_by = r.created_by.get();
  order.created_by_name = r.created_by_name;
  order.created_at = from_epoch_ms(r.created_at);
  order.updated_at = from_epoch_ms(r.updated_at);
  if (auto completed = r.completed_at.get()) order.completed_at = from_epoch_ms(*completed);
  return order;
}

void load_items(soci::session& session, Order& order) {
  int line = 0;
  std::string product, description, basis, plan, action;
  long long mrc = 0, nrc = 0;
  int term = 0, etc = 0;
  NullableNumber item;
  soci::statement st =
      (session.prepare << "SELECT line, product, description, pricing_basis, mrc_minor,"
                          " nrc_minor, usage_plan, term_months, etc_percent, action, item_id"
                          " FROM order_items WHERE order_id = :o ORDER BY line",
       soci::use(order.id), soci::into(line), soci::into(product), soci::into(description),
       soci::into(basis), soci::into(mrc), soci::into(nrc), soci::into(plan), soci::into(term),
       soci::into(etc), soci::into(action), soci::into(item.value, item.ind));
  st.execute();
  while (st.fetch()) {
    OrderItem out;
    out.line = line;
    out.action = parse_item_action(action).value_or(ItemAction::kAdd);
    out.item_id = item.get();
    out.terms.product = product;
    out.terms.description = description;
    out.terms.pricing_basis = parse_pricing_basis(basis).value_or(PricingBasis::kStandard);
    out.terms.mrc_minor = mrc;
    out.terms.nrc_minor = nrc;
    auto parsed = usage_plan_from_json(nlohmann::json::parse(plan, nullptr, false), "");
    if (parsed.ok()) out.terms.usage_plan = parsed.value();
    out.terms.term_months = term;
    out.terms.etc_percent = etc;
    order.items.push_back(std::move(out));
    item = {};
  }
}

void load_events(soci::session& session, Order& order) {
  long long at = 0;
  NullableNumber actor;
  std::string name, to, note;
  NullableText from;
  soci::statement st =
      (session.prepare << "SELECT at, actor_user_id, actor_name, from_state, to_state, note"
                          " FROM order_events WHERE order_id = :o ORDER BY id",
       soci::use(order.id), soci::into(at), soci::into(actor.value, actor.ind), soci::into(name),
       soci::into(from.value, from.ind), soci::into(to), soci::into(note));
  st.execute();
  while (st.fetch()) {
    OrderEvent event;
    event.at = from_epoch_ms(at);
    event.actor_user_id = actor.get();
    event.actor_name = name;
    if (auto state = from.get()) event.from = parse_order_state(*state);
    event.to = parse_order_state(to).value_or(OrderState::kDraft);
    event.note = note;
    order.events.push_back(std::move(event));
    actor = {};
    from = {};
  }
}

void insert_items(soci::session& session, const Order& order) {
  for (const auto& item : order.items) {
    const std::string basis(pricing_basis_name(item.terms.pricing_basis));
    const std::string plan = usage_plan_to_json(item.terms.usage_plan).dump();
    const std::string action(item_action_name(item.action));
    BoundNumber item_id(item.item_id);
    session << "INSERT INTO order_items (order_id, line, product, description, pricing_basis,"
               " mrc_minor, nrc_minor, usage_plan, term_months, etc_percent, action, item_id)"
               " VALUES (:o, :l, :p, :d, :b, :m, :n, :u, :t, :e, :a, :i)",
        soci::use(order.id), soci::use(item.line), soci::use(item.terms.product),
        soci::use(item.terms.description), soci::use(basis), soci::use(item.terms.mrc_minor),
        soci::use(item.terms.nrc_minor), soci::use(plan), soci::use(item.terms.term_months),
        soci::use(item.terms.etc_percent), soci::use(action), soci::use(item_id.value, item_id.ind);
  }
}

std::optional<ConnectionNotice> read_notice(soci::session& session, const std::string& column,
                                            const std::string& key) {
  ConnectionNotice notice;
  std::string details;
  long long created_at = 0;
  session << "SELECT n.scid, n.order_number, c.customer_number, n.created_at, n.body, n.details"
             " FROM connection_notices n JOIN orders o ON o.order_number = n.order_number"
             " JOIN customers c ON c.id = o.customer_id WHERE n." +
                 column + " = :k",
      soci::use(key), soci::into(notice.scid), soci::into(notice.order_number),
      soci::into(notice.customer_number), soci::into(created_at), soci::into(notice.body),
      soci::into(details);
  if (!session.got_data()) return std::nullopt;
  notice.created_at = from_epoch_ms(created_at);
  notice.details = nlohmann::json::parse(details, nullptr, false);
  return notice;
}

}  // namespace

nlohmann::json technical_json(const TechnicalDetails& technical) {
  return {{"aliases", technical.aliases},
          {"origin",
           {{"host", technical.origin.host},
            {"port", technical.origin.port},
            {"scheme", technical.origin.scheme}}}};
}

nlohmann::json order_details_json(const Order& order) {
  nlohmann::json details = nlohmann::json::object();
  if (order.technical) details["technical"] = technical_json(*order.technical);
  if (order.target) {
    details["target"] = {{"customer_number", order.target->customer_number},
                         {"access_group_id", order.target->access_group_id}};
  }
  if (order.disconnect) {
    nlohmann::json disconnect = {
        {"cessation_date", format_civil_date(order.disconnect->cessation_date)},
        {"item_ids", order.disconnect->item_ids},
        {"quote", order.disconnect->quote ? *order.disconnect->quote : nlohmann::json(nullptr)}};
    details["disconnect"] = std::move(disconnect);
  }
  if (order.renewal) {
    details["renewal"] = {
        {"term_months", order.renewal->term_months},
        {"mrc_minor", order.renewal->mrc_minor ? nlohmann::json(*order.renewal->mrc_minor)
                                               : nlohmann::json(nullptr)}};
  }
  return details;
}

void read_order_details(const nlohmann::json& details, Order& order) {
  if (!details.is_object()) return;
  if (auto it = details.find("technical"); it != details.end() && it->is_object()) {
    TechnicalDetails technical;
    technical.aliases = it->value("aliases", std::vector<std::string>{});
    const auto origin = it->value("origin", nlohmann::json::object());
    technical.origin.host = origin.value("host", "");
    technical.origin.port = origin.value("port", 443);
    technical.origin.scheme = origin.value("scheme", "https");
    order.technical = std::move(technical);
  }
  if (auto it = details.find("target"); it != details.end() && it->is_object()) {
    order.target =
        TransferTarget{it->value("customer_number", ""), it->value("access_group_id", 0LL)};
  }
  if (auto it = details.find("disconnect"); it != details.end() && it->is_object()) {
    DisconnectRequest disconnect;
    disconnect.cessation_date = stored_date(it->value("cessation_date", ""));
    disconnect.item_ids = it->value("item_ids", std::vector<long long>{});
    if (auto quote = it->find("quote"); quote != it->end() && quote->is_object()) {
      disconnect.quote = *quote;
    }
    order.disconnect = std::move(disconnect);
  }
  if (auto it = details.find("renewal"); it != details.end() && it->is_object()) {
    RenewalTerms renewal;
    renewal.term_months = it->value("term_months", 12);
    if (auto mrc = it->find("mrc_minor"); mrc != it->end() && mrc->is_number_integer()) {
      renewal.mrc_minor = mrc->get<long long>();
    }
    order.renewal = renewal;
  }
}

Result<std::optional<Order>> find_order(soci::session& session, const std::string& order_number) {
  return guarded("could not read the order", [&]() -> Result<std::optional<Order>> {
    auto row = read_row(session, "WHERE o.order_number = :n", order_number);
    if (!row) return std::optional<Order>();
    Order order = order_of(*row);
    load_items(session, order);
    load_events(session, order);
    return std::optional<Order>(std::move(order));
  });
}

Status insert_order(soci::session& session, Order& order) {
  return guarded("could not store the order", [&]() -> Status {
    const std::string type(order_type_name(order.type));
    const std::string state(order_state_name(order.state));
    const std::string commit = format_civil_date(order.customer_commit_date);
    BoundText scid(order.scid);
    BoundText effective(date_text(order.effective_date));
    const std::string details = order_details_json(order).dump();
    BoundNumber created_by(order.created_by);
    const long long created_at = to_epoch_ms(order.created_at);
    const long long updated_at = to_epoch_ms(order.updated_at);
    session << "INSERT INTO orders (order_number, type, state, customer_id, access_group_id,"
               " scid, customer_commit_date, effective_date, details, created_by, created_at,"
               " updated_at) VALUES (:n, :t, :s, :c, :g, :scid, :cd, :ed, :d, :cb, :ca, :ua)"
               " RETURNING id",
        soci::use(order.order_number), soci::use(type), soci::use(state),
        soci::use(order.customer_id), soci::use(order.access_group_id),
        soci::use(scid.value, scid.ind), soci::use(commit),
        soci::use(effective.value, effective.ind), soci::use(details),
        soci::use(created_by.value, created_by.ind), soci::use(created_at), soci::use(updated_at),
        soci::into(order.id);
    insert_items(session, order);
    return ok_status();
  });
}

Status save_order(soci::session& session, const Order& order) {
  return guarded("could not store the order", [&]() -> Status {
    const std::string state(order_state_name(order.state));
    const std::string commit = format_civil_date(order.customer_commit_date);
    BoundText scid(order.scid);
    BoundText effective(date_text(order.effective_date));
    const std::string details = order_details_json(order).dump();
    BoundText signature_name(order.signature ? std::optional(order.signature->name) : std::nullopt);
    BoundText signature_title(order.signature ? std::optional(order.signature->title)
                                              : std::nullopt);
    BoundNumber signed_by(order.signature ? order.signature->signed_by : std::nullopt);
    BoundNumber signed_at(order.signature
                              ? std::optional<long long>(to_epoch_ms(order.signature->signed_at))
                              : std::nullopt);
    BoundText reason(order.reason);
    const long long updated_at = to_epoch_ms(order.updated_at);
    BoundNumber completed_at(order.completed_at
                                 ? std::optional<long long>(to_epoch_ms(*order.completed_at))
                                 : std::nullopt);
    session << "UPDATE orders SET state = :s, customer_id = :c, access_group_id = :g,"
               " scid = :scid, customer_commit_date = :cd, effective_date = :ed, details = :d,"
               " signature_name = :sn, signature_title = :st, signed_by = :sb, signed_at = :sa,"
               " reason = :r, updated_at = :ua, completed_at = :co WHERE id = :id",
        soci::use(state), soci::use(order.customer_id), soci::use(order.access_group_id),
        soci::use(scid.value, scid.ind), soci::use(commit),
        soci::use(effective.value, effective.ind), soci::use(details),
        soci::use(signature_name.value, signature_name.ind),
        soci::use(signature_title.value, signature_title.ind),
        soci::use(signed_by.value, signed_by.ind), soci::use(signed_at.value, signed_at.ind),
        soci::use(reason.value, reason.ind), soci::use(updated_at),
        soci::use(completed_at.value, completed_at.ind), soci::use(order.id);
    session << "DELETE FROM order_items WHERE order_id = :o", soci::use(order.id);
    insert_items(session, order);
    return ok_status();
  });
}

Status append_order_event(soci::session& session, long long order_id, const OrderEvent& event) {
  return guarded("could not store the order event", [&]() -> Status {
    const long long at = to_epoch_ms(event.at);
    BoundNumber actor(event.actor_user_id);
    BoundText from(event.from ? std::optional<std::string>(order_state_name(*event.from))
                              : std::nullopt);
    const std::string to(order_state_name(event.to));
    session << "INSERT INTO order_events (order_id, at, actor_user_id, actor_name, from_state,"
               " to_state, note) VALUES (:o, :at, :a, :n, :f, :t, :note)",
        soci::use(order_id), soci::use(at), soci::use(actor.value, actor.ind),
        soci::use(event.actor_name), soci::use(from.value, from.ind), soci::use(to),
        soci::use(event.note);
    return ok_status();
  });
}

Result<std::vector<Order>> list_orders(soci::session& session,
                                       const std::optional<std::vector<long long>>& groups,
                                       const OrderFilter& filter, std::optional<long long> before,
                                       int limit) {
  return guarded("could not list the orders", [&]() -> Result<std::vector<Order>> {
    if (groups && groups->empty()) return std::vector<Order>{};
    // Every value below is a number or a name the caller validated (customer number format,
    // state and type enumerations), so it is written into the statement directly.
    std::string sql =
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE 1 = 1";
    if (groups) {
      sql += " AND o.access_group_id IN (";
      for (std::size_t i = 0; i < groups->size(); ++i)
        sql += (i ? "," : "") + std::to_string((*groups)[i]);
      sql += ")";
    }
    if (filter.customer_number) sql += " AND c.customer_number = '" + *filter.customer_number + "'";
    if (filter.state)
      sql += " AND o.state = '" + std::string(order_state_name(*filter.state)) + "'";
    if (filter.type) sql += " AND o.type = '" + std::string(order_type_name(*filter.type)) + "'";
    if (before) sql += " AND o.id < " + std::to_string(*before);
    sql += " ORDER BY o.id DESC LIMIT " + std::to_string(limit);
    std::vector<long long> ids;
    soci::rowset<long long> rows = session.prepare << sql;
    for (const long long id : rows)
      ids.push_back(id);
    std::vector<Order> orders;
    for (const long long id : ids) {
      auto row = read_row(session, "WHERE o.id = :id", id);
      if (!row) continue;
      Order order = order_of(*row);
      load_items(session, order);
      orders.push_back(std::move(order));
    }
    return orders;
  });
}

Status insert_connection_notice(soci::session& session, const ConnectionNotice& notice) {
  return guarded("could not store the connection notice", [&]() -> Status {
    const long long at = to_epoch_ms(notice.created_at);
    const std::string details = notice.details.dump();
    session << "INSERT INTO connection_notices (scid, order_number, body, details, created_at)"
               " VALUES (:s, :o, :b, :d, :at)",
        soci::use(notice.scid), soci::use(notice.order_number), soci::use(notice.body),
        soci::use(details), soci::use(at);
    return ok_status();
  });
}

Result<std::optional<ConnectionNotice>> find_connection_notice(soci::session& session,
                                                               const std::string& scid) {
  return guarded("could not read the connection notice",
                 [&]() -> Result<std::optional<ConnectionNotice>> {
                   return read_notice(session, "scid", scid);
                 });
}

Result<std::optional<ConnectionNotice>> find_connection_notice_of_order(
    soci::session& session, const std::string& order_number) {
  return guarded("could not read the connection notice",
                 [&]() -> Result<std::optional<ConnectionNotice>> {
                   return read_notice(session, "order_number", order_number);
                 });
}

}  // namespace candela::control
