// Collapsed forwarding end to end: one origin request however many clients ask at once, waiting
// clients stream the body as it arrives, and uncacheable or failed fills release every waiter.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <thread>
#include <vector>

#include "edge_cache_helpers.hpp"

namespace candela::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct ClientResult {
  std::optional<HttpResponse> response;
  double seconds = 0;  // from the common start to the whole response
};

// `clients` threads each open a connection; once all are connected they send the request at
// the same moment and read the response.
std::vector<ClientResult> concurrent_gets(int port, const std::string& path, int clients,
                                          std::chrono::milliseconds timeout = 20s) {
  std::vector<ClientResult> results(static_cast<std::size_t>(clients));
  std::latch connected(clients);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(clients));
  Clock::time_point start;
  std::latch go(1);
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      std::unique_ptr<RawConnection> conn;
      try {
        conn = std::make_unique<RawConnection>(port);
      } catch (...) {
      }
      connected.count_down();
      go.wait();
      if (!conn || !conn->send(get_request(path, kCacheHost))) return;
      auto& r = results[static_cast<std::size_t>(i)];
      r.response = conn->read_response(false, timeout);
      r.seconds = seconds_between(start, Clock::now());
    });
  }
  connected.wait();
  start = Clock::now();
  go.count_down();
  for (auto& t : threads)
    t.join();
  return results;
}

// Reads one response with a Content-Length body from `fd`, noting when the first and the last
// body bytes arrived.
struct TimedResponse {
  std::string head;
  std::string body;
  Clock::time_point first_body_byte{};
  Clock::time_point last_body_byte{};
  bool complete = false;
};

TimedResponse read_timed(int fd, std::chrono::milliseconds timeout,
                         std::size_t stop_after_body_bytes = SIZE_MAX) {
  TimedResponse out;
  std::string buffer;
  std::size_t content_length = SIZE_MAX;
  const auto deadline = Clock::now() + timeout;
  char chunk[65536];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    const auto now = Clock::now();
    if (content_length == SIZE_MAX) {
      buffer.append(chunk, static_cast<std::size_t>(n));
      const auto end = buffer.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      out.head = buffer.substr(0, end + 4);
      const auto at = out.head.find("Content-Length: ");
      if (at == std::string::npos) break;
      content_length = std::stoul(out.head.substr(at + 16));
      out.body = buffer.substr(end + 4);
    } else {
      out.body.append(chunk, static_cast<std::size_t>(n));
    }
    if (!out.body.empty() && out.first_body_byte == Clock::time_point{}) {
      out.first_body_byte = now;
    }
    out.last_body_byte = now;
    if (out.body.size() >= content_length) {
      out.complete = out.body.size() == content_length;
      break;
    }
    if (out.body.size() >= stop_after_body_bytes) break;
  }
  return out;
}

// Reads exactly `count` more bytes (or fewer on timeout or close).
std::string read_raw(int fd, std::size_t count, std::chrono::milliseconds timeout) {
  std::string out;
  const auto deadline = Clock::now() + timeout;
  char chunk[65536];
  while (out.size() < count && Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, chunk, std::min(sizeof chunk, count - out.size()), 0);
    if (n <= 0) break;
    out.append(chunk, static_cast<std::size_t>(n));
  }
  return out;
}

// A fake origin that accepts connections, holds the first one for `hold` without answering,
// then closes it; later connections are closed at once. Counts connections.
class SilentOrigin {
 public:
  explicit SilentOrigin(std::chrono::milliseconds hold) : hold_(hold) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 64) != 0) {
      throw std::runtime_error("cannot listen");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~SilentOrigin() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      if (connections_.fetch_add(1) == 0) {
        const auto until = Clock::now() + hold_;
        while (!stop_ && Clock::now() < until)
          std::this_thread::sleep_for(10ms);
      }
      ::close(client);
    }
  }

  std::chrono::milliseconds hold_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(EdgeCollapsedForwarding, TwoHundredConcurrentClientsMakeOneOriginRequest) {
  OriginAndEdge cdn;
  const std::string path = "/_origin/bytes/100000/herd?delay_ms=1000&cc=max-age%3D60";
  auto results = concurrent_gets(cdn.edge.port(), path, 200);
  const std::string expected = origin_bytes(100000);
  int ok = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i].response;
    if (!r) {
      ADD_FAILURE() << "client " << i << " got no response";
      continue;
    }
    EXPECT_EQ(r->status, 200) << "client " << i;
    if (r->status == 200 && r->body == expected) ++ok;
  }
  EXPECT_EQ(ok, 200);
  EXPECT_EQ(cdn.origin.count(path), 1);
  EXPECT_EQ(cdn.origin.total(), 1);
  // And the object is now a plain hit.
  auto hit = cdn.get(path);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->header("Cache-Status"), "Candela; hit");
  EXPECT_EQ(cdn.origin.count(path), 1);
}

