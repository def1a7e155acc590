// The edge's admin listener: GET /metrics (Prometheus), GET /healthz, POST /purge and
// POST|DELETE /drain (docs/edge.md).
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace candela::edge {

class EdgeRuntime;
class Worker;

// Accepts admin connections on `acceptor` (already listening) until it is closed. /healthz and
// /drain read and change the runtime's DrainState.
void start_admin_accept(Worker& worker, boost::asio::ip::tcp::acceptor& acceptor);

}  // namespace candela::edge
