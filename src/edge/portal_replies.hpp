// What the edge's portal clients (control plane, usage reporter, log shipper) share: reading the
// node token file and describing a reply the portal refused.
#pragma once

#include <string>

#include "common/result.hpp"
#include "edge/portal_connection.hpp"

namespace candela::edge {

// The token in `file`, whitespace around it removed. Read before each request, so a token
// rotated on disk is used without a restart.
Result<std::string> read_node_token(const std::string& file);

// "HTTP 400: <detail>; /pointer message; ..." from a problem+json reply, or just the status.
std::string describe_reply(const PortalReply& reply);

}  // namespace candela::edge
