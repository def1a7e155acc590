// Admin endpoints: one request per connection, answered and closed; never on the hot path.
#include "edge/admin_server.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string>

#include "common/metrics.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/worker.hpp"
#include "http/parser.hpp"

namespace candela::edge {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(Worker& worker, tcp::socket socket, const std::atomic<bool>& draining)
      : worker_(worker), socket_(std::move(socket)), draining_(draining) {}

  void start() {
    asio::async_read_until(socket_, buffer_, "\r\n\r\n",
                           [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                             if (!ec) self->respond();
                           });
  }

 private:
  void respond() {
    std::string_view data(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    http::RequestHead head;
    auto r = http::parse_request_head(data, http::ParseLimits{}, head);
    if (r.status != http::ParseStatus::kComplete) {
      return reply(400, "text/plain", "bad request\n");
    }
    if (head.method != "GET" && head.method != "HEAD") {
      return reply(405, "text/plain", "only GET is supported here\n");
    }
    if (head.path == "/metrics") {
      return reply(200, metrics::kContentType, worker_.runtime().metrics().registry().render());
    }
    if (head.path == "/healthz") {
      if (draining_) return reply(503, "text/plain", "draining\n");
      return reply(200, "text/plain", "ok\n");
    }
    reply(404, "text/plain", "not found: try /metrics or /healthz\n");
  }

  void reply(int status, std::string_view type, std::string body) {
    const char* reason = status == 200   ? "OK"
                         : status == 404 ? "Not Found"
                         : status == 405 ? "Method Not Allowed"
                         : status == 503 ? "Service Unavailable"
                                         : "Bad Request";
    out_ = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: ";
    out_.append(type);
    out_ += "\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    out_ += body;
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](boost::system::error_code, std::size_t) {
                        boost::system::error_code ec;
                        self->socket_.shutdown(tcp::socket::shutdown_both, ec);
                      });
  }

  Worker& worker_;
  tcp::socket socket_;
  const std::atomic<bool>& draining_;
  asio::streambuf buffer_{64 * 1024};
  std::string out_;
};

}  // namespace

void start_admin_accept(Worker& worker, tcp::acceptor& acceptor,
                        const std::atomic<bool>& draining) {
  acceptor.async_accept(
      [&worker, &acceptor, &draining](boost::system::error_code ec, tcp::socket socket) {
        if (ec) return;  // closed on shutdown
        std::make_shared<AdminSession>(worker, std::move(socket), draining)->start();
        start_admin_accept(worker, acceptor, draining);
      });
}

}  // namespace candela::edge
