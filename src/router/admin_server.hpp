// The router's admin listener: GET /healthz and GET /metrics.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>

namespace candela::router {

struct AdminHandlers {
  std::function<bool()> healthy;         // a routing state is loaded
  std::function<std::string()> metrics;  // Prometheus text
};

// Accepts admin connections on `acceptor` until it is closed; one request per connection.
void start_admin_accept(boost::asio::ip::tcp::acceptor& acceptor, const AdminHandlers& handlers);

}  // namespace candela::router
