// OriginServer over real loopback sockets: files, sidecars, validators, ranges, control endpoints,
// exact counting under concurrency, HTTP/1.0 framing and stopping.
#include "origin/origin_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "support/process.hpp"

namespace candela::origin {
namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// One blocking client connection; enough to drive the server byte by byte.
class Client {
 public:
  explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  void send(const std::string& text) {
    ASSERT_EQ(::write(fd_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  // Reads until the peer closes (or the timeout): for Connection: close exchanges.
  std::string read_all() {
    std::string out;
    char buf[4096];
    for (;;) {
      const auto n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Reads one response framed by Content-Length (keep-alive exchanges).
  std::string read_response() {
    std::string out;
    char buf[4096];
    for (;;) {
      const auto head_end = out.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const auto cl = out.find("Content-Length: ");
        const std::size_t length =
            cl == std::string::npos || cl > head_end ? 0 : std::stoul(out.substr(cl + 16));
        if (out.size() >= head_end + 4 + length) return out;
      }
      const auto n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::string body_of(const std::string& response) {
  const auto pos = response.find("\r\n\r\n");
  return pos == std::string::npos ? std::string() : response.substr(pos + 4);
}

class OriginServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.path() + "/hello.txt", "hello world\n");
    write_file(dir_.path() + "/custom.txt", "custom\n");
    write_file(dir_.path() + "/custom.txt.hdr",
               "Cache-Control: no-cache\nSurrogate-Key: a b\n@status: 203\n");
    write_file(dir_.path() + "/chunky.txt", "0123456789");
    write_file(dir_.path() + "/chunky.txt.hdr", "@chunked: 1\n");
    OriginOptions options;
    options.listen.push_back({"127.0.0.1", 0});
    options.root = dir_.path();
    options.threads = 2;
    options.cache_control = "public, max-age=60";
    server_ = std::make_unique<OriginServer>(options);
    port_ = server_->ports().at(0);
    runner_ = std::thread([this] { exit_code_ = server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    runner_.join();
    EXPECT_EQ(exit_code_, 0);
  }

  std::string exchange(const std::string& request) {
    Client c(port_);
    EXPECT_TRUE(c.connected());
    c.send(request);
    return c.read_all();
  }
  std::string get(const std::string& target, const std::string& extra = "") {
    return exchange("GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" + extra +
                    "\r\n");
  }

  testing::TempDir dir_;
  std::unique_ptr<OriginServer> server_;
  std::uint16_t port_ = 0;
  std::thread runner_;
  int exit_code_ = -1;
};

TEST_F(OriginServerTest, ServesAFileWithValidatorsAndCacheControl) {
  const auto r = get("/hello.txt");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Length: 12\r\n"), std::string::npos);
  EXPECT_NE(r.find("Cache-Control: public, max-age=60\r\n"), std::string::npos);
  EXPECT_NE(r.find("ETag: \""), std::string::npos);
  EXPECT_NE(r.find("Last-Modified: "), std::string::npos);
  EXPECT_NE(r.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_EQ(body_of(r), "hello world\n");
}

TEST_F(OriginServerTest, RevalidationWithTheETagGives304WithoutBody) {
  const auto first = get("/hello.txt");
  const auto at = first.find("ETag: ") + 6;
  const auto etag = first.substr(at, first.find("\r\n", at) - at);
  const auto r = get("/hello.txt", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 304 ", 0), 0u) << r;
  EXPECT_EQ(body_of(r), "");
}

TEST_F(OriginServerTest, SidecarSetsStatusAndOverridesHeaders) {
  const auto r = get("/custom.txt");
  EXPECT_EQ(r.rfind("HTTP/1.1 203 ", 0), 0u) << r;
  EXPECT_NE(r.find("Cache-Control: no-cache\r\n"), std::string::npos);
  EXPECT_EQ(r.find("max-age=60"), std::string::npos);
  EXPECT_NE(r.find("Surrogate-Key: a b\r\n"), std::string::npos);
  EXPECT_EQ(get("/custom.txt.hdr").rfind("HTTP/1.1 404 ", 0), 0u);
}

TEST_F(OriginServerTest, SidecarChunkedSendsAChunkedBody) {
  const auto r = get("/chunky.txt");
  EXPECT_NE(r.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << r;
  EXPECT_EQ(r.find("Content-Length"), std::string::npos);
  EXPECT_EQ(body_of(r), "a\r\n0123456789\r\n0\r\n\r\n");
}

TEST_F(OriginServerTest, ChunkedBodyToHttp10IsDelimitedByClose) {
  const auto r = exchange("GET /chunky.txt HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.find("Transfer-Encoding"), std::string::npos) << r;
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(body_of(r), "0123456789");
}

TEST_F(OriginServerTest, RangesGive206And416) {
  const auto r = get("/hello.txt", "Range: bytes=6-10\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 206 ", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Range: bytes 6-10/12\r\n"), std::string::npos);
  EXPECT_EQ(body_of(r), "world");
  const auto bad = get("/hello.txt", "Range: bytes=50-\r\n");
  EXPECT_EQ(bad.rfind("HTTP/1.1 416 ", 0), 0u) << bad;
  EXPECT_NE(bad.find("Content-Range: bytes */12\r\n"), std::string::npos);
}

TEST_F(OriginServerTest, TraversalIsRefused) {
  EXPECT_EQ(get("/../etc/passwd").rfind("HTTP/1.1 400 ", 0), 0u);
  EXPECT_EQ(get("/%2e%2e/%2e%2e/etc/passwd").rfind("HTTP/1.1 400 ", 0), 0u);
  EXPECT_EQ(get("/missing").rfind("HTTP/1.1 404 ", 0), 0u);
}

TEST_F(OriginServerTest, HeadHasTheLengthButNoBody) {
  const auto r = exchange("HEAD /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_NE(r.find("Content-Length: 12\r\n"), std::string::npos) << r;
  EXPECT_EQ(body_of(r), "");
}

TEST_F(OriginServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Client c(port_);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    c.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(body_of(c.read_response()), "hello world\n");
  }
}

TEST_F(OriginServerTest, BytesEndpointHonoursQueryOptions) {
  const auto r = get("/_origin/bytes/70/x?cc=max-age%3D5");
  EXPECT_NE(r.find("Cache-Control: max-age=5\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("ETag: \"bytes-46\"\r\n"), std::string::npos);
  EXPECT_EQ(body_of(r), "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_012345");
  const auto chunked = get("/_origin/bytes/3?chunked=1");
  EXPECT_EQ(body_of(chunked), "3\r\n012\r\n0\r\n\r\n");
}

TEST_F(OriginServerTest, StatusEndpointAnswersTheAskedStatus) {
  const auto r = get("/_origin/status/418?cc=no-store");
  EXPECT_EQ(r.rfind("HTTP/1.1 418 ", 0), 0u) << r;
  EXPECT_NE(r.find("Cache-Control: no-store\r\n"), std::string::npos);
  EXPECT_EQ(get("/_origin/status/42").rfind("HTTP/1.1 400 ", 0), 0u);
}

TEST_F(OriginServerTest, EchoReportsRequestLineAndHeadersAsReceived) {
  const auto r = get("/_origin/echo?q=1", "Via: 1.1 edge\r\nX-Forwarded-For: 10.0.0.1\r\n");
  const auto j = nlohmann::json::parse(body_of(r));
  EXPECT_EQ(j["request_line"], "GET /_origin/echo?q=1 HTTP/1.1");
  const auto& headers = j["headers"];
  ASSERT_EQ(headers.size(), 4u);
  EXPECT_EQ(headers[2][0], "Via");
  EXPECT_EQ(headers[2][1], "1.1 edge");
  EXPECT_EQ(headers[3][0], "X-Forwarded-For");
}

TEST_F(OriginServerTest, StatsCountEveryNonControlRequestExactly) {
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([this] {
      for (int i = 0; i < kEach; ++i)
        get("/hello.txt");
    });
  }
  for (auto& c : clients)
    c.join();
  get("/_origin/bytes/1?v=2");
  const auto stats = nlohmann::json::parse(body_of(get("/_origin/stats")));
  EXPECT_EQ(stats["requests"], kThreads * kEach + 1);
  EXPECT_EQ(stats["by_path"]["/hello.txt"], kThreads * kEach);
  EXPECT_EQ(stats["by_path"]["/_origin/bytes/1?v=2"], 1);

  const auto reset = exchange(
      "POST /_origin/reset HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reset.rfind("HTTP/1.1 200 ", 0), 0u) << reset;
  EXPECT_EQ(body_of(get("/_origin/stats?by_path=0")), "{\"requests\":0}\n");
}

TEST_F(OriginServerTest, MalformedRequestGets400) {
  const auto r = exchange("NOT A REQUEST\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 400 ", 0), 0u) << r;
}

}  // namespace
}  // namespace candela::origin
