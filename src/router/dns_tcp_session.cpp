// One DNS TCP connection: answers every whole message in the buffer, then reads on.
#include "router/dns_tcp_session.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#include "router/accept_loop.hpp"
#include "router/serving_thread.hpp"

namespace candela::router {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(10);
constexpr std::size_t kBufferSize = 2 + 65535;

class DnsTcpSession : public std::enable_shared_from_this<DnsTcpSession> {
 public:
  DnsTcpSession(ServingThread& thread, tcp::socket socket)
      : thread_(thread), socket_(std::move(socket)), timer_(thread.io) {
    in_.resize(kBufferSize);
    boost::system::error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    if (!ec) {
      if (const auto ip = ip_from_sockaddr(peer.data())) client_ = *ip;
    }
  }

  void start() {
    arm_timer();
    read();
  }

 private:
  void arm_timer() {
    timer_.expires_after(kIdleTimeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->close();
    });
  }

  void read() {
    socket_.async_read_some(
        asio::buffer(in_.data() + used_, in_.size() - used_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (ec) return self->close();
          self->used_ += n;
          self->process();
        });
  }

  void process() {
    std::size_t offset = 0;
    while (used_ - offset >= 2) {
      const auto* p = reinterpret_cast<const std::uint8_t*>(in_.data() + offset);
      const std::size_t length = static_cast<std::size_t>(p[0] << 8 | p[1]);
      if (used_ - offset - 2 < length) break;
      const std::string_view query(in_.data() + offset + 2, length);
      if (thread_.dns.respond(query, client_, /*tcp=*/true, reply_)) {
        out_.push_back(static_cast<char>(reply_.size() >> 8));
        out_.push_back(static_cast<char>(reply_.size() & 0xff));
        out_ += reply_;
      }
      offset += 2 + length;
    }
    if (offset > 0) {
      std::memmove(in_.data(), in_.data() + offset, used_ - offset);
      used_ -= offset;
    }
    if (out_.empty()) return read();
    arm_timer();
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->out_.clear();
                        self->read();
                      });
  }

  void close() {
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
  }

  ServingThread& thread_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  IpAddress client_;
  std::string in_;
  std::size_t used_ = 0;
  std::string reply_;
  std::string out_;
};

}  // namespace

void start_dns_tcp_accept(ServingThread& thread, tcp::acceptor& acceptor) {
  accept_sessions<DnsTcpSession>(thread, acceptor);
}

}  // namespace candela::router
