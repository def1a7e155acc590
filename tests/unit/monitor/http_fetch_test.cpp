// The monitor's HTTP client against loopback sockets: answers are read whatever their framing,
// and a refused or silent peer ends in an error within the timeout instead of a hang.
#include "monitor/http_fetch.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace candela::monitor {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A one-connection server on its own thread: reads the request head, then writes `answer`
// (nothing at all when empty, keeping the connection open until the test ends).
class OneShotServer {
 public:
  explicit OneShotServer(std::string answer)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        answer_(std::move(answer)) {
    thread_ = std::thread([this] {
      boost::system::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      asio::read_until(socket, asio::dynamic_buffer(request_), "\r\n\r\n", ec);
      if (!answer_.empty()) {
        asio::write(socket, asio::buffer(answer_), ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
        return;
      }
      while (!stop_)
        std::this_thread::sleep_for(10ms);
    });
  }
  ~OneShotServer() {
    stop_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }
  const std::string& request() const { return request_; }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::string answer_;
  std::string request_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

Result<FetchReply> fetch(const std::string& port, std::chrono::milliseconds timeout,
                         std::chrono::milliseconds* took = nullptr) {
  asio::io_context io;
  FetchRequest request;
  request.peer = {"127.0.0.1", port};
  request.target = "/metrics";
  request.timeout = timeout;
  std::optional<Result<FetchReply>> out;
  const auto start = std::chrono::steady_clock::now();
  async_fetch(io, request, [&](Result<FetchReply> r) { out.emplace(std::move(r)); });
  io.run();
  if (took) {
    *took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  }
  EXPECT_TRUE(out.has_value());
  return out ? std::move(*out) : Result<FetchReply>(Error{"no callback"});
}

TEST(HttpFetch, ReadsAChunkedAnswerAndSendsAnOrdinaryRequest) {
  OneShotServer server(
      "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\ndrain\r\n4\r\ning\n\r\n0\r\n\r\n");
  auto reply = fetch(server.port(), 2000ms);
  ASSERT_TRUE(reply) << reply.error();
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(reply->body, "draining\n");
  EXPECT_NE(server.request().find("GET /metrics HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(server.request().find("Connection: close"), std::string::npos);
}

TEST(HttpFetch, ReadsAnAnswerDelimitedByClose) {
  OneShotServer server("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nok\n");
  auto reply = fetch(server.port(), 2000ms);
  ASSERT_TRUE(reply) << reply.error();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "ok\n");
}

TEST(HttpFetch, ASilentPeerTimesOutInsteadOfHanging) {
  OneShotServer server("");
  std::chrono::milliseconds took{};
  auto reply = fetch(server.port(), 200ms, &took);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error_kind(), ErrorKind::kUnavailable);
  EXPECT_NE(reply.error().find("no answer within 200 ms"), std::string::npos) << reply.error();
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 1500ms);
}

TEST(HttpFetch, ARefusedConnectionIsAnError) {
  std::string port;
  {
    asio::io_context io;
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = std::to_string(probe.local_endpoint().port());
  }  // closed again: nothing listens there now
  auto reply = fetch(port, 1000ms);
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().find("cannot connect"), std::string::npos) << reply.error();
}

TEST(HttpFetch, AMalformedAnswerIsAnError) {
  OneShotServer server("NOT HTTP AT ALL\r\n\r\n");
  auto reply = fetch(server.port(), 1000ms);
  EXPECT_FALSE(reply);
}

}  // namespace
}  // namespace candela::monitor
