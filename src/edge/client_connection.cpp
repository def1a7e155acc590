// Client connection I/O: strict request reading with limits and timeouts, then a write pump
// that streams a response plan, waiting on a filling body when it gets ahead of the origin.
#include "edge/client_connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

#include "edge/edge_runtime.hpp"
#include "edge/request_pipeline.hpp"
#include "edge/worker.hpp"

namespace candela::edge {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kInitialBuffer = 8 * 1024;
constexpr std::size_t kMaxGather = 8;  // buffers in one gather write, besides head and trailer
constexpr std::size_t kChunkPrefixCapacity = (kMaxGather + 1) * 20;

void append_hex(std::string& out, std::uint64_t v) {
  char buf[17];
  int i = 16;
  buf[i] = '\0';
  do {
    buf[--i] = "0123456789abcdef"[v & 0xf];
    v >>= 4;
  } while (v != 0);
  out.append(buf + i, static_cast<std::size_t>(16 - i));
}
}  // namespace

ClientConnection::ClientConnection(Worker& worker, asio::ip::tcp::socket socket)
    : worker_(worker), socket_(std::move(socket)) {
  boost::system::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) {
    client_ip_ = remote.address().to_string();
    client_port_ = remote.port();
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  in_.resize(kInitialBuffer);
  chunk_prefix_.reserve(kChunkPrefixCapacity);
  out_.reserve(kMaxGather + 4);
  worker_.attach(this);
  worker_.runtime().connection_opened();
}

ClientConnection::~ClientConnection() {
  worker_.detach(this);
  worker_.runtime().connection_closed();
}

void ClientConnection::start() {
  phase_ = Phase::kIdle;
  arm_timer(Phase::kIdle, worker_.runtime().limits().idle_timeout);
  read_more();
}

void ClientConnection::on_drain() {
  drain_requested_ = true;
  // A response not yet under way says "Connection: close", so the client does not send another
  // request on a connection that is about to end (RFC 9112 §9.6).
  if (phase_ != Phase::kWriting) keep_alive_ = false;
  if (phase_ == Phase::kIdle && in_used_ == 0) close();
}

void ClientConnection::read_more() {
  const auto& limits = worker_.runtime().limits();
  if (in_used_ == in_.size()) {
    // Grow for a large head or a request body; the limits were checked by the parser.
    const std::size_t cap = limits.max_header_bytes + limits.max_body_bytes + 4096;
    if (in_.size() >= cap) return reject(http::ParseError::kBodyTooLarge);
    in_.resize(std::min(cap, in_.size() * 2));
    if (phase_ == Phase::kReadingBody) {
      // The parsed head's views pointed into the old storage: parse the same bytes again so
      // they point into the new one (rare: only bodies larger than the buffer get here).
      const std::size_t head = request_.head_size;
      http::ParseLimits parse_limits{limits.max_request_line, limits.max_header_bytes,
                                     limits.max_header_count, limits.max_body_bytes};
      http::parse_request_head(std::string_view(in_.data(), head), parse_limits, request_);
    }
  }
  socket_.async_read_some(asio::buffer(in_.data() + in_used_, in_.size() - in_used_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                            self->on_read(ec, n);
                          });
}

void ClientConnection::on_read(boost::system::error_code ec, std::size_t n) {
  if (closed_) return;
  if (ec) return close();
  if (in_used_ == 0 && phase_ == Phase::kIdle) {
    // The header timeout runs from the first byte and is not extended by later bytes, so a
    // client that trickles its head (slowloris) is cut off.
    phase_ = Phase::kReadingHead;
    arm_timer(Phase::kReadingHead, worker_.runtime().limits().header_timeout);
    log_.started = std::chrono::steady_clock::now();
    log_.started_wall = std::chrono::system_clock::now();
  }
  in_used_ += n;
  if (phase_ == Phase::kReadingBody) {
    // The body may take longer than a head, but it must keep coming: a client that stops
    // sending it would otherwise hold the connection for ever.
    arm_timer(Phase::kReadingBody, worker_.runtime().limits().header_timeout);
    if (collect_body()) dispatch();
    return;
  }
  try_parse();
}

void ClientConnection::try_parse() {
  if (drain_requested_ && in_used_ == 0) return close();
  const auto& limits = worker_.runtime().limits();
  http::ParseLimits parse_limits{limits.max_request_line, limits.max_header_bytes,
                                 limits.max_header_count, limits.max_body_bytes};
  request_.clear();
  auto r = http::parse_request_head(std::string_view(in_.data(), in_used_), parse_limits, request_);
  if (r.status == http::ParseStatus::kIncomplete) {
    if (in_used_ > 0 && phase_ == Phase::kIdle) {
      phase_ = Phase::kReadingHead;
      arm_timer(Phase::kReadingHead, limits.header_timeout);
    }
    return read_more();
  }
  if (r.status == http::ParseStatus::kError) return reject(r.error);
  keep_alive_ = request_.keep_alive && !drain_requested_;
  request_body_.clear();
  body_decoder_.reset();
  body_scanned_ = 0;
  request_bytes_ = request_.head_size;
  if (request_.framing != http::BodyFraming::kNone) {
    phase_ = Phase::kReadingBody;
    arm_timer(Phase::kReadingBody, limits.header_timeout);
    if (request_.expect_continue && in_used_ == request_.head_size) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      boost::system::error_code ec;
      asio::write(socket_, asio::buffer(kContinue), ec);
    }
    if (!collect_body()) return;
  }
  dispatch();
}

