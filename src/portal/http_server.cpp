// HTTP server on Boost.Beast: one strand per connection, request limits, timeouts, graceful stop.
#include "portal/http_server.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/http_date.hpp"
#include "portal/problem.hpp"
#include "portal/static_files.hpp"

namespace candela::portal {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// After the last response, how long to drain what the client still sends before closing;
// closing with unread bytes would reset the connection and could destroy that response.
constexpr std::chrono::seconds kLingerTime{1};

std::string random_prefix() {
  unsigned char bytes[6];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw std::runtime_error("OpenSSL could not produce random bytes for request ids");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0F]);
  }
  return out;
}

// A field a handler set that would corrupt the response framing (RFC 9110 §5.1, §5.5).
bool is_unsafe_field(std::string_view name, std::string_view value) {
  static constexpr std::string_view kTokenSymbols = "!#$%&'*+-.^_`|~";
  if (name.empty()) return true;
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kTokenSymbols.find(c) == std::string_view::npos) return true;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace

class Session;

// State every connection shares with the server.
struct ServerState {
  ServerState(HttpServerOptions opts, const Router& r) : options(std::move(opts)), router(r) {}

  HttpServerOptions options;
  const Router& router;
  std::optional<StaticFiles> static_files;
  std::atomic<bool> stopping{false};
  std::string id_prefix;
  std::atomic<std::uint64_t> next_id{1};
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<Session>> sessions;

