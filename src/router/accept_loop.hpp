// The accept loop both TCP listeners of a serving thread share: every accepted connection
// becomes a Session (HTTP or DNS over TCP) owned by its own shared_ptr; closing the acceptor ends
// the loop.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>

namespace candela::router {

struct ServingThread;

template <typename Session>
void accept_sessions(ServingThread& thread, boost::asio::ip::tcp::acceptor& acceptor) {
  acceptor.async_accept(
      [&thread, &acceptor](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !acceptor.is_open()) return;
        if (!ec) std::make_shared<Session>(thread, std::move(socket))->start();
        accept_sessions<Session>(thread, acceptor);
      });
}

}  // namespace candela::router
