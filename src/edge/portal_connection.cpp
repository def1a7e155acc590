// PortalConnection: Beast on a private io_context, driven one step at a time so each step has a
// deadline and cancel() can stop it from the thread that shuts the edge down.
#include "edge/portal_connection.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>

namespace candela::edge {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t kMaxReplyBytes = 64ull << 20;  // a feed page of large deployments

}  // namespace

Result<PortalAddress> parse_portal_address(std::string_view url) {
  const std::string text(url);
  if (url.starts_with("https://")) {
    return Error{"--portal " + text +
                 ": https is not supported yet; point the edge at the portal's plain-HTTP "
                 "listener (or a TLS proxy's plain side)"};
  }
  if (!url.starts_with("http://")) {
    return Error{"--portal " + text + ": expected http://host[:port]"};
  }
  std::string_view rest = url.substr(7);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) {
    return Error{"--portal " + text + ": expected http://host[:port] with no path"};
  }
  PortalAddress address;
  address.url = "http://" + std::string(rest);
  std::string_view port = "80";
  std::string_view host = rest;
  if (rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return Error{"--portal " + text + ": unclosed '['"};
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return Error{"--portal " + text + ": bad port"};
      port = rest.substr(close + 2);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return Error{"--portal " + text + ": expected http://host[:port]"};
  }
  address.host = std::string(host);
  address.port = std::string(port);
  return address;
}

struct PortalConnection::Impl {
  asio::io_context io{1};
  // Without outstanding work an io_context stops itself between two steps; only cancel() may
  // stop this one.
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::mutex mutex;
  bool cancelled = false;

  // Runs handlers until `done` is set; false if the loop was stopped (cancel) first. Only call
  // it with an operation pending (the work guard keeps run_one() waiting otherwise).
  bool run_until(const bool& done) {
    while (!done) {
      if (io.run_one() == 0) return false;
    }
    return true;
  }

  void close() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
    }
    stream.reset();
    buffer.clear();
  }

  Result<std::monostate> connect(const PortalAddress& address, std::chrono::milliseconds timeout) {
    tcp::resolver resolver(io);
    asio::steady_timer timer(io);
    bool done = false;
    beast::error_code failure;
    tcp::resolver::results_type endpoints;
    timer.expires_after(timeout);
    timer.async_wait([&](beast::error_code ec) {
      if (!ec) resolver.cancel();
    });
    resolver.async_resolve(address.host, address.port,
                           [&](beast::error_code ec, tcp::resolver::results_type results) {
                             failure = ec;
                             endpoints = std::move(results);
                             timer.cancel();
                             done = true;
                           });
    if (!run_until(done)) return Error{"cancelled"};
    // The timer's cancelled handler is still queued; let it run so nothing outlives this frame.
    io.poll();
    if (failure) return Error{"cannot resolve " + address.host + ": " + failure.message()};
    stream.emplace(io);
    stream->expires_after(timeout);
    done = false;
    stream->async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) {
      failure = ec;
      done = true;
    });
    if (!run_until(done)) {
      close();
      return Error{"cancelled"};
    }
    if (failure) {
      close();
      return Error{"cannot connect to " + address.url + ": " + failure.message()};
    }
    return std::monostate{};
  }

  // One exchange on the open stream; `sent_nothing_back` tells whether the peer closed before
  // answering (a kept-alive connection the portal had already closed).
  Result<PortalReply> exchange(const http::request<http::string_body>& request,
                               std::chrono::milliseconds timeout, bool& sent_nothing_back) {
    sent_nothing_back = false;
    bool done = false;
    beast::error_code failure;
    stream->expires_after(timeout);
    http::async_write(*stream, request, [&](beast::error_code ec, std::size_t) {
      failure = ec;
      done = true;
    });
    if (!run_until(done)) return Error{"cancelled"};
    if (failure) {
      sent_nothing_back = true;
      return Error{"sending to the portal failed: " + failure.message()};
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxReplyBytes);
    done = false;
    stream->expires_after(timeout);
    http::async_read(*stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
      failure = ec;
      done = true;
    });
    if (!run_until(done)) return Error{"cancelled"};
    if (failure) {
      sent_nothing_back = failure == http::error::end_of_stream ||
                          failure == asio::error::connection_reset || failure == asio::error::eof;
      return Error{failure == beast::error::timeout
                       ? "the portal did not answer within " + std::to_string(timeout.count()) +
                             " ms"
                       : "reading the portal's answer failed: " + failure.message()};
    }
    auto response = parser.release();
    PortalReply reply;
    reply.status = static_cast<int>(response.result_int());
    reply.body = std::move(response.body());
    if (auto it = response.find(http::field::www_authenticate); it != response.end()) {
      reply.www_authenticate = std::string(it->value());
    }
    if (!response.keep_alive()) close();
    return reply;
  }
};

PortalConnection::PortalConnection(PortalAddress address)
    : address_(std::move(address)), impl_(std::make_unique<Impl>()) {}

PortalConnection::~PortalConnection() {
  impl_->close();
}

void PortalConnection::cancel() {
  std::lock_guard lock(impl_->mutex);
  impl_->cancelled = true;
  impl_->io.stop();
}

Result<PortalReply> PortalConnection::request(std::string_view method, std::string_view target,
                                              std::string_view token, std::string_view body,
                                              std::chrono::milliseconds timeout,
                                              std::string_view content_type) {
  Impl& s = *impl_;
  {
    // Restart under the lock: a cancel() after this point stops the loop we are about to run.
    std::lock_guard lock(s.mutex);
    if (s.cancelled) return Error{"cancelled"};
    s.io.restart();
  }
  http::request<http::string_body> request{http::string_to_verb(method), std::string(target), 11};
  request.set(http::field::host, address_.host + ":" + address_.port);
  request.set(http::field::user_agent, "candela-edge");
  request.set(http::field::accept, "application/json");
  request.set(http::field::authorization, "Bearer " + std::string(token));
  if (!body.empty()) {
    request.set(http::field::content_type, content_type);
    request.body() = std::string(body);
  }
  request.keep_alive(true);
  request.prepare_payload();

  // A reused connection may have been closed by the portal meanwhile: one fresh retry.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = s.stream.has_value() && s.stream->socket().is_open();
    if (!reused) {
      auto connected = s.connect(address_, timeout);
      if (!connected.ok()) return Error{connected.failure()};
    }
    bool sent_nothing_back = false;
    auto reply = s.exchange(request, timeout, sent_nothing_back);
    if (reply.ok()) return reply;
    s.close();
    if (!(reused && sent_nothing_back)) return reply;
  }
  return Error{"the portal closed the connection twice without answering"};
}

}  // namespace candela::edge
