// /api/v1/services: list (filtered, paged), create (staff), read, change state (staff).
#include <soci/soci.h>

#include "control/services.hpp"
#include "portal/etag.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"
#include "portal/service_json.hpp"

namespace candela::portal {
namespace {

using control::Service;
using control::Services;
using control::ServiceState;

ETag service_etag(const Service& service) {
  return ETag::from_content(service_json(service).dump());
}

Response service_response(int status, const Service& service) {
  Response response = json_body_response(status, service_json(service));
  response.set_header("ETag", service_etag(service).header_value());
  return response;
}

Response list_services(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  control::ServiceQuery query;
  query.limit = static_cast<int>(page->limit);
  std::string errors;
  if (auto state = request.query_param("state")) {
    query.state = control::parse_service_state(*state);
    if (!query.state) {
      errors += "query parameter state must be pending, active, suspended or disconnected; ";
    }
  }
  if (auto group = request.query_param("access_group_id")) {
    query.access_group_id = positive_integer(*group);
    if (!query.access_group_id) {
      errors += "query parameter access_group_id must be a positive integer; ";
    }
  }
  if (page->after_key) {
    if (!is_valid_scid(*page->after_key)) {
      errors += "query parameter cursor is not a cursor this API returned; ";
    }
    query.after_scid = page->after_key;
  }
  if (!errors.empty()) {
    errors.resize(errors.size() - 2);
    return bad_request(errors).to_response(request.request_id);
  }
  auto listed = context.db.with_session([&](soci::session& session) {
    return Services(session, context.clock).list(*principal, query);
  });
  if (!listed.ok()) return service_error(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& service : listed->services)
    body["items"].push_back(service_json(service));
  return page_response(request, *page, listed->next_after, std::move(body));
}

Response create_service(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto body = object_body_of(request);
  if (!body) return body.problem().to_response(request.request_id);
  JsonReader reader(*body);
  reader.reject_unknown("", {"access_group_id", "customer_number", "reason"});
  control::NewService wanted;
  if (auto group = reader.integer("/access_group_id", true, 1)) wanted.access_group_id = *group;
  if (auto number = reader.string("/customer_number", true, 64)) wanted.customer_number = *number;
  if (auto reason = reader.string("/reason", false, control::Services::kMaxReasonLength)) {
    wanted.reason = *reason;
  }
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  auto created = context.db.with_transaction([&](soci::session& session) {
    return Services(session, context.clock).create(*principal, wanted, context.random);
  });
  if (!created.ok()) return service_error(created.failure(), request);
  Response response = service_response(201, created.value());
  response.set_header("Location", "/api/v1/services/" + created->scid);
  return response;
}

Response get_service(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto service = context.db.with_session([&](soci::session& session) {
    return Services(session, context.clock).get(*principal, request.param("scid"));
  });
  if (!service.ok()) return service_error(service.failure(), request);
  const ETag etag = service_etag(service.value());
  if (evaluate_if_none_match(request, etag) == ReadPrecondition::kNotModified) {
    return not_modified(etag);
  }
  return service_response(200, service.value());
}

// {state, reason}: the lifecycle transition, with If-Match (optional) on the service's ETag.
Response change_service(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto body = object_body_of(request);
  if (!body) return body.problem().to_response(request.request_id);
  JsonReader reader(*body);
  reader.reject_unknown("", {"state", "reason"});
  std::optional<ServiceState> to;
  if (auto state = reader.string("/state")) {
    to = control::parse_service_state(*state);
    if (!to) reader.add_error("/state", "must be pending, active, suspended or disconnected");
  }
  auto reason = reader.string("/reason", true, control::Services::kMaxReasonLength);
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);

  std::optional<Problem> precondition;
  std::optional<long long> feed_sequence;
  auto changed = context.db.with_transaction([&](soci::session& session) -> Result<Service> {
    precondition.reset();  // the transaction may run again after a conflict
    Services services(session, context.clock);
    auto current = services.get(*principal, request.param("scid"), control::Action::kProvision);
    if (!current.ok()) return current;
    precondition =
        evaluate_if_match(request, service_etag(current.value()), IfMatchRule::kOptional);
    if (precondition) return Error{"precondition failed", ErrorKind::kPrecondition};
    auto moved = services.change_state(*principal, current->scid, *to, *reason);
    feed_sequence = services.last_feed_sequence();
    return moved;
  });
  if (precondition) return precondition->to_response(request.request_id);
  if (!changed.ok()) return service_error(changed.failure(), request);
  // Committed: wake the edges' long polls so they stop or resume serving at once.
  if (feed_sequence) context.feed_signal.published(*feed_sequence);
  return service_response(200, changed.value());
}

}  // namespace

void register_service_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/services",
             [&context](const Request& request) { return list_services(context, request); });
  router.add("POST", "/api/v1/services",
             [&context](const Request& request) { return create_service(context, request); });
  router.add("GET", "/api/v1/services/{scid}",
             [&context](const Request& request) { return get_service(context, request); });
  router.add("PATCH", "/api/v1/services/{scid}",
             [&context](const Request& request) { return change_service(context, request); });
}

}  // namespace candela::portal
