// Staff endpoints for edges: list, create (node token shown once), show, change. Each edge says
// whether an open maintenance window drains it ("draining", "maintenance_reference"): the router
// moves traffic away from those; and what the monitors last saw of it ("health").
#include <soci/soci.h>

#include <map>

#include "control/edge_health.hpp"
#include "control/edge_registry.hpp"
#include "control/invalidations.hpp"
#include "control/maintenance_drain.hpp"
#include "portal/etag.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

using control::EdgeRegistry;
// What the edge rows show beside the registry's record: open maintenance drains and the
// monitors' freshest health, both read at the same moment.
struct DrainMap {
  std::map<std::string, std::string> drains;
  std::map<std::string, control::MonitorHealth> health;
};

// edge_json plus the maintenance drain state; the ETag covers both, so a client's cached copy
// goes stale when the edge starts or stops draining (or its health changes).
nlohmann::json edge_view(const control::Edge& edge, const DrainMap& draining) {
  const auto health = draining.health.find(edge.edge_id);
  nlohmann::json body = edge_json(edge, health != draining.health.end()
                                            ? std::optional<control::MonitorHealth>(health->second)
                                            : std::nullopt);
  const auto found = draining.drains.find(edge.edge_id);
  body["draining"] = found != draining.drains.end();
  body["maintenance_reference"] =
      found != draining.drains.end() ? nlohmann::json(found->second) : nlohmann::json(nullptr);
  return body;
}

// Reads the drain state and health into `draining` after `result` succeeded (same session).
template <typename T>
Result<T> with_drains(soci::session& session, const Clock& clock, Result<T> result,
                      DrainMap& draining) {
  if (!result.ok()) return result;
  const SysTime now = clock.now();
  auto drains = control::draining_edges(session, now);
  if (!drains.ok()) return Error{drains.failure()};
  auto health = control::fresh_monitor_health(session, now);
  if (!health.ok()) return Error{health.failure()};
  draining.drains = std::move(drains).value();
  draining.health = std::move(health).value();
  return result;
}

Response with_etag(Response response, const nlohmann::json& edge) {
  response.set_header("ETag", ETag::from_content(edge.dump()).header_value());
  return response;
}

Response list_edges(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  DrainMap draining;
  auto edges = context.db.with_session([&](soci::session& session) {
    return with_drains(session, context.clock,
                       EdgeRegistry(session, context.clock, context.random)
                           .list(*principal, page->after_key, static_cast<int>(page->limit)),
                       draining);
  });
  if (!edges.ok()) return error_response(edges.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& edge : edges->edges)
    body["items"].push_back(edge_view(edge, draining));
  return page_response(request, *page, edges->next_after, std::move(body));
}

Response create_edge(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"edge_id", "cache_group", "address", "role", "network"});
  control::NewEdge edge;
  edge.edge_id = reader.string("/edge_id").value_or("");
  edge.cache_group = reader.string("/cache_group").value_or("");
  edge.address = reader.string("/address").value_or("");
  if (auto role = reader.string("/role", false)) {
    if (auto parsed = control::parse_edge_role(*role)) {
      edge.role = *parsed;
    } else {
      reader.add_error("/role", "must be \"edge\" or \"shield\"");
    }
  }
  if (auto network = reader.string("/network", false)) {
    if (auto parsed = control::parse_edge_network(*network)) {
      edge.network = *parsed;
    } else {
      reader.add_error("/network", "must be \"production\" or \"staging\"");
    }
  }
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  DrainMap draining;
  auto created = context.db.with_transaction([&](soci::session& session) {
    return with_drains(
        session, context.clock,
        EdgeRegistry(session, context.clock, context.random).create(*principal, edge), draining);
  });
  if (!created.ok()) return error_response(created.failure(), request);
  nlohmann::json body = edge_view(created->edge, draining);
  body["node_token"] = *created->node_token;
  Response response = json_response(201, body);
  response.set_header("Location", "/api/v1/edges/" + percent_encode(created->edge.edge_id));
  // The token is a secret: no cache may keep this answer.
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response get_edge(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  DrainMap draining;
  auto edge = context.db.with_session([&](soci::session& session) {
    return with_drains(session, context.clock,
                       EdgeRegistry(session, context.clock, context.random)
                           .get(*principal, request.param("edge_id")),
                       draining);
  });
  if (!edge.ok()) return error_response(edge.failure(), request);
  const nlohmann::json body = edge_view(edge.value(), draining);
  const ETag etag = ETag::from_content(body.dump());
  if (evaluate_if_none_match(request, etag) == ReadPrecondition::kNotModified) {
    return not_modified(etag);
  }
  return with_etag(json_response(200, body), body);
}

Response patch_edge(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"active", "cache_group", "network", "regenerate_token"});
  control::EdgeChange change;
  change.active = reader.boolean("/active", false);
  change.cache_group = reader.string("/cache_group", false);
  if (auto network = reader.string("/network", false)) {
    change.network = control::parse_edge_network(*network);
    if (!change.network) reader.add_error("/network", "must be \"production\" or \"staging\"");
  }
  change.regenerate_token = reader.boolean("/regenerate_token", false).value_or(false);
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);

  const std::string& edge_id = request.param("edge_id");
  std::optional<Problem> precondition;
  DrainMap draining;
  auto updated =
      context.db.with_transaction([&](soci::session& session) -> Result<control::EdgeWithToken> {
        precondition.reset();
        EdgeRegistry registry(session, context.clock, context.random);
        // If-Match (optional) guards against overwriting another operator's change.
        auto current =
            with_drains(session, context.clock, registry.get(*principal, edge_id), draining);
        if (!current.ok()) return Error{current.failure()};
        precondition = evaluate_if_match(
            request, ETag::from_content(edge_view(current.value(), draining).dump()),
            IfMatchRule::kOptional);
        if (precondition) return Error{precondition->detail, ErrorKind::kPrecondition};
        auto result = with_drains(session, context.clock,
                                  registry.update(*principal, edge_id, change), draining);
        if (!result.ok()) return result;
        // A deactivated edge no longer holds up open invalidations.
        if (change.active == false) {
          auto completed = control::Invalidations(session, context.clock).complete_all_applied();
          if (!completed.ok()) return Error{completed.failure()};
        }
        return result;
      });
  if (precondition) return precondition->to_response(request.request_id);
  if (!updated.ok()) return error_response(updated.failure(), request);
  const nlohmann::json edge = edge_view(updated->edge, draining);
  nlohmann::json body = edge;
  if (updated->node_token) body["node_token"] = *updated->node_token;
  // The ETag is the edge's (what GET shows), never the one-time token's.
  Response response = with_etag(json_response(200, body), edge);
  if (updated->node_token) response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace

void register_edge_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/edges",
             [&context](const Request& request) { return list_edges(context, request); });
  router.add("POST", "/api/v1/edges",
             [&context](const Request& request) { return create_edge(context, request); });
  router.add("GET", "/api/v1/edges/{edge_id}",
             [&context](const Request& request) { return get_edge(context, request); });
  router.add("PATCH", "/api/v1/edges/{edge_id}",
             [&context](const Request& request) { return patch_edge(context, request); });
}

}  // namespace candela::portal
