// Origin fetch: connect (or reuse a pooled connection), send, parse the head, stream the body.
#include "edge/origin_fetch.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <vector>

#include "edge/edge_runtime.hpp"
#include "edge/worker.hpp"
#include "http/parser.hpp"

namespace candela::edge {

namespace asio = boost::asio;
using asio::ip::tcp;

const char* describe(FetchError e) noexcept {
  switch (e) {
    case FetchError::kConnectFailed:
      return "the origin could not be reached";
    case FetchError::kTimeout:
      return "the origin did not answer in time";
    case FetchError::kBadResponse:
      return "the origin sent a response that is not valid HTTP";
    case FetchError::kConnectionReset:
      return "the origin closed the connection without answering";
  }
  return "origin error";
}

int status_for(FetchError e) noexcept {
  return e == FetchError::kTimeout ? 504 : 502;
}

namespace {

constexpr std::size_t kInitialReadBuffer = 16 * 1024;
constexpr std::size_t kMaxResponseHead = 64 * 1024;

class OriginFetch : public std::enable_shared_from_this<OriginFetch> {
 public:
  OriginFetch(Worker& worker, OriginRequest request, std::shared_ptr<OriginFetchHandler> handler)
      : worker_(worker),
        request_(std::move(request)),
        handler_(std::move(handler)),
        socket_(worker.io()),
        resolver_(worker.io()),
        timer_(worker.io()),
        endpoint_key_(request_.host + ":" + std::to_string(request_.port)) {
    buffer_.resize(kInitialReadBuffer);
  }

  void start() {
    bool found = false;
    tcp::socket pooled = worker_.take_pooled(endpoint_key_, found);
    if (found) {
      socket_ = std::move(pooled);
      reused_ = true;
      send_request();
    } else {
      connect();
    }
  }

 private:
  void connect() {
    reused_ = false;
    arm_timer(request_.connect_timeout);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(request_.host, ec);
    if (!ec) {
      socket_ = tcp::socket(worker_.io());
      socket_.async_connect(
          tcp::endpoint(address, request_.port),
          [self = shared_from_this()](boost::system::error_code e) { self->on_connected(e); });
      return;
    }
    resolver_.async_resolve(
        request_.host, std::to_string(request_.port),
        [self = shared_from_this()](boost::system::error_code e, tcp::resolver::results_type r) {
          if (e) return self->fail_before_head(FetchError::kConnectFailed);
          self->socket_ = tcp::socket(self->worker_.io());
          asio::async_connect(self->socket_, r,
                              [self](boost::system::error_code e2, const tcp::endpoint&) {
                                self->on_connected(e2);
                              });
        });
  }

  void on_connected(boost::system::error_code ec) {
    if (done_) return;
    if (ec) return fail_before_head(timed_out_ ? FetchError::kTimeout : FetchError::kConnectFailed);
    socket_.set_option(tcp::no_delay(true), ec);
    send_request();
  }

  void send_request() {
    arm_timer(request_.response_timeout);
    asio::async_write(socket_, asio::buffer(request_.bytes),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec) return self->retry_or_fail(FetchError::kConnectionReset);
                        self->read_head();
                      });
  }

  void read_head() {
    if (used_ == buffer_.size()) {
      if (buffer_.size() >= kMaxResponseHead) return fail_before_head(FetchError::kBadResponse);
      buffer_.resize(buffer_.size() * 2);
    }
    socket_.async_read_some(
        asio::buffer(buffer_.data() + used_, buffer_.size() - used_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          self->on_head_bytes(ec, n);
        });
  }

  void on_head_bytes(boost::system::error_code ec, std::size_t n) {
    if (done_) return;
    if (ec) {
      if (timed_out_) return fail_before_head(FetchError::kTimeout);
      return used_ == 0 ? retry_or_fail(FetchError::kConnectionReset)
                        : fail_before_head(FetchError::kBadResponse);
    }
    used_ += n;
    received_ += n;
    http::ParseLimits limits;
    limits.max_header_bytes = kMaxResponseHead;
    limits.max_body_bytes = UINT64_MAX;
    http::ResponseHead head;
    auto r = http::parse_response_head(std::string_view(buffer_.data(), used_), request_.method,
                                       limits, head);
    if (r.status == http::ParseStatus::kIncomplete) return read_head();
    if (r.status == http::ParseStatus::kError) return fail_before_head(FetchError::kBadResponse);
    if (head.status >= 100 && head.status < 200) {
      // Interim responses (100 Continue, 103 Early Hints) are skipped; the final one follows.
      if (head.status == 101) return fail_before_head(FetchError::kBadResponse);
      consume(head.head_size);
      return used_ > 0 ? on_head_bytes({}, 0) : read_head();
    }
    on_head(head);
  }

  void on_head(const http::ResponseHead& head) {
    OriginResponse response;
    response.status = head.status;
    for (const auto& f : head.headers)
      response.headers.add(f.name, f.value);
    response.framing = head.framing;
    response.content_length = head.content_length;
    keep_alive_ = head.keep_alive;
    framing_ = head.framing;
    remaining_ = head.content_length;
    consume(head.head_size);
    got_head_ = true;
    count_fetch(true);

    sink_ = handler_->on_response_head(response);
    handler_.reset();
    if (!sink_) {
      keep_alive_ = false;
      return finish(false);
    }
    arm_timer(request_.read_timeout);
    process_body_bytes();
  }

