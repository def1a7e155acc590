// The edge network (docs/noc.md): GET /api/v1/network/topology for shields, monitors and staff,
// and PUT /api/v1/network/health where monitors store what they see of each edge.
#include <soci/soci.h>

#include <limits>

#include "control/edge_health.hpp"
#include "control/edge_registry.hpp"
#include "control/network_topology.hpp"
#include "control/noc_monitors.hpp"
#include "control/usage_time.hpp"
#include "http/headers.hpp"
#include "http/text.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/node_auth.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

constexpr const char* kChallenge = "Bearer realm=\"candela\"";

// The monitor a Bearer token belongs to (stamping its last use), or the problem to answer.
ApiResult<control::NocMonitor> authenticate_monitor(ApiContext& context, const std::string& token) {
  auto monitor = context.db.with_transaction([&](soci::session& session) {
    return control::NocMonitors(session, context.clock, context.random).authenticate(token);
  });
  if (!monitor.ok()) {
    if (monitor.error_kind() == ErrorKind::kUnauthorized) {
      return unauthorized("the Bearer token is not a valid edge node token or monitor token",
                          kChallenge);
    }
    return problem_from_error(monitor.failure());
  }
  return std::move(monitor).value();
}

// Who asks for the topology: an edge's node token is tried first, then a monitor token; without
// a Bearer token, the usual session or API key of a user.
ApiResult<control::TopologyReader> topology_reader(ApiContext& context, const Request& request) {
  control::TopologyReader reader;
  if (auto token = bearer_token(request)) {
    auto edge = context.db.with_session([&](soci::session& session) {
      return control::EdgeRegistry(session, context.clock, context.random).authenticate(*token);
    });
    if (edge.ok()) {
      reader.edge = std::move(edge).value();
      return reader;
    }
    if (edge.error_kind() != ErrorKind::kUnauthorized) return problem_from_error(edge.failure());
    auto monitor = authenticate_monitor(context, *token);
    if (!monitor) return monitor.problem();
    reader.monitor_id = monitor->monitor_id;
    return reader;
  }
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem();
  reader.principal = std::move(principal).value();
  return reader;
}

nlohmann::json topology_json(const control::NetworkTopology& topology,
                             const std::string& cdn_domain) {
  nlohmann::json edges = nlohmann::json::array();
  for (const auto& row : topology.edges) {
    const control::Edge& edge = row.edge;
    edges.push_back({{"edge_id", edge.edge_id},
                     {"cache_group", edge.cache_group},
                     {"role", control::edge_role_name(edge.role)},
                     {"address", edge.address},
                     {"admin_address", edge.admin_address ? nlohmann::json(*edge.admin_address)
                                                          : nlohmann::json(nullptr)},
                     {"capacity", edge_capacity_json(edge.capacity)},
                     {"draining", row.draining},
                     {"maintenance_reference", row.maintenance_reference
                                                   ? nlohmann::json(*row.maintenance_reference)
                                                   : nlohmann::json(nullptr)},
                     {"health", monitor_health_json(row.health)}});
  }
  return {{"generated_at", utc_timestamp(topology.generated_at)},
          {"network", control::edge_network_name(topology.network)},
          {"cdn_domain", cdn_domain},
          {"edges", std::move(edges)},
          {"services", topology.services}};
}

Response get_topology(ApiContext& context, const Request& request) {
  auto reader = topology_reader(context, request);
  if (!reader) return reader.problem().to_response(request.request_id);
  control::EdgeNetwork network = control::EdgeNetwork::kProduction;
  if (auto text = request.query_param("network")) {
    auto parsed = control::parse_edge_network(*text);
    if (!parsed) {
      return bad_request("query parameter network must be \"production\" or \"staging\"")
          .to_response(request.request_id);
    }
    network = *parsed;
  }
  auto topology = context.db.with_session([&](soci::session& session) {
    return control::network_topology(session, context.clock, *reader, network);
  });
  if (!topology.ok()) return error_response(topology.failure(), request);
  Response response = json_response(200, topology_json(*topology, context.settings.cdn_domain));
  // Health changes every second: a cached copy would hide a failed edge.
  response.set_header("Cache-Control", "no-store");
  return response;
}

