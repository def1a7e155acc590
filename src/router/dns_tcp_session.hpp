// DNS over TCP (RFC 7766): length-prefixed messages, several per connection, pipelined.
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace candela::router {

struct ServingThread;

// Accepts DNS TCP connections on `acceptor` (listening, on thread.io) until it is closed.
void start_dns_tcp_accept(ServingThread& thread, boost::asio::ip::tcp::acceptor& acceptor);

}  // namespace candela::router