  // Feeds what is in the buffer to the sink, then reads more or finishes.
  void process_body_bytes() {
    std::string_view data(buffer_.data(), used_);
    switch (framing_) {
      case http::BodyFraming::kNone:
        return finish(true);
      case http::BodyFraming::kContentLength: {
        auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size()));
        if (take > 0 && !sink_->append(data.data(), take)) return finish(false);
        remaining_ -= take;
        // Bytes after the declared length are not ours; they make the connection unusable.
        if (used_ > take) keep_alive_ = false;
        used_ = 0;
        if (remaining_ == 0) return finish(true);
        break;
      }
      case http::BodyFraming::kChunked: {
        std::size_t consumed = 0;
        bool sink_ok = true;
        auto result = decoder_.decode(data, consumed, [&](const char* p, std::size_t n) {
          if (sink_ok) sink_ok = sink_->append(p, n);
        });
        if (!sink_ok || result == http::ChunkedDecoder::Result::kError) return finish(false);
        if (result == http::ChunkedDecoder::Result::kDone) {
          if (consumed < used_) keep_alive_ = false;
          used_ = 0;
          return finish(true);
        }
        used_ = 0;
        break;
      }
      case http::BodyFraming::kUntilClose:
        if (!data.empty() && !sink_->append(data.data(), data.size())) return finish(false);
        used_ = 0;
        break;
    }
    read_body();
  }

  void read_body() {
    arm_timer(request_.read_timeout);
    socket_.async_read_some(
        asio::buffer(buffer_.data(), buffer_.size()),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (self->done_) return;
          if (ec) {
            const bool clean_end =
                ec == asio::error::eof && self->framing_ == http::BodyFraming::kUntilClose;
            self->keep_alive_ = false;
            return self->finish(clean_end);
          }
          self->used_ = n;
          self->received_ += n;
          self->process_body_bytes();
        });
  }

  void finish(bool ok) {
    if (done_) return;
    done_ = true;
    timer_.cancel();
    count_received();
    if (sink_) {
      if (!ok || !sink_->finish()) {
        sink_->fail();
        ok = false;
      }
    }
    if (ok && keep_alive_ && framing_ != http::BodyFraming::kUntilClose && socket_.is_open()) {
      worker_.give_back(endpoint_key_, std::move(socket_));
    } else {
      boost::system::error_code ec;
      socket_.close(ec);
    }
  }

  // A reused keep-alive connection may have been closed by the origin just before we sent:
  // an idempotent request is then retried once on a fresh connection (RFC 9110 §9.2.2).
  void retry_or_fail(FetchError error) {
    if (reused_ && request_.idempotent && !got_head_ && !timed_out_) {
      boost::system::error_code ec;
      socket_.close(ec);
      used_ = 0;
      return connect();
    }
    fail_before_head(error);
  }

  void fail_before_head(FetchError error) {
    if (done_) return;
    done_ = true;
    timer_.cancel();
    count_received();
    count_fetch(false);
    boost::system::error_code ec;
    socket_.close(ec);
    if (handler_) {
      auto h = std::move(handler_);
      h->on_fetch_error(error);
    }
  }

  // Usage: every byte read from the origin, head included, once the fetch has ended.
  void count_received() {
    if (received_ > 0) worker_.runtime().record_fill_bytes(request_.property_id, received_);
  }

  // candela_edge_property_origin_fetches_total: once per fetch, whatever its retries; after the
  // head the origin did its part, so a body cut short later is not counted as failed here.
  void count_fetch(bool ok) {
    // Both arms string_view: with "-" and a std::string the result would be a temporary string.
    const std::string_view id = request_.property_id.empty()
                                    ? std::string_view("-")
                                    : std::string_view(request_.property_id);
    worker_.runtime().metrics().property(id).origin_fetches[ok ? 0 : 1]->inc();
  }

  void consume(std::size_t n) {
    std::memmove(buffer_.data(), buffer_.data() + n, used_ - n);
    used_ -= n;
  }

  void arm_timer(std::chrono::milliseconds timeout) {
    timer_.expires_after(timeout);
    timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      if (ec) return;
      auto self = weak.lock();
      if (!self || self->done_) return;
      self->timed_out_ = true;
      if (!self->got_head_) return self->fail_before_head(FetchError::kTimeout);
      self->keep_alive_ = false;
      self->finish(false);
    });
  }

  Worker& worker_;
  OriginRequest request_;
  std::shared_ptr<OriginFetchHandler> handler_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  std::string endpoint_key_;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  cache::ObjectRef sink_;
  http::ChunkedDecoder decoder_;
  http::BodyFraming framing_ = http::BodyFraming::kNone;
  std::uint64_t remaining_ = 0;
  std::uint64_t received_ = 0;  // bytes read from the origin, for usage
  bool reused_ = false;
  bool got_head_ = false;
  bool keep_alive_ = false;
  bool timed_out_ = false;
  bool done_ = false;
};

}  // namespace

void start_origin_fetch(Worker& worker, OriginRequest request,
                        std::shared_ptr<OriginFetchHandler> handler) {
  std::make_shared<OriginFetch>(worker, std::move(request), std::move(handler))->start();
}

}  // namespace candela::edge