// Moves request body bytes from the read buffer into request_body_. Returns true when the
// body is complete; otherwise it has already asked for more bytes (or rejected the request).
bool ClientConnection::collect_body() {
  const auto& limits = worker_.runtime().limits();
  const std::size_t head = request_.head_size;
  if (request_.framing == http::BodyFraming::kContentLength) {
    const std::uint64_t need = request_.content_length;
    if (in_used_ - head < need) {
      read_more();
      return false;
    }
    request_body_.assign(in_.data() + head, static_cast<std::size_t>(need));
    request_bytes_ = head + static_cast<std::size_t>(need);
    return true;
  }
  std::size_t consumed = 0;
  std::string_view fresh(in_.data() + head + body_scanned_, in_used_ - head - body_scanned_);
  auto result = body_decoder_.decode(
      fresh, consumed, [&](const char* p, std::size_t n) { request_body_.append(p, n); });
  body_scanned_ += consumed;
  if (result == http::ChunkedDecoder::Result::kError) {
    reject(http::ParseError::kBadRequest);
    return false;
  }
  if (request_body_.size() > limits.max_body_bytes) {
    reject(http::ParseError::kBodyTooLarge);
    return false;
  }
  if (result == http::ChunkedDecoder::Result::kDone) {
    request_bytes_ = head + body_scanned_;
    return true;
  }
  read_more();
  return false;
}

void ClientConnection::dispatch() {
  phase_ = Phase::kProcessing;
  disarm_timer();
  log_.reset();
  run_request_pipeline(*this);
}

void ClientConnection::reject(http::ParseError error) {
  // After a framing error the rest of the stream cannot be trusted: answer and close.
  keep_alive_ = false;
  request_.clear();  // not a request: the log shows no method or path
  log_.cache_status = "error";
  std::string body(http::describe(error));
  body += '\n';
  send_generated(http::status_for(error), body);
}

void ClientConnection::send_generated(int status, std::string_view body,
                                      std::string_view extra_fields,
                                      std::string_view content_type) {
  plan_.reset();
  PlanContext ctx{request_, keep_alive_, worker_.runtime().edge_id()};
  plan_generated(ctx, status, body, extra_fields, plan_, content_type);
  if (log_.cache_status.empty()) log_.cache_status = "none";
  start_write();
}

void ClientConnection::send_object(cache::ConstObjectRef object, std::string_view cache_status,
                                   std::int64_t age_seconds) {
  plan_.reset();
  PlanContext ctx{request_, keep_alive_, worker_.runtime().edge_id()};
  plan_object(ctx, std::move(object), cache_status, age_seconds, plan_);
  start_write();
}

void ClientConnection::send_relayed(cache::ConstObjectRef object, std::string_view cache_status) {
  plan_.reset();
  PlanContext ctx{request_, keep_alive_, worker_.runtime().edge_id()};
  plan_relayed(ctx, std::move(object), cache_status, plan_);
  start_write();
}

void ClientConnection::start_write() {
  if (closed_) return;
  phase_ = Phase::kWriting;
  keep_alive_ = plan_.keep_alive;
  log_.status = plan_.status;
  piece_ = 0;
  piece_done_ = 0;
  head_sent_ = false;
  log_.total_bytes = 0;
  arm_timer(Phase::kWriting, worker_.runtime().limits().send_timeout);
  write_step();
}

