// The poller: first answering monitor wins, bad answers are skipped, the last good state stays.
#include "router/state_poller.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "routing_fixtures.hpp"

namespace candela::router {
namespace {

// A one-thread HTTP server on 127.0.0.1 answering every request with `body` (or a status).
class FakeMonitor {
 public:
  FakeMonitor() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 16);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeMonitor() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void answer(int status, std::string body) {
    std::lock_guard lock(mu_);
    status_ = status;
    body_ = std::move(body);
  }
  int requests() const { return requests_; }

 private:
  void serve() {
    while (!stopping_) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      char buffer[4096];
      std::string in;
      while (in.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        in.append(buffer, static_cast<std::size_t>(n));
      }
      ++requests_;
      std::string out;
      {
        std::lock_guard lock(mu_);
        out = "HTTP/1.1 " + std::to_string(status_) +
              " X\r\nContent-Length: " + std::to_string(body_.size()) +
              "\r\nConnection: close\r\n\r\n" + body_;
      }
      if (in.rfind("GET /state ", 0) != 0) out = "HTTP/1.1 404 X\r\nContent-Length: 0\r\n\r\n";
      ::send(client, out.data(), out.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  int status_ = 200;
  std::string body_;
};

std::string state_json(const std::string& monitor, const std::string& address, bool available) {
  return R"({"monitor_id":")" + monitor + R"(","sequence":1,"cdn_domain":"cdn.candela.test",
    "edges":[{"edge_id":"edge-a","cache_group":"lon1","role":"edge","address":")" +
         address + R"(","state":"up","available":)" + (available ? "true" : "false") +
         R"(}],"services":["AB12CD34E"]})";
}

class StatePollerTest : public ::testing::Test {
 protected:
  std::unique_ptr<StatePoller> poller(const std::vector<std::string>& urls) {
    std::vector<MonitorUrl> monitors;
    for (const auto& u : urls)
      monitors.push_back(parse_monitor_url(u).value());
    return std::make_unique<StatePoller>(monitors, std::chrono::milliseconds(300),
                                         testing::test_zone(), state_, counters_);
  }
  RoutingState state_;
  metrics::Registry registry_;
  RouterMetrics counters_{registry_};
};

TEST_F(StatePollerTest, UsesTheFirstMonitorThatAnswersAndKeepsTheLastGoodState) {
  FakeMonitor first;
  FakeMonitor second;
  first.answer(500, "oops");
  second.answer(200, state_json("monitor-2", "127.0.0.2:8081", true));
  auto p = poller({"http://127.0.0.1:1", first.url(), second.url()});
  EXPECT_EQ(state_.current(), nullptr);
  ASSERT_TRUE(p->poll_once());
  ASSERT_NE(state_.current(), nullptr);
  EXPECT_EQ(state_.current()->monitor_id(), "monitor-2");
  EXPECT_EQ(state_.current()->edges()[0].host, "127.0.0.2");
  const auto version = state_.version();

  // Unchanged routing publishes nothing new.
  ASSERT_TRUE(p->poll_once());
  EXPECT_EQ(state_.version(), version);

  // The first monitor recovers: it is preferred again.
  first.answer(200, state_json("monitor-1", "127.0.0.1:8081", false));
  ASSERT_TRUE(p->poll_once());
  EXPECT_EQ(state_.current()->monitor_id(), "monitor-1");
  EXPECT_EQ(state_.current()->candidate_count(), 0u);

  // Nobody answers well: the last good table stays in use.
  first.answer(200, "{not json");
  second.answer(503, "");
  EXPECT_FALSE(p->poll_once());
  EXPECT_EQ(state_.current()->monitor_id(), "monitor-1");
  EXPECT_GE(counters_.polls_failed.value(), 1u);
}

TEST_F(StatePollerTest, PollsInTheBackgroundUntilStopped) {
  FakeMonitor monitor;
  monitor.answer(200, state_json("monitor-1", "127.0.0.1:8081", true));
  auto p = poller({monitor.url()});
  p->start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (monitor.requests() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  p->stop();
  EXPECT_GE(monitor.requests(), 3);
  EXPECT_NE(state_.current(), nullptr);
}

TEST(MonitorUrl, ParsesBaseUrls) {
  const auto url = parse_monitor_url("http://127.0.0.1:9300/base/").value();
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 9300);
  EXPECT_EQ(url.base_path, "/base");
  EXPECT_EQ(parse_monitor_url("http://[::1]:9300")->host, "::1");
  EXPECT_FALSE(parse_monitor_url("https://x:1").ok());
  EXPECT_FALSE(parse_monitor_url("http://x:99999").ok());
}

}  // namespace
}  // namespace candela::router
