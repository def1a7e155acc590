// StateServer: an acceptor and a tiny session per connection (read the head, answer, close).
#include "monitor/state_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <stdexcept>

#include "http/parser.hpp"

namespace candela::monitor {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxHeadBytes = 16 * 1024;
constexpr auto kReadTimeout = std::chrono::seconds(10);

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<const StateHandler> handler)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), handler_(std::move(handler)) {}

  void start() {
    // A client that never finishes its head is dropped rather than kept forever.
    timer_.expires_after(kReadTimeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->socket_.close();
    });
    asio::async_read_until(socket_, asio::dynamic_buffer(in_, kMaxHeadBytes), "\r\n\r\n",
                           [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                             self->on_head(ec);
                           });
  }

 private:
  void on_head(boost::system::error_code ec) {
    if (ec == asio::error::not_found) {
      return reply({431, "text/plain", "request head too large\n"}, false);
    }
    if (ec) return;
    http::RequestHead head;
    const auto parsed = http::parse_request_head(in_, http::ParseLimits{}, head);
    if (parsed.status != http::ParseStatus::kComplete) {
      return reply({400, "text/plain", "bad request\n"}, false);
    }
    const bool is_head = head.method == "HEAD";
    if (head.method != "GET" && !is_head) {
      return reply({405, "text/plain", "only GET is supported here\n"}, false);
    }
    reply((*handler_)(head.path), is_head);
  }

  void reply(StateReply r, bool head_only) {
    timer_.cancel();
    out_ = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) +
           "\r\nContent-Type: " + r.content_type +
           "\r\nContent-Length: " + std::to_string(r.body.size()) +
           "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if (!head_only) out_ += r.body;
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](boost::system::error_code, std::size_t) {
                        boost::system::error_code ignored;
                        self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
                      });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  std::shared_ptr<const StateHandler> handler_;
  std::string in_;
  std::string out_;
};

}  // namespace

struct StateServer::Impl : std::enable_shared_from_this<StateServer::Impl> {
  Impl(asio::io_context& io, StateHandler h)
      : acceptor(io), handler(std::make_shared<const StateHandler>(std::move(h))) {}

  void accept() {
    acceptor.async_accept(
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
          if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
          if (!ec) std::make_shared<Session>(std::move(socket), self->handler)->start();
          self->accept();
        });
  }

  tcp::acceptor acceptor;
  std::shared_ptr<const StateHandler> handler;
};

StateServer::StateServer(asio::io_context& io, const http::ListenAddress& listen,
                         StateHandler handler)
    : impl_(std::make_shared<Impl>(io, std::move(handler))) {
  try {
    const tcp::endpoint endpoint(asio::ip::make_address(listen.host), listen.port);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + listen.host + ":" + std::to_string(listen.port) +
                             ": " + e.code().message());
  }
  impl_->accept();
}

StateServer::~StateServer() {
  close();
}

unsigned short StateServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void StateServer::close() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace candela::monitor
