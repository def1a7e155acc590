// Turns a validated configuration document into the `properties` array `candela edge` reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "control/configuration_document.hpp"

namespace candela::control {

// The id a property has on the edges: "<SCID>.<property id>". Property ids are unique only
// within a document, while the edge keys its cache by property id across every SCID it serves.
std::string edge_property_id(const std::string& scid, const std::string& property_id);

// One element per property, in the edge format of docs/edge.md (id, service_id, aliases with the
// primary alias first, origin with host, port, protocol, web_root, host_header and timeouts),
// plus a "rules" object carrying what the edge does not implement yet (origin TLS, cache key,
// TLS, match rules — issue 8). The edge ignores members it does not know.
nlohmann::json to_edge_properties(const ConfigurationDocument& document);

}  // namespace candela::control
