// Deployments: POST /api/v1/services/{scid}/deployments (and .../rollback), the SCID's history
// with what each environment runs, and GET /api/v1/deployments/{id} with per-edge status.
#include <soci/soci.h>

#include "control/deployments.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"
#include "portal/service_json.hpp"

namespace candela::portal {
namespace {

using control::Deployment;
using control::Deployments;
using control::Environment;

std::optional<Environment> read_environment(JsonReader& reader) {
  auto text = reader.string("/environment");
  if (!text) return std::nullopt;
  auto environment = control::parse_environment(*text);
  if (!environment) reader.add_error("/environment", "must be \"staging\" or \"production\"");
  return environment;
}

// Answers 201 for a deployment that committed, after waking the edges' long-polls.
Response deployed_response(ApiContext& context, const Request& request,
                           const Result<Deployment>& deployed) {
  if (!deployed.ok()) return service_error(deployed.failure(), request);
  context.feed_signal.published(deployed->feed_sequence);
  Response response = json_body_response(201, deployment_json(deployed.value()));
  response.set_header("Location", "/api/v1/deployments/" + std::to_string(deployed->id));
  return response;
}

Response deploy(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto body = object_body_of(request);
  if (!body) return body.problem().to_response(request.request_id);
  JsonReader reader(*body);
  reader.reject_unknown("", {"version", "environment", "comment"});
  control::DeploymentRequest wanted;
  if (auto version = reader.integer("/version", true, 1, std::numeric_limits<int>::max())) {
    wanted.version = static_cast<int>(*version);
  }
  if (auto environment = read_environment(reader)) wanted.environment = *environment;
  if (auto comment = reader.string("/comment", false, Deployments::kMaxCommentLength)) {
    wanted.comment = *comment;
  }
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  auto deployed = context.db.with_transaction([&](soci::session& session) {
    return Deployments(session, context.clock).deploy(*principal, request.param("scid"), wanted);
  });
  return deployed_response(context, request, deployed);
}

Response rollback(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto body = object_body_of(request);
  if (!body) return body.problem().to_response(request.request_id);
  JsonReader reader(*body);
  reader.reject_unknown("", {"environment", "comment"});
  auto environment = read_environment(reader);
  auto comment = reader.string("/comment", false, Deployments::kMaxCommentLength);
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  auto deployed = context.db.with_transaction([&](soci::session& session) {
    return Deployments(session, context.clock)
        .rollback(*principal, request.param("scid"), *environment, comment.value_or(""));
  });
  return deployed_response(context, request, deployed);
}

Response list_deployments(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  std::optional<long long> before;
  if (page->after_key) {
    before = positive_integer(*page->after_key);
    if (!before) {
      return bad_request("query parameter cursor is not a cursor this API returned")
          .to_response(request.request_id);
    }
  }
  std::optional<control::CurrentDeployments> current;
  auto listed =
      context.db.with_session([&](soci::session& session) -> Result<control::DeploymentPage> {
        Deployments deployments(session, context.clock);
        auto page_of = deployments.list(*principal, request.param("scid"), before,
                                        static_cast<int>(page->limit));
        if (!page_of.ok()) return page_of;
        auto now = deployments.current(*principal, request.param("scid"));
        if (!now.ok()) return Error{now.failure()};
        current = std::move(now).value();
        return page_of;
      });
  if (!listed.ok()) return service_error(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()},
                         {"current",
                          {{"staging", optional_deployment_json(current->staging)},
                           {"production", optional_deployment_json(current->production)}}}};
  for (const auto& deployment : listed->deployments)
    body["items"].push_back(deployment_json(deployment));
  return page_response(request, *page, listed->next_before_sequence, std::move(body));
}

Response get_deployment(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  const auto id = positive_integer(request.param("id"));
  if (!id) {
    return not_found("there is no deployment " + request.param("id"))
        .to_response(request.request_id);
  }
  // One transaction: the deployment and its acknowledgements from the same snapshot.
  auto status = context.db.with_transaction([&](soci::session& session) {
    return Deployments(session, context.clock).status(*principal, *id);
  });
  if (!status.ok()) return service_error(status.failure(), request);
  nlohmann::json body = deployment_json(status->deployment);
  body["edges"] = edge_status_json(status->edges);
  body["summary"] = edge_status_summary(status->edges);
  body["complete"] = status->complete;
  return json_body_response(200, body);
}

}  // namespace

void register_deployment_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/services/{scid}/deployments",
             [&context](const Request& request) { return deploy(context, request); });
  router.add("POST", "/api/v1/services/{scid}/deployments/rollback",
             [&context](const Request& request) { return rollback(context, request); });
  router.add("GET", "/api/v1/services/{scid}/deployments",
             [&context](const Request& request) { return list_deployments(context, request); });
  router.add("GET", "/api/v1/deployments/{id}",
             [&context](const Request& request) { return get_deployment(context, request); });
}

}  // namespace candela::portal
