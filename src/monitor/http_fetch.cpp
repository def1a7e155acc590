// async_fetch: Beast over a tcp_stream whose single expiry covers the whole exchange.
#include "monitor/http_fetch.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

namespace candela::monitor {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

Result<HostPort> parse_host_port(std::string_view text) {
  const std::string shown(text);
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Error{"\"" + shown + "\": expected [v6-address]:port"};
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return Error{"\"" + shown + "\": expected host:port"};
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return Error{"\"" + shown + "\": put an IPv6 address in brackets, [v6]:port"};
    }
  }
  if (host.empty() || host.find_first_of(" /?#@[]") != std::string_view::npos) {
    return Error{"\"" + shown + "\": expected host:port"};
  }
  int value = 0;
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos ||
      (value = std::stoi(std::string(port))) < 1 || value > 65535) {
    return Error{"\"" + shown + "\": the port must be 1-65535"};
  }
  return HostPort{std::string(host), std::string(port)};
}

namespace {

class Fetch : public std::enable_shared_from_this<Fetch> {
 public:
  Fetch(asio::io_context& io, FetchRequest request, FetchDone done)
      : request_(std::move(request)),
        done_(std::move(done)),
        resolver_(io),
        resolve_timer_(io),
        stream_(io) {}

  void start() {
    stream_.expires_after(request_.timeout);
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(request_.peer.host, ec);
    if (!ec) {
      const auto port = static_cast<unsigned short>(std::stoi(request_.peer.port));
      return connect(std::vector<tcp::endpoint>{tcp::endpoint(address, port)});
    }
    // The stream's expiry does not cover name resolution: a timer of its own cancels it.
    resolve_timer_.expires_after(request_.timeout);
    resolve_timer_.async_wait([self = shared_from_this()](boost::system::error_code timer_ec) {
      if (!timer_ec) self->resolver_.cancel();
    });
    resolver_.async_resolve(
        request_.peer.host, request_.peer.port,
        [self = shared_from_this()](boost::system::error_code rec, tcp::resolver::results_type r) {
          self->resolve_timer_.cancel();
          if (rec == asio::error::operation_aborted) {
            return self->fail("cannot resolve " + self->request_.peer.host + " within " +
                              std::to_string(self->request_.timeout.count()) + " ms");
          }
          if (rec) return self->fail("cannot resolve " + self->request_.peer.host);
          self->connect(std::vector<tcp::endpoint>(r.begin(), r.end()));
        });
  }

 private:
  void connect(std::vector<tcp::endpoint> endpoints) {
    stream_.async_connect(
        endpoints, [self = shared_from_this()](boost::system::error_code ec, const tcp::endpoint&) {
          if (ec) return self->fail(self->describe("connect", ec));
          self->send();
        });
  }

  void send() {
    request_message_.method_string(request_.method);
    request_message_.target(request_.target);
    request_message_.version(11);
    const bool v6 = request_.peer.host.find(':') != std::string::npos;
    request_message_.set(
        bhttp::field::host,
        (v6 ? "[" + request_.peer.host + "]" : request_.peer.host) + ":" + request_.peer.port);
    request_message_.set(bhttp::field::connection, "close");
    request_message_.set(bhttp::field::user_agent, "candela-monitor");
    for (const auto& [name, value] : request_.headers)
      request_message_.set(name, value);
    if (!request_.body.empty() || request_.method == "POST" || request_.method == "PUT") {
      request_message_.set(bhttp::field::content_type, request_.content_type);
      request_message_.body() = request_.body;
      request_message_.prepare_payload();
    }
    bhttp::async_write(stream_, request_message_,
                       [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                         if (ec) return self->fail(self->describe("send", ec));
                         self->receive();
                       });
  }

  void receive() {
    parser_.emplace();
    parser_->body_limit(request_.max_body_bytes);
    parser_->header_limit(64 * 1024);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec) return self->fail(self->describe("read the answer", ec));
                        auto message = self->parser_->release();
                        FetchReply reply;
                        reply.status = static_cast<int>(message.result_int());
                        reply.body = std::move(message.body());
                        boost::system::error_code ignored;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                        self->done_(std::move(reply));
                      });
  }

  std::string describe(std::string_view step, boost::system::error_code ec) const {
    if (ec == beast::error::timeout) {
      return "no answer within " + std::to_string(request_.timeout.count()) + " ms";
    }
    return "cannot " + std::string(step) + ": " + ec.message();
  }

  void fail(std::string message) { done_(Error{std::move(message), ErrorKind::kUnavailable}); }

  FetchRequest request_;
  FetchDone done_;
  tcp::resolver resolver_;
  asio::steady_timer resolve_timer_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_message_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
};

}  // namespace

void async_fetch(asio::io_context& io, FetchRequest request, FetchDone done) {
  std::make_shared<Fetch>(io, std::move(request), std::move(done))->start();
}

}  // namespace candela::monitor