// Writes the head (once) plus as much body as is available now, in one gather write.
void ClientConnection::write_step() {
  out_.clear();
  if (!head_sent_) out_.emplace_back(asio::buffer(plan_.head));
  chunk_prefix_.clear();
  const cache::CacheObject* source = plan_.object.get();

  while (piece_ < plan_.pieces.size()) {
    const BodyPiece& p = plan_.pieces[piece_];
    if (!p.from_source) {
      if (piece_done_ == 0) {
        out_.emplace_back(asio::buffer(p.text));
        log_.body_bytes += p.text.size();
      }
      ++piece_;
      piece_done_ = 0;
      continue;
    }
    const std::uint64_t at = p.offset + piece_done_;
    const bool to_end = p.length == BodyPiece::kToEnd;
    if (!to_end && piece_done_ >= p.length) {
      ++piece_;
      piece_done_ = 0;
      continue;
    }
    auto run = source->readable(at);
    if (run.empty()) {
      if (source->failed()) {
        // The origin broke off mid-body: the client must not mistake a truncated body for a
        // whole one, so the connection closes without a terminating chunk.
        keep_alive_ = false;
        if (out_.empty()) return close();
        break;
      }
      if (to_end && source->complete() && at >= source->size()) {
        ++piece_;
        piece_done_ = 0;
        continue;
      }
      if (out_.empty()) return wait_for_body(at);
      break;  // write what we have, then come back and wait
    }
    std::uint64_t n = run.size();
    if (!to_end) n = std::min<std::uint64_t>(n, p.length - piece_done_);
    if (plan_.chunked) {
      const std::size_t start = chunk_prefix_.size();
      append_hex(chunk_prefix_, n);
      chunk_prefix_ += "\r\n";
      // chunk_prefix_ has capacity for every prefix of one step (reserved), so earlier
      // buffers pointing into it stay valid.
      out_.emplace_back(asio::buffer(chunk_prefix_.data() + start, chunk_prefix_.size() - start));
    }
    out_.emplace_back(asio::buffer(run.data(), static_cast<std::size_t>(n)));
    if (plan_.chunked) out_.emplace_back(asio::buffer("\r\n", 2));
    piece_done_ += n;
    log_.body_bytes += n;
    // One run per write keeps the gather list short; loop again only for small pieces.
    if (out_.size() > kMaxGather) break;
    if (to_end || piece_done_ < p.length) break;
  }
  const bool finished = piece_ >= plan_.pieces.size();
  if (finished && plan_.chunked) {
    static constexpr std::string_view kLastChunk = "0\r\n\r\n";
    out_.emplace_back(asio::buffer(kLastChunk));
  }
  if (out_.empty()) return finish_response();
  for (const auto& b : out_)
    log_.total_bytes += b.size();
  head_sent_ = true;
  // The send timeout bounds each write, not the whole response: a long download to a client
  // that keeps reading must not be cut off.
  arm_timer(Phase::kWriting, worker_.runtime().limits().send_timeout);
  asio::async_write(
      socket_, out_,
      [self = shared_from_this(), finished](boost::system::error_code ec, std::size_t) {
        if (ec) return self->close();
        if (finished) return self->finish_response();
        self->write_step();
      });
}

void ClientConnection::wait_for_body(std::uint64_t offset) {
  // The client has taken everything so far; the origin is slow, which the fill's own read
  // timeout bounds, so the send timeout does not run meanwhile.
  disarm_timer();
  // No read or write is pending now, so the loop holds this connection until the fill
  // appends, completes or fails (bounded by the fill's read timeout).
  worker_.park(shared_from_this());
  std::weak_ptr<ClientConnection> weak = weak_from_this();
  auto executor = socket_.get_executor();
  const bool waiting = plan_.object->subscribe(offset, [weak, executor]() {
    asio::post(executor, [weak]() {
      auto self = weak.lock();
      if (!self) return;
      self->worker_.unpark(self.get());
      if (!self->closed_) self->write_step();
    });
  });
  if (!waiting) {
    worker_.unpark(this);
    write_step();
  }
}

void ClientConnection::finish_response() {
  disarm_timer();
  worker_.runtime().record_exchange(*this);
  plan_.reset();
  property_.reset();
  if (!keep_alive_ || drain_requested_) return close();
  // Drop the bytes of the finished request; keep any pipelined bytes that followed it.
  const std::size_t rest = in_used_ - request_bytes_;
  if (rest > 0) std::memmove(in_.data(), in_.data() + request_bytes_, rest);
  in_used_ = rest;
  request_bytes_ = 0;
  request_.clear();
  phase_ = Phase::kIdle;
  if (in_used_ > 0) {
    log_.started = std::chrono::steady_clock::now();
    log_.started_wall = std::chrono::system_clock::now();
    phase_ = Phase::kReadingHead;
    arm_timer(Phase::kReadingHead, worker_.runtime().limits().header_timeout);
    return try_parse();
  }
  arm_timer(Phase::kIdle, worker_.runtime().limits().idle_timeout);
  read_more();
}

void ClientConnection::close() {
  if (closed_) return;
  closed_ = true;
  disarm_timer();
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  socket_.close(ec);
}

void ClientConnection::arm_timer(Phase phase, std::chrono::milliseconds timeout) {
  deadline_ = worker_.coarse_now() + timeout;
  deadline_phase_ = phase;
  deadline_armed_ = true;
}

void ClientConnection::on_deadline() {
  deadline_armed_ = false;
  if (closed_ || phase_ != deadline_phase_) return;
  if (phase_ == Phase::kReadingHead || phase_ == Phase::kReadingBody) {
    // RFC 9110 §15.5.9: tell the client why before closing.
    keep_alive_ = false;
    log_.cache_status = "error";
    request_.clear();
    send_generated(408, "Request timeout: the request was not received in time\n");
    return;
  }
  close();
}

}  // namespace candela::edge
