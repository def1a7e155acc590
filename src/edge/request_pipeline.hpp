// The edge's request lifecycle, readable top to bottom in request_pipeline.cpp:
// match property → suspended? 403 → method → cache key → lookup → fresh? serve : fill (collapsed)
// → respond.
#pragma once

namespace candela::edge {

class ClientConnection;

// Handles the request now held by `connection` and answers it (possibly asynchronously).
void run_request_pipeline(ClientConnection& connection);

}  // namespace candela::edge
