// HTTP mode connections: keep-alive, pipelining, strict parsing with src/http.
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace candela::router {

struct ServingThread;

// Accepts connections on `acceptor` (listening, on thread.io) until it is closed.
void start_http_accept(ServingThread& thread, boost::asio::ip::tcp::acceptor& acceptor);

}  // namespace candela::router