  std::string next_request_id() {
    return id_prefix + "-" + std::to_string(next_id.fetch_add(1, std::memory_order_relaxed));
  }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerState& state) : stream_(std::move(socket)), state_(state) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  }

  void start() {
    net::dispatch(stream_.get_executor(),
                  [self = shared_from_this()] { self->wait_for_request(); });
  }

  // Called at stop: a connection between requests is closed now; one mid-request finishes.
  void close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->stream_.cancel();
    });
  }

 private:
  void wait_for_request() {
    busy_ = false;
    if (state_.stopping) return close();
    if (buffer_.size() > 0) return read_request();  // a pipelined request is already here
    stream_.expires_after(state_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->close();
                              self->read_request();
                            });
  }

  void read_request() {
    busy_ = true;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_.options.max_header_bytes));
    body_limit_ = state_.options.max_body_bytes;
    // With per-request limits the parser accepts any Content-Length while reading the header
    // (Beast checks it there); on_header() then applies the request's own limit.
    if (state_.options.body_limit_for) {
      parser_->body_limit(boost::none);
    } else {
      parser_->body_limit(body_limit_);
    }
    stream_.expires_after(state_.options.read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read(ec);
    const auto& message = parser_->get();
    if (state_.options.body_limit_for) {
      const auto method = message.method_string();
      const auto target = message.target();
      if (auto larger = state_.options.body_limit_for({method.data(), method.size()},
                                                      {target.data(), target.size()})) {
        body_limit_ = *larger;
      }
      const auto length = parser_->content_length();
      if (length && *length > body_limit_) return send_problem(payload_too_large(body_limit_));
      parser_->body_limit(body_limit_);  // for chunked bodies, checked as they arrive
    }
    // Clients such as curl wait for this before sending a large body (RFC 9110 §10.1.1).
    if (message.version() >= 11 && !parser_->is_done() &&
        beast::iequals(message[http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                                if (write_ec) return self->close();
                                self->read_body();
                              });
    }
    read_body();
  }

  void read_body() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      return send_problem(header_fields_too_large(state_.options.max_header_bytes));
    }
    if (ec == http::error::body_limit) {
      return send_problem(payload_too_large(body_limit_));
    }
    if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return send_problem(bad_request("the request is not valid HTTP/1.1: " + ec.message()));
    }
    if (ec) return close();  // timeout, reset, or the peer closed mid-request

    auto& message = parser_->get();
    Request request;
    request.method = std::string(message.method_string());
    request.client_address = peer_;
    request.request_id = state_.next_request_id();
    if (!set_target(request, message.target())) {
      return send_problem(bad_request("the request target must be an origin-form path"),
                          request.request_id);
    }
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    bool keep_alive = message.keep_alive();

    Response response;
    try {
      response = handle(request);
    } catch (const std::exception& error) {
      spdlog::error("portal request {} {} {} failed: {}", request.request_id, request.method,
                    request.path, error.what());
      response = internal_error().to_response(request.request_id);
    }
    send(std::move(response), request.request_id, keep_alive && !state_.stopping,
         request.method == "HEAD");
  }

  Response handle(const Request& request) {
    const auto& options = state_.options;
    bool read = request.method == "GET" || request.method == "HEAD";
    if (state_.static_files && read && !request.path.starts_with(options.api_prefix) &&
        !state_.router.has_path(request.path)) {
      return state_.static_files->serve(request);
    }
    return state_.router.dispatch(request);
  }

  void send_problem(const Problem& problem, std::string request_id = {}) {
    if (request_id.empty()) request_id = state_.next_request_id();
    busy_ = true;
    send(problem.to_response(request_id), request_id, false, false);
  }

  void send(Response response, const std::string& request_id, bool keep_alive, bool head) {
    if (response.status < 100 || response.status > 599) {
      spdlog::error("portal request {}: handler answered with invalid status {}", request_id,
                    response.status);
      response = internal_error().to_response(request_id);
    }
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(response.status));
    bool explicit_length = false;
    for (auto& [name, value] : response.headers) {
      if (is_unsafe_field(name, value)) {
        spdlog::warn("portal request {}: dropped malformed response field '{}'", request_id, name);
        continue;
      }
      if (beast::iequals(name, "Content-Length")) {
        if (!head) continue;  // the server frames bodies itself
        explicit_length = true;
      }
      response_.insert(name, value);
    }
    response_.set(http::field::date, format_http_date(std::chrono::system_clock::now()));
    response_.set("X-Request-Id", request_id);
    int status = response.status;
    bool bodiless = status == 204 || status == 304 || (status >= 100 && status < 200);
    if (!bodiless && !head) {
      response_.body() = std::move(response.body);
      response_.content_length(response_.body().size());
    } else if (head && !explicit_length) {
      response_.content_length(response.body.size());
    }
    response_.keep_alive(keep_alive);
    stream_.expires_after(state_.options.read_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        if (self->response_.keep_alive()) return self->wait_for_request();
                        self->linger_close();
                      });
  }

  // Half-closes, then discards input until the client closes or kLingerTime passes.
  void linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    drain();
  }

  void drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void close() {
    busy_ = false;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  ServerState& state_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::size_t body_limit_ = 0;  // of the request being read
  http::response<http::string_body> response_;
  bool busy_ = false;  // a request is being read, handled or answered (strand-only)
};

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, const Router& router)
      : state_(std::move(options), router), acceptor_(net::make_strand(io_)) {}

  void start() {
    const auto& options = state_.options;
    if (options.static_root) state_.static_files.emplace(*options.static_root);
    state_.id_prefix = random_prefix();
    try {
      tcp::resolver resolver(io_);
      auto endpoints = resolver.resolve(options.host, std::to_string(options.port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service);
      tcp::endpoint endpoint = *endpoints.begin();
      acceptor_.open(endpoint.protocol());
      acceptor_.set_option(net::socket_base::reuse_address(true));
      acceptor_.bind(endpoint);
      acceptor_.listen(net::socket_base::max_listen_connections);
      port_ = acceptor_.local_endpoint().port();
    } catch (const boost::system::system_error& error) {
      throw std::runtime_error("portal cannot listen on " + options.host + ":" +
                               std::to_string(options.port) + ": " + error.code().message());
    }
    accept();
    unsigned count = std::max(1u, options.threads);
    for (unsigned i = 0; i < count; ++i)
      threads_.emplace_back([this] { io_.run(); });
  }

  std::uint16_t port() const { return port_; }

  void stop() {
    std::vector<std::shared_ptr<Session>> live;
    {
      // Under the mutex so that a connection accepted now is either listed here or sees
      // `stopping` when it starts.
      std::lock_guard lock(state_.sessions_mutex);
      if (!threads_.empty() && !state_.stopping.exchange(true)) {
        for (auto& weak : state_.sessions) {
          if (auto session = weak.lock()) live.push_back(std::move(session));
        }
        state_.sessions.clear();
        net::post(acceptor_.get_executor(), [this] {
          beast::error_code ignored;
          acceptor_.close(ignored);
        });
      }
    }
    for (auto& session : live)
      session->close_if_idle();
    live.clear();
    join();
  }

 private:
  void accept() {
    acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        auto session = std::make_shared<Session>(std::move(socket), state_);
        {
          std::lock_guard lock(state_.sessions_mutex);
          std::erase_if(state_.sessions, [](const auto& weak) { return weak.expired(); });
          state_.sessions.push_back(session);
        }
        session->start();  // sees `stopping` and closes if the server is stopping
      } else {
        spdlog::warn("portal accept failed: {}", ec.message());
      }
      if (!state_.stopping) accept();
    });
  }

  void join() {
    std::lock_guard lock(join_mutex_);
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  net::io_context io_;
  ServerState state_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::mutex join_mutex_;
};

HttpServer::HttpServer(HttpServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  impl_->start();
}

std::uint16_t HttpServer::port() const {
  return impl_->port();
}

void HttpServer::stop() {
  impl_->stop();
}

}  // namespace candela::portal
