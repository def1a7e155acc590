// One HTTP client connection: read, answer every complete request in the buffer, write the
// answers in one go, repeat; close on errors, on a request with a body, or when idle.
#include "router/http_session.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#include "common/http_date.hpp"
#include "http/parser.hpp"
#include "http/serialize.hpp"
#include "router/accept_loop.hpp"
#include "router/http_answer.hpp"
#include "router/serving_thread.hpp"

namespace candela::router {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::size_t kMaxHead = 16 * 1024;  // docs/api-conventions.md: 431 over 16 KiB
constexpr auto kIdleTimeout = std::chrono::seconds(30);

// Date field text, formatted once per second per thread.
std::string_view current_date() {
  thread_local char text[kHttpDateLength];
  thread_local std::int64_t formatted = -1;
  const SysTime now = std::chrono::system_clock::now();
  const std::int64_t second = to_unix_seconds(now);
  if (second != formatted) {
    format_http_date(now, text);
    formatted = second;
  }
  return {text, kHttpDateLength};
}

std::string_view slug_for(int status) {
  switch (status) {
    case 413:
      return "payload-too-large";
    case 431:
      return "header-fields-too-large";
    default:
      return "bad-request";
  }
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(ServingThread& thread, tcp::socket socket)
      : thread_(thread), socket_(std::move(socket)), timer_(thread.io) {
    in_.resize(kMaxHead + 1);
    limits_.max_header_bytes = kMaxHead;
    boost::system::error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    if (!ec) {
      if (const auto ip = ip_from_sockaddr(peer.data())) client_ = *ip;
    }
    socket_.set_option(tcp::no_delay(true), ec);
  }

  void start() {
    last_activity_ = std::chrono::steady_clock::now();
    arm_idle_timer(kIdleTimeout);
    read();
  }

 private:
  void arm_idle_timer(std::chrono::steady_clock::duration after) {
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed_) return;
      // Re-armed lazily: requests only stamp last_activity_, so the hot path touches no timer.
      const auto idle = std::chrono::steady_clock::now() - self->last_activity_;
      if (idle >= kIdleTimeout) return self->close();
      self->arm_idle_timer(kIdleTimeout - idle);
    });
  }

  void read() {
    socket_.async_read_some(
        asio::buffer(in_.data() + used_, in_.size() - used_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (ec) return self->close();
          self->used_ += n;
          self->last_activity_ = std::chrono::steady_clock::now();
          self->process();
        });
  }

  void process() {
    std::size_t offset = 0;
    bool close_after = false;
    HttpAnswerContext context{thread_.domain, current_date(), false};
    while (offset < used_) {
      head_.clear();
      const std::string_view data(in_.data() + offset, used_ - offset);
      const auto parsed = http::parse_request_head(data, limits_, head_);
      if (parsed.status == http::ParseStatus::kIncomplete) {
        if (offset == 0 && used_ == in_.size()) {  // the head cannot fit: over the limit
          context.close = true;
          append_problem(out_, 431, "header-fields-too-large", "Request header fields too large",
                         "the request head is over 16 KiB", context, false);
          thread_.metrics.http_bad_request.inc();
          close_after = true;
        }
        break;
      }
      if (parsed.status == http::ParseStatus::kError) {
        context.close = true;
        const int status = http::status_for(parsed.error);
        append_problem(out_, status, slug_for(status), http::reason_phrase(status),
                       http::describe(parsed.error), context, false);
        thread_.metrics.http_bad_request.inc();
        close_after = true;
        break;
      }
      // A body is never read: answer, then close so its bytes are not taken for a request.
      context.close = !head_.keep_alive || head_.framing != http::BodyFraming::kNone;
      switch (answer_http_request(thread_.view.get(), head_, client_, context, out_)) {
        case HttpOutcome::kRedirect:
          thread_.metrics.http_redirect.inc();
          break;
        case HttpOutcome::kNoEdge:
          thread_.metrics.http_no_edge.inc();
          break;
        case HttpOutcome::kBadRequest:
          thread_.metrics.http_bad_request.inc();
          break;
      }
      offset += head_.head_size;
      if (context.close) {
        close_after = true;
        break;
      }
    }
    if (offset > 0 && !close_after) {
      std::memmove(in_.data(), in_.data() + offset, used_ - offset);
      used_ -= offset;
    }
    if (out_.empty()) {
      if (close_after) return close();
      return read();
    }
    asio::async_write(
        socket_, asio::buffer(out_),
        [self = shared_from_this(), close_after](boost::system::error_code ec, std::size_t) {
          if (ec || close_after) return self->close();
          self->out_.clear();
          self->read();
        });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
  }

  ServingThread& thread_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point last_activity_;
  bool closed_ = false;
  IpAddress client_;
  http::ParseLimits limits_;
  http::RequestHead head_;
  std::string in_;
  std::size_t used_ = 0;
  std::string out_;
};

}  // namespace

void start_http_accept(ServingThread& thread, tcp::acceptor& acceptor) {
  accept_sessions<HttpSession>(thread, acceptor);
}

}  // namespace candela::router
