// Helpers shared by the edge HTTP, hostile-input and lifecycle integration tests: polling with
// deadlines, liveness checks, Prometheus text lookups and a scripted fake origin.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/candela_processes.hpp"
#include "support/http_client.hpp"

namespace candela::testing {

using namespace std::chrono_literals;

// Polls `condition` every 20 ms until it holds or `timeout` passes.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// True if a TCP connect to 127.0.0.1:port is refused right now.
inline bool connect_refused(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::close(fd);
  return rc != 0;
}

// The edge process is alive and answers a normal request for `alias` with 200 and `body`.
inline void expect_still_serving(EdgeServer& edge, const std::string& alias,
                                 const std::string& path, const std::string& body) {
  ASSERT_TRUE(edge.process().running()) << "the edge died:\n" << edge.process_log();
  auto r = http_get(edge.port(), path, alias);
  ASSERT_TRUE(r) << "no answer to a normal request after the hostile input";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, body);
}

// The value of the Prometheus sample whose name and labels are exactly `series`
// (e.g. `candela_edge_requests_total{property="p",cache_status="hit"}`), if present.
inline std::optional<double> metric_value(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

inline std::string metrics_text(int admin_port) {
  auto r = http_get(admin_port, "/metrics", "admin");
  return r && r->status == 200 ? r->body : std::string();
}

// A process's exit: 0 if it exited with status 0; otherwise the raw wait status (-1 on
// timeout), so a failure message shows something.
inline bool exited_zero(int wait_status) {
  return wait_status != -1 && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

// A scripted origin on a loopback port: answers every request head it reads with `response`
// (raw bytes, so a test can send fields `candela origin` refuses to), keeping the connection
// open. Request heads are recorded; request bodies are read along with them, unparsed. With
// `answers_per_connection` > 0, the request after that many answers on one connection is read
// and then the connection is closed without an answer (an origin closing an idle keep-alive
// connection just as the edge reuses it).
class FakeOrigin {
 public:
  explicit FakeOrigin(std::string response, int answers_per_connection = 0)
      : response_(std::move(response)), answers_per_connection_(answers_per_connection) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeOrigin() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  FakeOrigin(const FakeOrigin&) = delete;
  FakeOrigin& operator=(const FakeOrigin&) = delete;

  int port() const { return port_; }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  struct Client {
    int fd;
    std::string buffer;
    int answered = 0;
  };

  void run() {
    std::vector<Client> clients;
    while (!stop_) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (const auto& c : clients)
        fds.push_back({c.fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        Client& c = clients[i - 1];
        char buf[8192];
        ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n <= 0) {
          ::close(c.fd);
          c.fd = -1;
          continue;
        }
        c.buffer.append(buf, static_cast<std::size_t>(n));
        std::size_t end;
        while (c.fd >= 0 && (end = c.buffer.find("\r\n\r\n")) != std::string::npos) {
          {
            std::lock_guard lock(mu_);
            requests_.push_back(c.buffer.substr(0, end + 4));
          }
          c.buffer.erase(0, end + 4);
          if (answers_per_connection_ > 0 && c.answered == answers_per_connection_) {
            ::close(c.fd);
            c.fd = -1;
            break;
          }
          ::send(c.fd, response_.data(), response_.size(), MSG_NOSIGNAL);
          ++c.answered;
        }
      }
      std::erase_if(clients, [](const Client& cl) { return cl.fd < 0; });
      if (fds[0].revents & POLLIN) {
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) clients.push_back({fd, {}});
      }
    }
    for (const auto& c : clients)
      ::close(c.fd);
  }

  std::string response_;
  int answers_per_connection_ = 0;
  int listen_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace candela::testing
