// Forwarding loop prevention at the edge (docs/shield.md): a request that already passed this
// edge is answered 508 Loop Detected instead of being forwarded again.
#pragma once

#include "edge/via_chain.hpp"

namespace candela::edge {

class ClientConnection;

// The Via chain of the connection's current request, as seen by this edge.
ViaChain via_chain_of(ClientConnection& c);

// Answers 508 (application/problem+json, not storable) when `via` names this edge, and says
// so; otherwise does nothing. Only requests that would leave the edge (fills, passes) ask.
bool refuse_loop(ClientConnection& c, const ViaChain& via);

}  // namespace candela::edge
