// Admin endpoints: one request per connection, answered and closed; never on the hot path.
#include "edge/admin_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string>

#include "common/metrics.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/purge_http.hpp"
#include "edge/worker.hpp"
#include "http/parser.hpp"

namespace candela::edge {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(Worker& worker, tcp::socket socket) : worker_(worker), socket_(std::move(socket)) {}

  void start() {
    asio::async_read_until(socket_, asio::dynamic_buffer(in_, kMaxHeadBytes), "\r\n\r\n",
                           [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                             if (!ec) self->on_head();
                           });
  }

 private:
  static constexpr std::size_t kMaxHeadBytes = 64 * 1024;

  void on_head() {
    http::ParseLimits limits;
    limits.max_body_bytes = kMaxPurgeBodyBytes;
    auto r = http::parse_request_head(in_, limits, head_);
    if (r.error == http::ParseError::kBodyTooLarge) {
      return send(problem(413, "a purge request is at most 1 MiB of JSON"));
    }
    if (r.status != http::ParseStatus::kComplete) {
      return reply(400, "text/plain", "bad request\n");
    }
    if (head_.path == "/drain") return drain();
    if (head_.path != "/purge") return respond();
    if (head_.method != "POST") {
      return send(problem(405, "use POST /purge with a JSON body (see docs/edge.md)"));
    }
    if (head_.framing != http::BodyFraming::kContentLength) {
      return send(problem(411, "send the JSON body with a Content-Length"));
    }
    if (in_.size() >= body_end()) return on_purge_body();
    if (!head_.expect_continue) return read_purge_body();
    // curl and others wait for this before sending a larger body.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(socket_, asio::buffer(kContinue),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (!ec) self->read_purge_body();
                      });
  }

  std::size_t body_end() const {
    return head_.head_size + static_cast<std::size_t>(head_.content_length);
  }

  void read_purge_body() {
    asio::async_read(socket_, asio::dynamic_buffer(in_, body_end()),
                     asio::transfer_exactly(body_end() - in_.size()),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (!ec) self->on_purge_body();
                     });
  }

  void on_purge_body() {
    // The head's views point into in_, which a read may have moved: only sizes are used here.
    const std::string_view body =
        std::string_view(in_).substr(head_.head_size, head_.content_length);
    send(handle_purge(worker_.runtime(), *worker_.properties(), body));
  }

  // Maintenance drain: only /healthz changes (503 "draining"), so the monitor reports the edge
  // as draining and the router sends it no new clients; requests that arrive are still served.
  void drain() {
    DrainState& state = worker_.runtime().drain();
    if (head_.method == "POST") {
      if (!state.set_manual(true)) spdlog::info("drain requested: /healthz answers 503 draining");
      return reply(200, "text/plain", "draining\n");
    }
    if (head_.method == "DELETE") {
      if (state.shutting_down()) {
        return reply(409, "text/plain", "shutting down: the edge stays drained until it stops\n");
      }
      if (state.set_manual(false)) spdlog::info("drain lifted: /healthz answers 200 ok");
      return reply(200, "text/plain", "ok\n");
    }
    reply(405, "text/plain", "use POST /drain to drain and DELETE /drain to serve again\n",
          "Allow: POST, DELETE\r\n");
  }

  void respond() {
    const http::RequestHead& head = head_;
    if (head.method != "GET" && head.method != "HEAD") {
      return reply(405, "text/plain",
                   "only GET is supported here (and POST /purge, POST|DELETE /drain)\n");
    }
    if (head.path == "/metrics") {
      return reply(200, metrics::kContentType, worker_.runtime().metrics().registry().render());
    }
    if (head.path == "/healthz") {
      if (worker_.runtime().drain().draining()) return reply(503, "text/plain", "draining\n");
      return reply(200, "text/plain", "ok\n");
    }
    reply(404, "text/plain", "not found: try /metrics, /healthz, POST /purge or POST /drain\n");
  }

  void send(AdminReply r) { reply(r.status, r.content_type, std::move(r.body)); }

  void reply(int status, std::string_view type, std::string body,
             std::string_view extra_fields = {}) {
    const char* reason = status == 200   ? "OK"
                         : status == 404 ? "Not Found"
                         : status == 405 ? "Method Not Allowed"
                         : status == 409 ? "Conflict"
                         : status == 411 ? "Length Required"
                         : status == 413 ? "Content Too Large"
                         : status == 503 ? "Service Unavailable"
                                         : "Bad Request";
    out_ = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: ";
    out_.append(type);
    out_ += "\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\nCache-Control: no-store\r\nConnection: close\r\n";
    out_.append(extra_fields);
    out_ += "\r\n";
    out_ += body;
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](boost::system::error_code, std::size_t) {
                        boost::system::error_code ec;
                        self->socket_.shutdown(tcp::socket::shutdown_both, ec);
                      });
  }

  Worker& worker_;
  tcp::socket socket_;
  std::string in_;
  http::RequestHead head_;
  std::string out_;
};

}  // namespace

void start_admin_accept(Worker& worker, tcp::acceptor& acceptor) {
  acceptor.async_accept([&worker, &acceptor](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed on shutdown
    std::make_shared<AdminSession>(worker, std::move(socket))->start();
    start_admin_accept(worker, acceptor);
  });
}

}  // namespace candela::edge
