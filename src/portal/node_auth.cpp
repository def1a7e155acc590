// Node-token authentication: the Bearer token's SHA-256 is looked up in the edges table.
#include "portal/node_auth.hpp"

#include "http/headers.hpp"
#include "http/text.hpp"
#include "portal/feed_json.hpp"

namespace candela::portal {
namespace {

constexpr const char* kChallenge = "Bearer realm=\"candela-feed\"";

}  // namespace

std::optional<std::string> bearer_token(const Request& request) {
  const auto field = request.header("Authorization");
  if (!field) return std::nullopt;
  const std::string_view value = http::trim_ows(*field);
  const bool bearer = value.size() >= 6 && http::iequals(value.substr(0, 6), "bearer") &&
                      (value.size() == 6 || value[6] == ' ');
  if (!bearer) return std::nullopt;
  return std::string(http::trim_ows(value.substr(6)));
}

ApiResult<control::Edge> authenticate_edge(ApiContext& context, const Request& request) {
  if (!request.header("Authorization")) {
    return unauthorized("send the edge's node token as Authorization: Bearer <token>", kChallenge);
  }
  const auto token = bearer_token(request);
  if (!token || token->empty()) {
    return unauthorized("the feed accepts only Authorization: Bearer <node token>", kChallenge);
  }
  auto edge = context.db.with_session([&](soci::session& session) {
    return control::EdgeRegistry(session, context.clock, context.random).authenticate(*token);
  });
  if (!edge.ok()) {
    if (edge.error_kind() == ErrorKind::kUnauthorized) {
      return unauthorized(edge.error(), kChallenge);
    }
    return problem_from_error(edge.failure());
  }
  return std::move(edge).value();
}

ApiResult<control::Edge> authenticate_edge_named(ApiContext& context, const Request& request) {
  auto edge = authenticate_edge(context, request);
  if (!edge) return edge;
  if (edge->edge_id != request.param("edge_id")) {
    return forbidden("this node token belongs to edge \"" + edge->edge_id + "\", not \"" +
                     request.param("edge_id") + "\"");
  }
  return edge;
}

}  // namespace candela::portal
