// Admin requests: answered once and closed; never on the routing hot path.
#include "router/admin_server.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "common/metrics.hpp"
#include "http/parser.hpp"
#include "http/serialize.hpp"

namespace candela::router {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(tcp::socket socket, const AdminHandlers& handlers)
      : socket_(std::move(socket)), handlers_(handlers) {}

  void start() {
    asio::async_read_until(socket_, asio::dynamic_buffer(in_, 16 * 1024), "\r\n\r\n",
                           [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                             if (!ec) self->respond();
                           });
  }

 private:
  void respond() {
    http::RequestHead head;
    const auto parsed = http::parse_request_head(in_, http::ParseLimits{}, head);
    if (parsed.status != http::ParseStatus::kComplete) {
      return reply(400, "text/plain", "bad request\n");
    }
    if (head.method != "GET" && head.method != "HEAD") {
      return reply(405, "text/plain", "only GET is supported here\n");
    }
    if (head.path == "/healthz") {
      if (handlers_.healthy()) return reply(200, "text/plain", "ok\n");
      return reply(503, "text/plain", "no routing state yet: no monitor has answered\n");
    }
    if (head.path == "/metrics") {
      return reply(200, metrics::kContentType, handlers_.metrics());
    }
    reply(404, "text/plain", "not found: try /healthz or /metrics\n");
  }

  void reply(int status, std::string_view type, const std::string& body) {
    http::append_status_line(out_, status, {});
    http::append_field(out_, "Content-Type", type);
    out_ += "Content-Length: ";
    http::append_decimal(out_, body.size());
    out_ += "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    out_ += body;
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](boost::system::error_code, std::size_t) {
                        boost::system::error_code ec;
                        self->socket_.shutdown(tcp::socket::shutdown_both, ec);
                      });
  }

  tcp::socket socket_;
  const AdminHandlers& handlers_;
  std::string in_;
  std::string out_;
};

}  // namespace

void start_admin_accept(tcp::acceptor& acceptor, const AdminHandlers& handlers) {
  acceptor.async_accept([&acceptor, &handlers](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) std::make_shared<AdminSession>(std::move(socket), handlers)->start();
    start_admin_accept(acceptor, handlers);
  });
}

}  // namespace candela::router
