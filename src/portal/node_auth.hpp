// Edges authenticate with their node token ("Authorization: Bearer <token>"), never with a user
// session or API key; the feed endpoints accept nothing else.
#pragma once

#include <optional>
#include <string>

#include "control/edge_registry.hpp"
#include "portal/api_context.hpp"

namespace candela::portal {

// The token of "Authorization: Bearer <token>" (the scheme case-insensitive, spaces around the
// token trimmed), or nullopt when the request carries another scheme or none. Edges and monitors
// both authenticate this way.
std::optional<std::string> bearer_token(const Request& request);

// The edge whose token the request carries, or a 401 problem (WWW-Authenticate: Bearer).
ApiResult<control::Edge> authenticate_edge(ApiContext& context, const Request& request);

// The same, and the token must belong to the edge named in the path ({edge_id}); 403 otherwise.
ApiResult<control::Edge> authenticate_edge_named(ApiContext& context, const Request& request);

}  // namespace candela::portal