TEST(EdgeCollapsedForwarding, ClientsStreamTheBodyWhileTheOriginIsStillSending) {
  OriginAndEdge cdn;
  // 1,000,000 bytes at 500,000 bytes/s: the origin needs about two seconds for the body.
  constexpr std::size_t kSize = 1000000;
  const std::string path =
      "/_origin/bytes/" + std::to_string(kSize) + "/stream?throttle=500000&cc=max-age%3D60";
  const std::string expected = origin_bytes(kSize);

  RawConnection first(cdn.edge.port());
  const auto sent = Clock::now();
  ASSERT_TRUE(first.send(get_request(path, kCacheHost)));
  // Read the first client's body until about a fifth has arrived, then let a second client join.
  TimedResponse a = read_timed(first.fd(), 10s, kSize / 5);
  ASSERT_FALSE(a.body.empty()) << a.head;
  ASSERT_LT(a.body.size(), kSize) << "the whole body arrived before a second client could join";

  RawConnection second(cdn.edge.port());
  const auto second_sent = Clock::now();
  ASSERT_TRUE(second.send(get_request(path, kCacheHost)));
  TimedResponse b = read_timed(second.fd(), 15s);

  // Finish the first client: the rest of its body follows as raw bytes.
  const std::string a_body = a.body + read_raw(first.fd(), kSize - a.body.size(), 15s);
  EXPECT_TRUE(a_body == expected) << "first client got " << a_body.size() << " bytes";

  ASSERT_TRUE(b.complete) << b.head << " body bytes " << b.body.size();
  EXPECT_TRUE(b.body == expected) << "second client got a different body";
  EXPECT_NE(b.head.find("HTTP/1.1 200"), std::string::npos) << b.head;
  // The second client joined mid-fill and still got everything from the same origin request.
  EXPECT_EQ(cdn.origin.count(path), 1);

  const double first_byte = seconds_between(sent, a.first_body_byte);
  const double second_last = seconds_between(sent, b.last_body_byte);
  EXPECT_GE(second_last, 1.4) << "the origin body was not throttled as expected";
  EXPECT_LT(first_byte, 1.0) << "first body bytes waited for the origin";
  EXPECT_LT(first_byte * 3, second_last);
  EXPECT_LT(seconds_between(second_sent, b.first_body_byte), 1.0);
}

TEST(EdgeCollapsedForwarding, UncacheableResponseReleasesEveryWaiterAndLaterRequestsPass) {
  OriginAndEdge cdn;
  for (const std::string cc : {"private", "no-store"}) {
    const std::string path = "/_origin/bytes/20000/" + cc + "?delay_ms=500&cc=" + cc;
    const auto started = Clock::now();
    auto results = concurrent_gets(cdn.edge.port(), path, 8, 10s);
    const double elapsed = seconds_between(started, Clock::now());
    const std::string expected = origin_bytes(20000);
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i].response;
      ASSERT_TRUE(r) << cc << ": client " << i << " got no response";
      EXPECT_EQ(r->status, 200) << cc << ": client " << i;
      EXPECT_TRUE(r->body == expected) << cc << ": client " << i;
      EXPECT_EQ(r->header("Cache-Control"), cc);
    }
    // The leader's response, then one request per waiter (none may reuse a private answer);
    // waiters do not queue behind one another.
    EXPECT_EQ(cdn.origin.count(path), 8) << cc;
    EXPECT_LT(elapsed, 4.0) << cc << ": waiters stalled";

    const auto before = Clock::now();
    auto later = cdn.get(path);
    ASSERT_TRUE(later);
    EXPECT_EQ(later->status, 200);
    EXPECT_NE(later->header("Cache-Status").find("fwd="), std::string::npos)
        << later->header("Cache-Status");
    EXPECT_EQ(cdn.origin.count(path), 9) << cc;
    EXPECT_LT(seconds_between(before, Clock::now()), 3.0);
  }
}

TEST(EdgeCollapsedForwarding, StoppedOriginAnswersEveryWaiterWith502Promptly) {
  OriginAndEdge cdn;
  cdn.origin.stop();
  const auto started = Clock::now();
  auto results = concurrent_gets(cdn.edge.port(), "/down.txt", 20, 10s);
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].response) << "client " << i;
    EXPECT_EQ(results[i].response->status, 502) << "client " << i;
  }
  EXPECT_LT(seconds_between(started, Clock::now()), 5.0);
}

TEST(EdgeCollapsedForwarding, OriginThatFailsMidFillReleasesAllWaitersWith502) {
  SilentOrigin origin(800ms);
  EdgeServer edge(edge_config({property_json("silent", kCacheHost, origin.port())}));
  const auto started = Clock::now();
  auto results = concurrent_gets(edge.port(), "/hang.txt", 30, 10s);
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].response) << "client " << i;
    EXPECT_EQ(results[i].response->status, 502) << "client " << i;
    EXPECT_LT(results[i].seconds, 4.0) << "client " << i;
  }
  EXPECT_LT(seconds_between(started, Clock::now()), 5.0);
  // All thirty waited on one origin connection.
  EXPECT_EQ(origin.connections(), 1);
}

}  // namespace
}  // namespace candela::testing