// A JSON number (integer or not) of `object`'s member `name`, within [0, max]; records an error at
// `pointer` otherwise. The store checks the same rules; checking here too reports them together
// with the body's type errors.
std::optional<double> read_number(JsonReader& reader, const nlohmann::json& object,
                                  const std::string& pointer, const char* name, double max) {
  if (!object.contains(name)) {
    reader.add_error(pointer, "is required");
    return std::nullopt;
  }
  const nlohmann::json& value = object[name];
  if (!value.is_number()) {
    reader.add_error(pointer, "must be a number");
    return std::nullopt;
  }
  const double number = value.get<double>();
  if (!(number >= 0 && number <= max)) {
    reader.add_error(pointer, max == 1.0 ? "must be a number from 0 to 1"
                                         : "must be a finite number, 0 or more");
    return std::nullopt;
  }
  return number;
}

ApiResult<control::HealthReport> read_health_report(const Request& request) {
  auto document = parse_json_body(request);
  if (!document) return document.problem();
  JsonReader reader(*document);
  if (!document->is_object()) {
    reader.add_error("", "must be a JSON object");
    return *reader.problem();
  }
  reader.reject_unknown("", {"observed_at", "edges"});
  control::HealthReport report;
  if (auto observed = reader.string("/observed_at")) {
    if (auto ms = control::parse_utc_ms(*observed, false)) {
      report.observed_at = control::from_epoch_ms(*ms);
    } else {
      reader.add_error("/observed_at",
                       "must be an RFC 3339 UTC time such as \"2026-11-25T12:00:00Z\"");
    }
  }
  if (const nlohmann::json* edges = reader.array("/edges")) {
    for (std::size_t i = 0; i < edges->size(); ++i) {
      const std::string at = "/edges/" + std::to_string(i);
      const nlohmann::json& item = (*edges)[i];
      if (!reader.object(at)) continue;
      reader.reject_unknown(at, {"edge_id", "state", "since", "requests_per_second",
                                 "bytes_per_second", "error_rate", "overloaded", "detail"});
      control::HealthReportEdge edge;
      edge.edge_id = reader.string(at + "/edge_id", true, 200).value_or("");
      if (auto state = reader.string(at + "/state")) {
        if (auto parsed = control::parse_monitor_state(*state)) {
          edge.state = *parsed;
        } else {
          reader.add_error(at + "/state", "must be \"up\", \"down\", \"draining\" or \"unknown\"");
        }
      }
      if (auto since = reader.string(at + "/since")) {
        if (auto ms = control::parse_utc_ms(*since, false)) {
          edge.since = control::from_epoch_ms(*ms);
        } else {
          reader.add_error(at + "/since", "must be an RFC 3339 UTC time");
        }
      }
      constexpr double kAnyRate = std::numeric_limits<double>::max();
      edge.requests_per_second =
          read_number(reader, item, at + "/requests_per_second", "requests_per_second", kAnyRate)
              .value_or(0);
      edge.bytes_per_second =
          read_number(reader, item, at + "/bytes_per_second", "bytes_per_second", kAnyRate)
              .value_or(0);
      edge.error_rate =
          read_number(reader, item, at + "/error_rate", "error_rate", 1.0).value_or(0);
      edge.overloaded = reader.boolean(at + "/overloaded").value_or(false);
      // Checked for length and one line by the store, which names the limit.
      edge.detail = reader.string(at + "/detail", false, 100000).value_or("");
      report.edges.push_back(std::move(edge));
    }
  }
  if (auto problem = reader.problem()) return *problem;
  return report;
}

Response put_health(ApiContext& context, const Request& request) {
  const auto token = bearer_token(request);
  if (!token) {
    // A signed-in user is known but is not a monitor; anyone else must authenticate.
    if (request.header("Authorization") || request.header("Cookie")) {
      auto principal = context.authenticate(request);
      if (!principal) return principal.problem().to_response(request.request_id);
      return forbidden("only a monitor (Authorization: Bearer <monitor token>) reports health")
          .to_response(request.request_id);
    }
    return unauthorized("send the monitor's token as Authorization: Bearer <token>", kChallenge)
        .to_response(request.request_id);
  }
  auto monitor = authenticate_monitor(context, *token);
  if (!monitor) return monitor.problem().to_response(request.request_id);
  auto report = read_health_report(request);
  if (!report) return report.problem().to_response(request.request_id);
  auto stored = context.db.with_transaction([&](soci::session& session) {
    return control::EdgeHealthStore(session, context.clock).store(monitor->monitor_id, *report);
  });
  if (!stored.ok()) return error_response(stored.failure(), request);
  Response response = json_response(200, {{"stored", stored.value()}});
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace

void register_network_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/network/topology",
             [&context](const Request& request) { return get_topology(context, request); });
  router.add("PUT", "/api/v1/network/health",
             [&context](const Request& request) { return put_health(context, request); });
}

}  // namespace candela::portal
