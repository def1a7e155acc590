// Per-loop state: pooled origin connections and the client connections to drain on shutdown.
#include "edge/worker.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "edge/client_connection.hpp"
#include "edge/edge_runtime.hpp"

namespace candela::edge {

namespace {

// Whether an idle origin connection can carry a request: the origin may have closed it (or,
// misbehaving, sent bytes) while it sat in the pool. Noticing this before sending matters for
// requests that cannot be retried on a fresh connection, such as POST.
bool still_idle(boost::asio::ip::tcp::socket& socket) {
  char byte;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

Worker::Worker(EdgeRuntime& runtime, unsigned index) : runtime_(runtime), index_(index) {}

Worker::~Worker() {
  // Release parked connections while their sockets' loop still exists.
  auto parked = std::move(parked_);
  parked.clear();
}

void Worker::park(std::shared_ptr<ClientConnection> c) {
  ClientConnection* key = c.get();
  parked_.emplace(key, std::move(c));
}

std::shared_ptr<ClientConnection> Worker::unpark(ClientConnection* c) {
  auto it = parked_.find(c);
  if (it == parked_.end()) return nullptr;
  auto held = std::move(it->second);
  parked_.erase(it);
  return held;
}

void Worker::start_sweeping() {
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    sweep();
    start_sweeping();
  });
}

void Worker::sweep() {
  coarse_now_ = std::chrono::steady_clock::now();
  expired_.clear();
  for (auto* c : connections_) {
    if (c->deadline_passed(coarse_now_)) expired_.push_back(c->weak_from_this());
  }
  // Handled after the scan: a timeout may close a connection and change the set.
  for (auto& weak : expired_) {
    if (auto c = weak.lock()) c->on_deadline();
  }
  expired_.clear();
}

boost::asio::ip::tcp::socket Worker::take_pooled(const std::string& endpoint, bool& found) {
  auto it = idle_origin_.find(endpoint);
  while (it != idle_origin_.end() && !it->second.empty()) {
    auto socket = std::move(it->second.back());
    it->second.pop_back();
    if (socket.is_open() && still_idle(socket)) {
      found = true;
      return socket;
    }
    boost::system::error_code ec;
    socket.close(ec);
  }
  found = false;
  return boost::asio::ip::tcp::socket(io_);
}

void Worker::give_back(const std::string& endpoint, boost::asio::ip::tcp::socket socket) {
  auto& idle = idle_origin_[endpoint];
  if (idle.size() >= kMaxIdlePerOrigin || draining_) {
    boost::system::error_code ec;
    socket.close(ec);
    return;
  }
  idle.push_back(std::move(socket));
}

void Worker::detach(ClientConnection* c) {
  connections_.erase(c);
  if (draining_ && connections_.empty()) runtime_.on_worker_drained(*this);
}

void Worker::begin_drain() {
  draining_ = true;
  for (auto& [endpoint, sockets] : idle_origin_) {
    for (auto& s : sockets) {
      boost::system::error_code ec;
      s.close(ec);
    }
  }
  idle_origin_.clear();
  // Copy: closing an idle connection detaches it from the set.
  std::vector<ClientConnection*> current(connections_.begin(), connections_.end());
  for (auto* c : current)
    c->on_drain();
  if (connections_.empty()) runtime_.on_worker_drained(*this);
}

}  // namespace candela::edge
