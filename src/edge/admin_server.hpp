// The edge's admin listener: GET /metrics (Prometheus) and GET /healthz.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>

namespace candela::edge {

class EdgeRuntime;
class Worker;

// Accepts admin connections on `acceptor` (already listening) until it is closed.
void start_admin_accept(Worker& worker, boost::asio::ip::tcp::acceptor& acceptor,
                        const std::atomic<bool>& draining);

}  // namespace candela::edge
