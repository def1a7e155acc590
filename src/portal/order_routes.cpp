// Order endpoints (contract section 2) and the connection notices. Handlers translate
// HTTP ↔ control::Orders; tenancy, roles and the order rules live in the domain.
#include <soci/soci.h>

#include <charconv>
#include <set>

#include "control/orders.hpp"
#include "portal/etag.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/order_json.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

using control::Orders;

std::optional<long long> parse_number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

control::OrderSettings order_settings(const ApiContext& context) {
  return {context.settings.cdn_domain, context.settings.public_url};
}

Orders orders_on(soci::session& session, ApiContext& context) {
  return Orders(session, context.clock, context.random, order_settings(context));
}

ETag order_etag(const control::Order& order) {
  return ETag::from_content(order_json(order).dump());
}

// The order as `principal` sees it: JSON with its allowed transitions, and its ETag.
struct OrderView {
  nlohmann::json body;
  ETag etag;
};

Result<OrderView> view_of(Orders& orders, const control::Principal& principal,
                          const control::Order& order) {
  auto allowed = orders.allowed_transitions(principal, order);
  if (!allowed.ok()) return Error{allowed.failure()};
  return OrderView{order_json(order, *allowed), order_etag(order)};
}

Response order_response(int status, const OrderView& view) {
  Response response = json_response(status, view.body);
  response.set_header("ETag", view.etag.header_value());
  return response;
}

// Located body errors (reader) plus the domain's, as one 400.
Response body_problem(const JsonReader& reader, const Request& request) {
  return bad_request("the order has " + std::to_string(reader.errors().size()) +
                         " problem(s); each is listed with its field",
                     reader.errors())
      .to_response(request.request_id);
}

ApiResult<nlohmann::json> object_body(const Request& request) {
  auto document = parse_json_body(request);
  if (!document) return document.problem();
  if (!document->is_object()) return bad_request("the body must be a JSON object");
  return std::move(document).value();
}

Response create_order(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = object_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  const control::OrderDraft draft = read_order_draft(reader, *document, true);
  if (!reader.ok()) {
    // With the rules' findings on the fields the reader did not already flag: all at once.
    const auto flagged = reader.errors();
    auto related = [&](const std::string& pointer) {
      for (const auto& error : flagged) {
        if (error.pointer.rfind(pointer, 0) == 0 || pointer.rfind(error.pointer, 0) == 0) {
          return true;
        }
      }
      return false;
    };
    const auto rules = control::order_draft_problems(draft, utc_date_of(context.clock.now()));
    for (const auto& [pointer, message] : rules) {
      if (!related(pointer)) reader.add_error(pointer, message);
    }
    return body_problem(reader, request);
  }
  auto created = context.db.with_transaction([&](soci::session& session) -> Result<OrderView> {
    Orders orders = orders_on(session, context);
    auto order = orders.create(*principal, draft);
    if (!order.ok()) return Error{order.failure()};
    return view_of(orders, *principal, *order);
  });
  if (!created.ok()) return error_response(created.failure(), request);
  Response response = order_response(201, *created);
  response.set_header("Location",
                      "/api/v1/orders/" + created->body["order_number"].get<std::string>());
  return response;
}

Response list_orders(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  std::optional<long long> before;
  if (page->after_key) {
    before = parse_number(*page->after_key);
    if (!before) {
      return bad_request("query parameter cursor is not a cursor this API returned")
          .to_response(request.request_id);
    }
  }
  control::OrderFilter filter;
  filter.customer_number = request.query_param("customer_number");
  if (auto state = request.query_param("state")) {
    filter.state = control::parse_order_state(*state);
    if (!filter.state) {
      return bad_request("query parameter state must be an order state such as quoted")
          .to_response(request.request_id);
    }
  }
  if (auto type = request.query_param("type")) {
    filter.type = control::parse_order_type(*type);
    if (!filter.type) {
      return bad_request(
                 "query parameter type must be new_service, change, transfer, renewal or "
                 "disconnect")
          .to_response(request.request_id);
    }
  }
  auto listed = context.db.with_session([&](soci::session& session) {
    return orders_on(session, context)
        .list(*principal, filter, before,
              static_cast<int>(std::min<std::size_t>(page->limit, Orders::kMaxPageSize)));
  });
  if (!listed.ok()) {
    if (listed.error_kind() == ErrorKind::kInvalid) {
      return bad_request("query parameter " + listed.error()).to_response(request.request_id);
    }
    return error_response(listed.failure(), request);
  }
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& order : listed->orders) {
    nlohmann::json item = order_json(order);
    item.erase("events");
    body["items"].push_back(std::move(item));
  }
  return page_response(request, *page, listed->next_before, std::move(body));
}

