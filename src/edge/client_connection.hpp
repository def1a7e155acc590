// One client connection: reads requests, hands each to the request pipeline, writes responses
// (generated, or streamed from a cache object while it may still be filling).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cache/cache_object.hpp"
#include "edge/exchange_log.hpp"
#include "edge/response_plan.hpp"
#include "http/message.hpp"
#include "http/parser.hpp"

namespace candela::edge {

class Worker;
struct Property;

class ClientConnection : public std::enable_shared_from_this<ClientConnection> {
 public:
  ClientConnection(Worker& worker, boost::asio::ip::tcp::socket socket);
  ~ClientConnection();

  void start();
  // Graceful shutdown: close now if idle, otherwise after the response in progress.
  void on_drain();

  // Called by the worker's sweep: whether the current phase's deadline has passed, and the
  // action when it has (408 for a slow request, close otherwise).
  bool deadline_passed(std::chrono::steady_clock::time_point now) const {
    return deadline_armed_ && now >= deadline_;
  }
  void on_deadline();

  // --- for the request pipeline ---
  Worker& worker() { return worker_; }
  const http::RequestHead& request() const { return request_; }
  // From now on the request is served as a request for Host `alias`, a view into the same head
  // (routed host names, routed_host.hpp): origin Host, access log and metrics all see `alias`.
  void serve_as_host(std::string_view alias) { request_.host = alias; }
  std::string_view request_body() const { return request_body_; }
  const std::string& client_ip() const { return client_ip_; }
  std::uint16_t client_port() const { return client_port_; }
  // Whether the client reached us over TLS (https); plain HTTP is all the edge speaks today.
  bool secure() const { return secure_; }
  ExchangeLog& log() { return log_; }
  std::shared_ptr<const Property>& property() { return property_; }
  std::string& cache_key() { return cache_key_; }

  // Each request is answered by exactly one of these.
  void send_generated(int status, std::string_view body, std::string_view extra_fields = {},
                      std::string_view content_type = kPlainText);
  // Serves a stored (or filling) response to the current request: conditional requests, ranges
  // and HEAD are handled here. `cache_status` is the Cache-Status value (RFC 9211).
  void send_object(cache::ConstObjectRef object, std::string_view cache_status,
                   std::int64_t age_seconds);
  // Relays an origin response that is not served from cache (pass).
  void send_relayed(cache::ConstObjectRef object, std::string_view cache_status);
  // Runs `fn` on this connection's loop later, keeping the connection alive meanwhile.
  template <typename Fn>
  void post(Fn&& fn);
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }
  bool closed() const { return closed_; }

 private:
  enum class Phase : std::uint8_t { kIdle, kReadingHead, kReadingBody, kProcessing, kWriting };

  void read_more();
  void on_read(boost::system::error_code ec, std::size_t n);
  void try_parse();
  bool collect_body();
  void dispatch();
  void reject(http::ParseError error);

  void start_write();
  void write_step();
  void on_written(boost::system::error_code ec);
  void wait_for_body(std::uint64_t offset);
  void finish_response();
  void close();
  void arm_timer(Phase phase, std::chrono::milliseconds timeout);
  void disarm_timer() { deadline_armed_ = false; }

  Worker& worker_;
  boost::asio::ip::tcp::socket socket_;
  std::string client_ip_;
  std::uint16_t client_port_ = 0;
  bool secure_ = false;

  std::vector<char> in_;  // read buffer: the current request (and any pipelined bytes after it)
  std::size_t in_used_ = 0;
  http::RequestHead request_;
  std::string request_body_;
  http::ChunkedDecoder body_decoder_;
  std::size_t body_scanned_ = 0;   // bytes of in_ after the head already fed to body_decoder_
  std::size_t request_bytes_ = 0;  // head + body bytes of the current request in in_

  std::shared_ptr<const Property> property_;
  std::string cache_key_;
  ResponsePlan plan_;
  std::size_t piece_ = 0;         // index into plan_.pieces being written
  std::uint64_t piece_done_ = 0;  // bytes of that piece written
  bool head_sent_ = false;
  std::string chunk_prefix_;
  std::vector<boost::asio::const_buffer> out_;  // reused gather list

  ExchangeLog log_;
  Phase phase_ = Phase::kIdle;
  std::chrono::steady_clock::time_point deadline_{};
  Phase deadline_phase_ = Phase::kIdle;
  bool deadline_armed_ = false;
  bool keep_alive_ = true;
  bool drain_requested_ = false;
  bool closed_ = false;
};

template <typename Fn>
void ClientConnection::post(Fn&& fn) {
  boost::asio::post(socket_.get_executor(),
                    [self = shared_from_this(), f = std::forward<Fn>(fn)]() mutable { f(); });
}

}  // namespace candela::edge
