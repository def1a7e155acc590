// Routed host names: the router sends a client of "www.example.com" to
// "<edge_id>.www.example.com.<routing_domain>" (docs/router.md), a name that resolves to that one
// edge. The edge serves such a request exactly as a request for "www.example.com".
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::edge {

// The alias inside a routed Host value, or empty when `host` is not
// "<edge_id>.<alias>.<routing_domain>[.][:port]" for this edge. Case-insensitive; the port and a
// trailing dot are ignored. The result is a view into `host` (no allocation: this runs on the
// request path). `routing_domain` is lower case without a trailing dot; empty never matches.
std::string_view routed_alias(std::string_view host, std::string_view edge_id,
                              std::string_view routing_domain) noexcept;

// A routing domain as given on the command line (`--routing-domain`): lower-cased, a trailing
// dot dropped, and checked to be a DNS host name ("cdn.example.net"); an error says why not.
Result<std::string> normalize_routing_domain(std::string_view text);

}  // namespace candela::edge