Response get_order(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto found = context.db.with_session([&](soci::session& session) -> Result<OrderView> {
    Orders orders = orders_on(session, context);
    auto order = orders.get(*principal, request.param("order_number"));
    if (!order.ok()) return Error{order.failure()};
    return view_of(orders, *principal, *order);
  });
  if (!found.ok()) return error_response(found.failure(), request);
  if (evaluate_if_none_match(request, found->etag) == ReadPrecondition::kNotModified) {
    return not_modified(found->etag);
  }
  return order_response(200, *found);
}

Response patch_order(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = object_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  const control::OrderDraft changes = read_order_draft(reader, *document, false);
  std::optional<Problem> precondition;
  bool bad_body = false;
  auto updated = context.db.with_transaction([&](soci::session& session) -> Result<OrderView> {
    Orders orders = orders_on(session, context);
    // Tenancy first (404), then the precondition, then the body.
    auto current = orders.get(*principal, request.param("order_number"));
    if (!current.ok()) return Error{current.failure()};
    precondition = evaluate_if_match(request, order_etag(*current), IfMatchRule::kRequired);
    if (precondition) return Error{"precondition", ErrorKind::kPrecondition};
    if (!reader.ok()) {
      bad_body = true;
      return Error{"body", ErrorKind::kInvalid};
    }
    auto order = orders.update(*principal, current->order_number, changes);
    if (!order.ok()) return Error{order.failure()};
    return view_of(orders, *principal, *order);
  });
  if (precondition) return precondition->to_response(request.request_id);
  if (bad_body) return body_problem(reader, request);
  if (!updated.ok()) return error_response(updated.failure(), request);
  return order_response(200, *updated);
}

Response transition_order(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = object_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  const auto transition = read_order_transition(reader, *document);
  std::optional<long long> feed_sequence;
  bool bad_body = false;
  auto moved = context.db.with_transaction([&](soci::session& session) -> Result<OrderView> {
    Orders orders = orders_on(session, context);
    auto current = orders.get(*principal, request.param("order_number"));
    if (!current.ok()) return Error{current.failure()};
    if (!transition) {
      bad_body = true;
      return Error{"body", ErrorKind::kInvalid};
    }
    auto result = orders.transition(*principal, current->order_number, *transition);
    if (!result.ok()) return Error{result.failure()};
    feed_sequence = result->feed_sequence;
    return view_of(orders, *principal, result->order);
  });
  if (bad_body) return body_problem(reader, request);
  if (!moved.ok()) return error_response(moved.failure(), request);
  if (feed_sequence && *feed_sequence > 0) context.feed_signal.published(*feed_sequence);
  return order_response(200, *moved);
}

Response order_notice(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto notice = context.db.with_session([&](soci::session& session) {
    return orders_on(session, context)
        .connection_notice_for_order(*principal, request.param("order_number"));
  });
  if (!notice.ok()) return error_response(notice.failure(), request);
  return json_response(200, connection_notice_json(*notice));
}

Response service_notice(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto notice = context.db.with_session([&](soci::session& session) {
    return orders_on(session, context)
        .connection_notice_for_service(*principal, request.param("scid"));
  });
  if (!notice.ok()) return error_response(notice.failure(), request);
  return json_response(200, connection_notice_json(*notice));
}

}  // namespace

void register_order_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/orders",
             [&context](const Request& request) { return list_orders(context, request); });
  router.add("POST", "/api/v1/orders",
             [&context](const Request& request) { return create_order(context, request); });
  router.add("GET", "/api/v1/orders/{order_number}",
             [&context](const Request& request) { return get_order(context, request); });
  router.add("PATCH", "/api/v1/orders/{order_number}",
             [&context](const Request& request) { return patch_order(context, request); });
  router.add("POST", "/api/v1/orders/{order_number}/transitions",
             [&context](const Request& request) { return transition_order(context, request); });
  router.add("GET", "/api/v1/orders/{order_number}/connection-notice",
             [&context](const Request& request) { return order_notice(context, request); });
  router.add("GET", "/api/v1/services/{scid}/connection-notice",
             [&context](const Request& request) { return service_notice(context, request); });
}

}  // namespace candela::portal
